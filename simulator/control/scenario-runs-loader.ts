// The scenario code the control plane loads on first use (scenario-runs-routes.ts): the loader and executor start whole
// simulators of their own, so a control plane that never runs a scenario never imports them. One per control app;
// startSimulator()'s close() waits on it, so no run keeps its simulators and ports past the close.
import type { Simulation } from '../engine/index.js';
import type { ScenarioRuns, ScenarioRunsOptions } from '../scenario/index.js';

type ScenarioModule = typeof import('../scenario/index.js');

export interface LoadedScenarios {
  scenario: ScenarioModule;
  runs: ScenarioRuns;
  /** The package's scenarios/ folder; none in a checkout or install without it. */
  dir: string | undefined;
}

export class ScenarioRunsLoader {
  private loading: Promise<LoadedScenarios> | undefined;

  constructor(
    private readonly sim: Simulation,
    /** How many runs execute, wait and are kept (ScenarioRuns' defaults: 2, 50, 50). */
    private readonly limits: Pick<ScenarioRunsOptions, 'concurrency' | 'maxWaiting' | 'keep'> = {},
    private readonly importScenarios: () => Promise<ScenarioModule> = () => import('../scenario/index.js'),
  ) {}

  /** The scenario module and the runs, imported once; a failed import is tried again by the next call, not kept. */
  load(): Promise<LoadedScenarios> {
    this.loading ??= this.importScenarios().then(
      (scenario) => {
        const dir = scenario.scenarioLibraryDir();
        const runs = new scenario.ScenarioRuns({
          ...this.limits,
          libraryDir: dir,
          emit: (type, data) => this.sim.bus.emit(type, data),
        });
        return { scenario, dir, runs };
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /** Resolves once every run started so far has finished (at once when the scenario code was never loaded). */
  async settled(): Promise<void> {
    if (!this.loading) return;
    const loaded = await this.loading.catch(() => undefined);
    await loaded?.runs.settled();
  }
}
