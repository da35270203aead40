// Runs one scenario run in isolation: a fresh simulator on free ports with a virtual clock, the scenario's devices,
// apps and strategies, then each step through the real endpoints; expectations are checked against the provider's
// answers and the ledger.
import http2wrapper from 'http2-wrapper';
import { startSimulator, type SimulatorHandle } from '../start-simulator.js';
import { parseDuration, type LedgerEntry, type SdkProfile } from '../core/index.js';
import { topState } from '../lifecycle/index.js';
import { sendApns, signProviderToken } from '../senders/apns-sender.js';
import { fcmAccessToken, sendFcm } from '../senders/fcm-sender.js';
import { isApnsReason } from '../providers/apns/index.js';
import { isFcmErrorCode } from '../providers/fcm/index.js';
import type { PushStrategy } from '../providers/zpns/index.js';
import type { ScenarioRun, ScenarioStep } from './scenario-loader.js';
import { partialMatch, readJsonPath } from './json-path.js';

export interface StepFailure { step: number; line: number; kind: string; message: string }

export interface CaseResult {
  file: string;
  name: string;
  status: 'passed' | 'failed' | 'error';
  durationMs: number;
  failures: StepFailure[];
  /** The ledger of the run's pushes, for failure reports. */
  ledger: LedgerEntry[];
}

interface Sent { pushIds: string[]; status?: number; reason?: string; errorCode?: string }

class RunContext {
  readonly sent = new Map<string, Sent>();
  readonly agent = new http2wrapper.Agent();
  /** Tokens by app id, kept past uninstall. */
  readonly tokens = new Map<string, string>();
  readonly fcmTokens = new Map<string, string>();
  apnsKey?: { teamId: string; keyId: string; p8: string };
  apnsToken?: { jwt: string; at: number };
  fcmToken?: string;
  constructor(readonly sim: SimulatorHandle, readonly run: ScenarioRun, readonly appIds: Map<string, string>) {}

  appId(ref: string): string { return this.appIds.get(ref)!; }
  app(ref: string) { return this.sim.registry.requireApp(this.appId(ref)); }
  entry(pushId: string | undefined): LedgerEntry | undefined { return pushId ? this.sim.ledger.get(pushId) : undefined; }

  apnsBearer(): string {
    this.apnsKey ??= this.sim.apns!.keyring.mint();
    const now = this.sim.clock.now();
    // Re-sign after 50 minutes, as APNs clients do (tokens expire after an hour).
    if (!this.apnsToken || now - this.apnsToken.at > 50 * 60_000) this.apnsToken = { jwt: signProviderToken(this.apnsKey, now), at: now };
    return `bearer ${this.apnsToken.jwt}`;
  }

  async fcmBearer(): Promise<string> {
    if (!this.fcmToken) {
      const project = this.sim.fcm!.server.defaultProject;
      const account = this.sim.fcm!.auth.createServiceAccount(project);
      this.fcmToken = await fcmAccessToken(this.sim.urls.fcm, this.sim.caPem, account, this.sim.clock.now());
    }
    return this.fcmToken;
  }
}

function describeFate(entry: LedgerEntry | undefined): string {
  if (!entry) return 'no push in the ledger';
  const f = entry.fate;
  return `${f.name}${f.callback ? ` → ${f.callback}` : ''}${f.displayed ? ' (displayed)' : ''}${f.reason ? `: ${f.reason}` : ''}`;
}

