// The FCM provider: Google's HTTP v1 API, OAuth and topic management in front of the simulator.
export * from './fcm-errors.js';
export * from './fcm-condition.js';
export * from './fcm-message.js';
export * from './fcm-auth.js';
export * from './fcm-topics.js';
export * from './fcm-push.js';
export * from './fcm-server.js';
export * from './fcm-provider.js';
export * from './fcm-module.js';
export * from './fcm-scenario-step.js';
export * from './fcm-cli-sender.js';
