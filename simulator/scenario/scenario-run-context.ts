// The state of one scenario run: its simulator, the pushes it named, the tokens its apps were given, the services'
// per-run sessions (keys, connection pools: see each module's scenario step) and the apps that run their own code
// through the client shim.
import type { AppProcess } from '../../client-shim/index.js';
import type { SimulatorHandle } from '../start-simulator.js';
import type { AppTokens, LedgerEntry } from '../core/index.js';
import type { ScenarioStepContext, SentPush } from '../providers/index.js';
import type { ScenarioRun } from './scenario-loader.js';

export { prepareScenarioKeys } from '../providers/fcm/index.js';

export type Sent = SentPush;

export class RunContext implements ScenarioStepContext {
  readonly sent = new Map<string, Sent>();
  /** Live Activities the run named (`as:` on an activity start), by name → activity id. */
  readonly activities = new Map<string, string>();
  /** Apps running the user's own code through the client shim, by scenario app id. */
  readonly processes = new Map<string, AppProcess>();
  /** The tokens each app was installed with, kept past uninstall (a send after `uninstall` gets 410 / 404). */
  private readonly installedTokens = new Map<string, AppTokens>();
  private readonly sessions = new Map<string, { close(): void | Promise<void> }>();

  constructor(
    readonly sim: SimulatorHandle,
    readonly run: ScenarioRun,
    readonly stateDir?: string,
  ) {}

  get scenarioPath(): string {
    return this.run.path;
  }
  get scenario(): ScenarioRun['scenario'] {
    return this.run.scenario;
  }

  rememberTokens(appId: string, tokens: AppTokens | undefined): void {
    if (tokens) this.installedTokens.set(appId, { ...tokens });
  }
  tokenOf(appId: string, kind: string): string | undefined {
    return this.installedTokens.get(appId)?.[kind];
  }
  /** The push token of a named Live Activity. */
  activityToken(name: string): string | undefined {
    const id = this.activities.get(name);
    return id ? this.sim.simulation.liveActivities.get(id)?.pushToken : undefined;
  }
  nameActivity(name: string, activityId: string): void {
    this.activities.set(name, activityId);
  }
  record(as: string | undefined, sent: Sent): void {
    if (as) this.sent.set(as, sent);
  }

  session<T extends { close(): void | Promise<void> }>(name: string, create: () => T): T {
    let session = this.sessions.get(name) as T | undefined;
    if (!session) {
      session = create();
      this.sessions.set(name, session);
    }
    return session;
  }

  /** Waits until every app running its own code has handled what the simulator sent it. */
  async settle(): Promise<void> {
    for (const process of this.processes.values()) await process.idle();
  }

  async close(): Promise<void> {
    for (const process of this.processes.values()) await process.close().catch(() => {});
    for (const session of this.sessions.values()) await session.close();
  }

  /**
   * Scenario devices and apps are created with their scenario ids, so an app's id in the simulator is its scenario id.
   */
  app(id: string) {
    return this.sim.registry.requireApp(id);
  }
  entry(pushId: string | undefined): LedgerEntry | undefined {
    return pushId ? this.sim.ledger.get(pushId) : undefined;
  }
}
