// The core model: registry and ledger (interfaces, with their in-memory stores), clock and event bus.
// Nothing here knows HTTP or xstate.
export * from './clock.js';
export * from './duration.js';
export * from './event-bus.js';
export * from './device.js';
export * from './installed-app.js';
export * from './push.js';
export * from './fate.js';
export * from './ledger.js';
export * from './in-memory-ledger-store.js';
export * from './compact-ledger-store.js';
export * from './ledger-age-sweep.js';
export * from './registry.js';
export * from './in-memory-registry-store.js';
export * from './simulator-events.js';
export * from './simulator-error.js';
export * from './error-codes.js';
export * from './parse-input.js';
export * from './json-budget.js';
export * from './token-issuer.js';
export * from './seeded-random.js';
