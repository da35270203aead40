// Runs one scenario run in isolation: a fresh simulator on free ports with a virtual clock, the scenario's devices,
// apps and strategies, then each step through the real endpoints; expectations are checked against the provider's
// answers and the ledger.
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppProcess, reactNativeEntry, type AppApi } from '../../client-shim/index.js';
import { startSimulator } from '../start-simulator.js';
import { parseDuration, type LedgerEntry, type SdkProfile } from '../core/index.js';
import { fateRuleIdProblem } from '../delivery/index.js';
import type { ScenarioStep as ServiceStep, ServiceModule } from '../providers/index.js';
import type { PushStrategy } from '../providers/zpns/index.js';
import { scenarioChannelId } from '../providers/apns/broadcast/index.js';
import type { ScenarioRun, ScenarioStep } from './scenario-loader.js';
import { RunContext } from './scenario-run-context.js';
import { expectNow } from './scenario-expectations.js';
import { withAppOutput } from './app-output.js';

export interface StepFailure {
  step: number;
  line: number;
  kind: string;
  message: string;
}

export interface CaseResult {
  file: string;
  name: string;
  status: 'passed' | 'failed' | 'error';
  durationMs: number;
  failures: StepFailure[];
  /** The ledger of the run's pushes, for failure reports. */
  ledger: LedgerEntry[];
  /** What the apps' JavaScript printed (when the runner captures it: `pushsim run`). */
  output: string[];
}

async function runStep(ctx: RunContext, step: ScenarioStep): Promise<string | undefined> {
  const times =
    step.spec && typeof step.spec === 'object' && typeof step.spec.repeat === 'number' ? step.spec.repeat : 1;
  let problem: string | undefined;
  for (let i = 0; i < times && !problem; i++) problem = await runStepOnce(ctx, step);
  await ctx.settle();
  return problem;
}

/** The service modules' send steps (`apns`, `fcm`, `zim`...) by kind. */
function serviceSteps(services: readonly ServiceModule[]): Map<string, ServiceStep> {
  return new Map(services.flatMap((m) => (m.scenarioStep ? [[m.scenarioStep.kind, m.scenarioStep] as const] : [])));
}

async function runStepOnce(ctx: RunContext, step: ScenarioStep): Promise<string | undefined> {
  const { sim } = ctx;
  const spec = step.spec;
  const serviceStep = serviceSteps(sim.services).get(step.kind);
  if (serviceStep) return serviceStep.run(ctx, spec as never);
  switch (step.kind) {
    case 'push': {
      const app = ctx.app(spec.app);
      const { entry } = sim.simulation.send({
        token: sim.registry.requireDevice(app.deviceId).platform === 'ios' ? app.tokens!.apns! : app.tokens!.fcm!,
        kind: spec.kind,
        ...(spec.priority ? { priority: spec.priority } : {}),
        ...(spec.payload ? { payload: spec.payload } : {}),
        ...(spec.collapseId ? { collapseId: spec.collapseId } : {}),
        ...(spec.ttl !== undefined ? { ttl: spec.ttl } : {}),
      });
      if (spec.as) ctx.sent.set(spec.as, { pushIds: [entry.id] });
      return undefined;
    }
    case 'lifecycle': {
      if (spec.event) sim.simulation.lifecycle.request(spec.app, spec.event);
      if (spec.state) sim.simulation.lifecycle.goTo(spec.app, spec.state);
      return undefined;
    }
    // Scenario devices are created with their scenario ids.
    case 'conditions':
      sim.registry.setConditions(spec.device, spec.set);
      return undefined;
    case 'advance':
      await sim.advance(spec);
      await ctx.settle();
      return undefined;
    case 'fault': {
      const catalogue = (sim.services as readonly ServiceModule[]).find((m) => m.name === spec.provider)?.faults;
      if (!catalogue) return `fault: ${spec.provider} takes no faults`;
      const token = spec.app ? ctx.app(spec.app).tokens?.[catalogue.tokenKind] : undefined;
      const { app: _app, ...rule } = spec;
      sim.faults.add({ ...rule, ...(token ? { token } : {}) }, catalogue);
      return undefined;
    }
    case 'tap': {
      const pushId = ctx.sent.get(spec.push)?.pushIds[0];
      if (!pushId) return `tap: the push "${spec.push}" was not accepted, so there is nothing to tap`;
      sim.simulation.tap(spec.app, pushId);
      return undefined;
    }
    case 'uninstall':
      sim.simulation.uninstallApp(spec.app);
      return undefined;
    case 'subscribe':
      sim.fcm!.subscribe(ctx.app(spec.app).tokens!.fcm!, spec.topic);
      return undefined;
    case 'activity':
      return runActivityStep(ctx, spec);
    case 'chaos':
      sim.simulation.router.configureChaos({ backgroundDropProbability: spec.backgroundDropProbability });
      return undefined;
    case 'expect':
      return expectNow(ctx, spec);
  }
}

