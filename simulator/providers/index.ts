// The push services as modules behind one interface (service-module.ts), the list of them (services.ts), and what they
// share: the CA, fault injection.
export * from './service-module.js';
export * from './services.js';
export * from './fault-injection.js';
export { loadCertificateAuthority, type CertificateAuthority, type PemPair } from './tls/index.js';
