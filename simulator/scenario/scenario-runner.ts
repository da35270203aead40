// Finds scenario files, loads and checks them, runs every run in isolation (several at a time), and reports.
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { loadScenarioFile, type ScenarioRun } from './scenario-loader.js';
import { executeRun, type CaseResult } from './scenario-executor.js';
import { prepareScenarioKeys } from './scenario-run-context.js';
import { captureAppOutput } from './app-output.js';
import { ScenarioFileError } from './scenario-error.js';

export interface RunOptions {
  /** Seed for fault injection and chaos, to replay a run. */
  seed?: number;
  /** Only runs whose name matches this regular expression. */
  grep?: string;
  /** Runs executed at the same time (each has its own simulator). */
  concurrency?: number;
  cwd?: string;
  /** Where the simulator's CA is kept (as `pushsim serve --state-dir`); in memory when absent. */
  stateDir?: string;
  /** Keep what the apps' JavaScript prints with its run (CaseResult.output) instead of on the console. */
  captureAppOutput?: boolean;
  onResult?: (result: CaseResult, done: number, total: number) => void;
}

export interface RunSummary {
  results: CaseResult[];
  invalid: ScenarioFileError[];
  files: string[];
  durationMs: number;
  startedAt: Date;
}

const SCENARIO_FILES = '**/*.{yaml,yml,json}';

/** Expands files, folders and globs into scenario files, sorted. */
export async function findScenarioFiles(patterns: string[], cwd = process.cwd()): Promise<string[]> {
  const files = new Set<string>();
  for (const pattern of patterns) {
    const absolute = resolve(cwd, pattern);
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(absolute);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory())
      for (const f of await glob(SCENARIO_FILES, {
        cwd: absolute,
        absolute: true,
        ignore: ['**/node_modules/**', '**/*.schema.json'],
      }))
        files.add(f);
    else if (stat?.isFile()) files.add(absolute);
    else for (const f of await glob(pattern, { cwd, absolute: true })) files.add(f);
  }
  return [...files].sort().map((f) => relative(cwd, f) || f);
}

export async function runScenarios(patterns: string[], options: RunOptions = {}): Promise<RunSummary> {
  const startedAt = new Date();
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const files = await findScenarioFiles(patterns, cwd);
  const runs: ScenarioRun[] = [];
  const invalid: ScenarioFileError[] = [];
  for (const file of files) {
    try {
      runs.push(...loadScenarioFile(resolve(cwd, file)).map((run) => ({ ...run, file })));
    } catch (error) {
      if (error instanceof ScenarioFileError)
        invalid.push(new ScenarioFileError(file, error.line, error.column, error.problem));
      else throw error;
    }
  }
  if (runs.some((run) => run.steps.some((step) => step.kind === 'fcm'))) void prepareScenarioKeys();
  if (options.captureAppOutput) captureAppOutput();
  const grep = options.grep ? new RegExp(options.grep) : undefined;
  const selected = runs.filter((run) => !grep || grep.test(run.name));
  const results: CaseResult[] = new Array(selected.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < selected.length) {
      const index = next++;
      results[index] = await executeRun(selected[index]!, {
        seed: options.seed ?? 1,
        ...(options.stateDir ? { stateDir: resolve(cwd, options.stateDir) } : {}),
      });
      done++;
      options.onResult?.(results[index]!, done, selected.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, selected.length)) }, worker));
  return { results, invalid, files, durationMs: performance.now() - started, startedAt };
}

/** Runs one scenario file (all its matrix runs) — for use from vitest or any test runner. */
export async function runScenario(file: string, options: Omit<RunOptions, 'cwd'> = {}): Promise<CaseResult[]> {
  const summary = await runScenarios([file], options);
  if (summary.invalid.length) throw summary.invalid[0];
  return summary.results;
}
