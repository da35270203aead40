// The engine: the Simulation core that wires registry, lifecycles, delivery rules and the ledger together.
export * from './app-connection.js';
export * from './heap-release.js';
export * from './lifecycle-driver.js';
export * from './push-router.js';
export * from './simulation.js';
export * from './push-resend.js';
