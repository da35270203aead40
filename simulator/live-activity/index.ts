// Live Activities on the simulated iPhones (ActivityKit): activities, their push and push-to-start tokens, their dates
// on the clock, and what an ActivityKit push does to them (docs/reference/live-activities.md).
export * from './activity.js';
export * from './content-state-decoding.js';
export * from './update-budget.js';
export * from './live-activities.js';
