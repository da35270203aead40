// Delivery: the rules table, decideDelivery, SDK profiles and the queues (offline store, throttle).
export * from './sources.js';
export * from './delivery-conditions.js';
export * from './platform-rules.js';
export * from './sdk-rules.js';
export * from './sdk-version.js';
export * from './decide-delivery.js';
export * from './rules-table.js';
export * from './rules-markdown.js';
export * from './offline-store.js';
export * from './silent-push-throttle.js';
export * from './stages.js';
export * from './pipeline-rules.js';
export * from './vendor-rules.js';
export * from './live-activity-facts.js';
