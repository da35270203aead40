// Runs one scenario run in isolation: a fresh simulator on free ports with a virtual clock, the scenario's devices,
// apps and strategies, then each step through the real endpoints; expectations are checked against the provider's
// answers and the ledger.
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppProcess, reactNativeEntry, type AppApi } from '../../client-shim/index.js';
import { startSimulator } from '../start-simulator.js';
import { parseDuration, type LedgerEntry, type SdkProfile } from '../core/index.js';
import { sendApns, sendFcm, signProviderToken } from '../senders/index.js';
import { isApnsReason } from '../providers/apns/index.js';
import { isFcmErrorCode } from '../providers/fcm/index.js';
import type { PushStrategy } from '../providers/zpns/index.js';
import type { ScenarioRun, ScenarioStep } from './scenario-loader.js';
import { RunContext } from './scenario-run-context.js';
import { expectNow } from './scenario-expectations.js';
import { withAppOutput } from './app-output.js';

export interface StepFailure { step: number; line: number; kind: string; message: string }

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

/** Adds a "pad" key so the JSON is exactly `bytes` long (for the payload-size limits). */
function padPayload(payload: string, bytes: number): string {
  const object = JSON.parse(payload) as Record<string, unknown>;
  const bare = Buffer.byteLength(JSON.stringify({ ...object, pad: '' }));
  if (bytes < bare) throw new Error(`padTo ${bytes} is smaller than the payload itself (${bare} bytes with an empty pad)`);
  return JSON.stringify({ ...object, pad: 'x'.repeat(bytes - bare) });
}

async function runStep(ctx: RunContext, step: ScenarioStep): Promise<string | undefined> {
  const times = step.spec && typeof step.spec === 'object' && typeof step.spec.repeat === 'number' ? step.spec.repeat : 1;
  let problem: string | undefined;
  for (let i = 0; i < times && !problem; i++) problem = await runStepOnce(ctx, step);
  await ctx.settle();
  return problem;
}