/** The `activity` step: the app starts, updates or ends a Live Activity (ActivityKit in the app). */
// biome-ignore lint/suspicious/noExplicitAny: a step the scenario schema has validated; its shape is the schema's
function runActivityStep(ctx: RunContext, spec: any): string | undefined {
  const activities = ctx.sim.simulation.liveActivities;
  const now = ctx.sim.clock.now();
  if (spec.start) {
    if (!spec.app) return 'activity: start needs the app that starts it';
    const { staleIn, pushType, relevanceScore, ...start } = spec.start;
    const activity = activities.request(spec.app, {
      ...start,
      // A channel named by an `apns` channel create (`as:`) subscribes to that channel's id.
      pushType:
        typeof pushType === 'object' ? { channel: scenarioChannelId(ctx, pushType.channel) } : (pushType ?? 'token'),
      ...(staleIn !== undefined ? { staleDate: now + parseDuration(staleIn) } : {}),
      ...(relevanceScore !== undefined ? { relevanceScore } : {}),
    });
    if (spec.as) ctx.activities.set(spec.as, activity.id);
    return undefined;
  }
  const name = spec.update ?? spec.end;
  if (!name) return 'activity: give start, update or end';
  const id = ctx.activities.get(name);
  if (!id) return `activity: no activity is named "${name}" (name one with as: on its start)`;
  if (spec.update) {
    if (!spec.contentState) return 'activity: update needs contentState';
    activities.update(id, {
      contentState: spec.contentState,
      ...(spec.staleIn !== undefined ? { staleDate: now + parseDuration(spec.staleIn) } : {}),
      ...(spec.relevanceScore !== undefined ? { relevanceScore: spec.relevanceScore } : {}),
      ...(spec.alert ? { alert: spec.alert } : {}),
    });
    return undefined;
  }
  const policy =
    spec.dismissal === undefined || spec.dismissal === 'default' || spec.dismissal === 'immediate'
      ? (spec.dismissal ?? 'default')
      : { after: now + parseDuration(spec.dismissal) };
  activities.end(id, spec.contentState, policy);
  return undefined;
}

/** The app's own code for a scenario app: the default export (or `main`) of a module next to the scenario file. */
async function loadAppMain(scenarioFile: string, entry: string): Promise<(api: AppApi) => unknown> {
  const file = resolve(dirname(scenarioFile), entry);
  let module: { default?: unknown; main?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as typeof module;
  } catch (error) {
    throw new Error(`app entry ${entry}: cannot load ${file}: ${(error as Error).message}`);
  }
  const main = typeof module.default === 'function' ? module.default : module.main;
  if (typeof main !== 'function')
    throw new Error(`app entry ${entry}: export a function main(api) (default export or named main)`);
  return main as (api: AppApi) => unknown;
}

export interface ExecuteOptions {
  seed?: number;
  stateDir?: string;
  /** Told after each step with the failure it met (undefined = passed): the dashboard's live progress. */
  onStep?: (step: ScenarioStep, problem: string | undefined) => void;
}

export function executeRun(run: ScenarioRun, options: ExecuteOptions = {}): Promise<CaseResult> {
  const output: string[] = [];
  return withAppOutput(output, () => executeIsolated(run, options, output));
}

