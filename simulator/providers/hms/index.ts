// The HMS provider: Huawei Push Kit's server API (OAuth, messages:send, topics) in front of the simulator.
export * from './hms-errors.js';
export * from './hms-auth.js';
export * from './hms-message.js';
export * from './hms-topics.js';
export * from './hms-token.js';
export * from './hms-push.js';
export * from './hms-server.js';
export * from './hms-provider.js';
export * from './hms-sender.js';
export * from './hms-rules.js';
export * from './hms-control-routes.js';
export * from './hms-module.js';
export * from './hms-scenario-step.js';
export * from './hms-cli-sender.js';