async function runStep(ctx: RunContext, step: ScenarioStep): Promise<string | undefined> {
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
      const token = spec.token ?? (spec.app ? (ctx.tokens.get(spec.app) ?? ctx.app(spec.app).tokens?.apns) : undefined);
      if (token === undefined) return `apns: no token; give token, or an iOS app`;
      const headers: Record<string, string> = {};
      if (spec.app && !('apns-topic' in (spec.headers ?? {}))) headers['apns-topic'] = ctx.run.scenario.apps.find((a) => a.id === spec.app)!.bundleId;
      for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k] = String(v);
      if (spec.auth !== 'none' && headers.authorization === undefined) headers.authorization = spec.auth === 'expired' ? `bearer ${signProviderToken(ctx.apnsKey ??= sim.apns!.keyring.mint(), sim.clock.now() - 2 * 3_600_000)}` : ctx.apnsBearer();
      const payload = typeof spec.payload === 'string' ? spec.payload : JSON.stringify(spec.payload ?? { aps: { alert: 'pushsim scenario' } });
      const answer = await sendApns({ url: spec.production ? sim.urls.apnsProduction : sim.urls.apns, token, headers, payload, ca: sim.caPem, agent: ctx.agent });
      const pushIds = answer.apnsId ? [answer.apnsId] : [];
      if (spec.as) ctx.sent.set(spec.as, { pushIds, status: answer.status, ...(answer.reason ? { reason: answer.reason } : {}) });
      return undefined;
    }
    case 'fcm': {
      const message = { ...spec.message };
      if (spec.app && !('token' in message) && !('topic' in message) && !('condition' in message) && !('fid' in message)) message.token = ctx.fcmTokens.get(spec.app) ?? ctx.app(spec.app).tokens?.fcm;
      const answer = await sendFcm(sim.urls.fcm, sim.caPem, await ctx.fcmBearer(), spec.project ?? sim.fcm!.server.defaultProject, { message, ...(spec.validateOnly ? { validate_only: true } : {}) });
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
      const appId = ctx.appId(spec.app);
      if (spec.event) sim.simulation.lifecycle.send(appId, spec.event);
      if (spec.state) sim.simulation.lifecycle.goTo(appId, spec.state);
      return undefined;
    }
    case 'conditions': {
      const device = ctx.run.scenario.devices.find((d) => d.id === spec.device)!;
      sim.registry.setConditions(device.id, spec.set);
      return undefined;
    }
    case 'advance': await sim.advance(spec); return undefined;
    case 'fault': {
      const token = spec.app ? (spec.provider === 'apns' ? ctx.app(spec.app).tokens?.apns : ctx.app(spec.app).tokens?.fcm) : undefined;
      const { app: _app, ...rule } = spec;
      sim.faults.add({ ...rule, ...(token ? { token } : {}) }, spec.provider === 'apns' ? isApnsReason : isFcmErrorCode);
      return undefined;
    }
    case 'tap': {
      const sent = ctx.sent.get(spec.push)!;
      sim.simulation.tap(ctx.appId(spec.app), sent.pushIds[0]!);
      return undefined;
    }
    case 'uninstall': sim.simulation.uninstallApp(ctx.appId(spec.app)); return undefined;
    case 'subscribe': sim.fcm!.subscribe(ctx.app(spec.app).tokens!.fcm!, spec.topic); return undefined;
    case 'chaos': sim.simulation.router.configureChaos({ backgroundDropProbability: spec.backgroundDropProbability }); return undefined;
    case 'expect': return expectNow(ctx, spec);
  }
}

/** Checks an expectation; with `within`, advances the clock timer by timer up to that long until it holds. */
async function expectNow(ctx: RunContext, spec: any): Promise<string | undefined> {
  let problem = check(ctx, spec);
  if (!problem || spec.within === undefined) return problem;
  const deadline = ctx.sim.clock.now() + parseDuration(spec.within);
  while (problem && ctx.sim.clock.now() < deadline) {
    const next = ctx.sim.clock.nextTimerAt?.();
    const target = next !== undefined && next <= deadline ? next : deadline;
    await ctx.sim.advance(Math.max(0, target - ctx.sim.clock.now()));
    problem = check(ctx, spec);
  }
  return problem ? `${problem} (within ${spec.within})` : undefined;
}