async function executeIsolated(run: ScenarioRun, options: ExecuteOptions, output: string[]): Promise<CaseResult> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const settings = run.scenario.settings ?? {};
  const sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    faultSeed: seed,
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    chaos: { backgroundDropProbability: 0, seed },
    ...(settings.silentPushThrottle ? { silentPushThrottle: settings.silentPushThrottle } : {}),
    ...(settings.apnsTooManyRequests ? { apns: { tooManyRequests: settings.apnsTooManyRequests } } : {}),
    ...(settings.fcmProjects ? { fcm: { projects: settings.fcmProjects } } : {}),
    ...(settings.liveActivityBudget ? { liveActivities: { budget: settings.liveActivityBudget } } : {}),
  });
  const failures: StepFailure[] = [];
  let status: CaseResult['status'] = 'passed';
  const ctx = new RunContext(sim, run, options.stateDir);
  try {
    for (const device of run.scenario.devices)
      sim.simulation.createDevice({
        id: device.id,
        platform: device.platform,
        ...(device.osVersion ? { osVersion: device.osVersion } : {}),
        ...(device.manufacturer ? { manufacturer: device.manufacturer } : {}),
        ...(device.conditions ? { conditions: device.conditions } : {}),
      });
    for (const module of sim.services as readonly ServiceModule[]) await module.scenarioStep?.setup?.(ctx);
    for (const strategy of run.scenario.strategies ?? []) {
      const { preset, ...rest } = strategy;
      if (preset) sim.zpns!.strategies.fromPreset(strategy.resourcesID, preset);
      else sim.zpns!.strategies.set(rest as PushStrategy);
    }
    for (const app of run.scenario.apps) {
      const installed = sim.simulation.installApp({
        id: app.id,
        deviceId: app.device,
        bundleId: app.bundleId,
        sdkProfile: app.sdk as SdkProfile,
        ...(app.sdkVersion ? { sdkVersion: app.sdkVersion } : {}),
        ...(app.environment ? { environment: app.environment } : {}),
        ...(app.state ? { state: app.state } : {}),
        ...(app.fidelity ? { fidelity: app.fidelity } : {}),
        ...(app.handlerTime !== undefined
          ? { handlerTimeMs: app.handlerTime === 'never' ? -1 : parseDuration(app.handlerTime) }
          : {}),
        ...(app.fcmProject ? { fcmProject: app.fcmProject } : {}),
        ...(app.liveActivities ? { liveActivities: app.liveActivities } : {}),
      });
      if (app.entry)
        ctx.processes.set(
          app.id,
          await AppProcess.start({
            simulator: sim.urls.control,
            appId: installed.id,
            main: await loadAppMain(run.path, app.entry),
          }),
        );
      else if (app.rnEntry)
        ctx.processes.set(
          app.id,
          await AppProcess.start({
            simulator: sim.urls.control,
            appId: installed.id,
            entry: reactNativeEntry(resolve(dirname(run.path), app.rnEntry)),
          }),
        );
      ctx.rememberTokens(app.id, installed.tokens);
      if (app.zimUser) {
        sim.zpns!.sessions.login(app.zimUser, installed.id);
        sim.zpns!.sessions.setConnection(installed.id, app.zimConnection ?? 'auto');
      }
    }
    for (const step of run.steps) {
      let problem: string | undefined;
      try {
        problem = await runStep(ctx, step);
      } catch (error) {
        problem = `could not run: ${(error as Error).message}`;
        status = 'error';
      }
      if (problem) {
        failures.push({ step: step.index + 1, line: step.line, kind: step.kind, message: problem });
        if (status === 'passed') status = 'failed';
      }
      options.onStep?.(step, problem);
      if (status === 'error') break;
    }
  } catch (error) {
    status = 'error';
    failures.push({ step: 0, line: 0, kind: 'setup', message: (error as Error).message });
  }
  for (const [appRef, process] of ctx.processes) {
    for (const error of process.errors) {
      failures.push({
        step: 0,
        line: 0,
        kind: `app ${appRef}`,
        message: `the app's code threw: ${(error as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? String(error)}`,
      });
      status = status === 'passed' ? 'failed' : status;
    }
  }
  const ledger = sim.ledger.list();
  // The pipeline's invariant, checked on every run: each fate a push had names the rules-table rows that decided it.
  for (const entry of ledger) {
    for (const fate of entry.history) {
      const problem = fateRuleIdProblem(fate, sim.simulation.rules.knownIds);
      if (!problem) continue;
      failures.push({ step: 0, line: 0, kind: 'rules', message: `push ${entry.id}: ${problem}` });
      status = status === 'passed' ? 'failed' : status;
    }
  }
  await ctx.close();
  await sim.close();
  return { file: run.file, name: run.name, status, durationMs: performance.now() - started, failures, ledger, output };
}
