// Builds the control plane as an express app without listening, so tests can drive it in-process or on a port.
import express, { type Express, type Router } from 'express';
import type { Simulation } from '../engine/index.js';
import { devicesRoutes } from './devices-routes.js';
import { appsRoutes } from './apps-routes.js';
import { pushesRoutes } from './pushes-routes.js';
import { serviceRoutes, type EndpointInfo } from './service-routes.js';
import { errorHandler, sendError } from './http-errors.js';

export interface ControlAppOptions {
  endpoints: () => EndpointInfo[];
  version: string;
  /** Routes of the wire providers (keys, faults, certificates), mounted under /api. */
  routers?: Router[];
}

export function createControlApp(sim: Simulation, options: ControlAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '1mb', strict: true, type: () => true }));
  app.use('/api', serviceRoutes(sim, options.endpoints, options.version));
  app.use('/api', devicesRoutes(sim));
  app.use('/api', appsRoutes(sim));
  app.use('/api', pushesRoutes(sim));
  for (const router of options.routers ?? []) app.use('/api', router);
  app.get('/', (_req, res) => { res.type('text/plain').send(`pushsim ${options.version}: the control API is under /api (try /api/health, /api/endpoints, /api/rules)\n`); });
  app.use((req, res) => { sendError(res, 404, 'NOT_FOUND', `no route ${req.method} ${req.path}; GET /api/endpoints lists what pushsim serves`); });
  app.use(errorHandler);
  return app;
}
