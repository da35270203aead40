// Builds the control plane as an express app without listening, so tests can drive it in-process or on a port.
import express, { type Express, type Router } from 'express';
import { ErrorCodes, jsonBudgetProblem } from '../core/index.js';
import type { IncomingMessage } from 'node:http';
import { ControlGuard, readsAsJson } from './control-guard.js';
import type { Simulation } from '../engine/index.js';
import { devicesRoutes } from './devices-routes.js';
import { appsRoutes } from './apps-routes.js';
import { pushesRoutes } from './pushes-routes.js';
import { scenarioRunsRoutes } from './scenario-runs-routes.js';
import type { ScenarioRunsLoader } from './scenario-runs-loader.js';
import { activitiesRoutes } from './activities-routes.js';
import { serviceRoutes, type EndpointInfo } from './service-routes.js';
import { JSON_TOO_DEEP_TYPE, errorHandler, sendError } from './http-errors.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { dashboardRoutes } from './dashboard-static.js';
import { packageRoot } from '../package-root.js';
import { referenceDocsRoutes } from './reference-docs.js';
import { join } from 'node:path';
import { SERVICES, type ServiceModule } from '../providers/index.js';
import { Recordings } from '../recording/index.js';
import { recordingRoutes } from './recording-routes.js';

export interface ControlAppOptions {
  endpoints: () => EndpointInfo[];
  version: string;
  /** The CA certificate (PEM) clients trust for the services' TLS endpoints, served at GET /api/ca.pem. */
  caPem?: string;
  /** Routes of the service modules (keys, faults, certificates), mounted under /api. */
  routers?: Router[];
  /** The service modules whose routes those are, for GET /api/openapi.json (the built-in services by default). */
  services?: readonly ServiceModule[];
  /** Host, Origin, token and content-type checks (control-guard.ts); loopback-only, no token, by default. */
  guard?: ControlGuard;
  /** The session recordings (POST /api/recordings); startSimulator() passes its own, with the services' setup. */
  recordings?: Recordings;
  /** The scenario runs' loader (POST /api/scenarios/runs); startSimulator() passes its own, to wait on it in close(). */
  scenarioRuns?: ScenarioRunsLoader;
  /** The built dashboard's folder (dist/dashboard of the package by default). */
  dashboardFolder?: string;
}

export function createControlApp(sim: Simulation, options: ControlAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Every route is spelled in lower case: `/API/devices` is no other name for `/api/devices` (a 404, as the page's
  // links and the OpenAPI document never spell it so), the way control-guard.ts's allow-list reads paths too.
  app.set('case sensitive routing', true);
  app.use((options.guard ?? new ControlGuard()).middleware());
  app.use(
    express.json({
      limit: '1mb',
      strict: true,
      type: (req) => readsAsJson(req as IncomingMessage),
      // Refused here, before any route stores it: a body deep enough to overflow JSON.stringify would break every read
      // route (GET /api/pushes) that later writes it back out.
      verify: (_req, _res, buffer) => {
        if (buffer.length === 0) return;
        const problem = jsonBudgetProblem(safeParse(buffer));
        // A plain error with a type: body-parser writes the raw body over the error's `body` member.
        if (problem)
          throw Object.assign(
            new Error(`the request body ${problem}; send a flatter body (no route needs that much nesting)`),
            { type: JSON_TOO_DEEP_TYPE },
          );
      },
    }),
  );
  // Built on first request: a few ms of schema conversion that most simulators (one per test) never need.
  let openApi: ReturnType<typeof buildOpenApiDocument> | undefined;
  // The banner prints …/api as the control URL, so /api itself says where to go.
  app.get('/api', (req, res) => {
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}/api`;
    res.json({
      name: 'pushsim',
      version: options.version,
      description: 'control API of the push-service simulator (APNs, FCM, Huawei Push Kit, ZPNs)',
      links: {
        health: `${base}/health`,
        endpoints: `${base}/endpoints`,
        rules: `${base}/rules`,
        openapi: `${base}/openapi.json`,
        events: `${base.replace(/^http/, 'ws')}/events`,
      },
      docs: {
        controlApi: 'docs/control-api.md',
        deliveryRules: 'docs/delivery-rules.md',
        scenarios: 'docs/scenarios.md',
      },
    });
  });
  app.get('/api/openapi.json', (req, res) => {
    openApi ??= buildOpenApiDocument(options.version, options.services);
    res.json({ ...openApi, servers: [{ url: `${req.protocol}://${req.get('host') ?? 'localhost'}` }] });
  });
  app.use('/api', serviceRoutes(sim, options.endpoints, options.version));
  app.use('/api', devicesRoutes(sim));
  app.use('/api', appsRoutes(sim));
  app.use('/api', pushesRoutes(sim, options.services ?? SERVICES));
  app.use('/api', scenarioRunsRoutes(sim, options.scenarioRuns));
  app.use('/api', recordingRoutes(options.recordings ?? new Recordings(sim)));
  app.use('/api', activitiesRoutes(sim));
  // The control plane serves the CA, not a service: it is there whichever services are on.
  app.get('/api/ca.pem', (_req, res) => {
    if (options.caPem === undefined) {
      sendError(
        res,
        ErrorCodes.NO_CA,
        'this control app was built without a CA; startSimulator() passes its own (createControlApp({ caPem }))',
      );
      return;
    }
    res.type('application/x-pem-file').send(options.caPem);
  });
  for (const router of options.routers ?? []) app.use('/api', router);
  const root = packageRoot();
  // The Rules view links a `docs/reference/<file>.md#<anchor>` source here.
  app.use(referenceDocsRoutes(root ? join(root, 'docs', 'reference') : undefined));
  app.use(
    dashboardRoutes({
      ...(options.dashboardFolder ? { folder: options.dashboardFolder } : {}),
      indexText: `pushsim ${options.version}: the control API is under /api (try /api, /api/health, /api/endpoints, /api/openapi.json); the dashboard is this URL in a browser\n`,
    }),
  );
  app.use((req, res) => {
    sendError(
      res,
      ErrorCodes.NOT_FOUND,
      `no route ${req.method} ${req.path}; GET /api/endpoints lists what pushsim serves`,
    );
  });
  app.use(errorHandler);
  return app;
}

/** The body parsed for the budget check; a body that is not JSON is left to the parser's own error. */
function safeParse(buffer: Buffer): unknown {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}
