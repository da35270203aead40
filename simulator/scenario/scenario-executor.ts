// Runs one scenario run in isolation: a fresh simulator on free ports with a virtual clock, the scenario's devices,
// apps and strategies, then each step through the real endpoints; expectations are checked against the provider's
// answers and the ledger.
import http2wrapper from 'http2-wrapper';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { createHash, generateKeyPair, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppProcess } from '../../client-shim/app-process.js';
import type { AppApi } from '../../client-shim/app-api.js';
import { loadCertificateAuthority } from '../providers/tls/certificate-authority.js';
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

const issuedCertificates = new Map<string, { cert: string; key: string }>();
let serviceAccountKey: Promise<{ privateKey: string; keyId: string }> | undefined;

/**
 * The key of the service account scenarios send FCM with: one RSA key per process, generated off the main thread
 * (a 2048-bit key costs 100–500 ms). The runner starts it before the first run.
 */
export function prepareScenarioKeys(): Promise<{ privateKey: string; keyId: string }> {
  serviceAccountKey ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    .then(({ privateKey }) => ({ privateKey, keyId: randomBytes(20).toString('hex') }));
  return serviceAccountKey;
}

async function scenarioServiceAccount(project: string) {
  const key = await prepareScenarioKeys();
  return { client_email: `pushsim-scenarios@${project}.iam.gserviceaccount.com`, private_key: key.privateKey, private_key_id: key.keyId };
}

type ApnsKey = { teamId: string; keyId: string; p8: string };

interface Sent { pushIds: string[]; status?: number; reason?: string; errorCode?: string }

class RunContext {
  readonly sent = new Map<string, Sent>();
  readonly agent = new http2wrapper.Agent();
  /** FCM over HTTP/1.1 keep-alive, as firebase-admin's send() does. */
  readonly fcmAgent = new https.Agent({ keepAlive: true });
  /** Tokens by app id, kept past uninstall. */
  readonly tokens = new Map<string, string>();
  readonly fcmTokens = new Map<string, string>();
  /** Apps running the user's own code through the client shim, by scenario app id. */
  readonly processes = new Map<string, AppProcess>();
  private readonly keys = new Map<string, ApnsKey>();
  private readonly certificateAgents = new Map<string, { agent: InstanceType<typeof http2wrapper.Agent>; certificate: { cert: string; key: string } }>();
  apnsToken?: { jwt: string; at: number };
  fcmToken?: string;
  constructor(readonly sim: SimulatorHandle, readonly run: ScenarioRun, readonly appIds: Map<string, string>, private readonly stateDir?: string) {}

  /** Keys minted for the scenario: the main one, and the odd ones the auth modes need. */
  key(kind: 'main' | 'production' | 'other' | 'topic' = 'main'): ApnsKey {
    let key = this.keys.get(kind);
    if (!key) {
      const keyring = this.sim.apns!.keyring;
      const teamId = kind === 'main' ? undefined : this.key('main').teamId;
      key = kind === 'main' ? keyring.mint()
        : kind === 'production' ? keyring.mint({ teamId: teamId!, environment: 'production' })
        : kind === 'topic' ? keyring.mint({ teamId: teamId!, topics: ['dev.pushsim.another-topic'] })
        : keyring.mint({ teamId: teamId! });
      this.keys.set(kind, key);
    }
    return key;
  }

