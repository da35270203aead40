// App lifecycles: one xstate machine per platform, driven by pure transitions over states stored as data.
export * from './ios-app.machine.js';
export * from './android-app.machine.js';
export * from './app-lifecycle.js';
export * from './lifecycle-chart.js';
