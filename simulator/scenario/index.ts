// Scenarios: the file format and schema, the loader, the runner and its reporters.
export * from './scenario-schema.js';
export * from './scenario-error.js';
export * from './scenario-loader.js';
export * from './scenario-executor.js';
export * from './scenario-runner.js';
export * from './junit-reporter.js';
export * from './ledger-lines.js';
export * from './scenario-reference.js';
export * from './scenario-library.js';
export * from './scenario-runs.js';
export * from './step-title.js';
