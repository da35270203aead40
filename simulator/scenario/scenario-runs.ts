// The scenario runs the control plane makes (POST /api/scenarios/runs, the dashboard's Scenarios view): a library file
// or pasted YAML, loaded with the loader's file:line:col errors, each of its runs executed by the runner's executor
// against a fresh simulator of its own (never the one serving the API), progress told step by step, the last 50 runs
// kept (and any older one still queued or running), at most 50 waiting their turn.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, SimulatorError, type SimulatorEvents } from '../core/index.js';
import { executeRun, type CaseResult } from './scenario-executor.js';
import { ledgerLines } from './ledger-lines.js';
import { loadScenarioText, type ScenarioRun } from './scenario-loader.js';
import { ScenarioFileError } from './scenario-error.js';
import { libraryFile } from './scenario-library.js';
import { stepTitle } from './step-title.js';

export type ScenarioRunStatus = 'running' | 'passed' | 'failed' | 'error';
export type ScenarioStepStatus = 'passed' | 'failed' | 'skipped' | 'pending';

export interface ScenarioStepRecord {
  index: number;
  title: string;
  status: ScenarioStepStatus;
  message?: string;
}

export interface ScenarioCaseRecord {
  name: string;
  status: 'pending' | 'running' | 'passed' | 'failed' | 'error';
  steps: ScenarioStepRecord[];
  failure?: { step: number; message: string; ledger?: string[] };
}

/** One run as GET /api/scenarios/runs/{id} answers it (times are wall-clock ms; each run has its own virtual clock). */
export interface ScenarioRunRecord {
  id: string;
  status: ScenarioRunStatus;
  source: { file?: string };
  startedAt: number;
  finishedAt?: number;
  scenarios: ScenarioCaseRecord[];
  error?: string;
}

/** A library path (`zpns/x.yaml`) or a scenario's text. */
export type ScenarioRunSource = { file: string; yaml?: undefined } | { yaml: string; file?: undefined };

type RunEvent = 'scenario.progress' | 'scenario.finished';

export interface ScenarioRunsOptions {
  /** The library folder (scenarioLibraryDir()); pasted YAML resolves its relative paths (app entries) there too. */
  libraryDir: string | undefined;
  /** Where progress goes: the simulator's bus, which the ws feed forwards. */
  emit: <K extends RunEvent>(type: K, data: SimulatorEvents[K]) => void;
  /** Runs kept, newest first; 50 by default. */
  keep?: number;
  /** Seed of fault injection and chaos, as `pushsim run --seed`; 1 by default. */
  seed?: number;
  /** Runs executing at once (each starts simulators of its own); later ones wait their turn. 2 by default. */
  concurrency?: number;
  /** Runs waiting their turn at most; one more is refused with SCENARIO_RUNS_BUSY. 50 by default. */
  maxWaiting?: number;
}

/** The name pasted YAML carries in the loader's messages (`pasted.yaml:3:5: …`). */
export const PASTED_SCENARIO = 'pasted.yaml';

