// Broadcast push for Live Activities (iOS 18): Apple's channel management API on its own ports and broadcast sends on
// the APNs ports, delivered to every activity subscribed to a channel. Facts: docs/reference/apns-broadcast.md.
export * from './broadcast-reasons.js';
export * from './broadcast-channels.js';
export * from './broadcast-activities.js';
export * from './broadcast-rules.js';
export * from './broadcast-send.js';
export * from './channel-management-server.js';
export * from './broadcast-service.js';
export * from './broadcast-control-routes.js';
export * from './channel-endpoints.js';
export * from './broadcast-scenario-step.js';
