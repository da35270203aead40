// The APNs provider: Apple's HTTP/2 provider API in front of the simulator.
export * from './apns-reasons.js';
export * from './apns-keys.js';
export * from './apns-request.js';
export * from './apns-auth.js';
export * from './apns-server.js';
export * from './apns-provider.js';
export * from './apns-module.js';
export * from './apns-scenario-step.js';
