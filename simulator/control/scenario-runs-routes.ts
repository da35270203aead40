// The scenario library and runs of it from the control plane (the dashboard's Scenarios view): list and read the
// package's scenarios/ files, run one or pasted YAML against a fresh simulator, follow it on /api/events
// (`scenario.progress`, `scenario.finished`) or here. The scenario code (loader, executor: a whole simulator of its own)
// is imported on first use, so a control plane that never runs a scenario never loads it.
import { Router } from 'express';
import { z } from 'zod';
import { parseInput } from '../core/index.js';
import type { Simulation } from '../engine/index.js';
import {
  ScenarioLibrarySchema,
  ScenarioRunSchema,
  ScenarioRunStartedSchema,
  ScenarioRunsSchema,
  ScenarioTextSchema,
  type ScenarioFinishedModel,
  type ScenarioProgressModel,
  type ScenarioRunModel,
  type ScenarioRunStartedModel,
} from '../model/index.js';
import type { SimulatorEvents } from '../core/index.js';
import type { ScenarioRunRecord } from '../scenario/index.js';
import type { RouteDescriptor } from './openapi-routes.js';
import { ScenarioRunsLoader } from './scenario-runs-loader.js';

/** Pasted text is capped below the 1 MB body limit the control app reads; a scenario file is a few KB. */
const MAX_YAML = 512 * 1024;

export const startScenarioRunSchema = z
  .strictObject({
    file: z.string().min(1).optional().describe('a path of the library, as GET /api/scenarios/library lists it'),
    yaml: z
      .string()
      .min(1)
      .max(MAX_YAML)
      .optional()
      .describe("a scenario file's text (YAML or JSON); its relative paths resolve in the library folder"),
  })
  .refine((body) => (body.file === undefined) !== (body.yaml === undefined), {
    message: 'give either file (a library path) or yaml (a scenario text), one of them',
    path: ['file'],
  });

export function scenarioRunsRoutes(sim: Simulation, loader: ScenarioRunsLoader = new ScenarioRunsLoader(sim)): Router {
  const router = Router();
  const scenarios = () => loader.load();
  router.get('/scenarios/library', async (_req, res) => {
    const { scenario, dir } = await scenarios();
    res.json({ files: dir ? await scenario.listLibrary(dir) : [] });
  });
  router.get('/scenarios/library/*path', async (req, res) => {
    const { scenario, dir } = await scenarios();
    const path = ([] as string[]).concat((req.params as { path?: string | string[] }).path ?? []).join('/');
    res.json({ path, yaml: scenario.readLibraryFile(dir, path) });
  });
  router.post('/scenarios/runs', async (req, res) => {
    const body = parseInput(startScenarioRunSchema, req.body);
    const { runs } = await scenarios();
    const record = runs.start(body.file !== undefined ? { file: body.file } : { yaml: body.yaml! });
    const started: ScenarioRunStartedModel = { id: record.id, status: 'running' };
    res.status(202).location(`/api/scenarios/runs/${record.id}`).json(started);
  });
  router.get('/scenarios/runs', async (_req, res) => {
    const { runs } = await scenarios();
    res.json({ runs: runs.list().map(scenarioRunView) });
  });
  router.get('/scenarios/runs/:id', async (req, res) => {
    const { runs } = await scenarios();
    res.json(scenarioRunView(runs.get(req.params.id)));
  });
  return router;
}

/** A run as the model declares it, member by member. */
export function scenarioRunView(run: ScenarioRunRecord): ScenarioRunModel {
  return {
    id: run.id,
    status: run.status,
    source: run.source.file !== undefined ? { file: run.source.file } : {},
    startedAt: new Date(run.startedAt).toISOString(),
    ...(run.finishedAt !== undefined ? { finishedAt: new Date(run.finishedAt).toISOString() } : {}),
    scenarios: run.scenarios.map((s) => ({
      name: s.name,
      status: s.status,
      steps: s.steps.map((step) => ({
        index: step.index,
        title: step.title,
        status: step.status,
        ...(step.message !== undefined ? { message: step.message } : {}),
      })),
      ...(s.failure
        ? {
            failure: {
              step: s.failure.step,
              message: s.failure.message,
              ...(s.failure.ledger ? { ledger: [...s.failure.ledger] } : {}),
            },
          }
        : {}),
    })),
    ...(run.error !== undefined ? { error: run.error } : {}),
  };
}

/** A `scenario.progress` event's data as the feed sends it. */
export function scenarioProgressView(p: SimulatorEvents['scenario.progress']): ScenarioProgressModel {
  return { runId: p.runId, scenario: p.scenario, step: p.step, steps: p.steps, title: p.title, status: p.status };
}

/** A `scenario.finished` event's data as the feed sends it. */
export function scenarioFinishedView(f: SimulatorEvents['scenario.finished']): ScenarioFinishedModel {
  return { runId: f.runId, status: f.status };
}

export const SCENARIO_RUN_ROUTES: readonly RouteDescriptor[] = [
  {
    method: 'get',
    path: '/scenarios/library',
    tag: 'scenarios',
    summary:
      'The scenario files the package ships (its scenarios/ folder), each with the name and description it declares',
    response: ScenarioLibrarySchema,
    responses: { 200: '`{ files: [{ path, name, description? }] }`' },
  },
  {
    method: 'get',
    path: '/scenarios/library/*path',
    tag: 'scenarios',
    summary: 'The text of one library file',
    params: { path: 'its path in the library, e.g. `zpns/silent-push-by-ios-app-state.yaml`' },
    response: ScenarioTextSchema,
    responses: {
      200: '`{ path, yaml }`',
      400: 'the path leaves the library or names no scenario file',
      404: 'no such file, or no library in this pushsim',
    },
  },
  {
    method: 'post',
    path: '/scenarios/runs',
    tag: 'scenarios',
    summary: 'Run a library file or pasted YAML against a fresh simulator of its own (never this one)',
    description:
      'Each scenario of the file (one per matrix row) runs in turn on a new in-process simulator with a virtual clock, as `pushsim run` runs it. Each step that ran is told on /api/events as `scenario.progress` `{ runId, scenario, step, steps, title, status }`, the end as `scenario.finished` `{ runId, status }`. The last 50 runs are kept, and every older one still queued or running; at most 50 wait their turn (two execute at once).',
    body: startScenarioRunSchema,
    example: { file: 'zpns/silent-push-by-ios-app-state.yaml' },
    response: ScenarioRunStartedSchema,
    responses: {
      202: '`{ id, status: "running" }` (Location: /api/scenarios/runs/{id})',
      400: "the scenario is not valid: the loader's `file:line:col` message",
      404: 'no such library file',
      429: 'SCENARIO_RUNS_BUSY: 50 runs already wait their turn',
    },
  },
  {
    method: 'get',
    path: '/scenarios/runs',
    tag: 'scenarios',
    summary: 'The last 50 scenario runs (and any older one still running), newest first',
    response: ScenarioRunsSchema,
    responses: { 200: '`{ runs: [...] }`' },
  },
  {
    method: 'get',
    path: '/scenarios/runs/:id',
    tag: 'scenarios',
    summary: 'One scenario run: its status, each scenario with its steps, the first failure with the ledger',
    params: { id: 'the run id' },
    response: ScenarioRunSchema,
    responses: { 200: 'the run', 404: 'no such run (only the last 50 are kept)' },
  },
];
