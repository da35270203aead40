// TLS for the services: the simulator's CA and server certificate, and Apple's push-certificate extensions.
export * from './certificate-authority.js';
export * from './apple-push-extensions.js';
