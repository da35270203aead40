// The control plane: REST API, ws event feed and the dashboard page, all over one Simulation.
export * from './control-app.js';
export * from './control-guard.js';
export { DASHBOARD_BUILD_HINT, dashboardFolder } from './dashboard-static.js';
export * from './event-feed.js';
export * from './scenario-runs-loader.js';
export type { EndpointInfo } from './service-routes.js';
export * from './shim-gateway.js';
export * from '../shim-protocol/index.js';