async function runStepOnce(ctx: RunContext, step: ScenarioStep): Promise<string | undefined> {
  const { sim } = ctx;
  const spec = step.spec;
  switch (step.kind) {
    case 'push': {
      const app = ctx.app(spec.app);
      const { entry } = sim.simulation.send({ token: sim.registry.requireDevice(app.deviceId).platform === 'ios' ? app.tokens!.apns! : app.tokens!.fcm!, kind: spec.kind, ...(spec.priority ? { priority: spec.priority } : {}), ...(spec.payload ? { payload: spec.payload } : {}), ...(spec.collapseId ? { collapseId: spec.collapseId } : {}), ...(spec.ttl !== undefined ? { ttl: spec.ttl } : {}) });
      if (spec.as) ctx.sent.set(spec.as, { pushIds: [entry.id] });
      return undefined;
    }
    case 'apns': {
      // An uninstalled app's token stays known to the scenario, so a send after `uninstall` gets 410.
      const token = spec.token ?? (spec.app ? ctx.apnsDeviceTokens.get(spec.app) : undefined);
      if (token === undefined) return `apns: no token; give token, or an iOS app`;
      const headers: Record<string, string | string[]> = {};
      const topic = spec.app ? ctx.run.scenario.apps.find((a) => a.id === spec.app)!.bundleId : undefined;
      if (topic && !(spec.headers && 'apns-topic' in spec.headers)) headers['apns-topic'] = topic;
      for (const [k, v] of Object.entries(spec.headers ?? {})) if (v !== null) headers[k] = Array.isArray(v) ? v : String(v);
      if (spec.expiresIn !== undefined) headers['apns-expiration'] = String(Math.floor((sim.clock.now() + parseDuration(spec.expiresIn)) / 1000));
      const auth = spec.auth ?? 'token';
      let agent = ctx.agent;
      let certificate: { cert: string; key: string } | undefined;
      if (auth.endsWith('certificate')) {
        ({ agent, certificate } = await ctx.certificate(auth, String(headers['apns-topic'] ?? topic ?? 'dev.pushsim.app')));
      } else if (auth !== 'none' && !(spec.headers && 'authorization' in spec.headers)) {
        const now = sim.clock.now();
        const key = spec.key ? ctx.declaredKey(spec.key) : ctx.key();
        if (spec.key) agent = ctx.agentForKey(spec.key);
        headers.authorization = auth === 'token' ? ctx.apnsBearer(false, key)
          : auth === 'renewed-token' ? ctx.apnsBearer(true, key)
          : auth === 'expired' ? `bearer ${signProviderToken(ctx.key(), now - 2 * 3_600_000)}`
          : auth === 'invalid' ? 'bearer not.a.jwt'
          : `bearer ${signProviderToken(ctx.key(auth === 'production-key' ? 'production' : auth === 'other-key' ? 'other' : 'topic'), now)}`;
      }
      let payload = typeof spec.payload === 'string' ? spec.payload : JSON.stringify(spec.payload ?? { aps: { alert: 'pushsim scenario' } });
      if (spec.padTo !== undefined) payload = padPayload(payload, spec.padTo);
      const answer = await sendApns({
        url: spec.production ? sim.urls.apnsProduction : sim.urls.apns, token, headers, payload, ca: sim.caPem, agent,
        ...(certificate ? { certificate } : {}), ...(spec.path !== undefined ? { path: spec.path } : {}), ...(spec.method ? { method: spec.method } : {}),
      });
      // A rejected request has an apns-id too, but no ledger entry unless pushsim accepted and then rejected it.
      const pushIds = answer.apnsId && sim.ledger.get(answer.apnsId) ? [answer.apnsId] : [];
      if (spec.as) ctx.sent.set(spec.as, { pushIds, status: answer.status, ...(answer.reason ? { reason: answer.reason } : {}) });
      return undefined;
    }
    case 'fcm': {
      const message = { ...spec.message };
      if (spec.app && !('token' in message) && !('topic' in message) && !('condition' in message) && !('fid' in message)) message.token = ctx.fcmRegistrationTokens.get(spec.app);
      const bearer = spec.auth === 'none' ? undefined : spec.auth === 'invalid' ? 'ya29.not-a-token' : await ctx.fcmBearer();
      const answer = await sendFcm(sim.urls.fcm, sim.caPem, bearer, spec.project ?? sim.fcm!.server.defaultProject, { message, ...(spec.validateOnly ? { validate_only: true } : {}) }, ctx.fcmAgent);
      const id = typeof answer.body?.name === 'string' ? (answer.body.name as string).split('/messages/')[1] : undefined;
      const pushIds = id ? sim.ledger.list().filter((e) => e.id === id || e.id.startsWith(`${id}#`)).map((e) => e.id) : [];
      if (spec.as) ctx.sent.set(spec.as, { pushIds, status: answer.status, ...(answer.errorCode ? { errorCode: answer.errorCode } : {}) });
      return undefined;
    }
    case 'zim': {
      const path = spec.call ? 'call-invitations' : 'messages';
      const pushConfig = spec.pushConfig ?? {};
      const body = spec.call
        ? { fromUserID: spec.from, invitees: spec.invitees ?? (spec.to ? [spec.to] : []), config: { pushConfig } }
        : { fromUserID: spec.from, toConversationID: spec.to, conversationType: 0, message: spec.message ?? { type: 1, message: 'pushsim' }, config: { priority: spec.priority ?? 2, pushConfig } };
      const response = await fetch(`${sim.urls.api}/zpns/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = await response.json() as { results?: { pushId?: string }[]; error?: { message: string } };
      if (spec.as) ctx.sent.set(spec.as, { pushIds: (json.results ?? []).map((r) => r.pushId).filter((p): p is string => !!p), status: response.status });
      return response.ok || spec.as ? undefined : `zim: ${json.error?.message}`;
    }
    case 'lifecycle': {
      if (spec.event) sim.simulation.lifecycle.send(spec.app, spec.event);
      if (spec.state) sim.simulation.lifecycle.goTo(spec.app, spec.state);
      return undefined;
    }
    // Scenario devices are created with their scenario ids.
    case 'conditions': sim.registry.setConditions(spec.device, spec.set); return undefined;
    case 'advance': await sim.advance(spec); await ctx.settle(); return undefined;
    case 'fault': {
      const token = spec.app ? (spec.provider === 'apns' ? ctx.app(spec.app).tokens?.apns : ctx.app(spec.app).tokens?.fcm) : undefined;
      const { app: _app, ...rule } = spec;
      sim.faults.add({ ...rule, ...(token ? { token } : {}) }, spec.provider === 'apns' ? isApnsReason : isFcmErrorCode);
      return undefined;
    }
    case 'tap': {
      const pushId = ctx.sent.get(spec.push)?.pushIds[0];
      if (!pushId) return `tap: the push "${spec.push}" was not accepted, so there is nothing to tap`;
      sim.simulation.tap(spec.app, pushId);
      return undefined;
    }
    case 'uninstall': sim.simulation.uninstallApp(spec.app); return undefined;
    case 'subscribe': sim.fcm!.subscribe(ctx.app(spec.app).tokens!.fcm!, spec.topic); return undefined;
    case 'chaos': sim.simulation.router.configureChaos({ backgroundDropProbability: spec.backgroundDropProbability }); return undefined;
    case 'expect': return expectNow(ctx, spec);
  }
}

/** The app's own code for a scenario app: the default export (or `main`) of a module next to the scenario file. */
async function loadAppMain(scenarioFile: string, entry: string): Promise<(api: AppApi) => unknown> {
  const file = resolve(dirname(scenarioFile), entry);
  let module: { default?: unknown; main?: unknown };
  try { module = await import(pathToFileURL(file).href) as typeof module; } catch (error) { throw new Error(`app entry ${entry}: cannot load ${file}: ${(error as Error).message}`); }
  const main = typeof module.default === 'function' ? module.default : module.main;
  if (typeof main !== 'function') throw new Error(`app entry ${entry}: export a function main(api) (default export or named main)`);
  return main as (api: AppApi) => unknown;
}

export function executeRun(run: ScenarioRun, options: { seed?: number; stateDir?: string } = {}): Promise<CaseResult> {
  const output: string[] = [];
  return withAppOutput(output, () => executeIsolated(run, options, output));
}

async function executeIsolated(run: ScenarioRun, options: { seed?: number; stateDir?: string }, output: string[]): Promise<CaseResult> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const settings = run.scenario.settings ?? {};
  const sim = await startSimulator({
    controlPort: 0, clock: 'virtual', faultSeed: seed, ...(options.stateDir ? { stateDir: options.stateDir } : {}), chaos: { backgroundDropProbability: 0, seed },
    ...(settings.silentPushThrottle ? { silentPushThrottle: settings.silentPushThrottle } : {}),
    ...(settings.apnsTooManyRequests ? { apns: { tooManyRequests: settings.apnsTooManyRequests } } : {}),
    ...(settings.fcmProjects ? { fcm: { projects: settings.fcmProjects } } : {}),
  });
  const failures: StepFailure[] = [];
  let status: CaseResult['status'] = 'passed';
  const ctx = new RunContext(sim, run, options.stateDir);
  try {
    for (const device of run.scenario.devices) sim.simulation.createDevice({ id: device.id, platform: device.platform, ...(device.osVersion ? { osVersion: device.osVersion } : {}), ...(device.manufacturer ? { manufacturer: device.manufacturer } : {}), ...(device.conditions ? { conditions: device.conditions } : {}) });
    ctx.addDeclaredKeys();
    for (const strategy of run.scenario.strategies ?? []) {
      const { preset, ...rest } = strategy;
      if (preset) sim.zpns!.strategies.fromPreset(strategy.resourcesID, preset);
      else sim.zpns!.strategies.set(rest as PushStrategy);
    }
    for (const app of run.scenario.apps) {
      const installed = sim.simulation.installApp({
        id: app.id, deviceId: app.device, bundleId: app.bundleId, sdkProfile: app.sdk as SdkProfile,
        ...(app.sdkVersion ? { sdkVersion: app.sdkVersion } : {}), ...(app.environment ? { environment: app.environment } : {}),
        ...(app.state ? { state: app.state } : {}), ...(app.fidelity ? { fidelity: app.fidelity } : {}),
        ...(app.handlerTime !== undefined ? { handlerTimeMs: app.handlerTime === 'never' ? -1 : parseDuration(app.handlerTime) } : {}),
        ...(app.fcmProject ? { fcmProject: app.fcmProject } : {}),
      });
      if (app.entry) ctx.processes.set(app.id, await AppProcess.start({ simulator: sim.urls.control, appId: installed.id, main: await loadAppMain(run.path, app.entry) }));
      else if (app.rnEntry) ctx.processes.set(app.id, await AppProcess.start({ simulator: sim.urls.control, appId: installed.id, entry: reactNativeEntry(resolve(dirname(run.path), app.rnEntry)) }));
      if (installed.tokens?.apns) ctx.apnsDeviceTokens.set(app.id, installed.tokens.apns);
      if (installed.tokens?.fcm) ctx.fcmRegistrationTokens.set(app.id, installed.tokens.fcm);
      if (app.zimUser) { sim.zpns!.sessions.login(app.zimUser, installed.id); sim.zpns!.sessions.setConnection(installed.id, app.zimConnection ?? 'auto'); }
    }
    for (const step of run.steps) {
      let problem: string | undefined;
      try { problem = await runStep(ctx, step); } catch (error) { problem = `could not run: ${(error as Error).message}`; status = 'error'; }
      if (problem) { failures.push({ step: step.index + 1, line: step.line, kind: step.kind, message: problem }); if (status === 'passed') status = 'failed'; }
      if (status === 'error') break;
    }
  } catch (error) {
    status = 'error';
    failures.push({ step: 0, line: 0, kind: 'setup', message: (error as Error).message });
  }
  for (const [appRef, process] of ctx.processes) {
    for (const error of process.errors) {
      failures.push({ step: 0, line: 0, kind: `app ${appRef}`, message: `the app's code threw: ${(error as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? String(error)}` });
      status = status === 'passed' ? 'failed' : status;
    }
  }
  const ledger = sim.ledger.list();
  await ctx.close();
  await sim.close();
  return { file: run.file, name: run.name, status, durationMs: performance.now() - started, failures, ledger, output };
}
