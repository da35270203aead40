// The scenario library the package ships and the runs the control plane makes of it (GET /api/scenarios/…): each run
// against a fresh simulator of its own, never the one serving the API.
import { z } from 'zod';
import { named } from './registry.js';

export type ScenarioFileModel = z.infer<typeof ScenarioFileSchema>;
export const ScenarioFileSchema = named(
  'ScenarioFile',
  'A file of the scenario library',
  z.strictObject({
    path: z
      .string()
      .describe("its path inside the package's scenarios/ folder, e.g. `zpns/silent-push-by-ios-app-state.yaml`"),
    name: z.string().describe('the scenario name the file declares (its path when it declares none)'),
    description: z.string().optional().describe('the description the file declares'),
  }),
);

export type ScenarioLibraryModel = z.infer<typeof ScenarioLibrarySchema>;
export const ScenarioLibrarySchema = named(
  'ScenarioLibrary',
  'The answer to GET /api/scenarios/library',
  z.strictObject({ files: z.array(ScenarioFileSchema).describe('every scenario file of the library, by path') }),
);

export type ScenarioTextModel = z.infer<typeof ScenarioTextSchema>;
export const ScenarioTextSchema = named(
  'ScenarioText',
  'The answer to GET /api/scenarios/library/{path}',
  z.strictObject({
    path: z.string().describe("the file's path inside the library"),
    yaml: z.string().describe('its text, as in the file'),
  }),
);

export const scenarioRunStatusSchema = z
  .enum(['running', 'passed', 'failed', 'error'])
  .describe(
    '`running` until every scenario ran; `failed` when an expectation failed, `error` when a step or the run could not run',
  );

export type ScenarioRunStartedModel = z.infer<typeof ScenarioRunStartedSchema>;
export const ScenarioRunStartedSchema = named(
  'ScenarioRunStarted',
  'The answer to POST /api/scenarios/runs',
  z.strictObject({
    id: z.string().describe('the run, as in /api/scenarios/runs/{id}'),
    status: z.literal('running').describe('always `running`: progress comes on /api/events'),
  }),
);

export const ScenarioStepResultSchema = named(
  'ScenarioStepResult',
  'One step of a scenario in a run',
  z.strictObject({
    index: z.number().int().describe('its place in the steps, from 1'),
    title: z.string().describe('the step in one line, e.g. `apns background to chat as wake`'),
    status: z
      .enum(['passed', 'failed', 'skipped', 'pending'])
      .describe('`pending` until it runs, `skipped` when an error ended the scenario before it'),
    message: z.string().optional().describe('why it failed'),
  }),
);

export const ScenarioCaseResultSchema = named(
  'ScenarioCaseResult',
  'One scenario of a run (a file with a matrix makes one per row)',
  z.strictObject({
    name: z.string().describe('the scenario name, with its matrix values'),
    status: z.enum(['pending', 'running', 'passed', 'failed', 'error']).describe('where it is'),
    steps: z.array(ScenarioStepResultSchema).describe('its steps in order'),
    failure: z
      .strictObject({
        step: z.number().int().describe('the first step that failed (from 1; 0 = setup or a check after the steps)'),
        message: z.string().describe('what failed'),
        ledger: z.array(z.string()).optional().describe("the run's ledger as lines (each push and its fates)"),
      })
      .optional()
      .describe('the first failure, when it failed'),
  }),
);

export type ScenarioRunModel = z.infer<typeof ScenarioRunSchema>;
export const ScenarioRunSchema = named(
  'ScenarioRun',
  'A run of a library file or of pasted YAML, against a fresh simulator',
  z.strictObject({
    id: z.string().describe('the run id'),
    status: scenarioRunStatusSchema,
    source: z
      .strictObject({ file: z.string().optional().describe('the library path; absent for pasted YAML') })
      .describe('what was run'),
    startedAt: z.string().describe('when it started, ISO 8601 (wall-clock time: each run has its own virtual clock)'),
    finishedAt: z.string().optional().describe('when it ended, ISO 8601'),
    scenarios: z.array(ScenarioCaseResultSchema).describe('each scenario of the file, in order'),
    error: z.string().optional().describe('why the run itself could not run (status `error`)'),
  }),
);

export type ScenarioRunsModel = z.infer<typeof ScenarioRunsSchema>;
export const ScenarioRunsSchema = named(
  'ScenarioRuns',
  'The answer to GET /api/scenarios/runs',
  z.strictObject({ runs: z.array(ScenarioRunSchema).describe('the last 50 runs, newest first') }),
);

export type ScenarioProgressModel = z.infer<typeof ScenarioProgressSchema>;
export const ScenarioProgressSchema = named(
  'ScenarioProgress',
  'The data of a `scenario.progress` message on /api/events: a step of a run has run',
  z.strictObject({
    runId: z.string().describe('the run, as in /api/scenarios/runs/{id}'),
    scenario: z.string().describe('the scenario the step belongs to (with its matrix values)'),
    step: z.number().int().describe('the step, from 1'),
    steps: z.number().int().describe('how many steps the scenario has'),
    title: z.string().describe('the step in one line'),
    status: z.enum(['passed', 'failed']).describe('how it went'),
  }),
);

export type ScenarioFinishedModel = z.infer<typeof ScenarioFinishedSchema>;
export const ScenarioFinishedSchema = named(
  'ScenarioFinished',
  'The data of a `scenario.finished` message on /api/events: a run ended',
  z.strictObject({
    runId: z.string().describe('the run'),
    status: z.enum(['passed', 'failed', 'error']).describe('how it ended'),
  }),
);
