// Redirecting an unmodified backend's push traffic (Apple's and Google's hosts) to the simulator.
export * from './host-redirect.js';
