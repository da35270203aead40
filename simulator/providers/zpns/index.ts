// The ZPNs provider: ZEGO's push strategies, ZIM logins and sends, routed through the one delivery pipeline (APNs, FCM
// or a vendor channel).
export * from './push-strategies.js';
export * from './zim-config.js';
export * from './zim-sessions.js';
export * from './zpns-payload.js';
export * from './zpns-service.js';
export * from './zpns-provider.js';
export * from './zpns-module.js';
export * from './zim-scenario-step.js';
