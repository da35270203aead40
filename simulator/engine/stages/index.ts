// The stages of the delivery pipeline, in the order PushRouter runs them (ARCHITECTURE.md, "The path of one push").
export * from './pipeline-context.js';
export * from './resolve-token.js';
export * from './expiry.js';
export * from './offline-hold.js';
export * from './throttle.js';
export * from './decide.js';
export * from './defer.js';
export * from './wake.js';
export * from './hand-over.js';
export * from './settle.js';
