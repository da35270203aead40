// pushsim's own senders: APNs over HTTP/2 and FCM over HTTPS, as a backend would send (used by `pushsim push` and
// scenarios).
export * from './apns-sender.js';
export * from './fcm-sender.js';
export * from './http2-wrapper-module.js';
