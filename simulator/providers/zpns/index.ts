// The ZPNs provider: ZEGO's push strategies, ZIM logins and sends, routed through the APNs, FCM and vendor rules.
export * from './push-strategies.js';
export * from './zim-config.js';
export * from './zim-sessions.js';
export * from './zpns-payload.js';
export * from './vendor-rules.js';
export * from './zpns-service.js';
export * from './zpns-provider.js';