function check(ctx: RunContext, spec: any): string | undefined {
  const problems: string[] = [];
  const sent = spec.of ? ctx.sent.get(spec.of) : undefined;
  const entry = ctx.entry(sent?.pushIds[0]);
  if (spec.status !== undefined && sent?.status !== spec.status) problems.push(`expected status ${spec.status}, got ${sent?.status ?? 'none'}${sent?.reason ? ` (${sent.reason})` : ''}${sent?.errorCode ? ` (${sent.errorCode})` : ''}`);
  if (spec.reason !== undefined && sent?.reason !== spec.reason) problems.push(`expected reason ${spec.reason}, got ${sent?.reason ?? 'none'} (status ${sent?.status})`);
  if (spec.errorCode !== undefined && sent?.errorCode !== spec.errorCode) problems.push(`expected errorCode ${spec.errorCode}, got ${sent?.errorCode ?? 'none'} (status ${sent?.status})`);
  const needsEntry = ['fate', 'callback', 'displayed', 'because', 'message', 'path'].some((k) => spec[k] !== undefined);
  if (spec.of && needsEntry && !entry) problems.push(`expected a push "${spec.of}" in the ledger, found none`);
  if (entry) {
    const callbacks = [...(entry.fate.callback?.split(', ') ?? []), ...entry.receipts.map((r) => r.callback)];
    if (spec.fate !== undefined && entry.fate.name !== spec.fate) problems.push(`expected fate ${spec.fate}, got ${describeFate(entry)}`);
    if (spec.callback !== undefined && (entry.fate.name !== 'delivered' || !callbacks.includes(spec.callback))) problems.push(`expected callback ${spec.callback}, got ${describeFate(entry)}`);
    if (spec.notCallback !== undefined && entry.fate.name === 'delivered' && callbacks.includes(spec.notCallback)) problems.push(`expected ${spec.notCallback} not to run, but it did: ${describeFate(entry)}`);
    if (spec.displayed !== undefined && (entry.fate.displayed ?? false) !== spec.displayed) problems.push(`expected displayed ${spec.displayed}, got ${describeFate(entry)}`);
    if (spec.because !== undefined && !new RegExp(spec.because).test(entry.fate.reason ?? '')) problems.push(`expected the reason to match /${spec.because}/, got ${describeFate(entry)}`);
    const received = entry.receipts[0]?.message ?? entry.push.payload;
    if (spec.message !== undefined && !partialMatch(received, spec.message)) problems.push(`expected the message to contain ${JSON.stringify(spec.message)}, got ${JSON.stringify(received)}`);
    for (const [path, expected] of Object.entries(spec.path ?? {})) {
      let actual: unknown;
      try { actual = readJsonPath(received, path); } catch (error) { problems.push((error as Error).message); continue; }
      if (!partialMatch(actual, expected)) problems.push(`expected ${path} to be ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  } else if (spec.notCallback !== undefined && spec.app) {
    const ran = ctx.sim.ledger.list({ appId: ctx.appId(spec.app) }).some((e) => e.fate.name === 'delivered' && (e.fate.callback?.split(', ') ?? []).includes(spec.notCallback));
    if (ran) problems.push(`expected ${spec.notCallback} not to run on ${spec.app}, but it did`);
  }
  if (spec.state !== undefined) {
    const app = ctx.app(spec.app);
    if (app.lifecycle !== spec.state && topState(app.lifecycle) !== spec.state) problems.push(`expected ${spec.app} to be ${spec.state}, got ${app.lifecycle}`);
  }
  return problems.length ? problems.join('; ') : undefined;
}

export async function executeRun(run: ScenarioRun, options: { seed?: number } = {}): Promise<CaseResult> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const settings = run.scenario.settings ?? {};
  const sim = await startSimulator({
    controlPort: 0, clock: 'virtual', faultSeed: seed, chaos: { backgroundDropProbability: 0, seed },
    ...(settings.silentPushThrottle ? { silentPushThrottle: settings.silentPushThrottle } : {}),
    ...(settings.apnsTooManyRequests ? { apns: { tooManyRequests: settings.apnsTooManyRequests } } : {}),
    ...(settings.fcmProjects ? { fcm: { projects: settings.fcmProjects } } : {}),
  });
  const failures: StepFailure[] = [];
  let status: CaseResult['status'] = 'passed';
  const appIds = new Map<string, string>();
  const ctx = new RunContext(sim, run, appIds);
  try {
    for (const device of run.scenario.devices) sim.simulation.createDevice({ id: device.id, platform: device.platform, ...(device.osVersion ? { osVersion: device.osVersion } : {}), ...(device.manufacturer ? { manufacturer: device.manufacturer } : {}), ...(device.conditions ? { conditions: device.conditions } : {}) });
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
      });
      appIds.set(app.id, installed.id);
      if (installed.tokens?.apns) ctx.tokens.set(app.id, installed.tokens.apns);
      if (installed.tokens?.fcm) ctx.fcmTokens.set(app.id, installed.tokens.fcm);
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
  const ledger = sim.ledger.list();
  ctx.agent.destroy();
  await sim.close();
  return { file: run.file, name: run.name, status, durationMs: performance.now() - started, failures, ledger };
}