  /** A client certificate (and a connection pool of its own, since TLS client auth is per connection). */
  async certificate(mode: 'certificate' | 'foreign-certificate' | 'production-certificate', topic: string) {
    const cacheKey = `${mode} ${topic}`;
    let entry = this.certificateAgents.get(cacheKey);
    if (!entry) {
      // Issuing costs an RSA key pair: runs on the same CA share the certificates, kept in the state directory if any.
      const issuedKey = `${this.sim.caPem} ${cacheKey}`;
      const stored = this.stateDir ? join(this.stateDir, `scenario-client-${createHash('sha256').update(issuedKey).digest('hex').slice(0, 16)}.json`) : undefined;
      let certificate = issuedCertificates.get(issuedKey);
      if (!certificate && stored && existsSync(stored)) certificate = JSON.parse(readFileSync(stored, 'utf8')) as { cert: string; key: string };
      if (!certificate) {
        if (mode === 'foreign-certificate') certificate = loadCertificateAuthority(join(tmpdir(), 'pushsim-foreign-ca')).issueClientCertificate(topic, 'sandbox');
        else {
          const response = await fetch(`${this.sim.urls.api}/apns/certificates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ topic, environment: mode === 'production-certificate' ? 'production' : 'sandbox' }) });
          certificate = await response.json() as { cert: string; key: string };
        }
        if (stored) writeFileSync(stored, JSON.stringify(certificate), { mode: 0o600 });
      }
      issuedCertificates.set(issuedKey, certificate);
      entry = { agent: new http2wrapper.Agent(), certificate };
      this.certificateAgents.set(cacheKey, entry);
    }
    return entry;
  }

  /** Waits until every app running its own code has handled what the simulator sent it. */
  async settle(): Promise<void> { for (const process of this.processes.values()) await process.idle(); }

  async close(): Promise<void> {
    for (const process of this.processes.values()) await process.close().catch(() => {});
    this.agent.destroy();
    this.fcmAgent.destroy();
    for (const { agent } of this.certificateAgents.values()) agent.destroy();
  }

  appId(ref: string): string { return this.appIds.get(ref)!; }
  app(ref: string) { return this.sim.registry.requireApp(this.appId(ref)); }
  entry(pushId: string | undefined): LedgerEntry | undefined { return pushId ? this.sim.ledger.get(pushId) : undefined; }

  apnsBearer(renew = false): string {
    const now = this.sim.clock.now();
    // Re-sign after 50 minutes, as APNs clients do (tokens expire after an hour); `renew` signs a new one now.
    if (renew) this.apnsToken = { jwt: signProviderToken(this.key(), now + 1000), at: now };
    else if (!this.apnsToken || now - this.apnsToken.at > 50 * 60_000) this.apnsToken = { jwt: signProviderToken(this.key(), now), at: now };
    return `bearer ${this.apnsToken.jwt}`;
  }

  async fcmBearer(): Promise<string> {
    if (!this.fcmToken) {
      const project = this.sim.fcm!.server.defaultProject;
      const account = await scenarioServiceAccount(project);
      this.sim.fcm!.auth.addServiceAccount(project, account.client_email, account.private_key, account.private_key_id);
      this.fcmToken = await fcmAccessToken(this.sim.urls.fcm, this.sim.caPem, account, this.sim.clock.now());
    }
    return this.fcmToken;
  }
}

/** Adds a "pad" key so the JSON is exactly `bytes` long (for the payload-size limits). */
function padPayload(payload: string, bytes: number): string {
  const object = JSON.parse(payload) as Record<string, unknown>;
  const bare = Buffer.byteLength(JSON.stringify({ ...object, pad: '' }));
  if (bytes < bare) throw new Error(`padTo ${bytes} is smaller than the payload itself (${bare} bytes with an empty pad)`);
  return JSON.stringify({ ...object, pad: 'x'.repeat(bytes - bare) });
}

function describeFate(entry: LedgerEntry | undefined): string {
  if (!entry) return 'no push in the ledger';
  const f = entry.fate;
  return `${f.name}${f.callback ? ` → ${f.callback}` : ''}${f.displayed ? ' (displayed)' : ''}${f.reason ? `: ${f.reason}` : ''}`;
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
      const token = spec.token ?? (spec.app ? ctx.tokens.get(spec.app) : undefined);
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
        headers.authorization = auth === 'token' ? ctx.apnsBearer()
          : auth === 'renewed-token' ? ctx.apnsBearer(true)
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
      if (spec.app && !('token' in message) && !('topic' in message) && !('condition' in message) && !('fid' in message)) message.token = ctx.fcmTokens.get(spec.app);
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
      sim.simulation.tap(ctx.appId(spec.app), pushId);
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
    await ctx.settle();
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
  if (spec.recipients !== undefined) {
    const byInstalledId = new Map([...ctx.appIds].map(([ref, installed]) => [installed, ref]));
    const reached = (sent?.pushIds ?? []).map((id) => ctx.entry(id)?.appId).map((appId) => (appId ? byInstalledId.get(appId) ?? appId : '?')).sort();
    const expected = [...spec.recipients].sort();
    if (JSON.stringify(reached) !== JSON.stringify(expected)) problems.push(`expected the push to reach ${expected.join(', ') || 'no app'}, it reached ${reached.join(', ') || 'no app'}`);
  }
  const needsEntry = ['fate', 'callback', 'displayed', 'because', 'message', 'path', 'absent', 'note'].some((k) => spec[k] !== undefined);
  if (spec.of && needsEntry && !entry) problems.push(`expected a push "${spec.of}" in the ledger, found none`);
  if (entry) {
    // The callbacks that ran: the fate's (for a delivered push), and every receipt (an app's own code reports what ran,
    // also for a tapped notification).
    const callbacks = [...(entry.fate.name === 'delivered' ? entry.fate.callback?.split(', ') ?? [] : []), ...entry.receipts.map((r) => r.callback)];
    // What happened to the push is said once, after everything that was expected of it and did not hold.
    const outcome: string[] = [];
    if (spec.fate !== undefined && entry.fate.name !== spec.fate) outcome.push(`fate ${spec.fate}`);
    if (spec.callback !== undefined && !callbacks.includes(spec.callback)) outcome.push(`callback ${spec.callback}`);
    if (spec.notCallback !== undefined && callbacks.includes(spec.notCallback)) outcome.push(`${spec.notCallback} not to run`);
    if (spec.displayed !== undefined && (entry.fate.displayed ?? false) !== spec.displayed) outcome.push(spec.displayed ? 'a notification shown' : 'nothing shown');
    if (spec.because !== undefined && !new RegExp(spec.because).test(entry.fate.reason ?? '')) outcome.push(`a reason matching /${spec.because}/`);
    const ran = entry.receipts.length ? `; callbacks that ran: ${[...new Set(callbacks)].join(', ') || 'none'}` : '';
    if (outcome.length) problems.push(`expected ${outcome.join(', ')}; got ${describeFate(entry)}${ran}`);
    if (spec.note !== undefined && !entry.notes.some((n) => new RegExp(spec.note).test(n.note))) problems.push(`expected a ledger note matching /${spec.note}/, got ${entry.notes.map((n) => JSON.stringify(n.note)).join(', ') || 'no notes'}`);
    if (spec.displayed !== undefined && (entry.fate.displayed ?? false) !== spec.displayed) problems.push(`expected displayed ${spec.displayed}, got ${describeFate(entry)}`);
    if (spec.because !== undefined && !new RegExp(spec.because).test(entry.fate.reason ?? '')) problems.push(`expected the reason to match /${spec.because}/, got ${describeFate(entry)}`);
    const received = entry.receipts[0]?.message ?? entry.push.payload;
    if (spec.message !== undefined && !partialMatch(received, spec.message)) problems.push(`expected the message to contain ${JSON.stringify(spec.message)}, got ${JSON.stringify(received)}`);
    for (const [path, expected] of Object.entries(spec.path ?? {})) {
      let actual: unknown;
      try { actual = readJsonPath(received, path); } catch (error) { problems.push((error as Error).message); continue; }
      if (!partialMatch(actual, expected)) problems.push(`expected ${path} to be ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
    for (const path of spec.absent ?? []) {
      let actual: unknown;
      try { actual = readJsonPath(received, path); } catch (error) { problems.push((error as Error).message); continue; }
      if (actual !== undefined) problems.push(`expected nothing at ${path}, got ${JSON.stringify(actual)}`);
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

/** The app's own code for a scenario app: the default export (or `main`) of a module next to the scenario file. */
async function loadAppMain(scenarioFile: string, entry: string): Promise<(api: AppApi) => unknown> {
  const file = resolve(dirname(scenarioFile), entry);
  let module: { default?: unknown; main?: unknown };
  try { module = await import(pathToFileURL(file).href) as typeof module; } catch (error) { throw new Error(`app entry ${entry}: cannot load ${file}: ${(error as Error).message}`); }
  const main = typeof module.default === 'function' ? module.default : module.main;
  if (typeof main !== 'function') throw new Error(`app entry ${entry}: export a function main(api) (default export or named main)`);
  return main as (api: AppApi) => unknown;
}

export async function executeRun(run: ScenarioRun, options: { seed?: number; stateDir?: string } = {}): Promise<CaseResult> {
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
  const appIds = new Map<string, string>();
  const ctx = new RunContext(sim, run, appIds, options.stateDir);
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
        ...(app.fcmProject ? { fcmProject: app.fcmProject } : {}),
      });
      appIds.set(app.id, installed.id);
      if (app.entry) ctx.processes.set(app.id, await AppProcess.start({ simulator: sim.urls.control, appId: installed.id, main: await loadAppMain(run.path, app.entry) }));
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
  for (const [appRef, process] of ctx.processes) {
    for (const error of process.errors) {
      failures.push({ step: 0, line: 0, kind: `app ${appRef}`, message: `the app's code threw: ${(error as Error)?.stack?.split('\n').slice(0, 2).join(' ') ?? String(error)}` });
      status = status === 'passed' ? 'failed' : status;
    }
  }
  const ledger = sim.ledger.list();
  await ctx.close();
  await sim.close();
  return { file: run.file, name: run.name, status, durationMs: performance.now() - started, failures, ledger };
}