export class ScenarioRuns {
  private readonly runs: ScenarioRunRecord[] = [];
  private nextId = 1;
  private readonly inFlight = new Set<Promise<void>>();
  private executing = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: ScenarioRunsOptions) {}

  /**
   * Loads the source (a bad one throws: INVALID_INPUT with the loader's `file:line:col` message, SCENARIO_NOT_FOUND) and
   * starts running it; the record is `running` until every scenario of it ran.
   */
  start(source: ScenarioRunSource): ScenarioRunRecord {
    const maxWaiting = this.options.maxWaiting ?? 50;
    // Each waiting run holds its loaded scenarios and, once its turn comes, simulators of its own: the queue is bounded.
    if (this.waiting.length >= maxWaiting)
      throw new SimulatorError(
        ErrorCodes.SCENARIO_RUNS_BUSY,
        `${this.waiting.length} scenario runs already wait their turn (${maxWaiting} at most, ${this.options.concurrency ?? 2} execute at once); start this one again once scenario.finished arrives on /api/events`,
      );
    const loaded = this.load(source);
    const record: ScenarioRunRecord = {
      id: `run-${this.nextId++}`,
      status: 'running',
      source: source.file !== undefined ? { file: source.file } : {},
      startedAt: Date.now(),
      scenarios: loaded.map((run) => ({
        name: run.name,
        status: 'pending',
        steps: run.steps.map((step) => ({
          index: step.index + 1,
          title: stepTitle(step.kind, step.spec),
          status: 'pending',
        })),
      })),
    };
    this.runs.unshift(record);
    this.trim();
    const done = this.inTurn(() => this.execute(record, loaded)).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
    return record;
  }

  /** Newest first. */
  list(): readonly ScenarioRunRecord[] {
    return this.runs;
  }

  get(id: string): ScenarioRunRecord {
    const run = this.runs.find((r) => r.id === id);
    if (!run)
      throw new SimulatorError(
        ErrorCodes.SCENARIO_RUN_NOT_FOUND,
        `no scenario run "${id}" (the last ${this.options.keep ?? 50} are kept); GET /api/scenarios/runs lists them`,
        'id',
      );
    return run;
  }

  /** Resolves when every run started so far has finished (tests, and closing the simulator). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** Runs `work` once fewer than `concurrency` runs execute: a burst of POSTs does not start a burst of simulators. */
  private async inTurn(work: () => Promise<void>): Promise<void> {
    // A finishing run hands its slot to the next waiting one, so the count never passes the limit.
    if (this.executing >= (this.options.concurrency ?? 2))
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.executing++;
    try {
      await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.executing--;
    }
  }

  private load(source: ScenarioRunSource): ScenarioRun[] {
    const dir = this.options.libraryDir;
    try {
      if (source.file !== undefined) {
        const absolute = libraryFile(dir, source.file, 'file');
        return loadScenarioText(readFileSync(absolute, 'utf8'), source.file).map((run) => ({ ...run, path: absolute }));
      }
      const path = join(dir ?? process.cwd(), PASTED_SCENARIO);
      return loadScenarioText(source.yaml, PASTED_SCENARIO).map((run) => ({ ...run, path }));
    } catch (error) {
      if (error instanceof ScenarioFileError)
        throw new SimulatorError(ErrorCodes.INVALID_INPUT, error.message, source.file !== undefined ? 'file' : 'yaml');
      throw error;
    }
  }

  private async execute(record: ScenarioRunRecord, loaded: ScenarioRun[]): Promise<void> {
    try {
      for (const [i, run] of loaded.entries()) {
        const scenario = record.scenarios[i]!;
        scenario.status = 'running';
        const result = await executeRun(run, {
          seed: this.options.seed ?? 1,
          onStep: (step, problem) => {
            const entry = scenario.steps[step.index]!;
            entry.status = problem ? 'failed' : 'passed';
            if (problem) entry.message = problem;
            this.options.emit('scenario.progress', {
              runId: record.id,
              scenario: scenario.name,
              step: step.index + 1,
              steps: scenario.steps.length,
              title: entry.title,
              status: entry.status,
            });
          },
        });
        finishCase(scenario, result);
      }
      const statuses = record.scenarios.map((s) => s.status);
      record.status = statuses.includes('error') ? 'error' : statuses.includes('failed') ? 'failed' : 'passed';
    } catch (error) {
      record.status = 'error';
      record.error = (error as Error)?.message ?? String(error);
      for (const scenario of record.scenarios) {
        if (scenario.status === 'running' || scenario.status === 'pending') scenario.status = 'error';
        for (const step of scenario.steps) if (step.status === 'pending') step.status = 'skipped';
      }
    }
    record.finishedAt = Date.now();
    this.trim();
    this.options.emit('scenario.finished', { runId: record.id, status: record.status });
  }

  /**
   * Keeps the newest `keep` runs and every older one still queued or running: a run whose record was dropped would
   * execute with nobody able to see it, nor its end.
   */
  private trim(): void {
    const keep = this.options.keep ?? 50;
    for (let i = this.runs.length - 1; i >= keep; i--) if (this.runs[i]!.status !== 'running') this.runs.splice(i, 1);
  }
}

/** A scenario's record from the executor's result: its status, steps left unrun, its first failure with the ledger. */
function finishCase(scenario: ScenarioCaseRecord, result: CaseResult): void {
  scenario.status = result.status;
  for (const step of scenario.steps) if (step.status === 'pending') step.status = 'skipped';
  const first = result.failures[0];
  if (first)
    scenario.failure = {
      step: first.step,
      message: first.kind === 'setup' || first.step === 0 ? `${first.kind}: ${first.message}` : first.message,
      ledger: ledgerLines(result.ledger),
    };
}
