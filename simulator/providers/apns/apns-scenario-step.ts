// The scenario's `apns` step: a request to the APNs endpoint over HTTP/2, signed with a key minted for the run (or one
// of the scenario's `keys.apns`), or sent with a client certificate; and the per-run state it keeps (keys, tokens,
// pools).
import type http2wrapper from 'http2-wrapper';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../../core/index.js';
import { http2Wrapper, sendApns, signProviderToken } from '../../senders/index.js';
import { loadCertificateAuthority } from '../tls/index.js';
import type { ScenarioStep, ScenarioStepContext } from '../service-module.js';
import type { ApnsProvider } from './apns-provider.js';
import { runBroadcastStep, scenarioChannelSchema } from './broadcast/index.js';

const id = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-"');
const json = z.record(z.string(), z.unknown());
const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/, 'a duration like "30s", "250ms" or "1h"'),
]);
const tenChars = z.string().regex(/^[A-Z0-9]{10}$/, "10 upper-case letters or digits, like Apple's");

/** An entry of the scenario's `keys.apns`. */
export const scenarioApnsKeySchema = z
  .object({
    id: id.describe("the name an apns step's `key` uses"),
    teamId: tenChars
      .optional()
      .describe('the team id (`iss`); generated for a minted key when absent, required with p8'),
    keyId: tenChars.optional().describe('the key id (`kid`); generated for a minted key when absent, required with p8'),
    p8: z
      .string()
      .optional()
      .describe('a .p8 file (path relative to the scenario file) to sign with; a key is minted when absent'),
    environment: z
      .enum(['sandbox', 'production', 'both'])
      .optional()
      .describe('team-scoped keys are environment-specific (both by default)'),
    topics: z.array(z.string()).optional().describe('a topic-specific key may send only to these topics'),
  })
  .strict()
  .describe('an APNs signing key');

/**
 * token: a key minted for the scenario (re-signed every 50 min); none; expired (iat 2 h ago); invalid (not a JWT);
 * production-key (a key bound to production); other-key (a second key of the team, on the same connection);
 * topic-key (a key restricted to another topic); renewed-token (a new token for the same key, on the same connection);
 * certificate (a client certificate for the topic); foreign-certificate (issued by another CA);
 * production-certificate (a client certificate for production).
 */
export const APNS_AUTH_MODES = [
  'token',
  'none',
  'expired',
  'invalid',
  'production-key',
  'other-key',
  'topic-key',
  'renewed-token',
  'certificate',
  'foreign-certificate',
  'production-certificate',
] as const;

const repeat = z.number().int().min(1).max(10_000).optional().describe('send this many times; `as` names the last');
const as = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name like p1 or silentPush')
  .optional()
  .describe('name to refer to this push in expectations');

export const apnsStepSchema = z
  .object({
    app: id.optional().describe('the app it goes to: its token, its bundle id as apns-topic'),
    token: z.string().optional().describe('a device token instead (even a malformed one)'),
    liveActivity: z
      .string()
      .optional()
      .describe(
        "an ActivityKit push to this named Live Activity's push token (topic <bundle>.push-type.liveactivity, push type liveactivity)",
      ),
    pushToStart: z
      .string()
      .optional()
      .describe(
        "an ActivityKit push to the app's push-to-start token of this attributes type; its `as` also names the activity it starts",
      ),
    channel: scenarioChannelSchema.optional(),
    broadcast: z
      .string()
      .optional()
      .describe(
        "a broadcast (POST /4/broadcasts/apps/<the app's bundle id>) to this channel: its `as` name or an apns-channel-id",
      ),
    headers: z
      .record(z.string(), z.union([z.string(), z.number(), z.array(z.string()), z.null()]))
      .optional()
      .describe('request headers; null leaves out one pushsim would add (apns-topic, authorization)'),
    payload: z
      .union([json, z.string()])
      .optional()
      .describe('the JSON payload (a string is sent as is, even if it is not JSON)'),
    production: z.boolean().optional().describe('send to the production endpoint (sandbox by default)'),
    auth: z.enum(APNS_AUTH_MODES).optional().describe('how the request authenticates (a provider token by default)'),
    key: id
      .optional()
      .describe('the `keys.apns` entry to sign the provider token with (the first one, or a minted key, by default)'),
    expiresIn: duration.optional().describe('sets apns-expiration to the clock time plus this (epoch seconds)'),
    staleIn: duration
      .optional()
      .describe("sets the payload's aps.stale-date to the clock time plus this (epoch seconds)"),
    dismissIn: duration
      .optional()
      .describe("sets the payload's aps.dismissal-date to the clock time plus this (epoch seconds)"),
    padTo: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('pad the JSON payload with a "pad" key to exactly this many bytes (4096 is the limit; 5120 for VoIP)'),
    path: z.string().optional().describe('another :path (BadPath, MissingDeviceToken)'),
    method: z.string().optional().describe('another method (MethodNotAllowed)'),
    repeat,
    as,
  })
  .strict()
  .describe('a request to the APNs endpoint over HTTP/2 (token auth with a key minted for the scenario)');

type ApnsStep = z.infer<typeof apnsStepSchema>;
type ScenarioApnsKey = z.infer<typeof scenarioApnsKeySchema>;
type ApnsKey = { teamId: string; keyId: string; p8: string };
type Agent = InstanceType<typeof http2wrapper.Agent>;

// Issuing a client certificate costs an RSA key pair: runs in one process on the same CA share them (a cache, keyed by
// the CA, so two simulators never see each other's).
const issuedCertificates = new Map<string, { cert: string; key: string }>();

/** Adds a "pad" key so the JSON is exactly `bytes` long (for the payload-size limits). */
function padPayload(payload: string, bytes: number): string {
  const object = JSON.parse(payload) as Record<string, unknown>;
  const bare = Buffer.byteLength(JSON.stringify({ ...object, pad: '' }));
  if (bytes < bare)
    throw new Error(`padTo ${bytes} is smaller than the payload itself (${bare} bytes with an empty pad)`);
  return JSON.stringify({ ...object, pad: 'x'.repeat(bytes - bare) });
}

/**
 * One run's APNs state: the keys it signs with, their provider tokens, and a connection pool per key or certificate.
 */
export class ApnsScenarioSession {
  readonly agent: Agent = new (http2Wrapper().Agent)();
  private readonly keys = new Map<string, ApnsKey>();
  private readonly declaredKeys = new Map<string, ApnsKey>();
  private readonly keyAgents = new Map<string, Agent>();
  private readonly certificateAgents = new Map<string, { agent: Agent; certificate: { cert: string; key: string } }>();
  private readonly providerTokens = new Map<string, { jwt: string; at: number }>();

  constructor(private readonly ctx: ScenarioStepContext) {}

  private get provider(): ApnsProvider {
    const provider = this.ctx.sim.service('apns') as ApnsProvider | undefined;
    if (!provider) throw new Error('apns: the APNs service is off in this simulator');
    return provider;
  }

  /**
   * Registers the scenario's own APNs keys (`keys.apns`): from a .p8 file next to the scenario, or minted with its ids.
   */
  addDeclaredKeys(declared: readonly ScenarioApnsKey[]): void {
    for (const entry of declared) {
      const { id: name, p8: file, ...ids } = entry;
      const options = {
        ...(ids.environment ? { environment: ids.environment } : {}),
        ...(ids.topics ? { topics: ids.topics } : {}),
      };
      let key: ApnsKey;
      if (file) {
        let p8: string;
        try {
          p8 = readFileSync(resolve(dirname(this.ctx.scenarioPath), file), 'utf8');
        } catch (error) {
          throw new Error(`keys.apns ${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
        }
        // The loader requires teamId and keyId with a .p8 file: they are the ids the team's backend signs with.
        const { teamId, keyId } = ids as { teamId: string; keyId: string };
        this.provider.keyring.add({ teamId, keyId, key: p8, ...options });
        key = { teamId, keyId, p8 };
      } else {
        key = this.provider.keyring.mint({
          ...(ids.teamId ? { teamId: ids.teamId } : {}),
          ...(ids.keyId ? { keyId: ids.keyId } : {}),
          ...options,
        });
      }
      this.declaredKeys.set(name, key);
      // The first declared key is the one steps sign with by default.
      if (!this.keys.has('main')) this.keys.set('main', key);
    }
  }

  declaredKey(name: string): ApnsKey {
    return this.declaredKeys.get(name)!;
  }

  /**
   * The connection pool a step signing with a declared key sends on: one per key, as a provider with several keys
   * keeps one connection each (APNs binds a connection to the key of its first push). The default key uses `agent`.
   */
  agentForKey(name: string): Agent {
    let agent = this.keyAgents.get(name);
    if (!agent) {
      agent = new (http2Wrapper().Agent)();
      this.keyAgents.set(name, agent);
    }
    return agent;
  }

  /** Keys minted for the scenario: the main one, and the odd ones the auth modes need. */
  key(kind: 'main' | 'production' | 'other' | 'topic' = 'main'): ApnsKey {
    let key = this.keys.get(kind);
    if (!key) {
      const keyring = this.provider.keyring;
      const teamId = kind === 'main' ? undefined : this.key('main').teamId;
      key =
        kind === 'main'
          ? keyring.mint()
          : kind === 'production'
            ? keyring.mint({ teamId: teamId!, environment: 'production' })
            : kind === 'topic'
              ? keyring.mint({ teamId: teamId!, topics: ['dev.pushsim.another-topic'] })
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
      const issuedKey = `${this.ctx.sim.caPem} ${cacheKey}`;
      const stateDir = this.ctx.stateDir;
      const stored = stateDir
        ? join(stateDir, `scenario-client-${createHash('sha256').update(issuedKey).digest('hex').slice(0, 16)}.json`)
        : undefined;
      let certificate = issuedCertificates.get(issuedKey);
      if (!certificate && stored && existsSync(stored))
        certificate = JSON.parse(readFileSync(stored, 'utf8')) as { cert: string; key: string };
      if (!certificate) {
        if (mode === 'foreign-certificate')
          certificate = loadCertificateAuthority(join(tmpdir(), 'pushsim-foreign-ca')).issueClientCertificate(
            topic,
            'sandbox',
          );
        else {
          const response = await fetch(`${this.ctx.sim.urls.api}/apns/certificates`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ topic, environment: mode === 'production-certificate' ? 'production' : 'sandbox' }),
          });
          certificate = (await response.json()) as { cert: string; key: string };
        }
        if (stored) writeFileSync(stored, JSON.stringify(certificate), { mode: 0o600 });
      }
      issuedCertificates.set(issuedKey, certificate);
      entry = { agent: new (http2Wrapper().Agent)(), certificate };
      this.certificateAgents.set(cacheKey, entry);
    }
    return entry;
  }

  bearer(renew = false, key = this.key()): string {
    const now = this.ctx.sim.clock.now();
    // One token per key, re-signed after 50 minutes as APNs clients do (tokens expire after an hour); `renew` signs a
    // new one now (on a connection that has used the old one for less than 20 minutes: TooManyProviderTokenUpdates).
    let token = this.providerTokens.get(key.keyId);
    if (renew) token = { jwt: signProviderToken(key, now + 1000), at: now };
    else if (!token || now - token.at > 50 * 60_000) token = { jwt: signProviderToken(key, now), at: now };
    this.providerTokens.set(key.keyId, token);
    return `bearer ${token.jwt}`;
  }

  close(): void {
    this.agent.destroy();
    for (const { agent } of this.certificateAgents.values()) agent.destroy();
    for (const agent of this.keyAgents.values()) agent.destroy();
  }
}

const sessionOf = (ctx: ScenarioStepContext): ApnsScenarioSession =>
  ctx.session('apns', () => new ApnsScenarioSession(ctx));

async function runApnsStep(ctx: ScenarioStepContext, spec: ApnsStep): Promise<string | undefined> {
  const { sim } = ctx;
  const session = sessionOf(ctx);
  if (spec.channel || spec.broadcast !== undefined) {
    const expiration =
      spec.expiresIn === undefined
        ? undefined
        : String(Math.floor((sim.clock.now() + parseDuration(spec.expiresIn)) / 1000));
    const auth = spec.auth ?? 'token';
    const authorization = auth === 'none' ? undefined : auth === 'invalid' ? 'bearer not.a.jwt' : session.bearer();
    // A broadcast's aps.stale-date / aps.dismissal-date relative to the clock, as for a push to one activity.
    const dated =
      spec.broadcast !== undefined && (spec.staleIn !== undefined || spec.dismissIn !== undefined)
        ? {
            ...spec,
            payload: withActivityDates(
              typeof spec.payload === 'string' ? spec.payload : JSON.stringify(spec.payload ?? {}),
              spec,
              sim.clock.now(),
            ),
          }
        : spec;
    return runBroadcastStep(ctx, dated, authorization, expiration);
  }
  const activity = liveActivityTarget(ctx, spec);
  if (typeof activity === 'string') return activity;
  // An uninstalled app's token stays known to the scenario, so a send after `uninstall` gets 410.
  const token = activity?.token ?? spec.token ?? (spec.app ? ctx.tokenOf(spec.app, 'apns') : undefined);
  if (token === undefined) return `apns: no token; give token, or an iOS app`;
  const headers: Record<string, string | string[]> = {};
  const bundleId =
    activity?.bundleId ?? (spec.app ? ctx.scenario.apps.find((a) => a.id === spec.app)!.bundleId : undefined);
  const topic = bundleId && activity ? `${bundleId}.push-type.liveactivity` : bundleId;
  if (activity && !(spec.headers && 'apns-push-type' in spec.headers)) headers['apns-push-type'] = 'liveactivity';
  if (topic && !(spec.headers && 'apns-topic' in spec.headers)) headers['apns-topic'] = topic;
  for (const [k, v] of Object.entries(spec.headers ?? {}))
    if (v !== null) headers[k] = Array.isArray(v) ? v : String(v);
  if (spec.expiresIn !== undefined)
    headers['apns-expiration'] = String(Math.floor((sim.clock.now() + parseDuration(spec.expiresIn)) / 1000));
  const auth = spec.auth ?? 'token';
  let agent = session.agent;
  let certificate: { cert: string; key: string } | undefined;
  if (auth.endsWith('certificate')) {
    ({ agent, certificate } = await session.certificate(
      auth as 'certificate',
      String(headers['apns-topic'] ?? topic ?? 'dev.pushsim.app'),
    ));
  } else if (auth !== 'none' && !(spec.headers && 'authorization' in spec.headers)) {
    const now = sim.clock.now();
    const key = spec.key ? session.declaredKey(spec.key) : session.key();
    if (spec.key) agent = session.agentForKey(spec.key);
    headers.authorization =
      auth === 'token'
        ? session.bearer(false, key)
        : auth === 'renewed-token'
          ? session.bearer(true, key)
          : auth === 'expired'
            ? `bearer ${signProviderToken(session.key(), now - 2 * 3_600_000)}`
            : auth === 'invalid'
              ? 'bearer not.a.jwt'
              : `bearer ${signProviderToken(session.key(auth === 'production-key' ? 'production' : auth === 'other-key' ? 'other' : 'topic'), now)}`;
  }
  let payload =
    typeof spec.payload === 'string'
      ? spec.payload
      : JSON.stringify(spec.payload ?? { aps: { alert: 'pushsim scenario' } });
  if (spec.staleIn !== undefined || spec.dismissIn !== undefined)
    payload = withActivityDates(payload, spec, sim.clock.now());
  if (spec.padTo !== undefined) payload = padPayload(payload, spec.padTo);
  const answer = await sendApns({
    url: spec.production ? sim.urls.apnsProduction! : sim.urls.apns!,
    token,
    headers,
    payload,
    ca: sim.caPem,
    agent,
    ...(certificate ? { certificate } : {}),
    ...(spec.path !== undefined ? { path: spec.path } : {}),
    ...(spec.method ? { method: spec.method } : {}),
  });
  // A rejected request has an apns-id too, but no ledger entry unless pushsim accepted and then rejected it.
  const pushIds = answer.apnsId && sim.ledger.get(answer.apnsId) ? [answer.apnsId] : [];
  ctx.record(spec.as, { pushIds, status: answer.status, ...(answer.reason ? { reason: answer.reason } : {}) });
  // A push-to-start that started an activity: `as` names it too, for the steps that update it (its receipt says which).
  if (spec.pushToStart !== undefined && spec.as && pushIds[0]) {
    const started = sim.ledger.get(pushIds[0])?.receipts[0]?.message as { activityId?: unknown } | undefined;
    if (typeof started?.activityId === 'string') ctx.nameActivity(spec.as, started.activityId);
  }
  return undefined;
}

/** The payload with aps.stale-date / aps.dismissal-date set relative to the clock (a Live Activity's dates). */
function withActivityDates(payload: string, spec: ApnsStep, now: number): string {
  const object = JSON.parse(payload) as { aps?: Record<string, unknown> };
  const aps = (object.aps ??= {});
  const at = (d: number | string): number => Math.floor((now + parseDuration(d)) / 1000);
  if (spec.staleIn !== undefined) aps['stale-date'] = at(spec.staleIn);
  if (spec.dismissIn !== undefined) aps['dismissal-date'] = at(spec.dismissIn);
  return JSON.stringify(object);
}

/** The token and bundle id of an ActivityKit push (`liveActivity` or `pushToStart`), a failure, or none. */
function liveActivityTarget(
  ctx: ScenarioStepContext,
  spec: ApnsStep,
): { token: string; bundleId: string } | string | undefined {
  if (spec.liveActivity !== undefined) {
    const token = ctx.activityToken(spec.liveActivity);
    if (!token) return `apns: no Live Activity with a push token is named "${spec.liveActivity}"`;
    const address = ctx.sim.simulation.liveActivities.resolveToken(token);
    const bundleId = address?.kind === 'push-to-start' ? address.bundleId : address?.activity.bundleId;
    return { token, bundleId: bundleId ?? '' };
  }
  if (spec.pushToStart !== undefined) {
    if (!spec.app) return 'apns: pushToStart needs the app whose push-to-start token it is';
    const token = ctx.sim.simulation.liveActivities.pushToStartTokens(spec.app)[spec.pushToStart];
    if (!token)
      return `apns: app ${spec.app} has no push-to-start token for ${spec.pushToStart} (declare it in liveActivities)`;
    return { token, bundleId: ctx.scenario.apps.find((a) => a.id === spec.app)!.bundleId };
  }
  return undefined;
}

export const apnsScenarioStep = {
  kind: 'apns',
  schema: apnsStepSchema,
  setup: (ctx: ScenarioStepContext) => {
    const declared = (ctx.scenario.keys?.apns ?? []) as ScenarioApnsKey[];
    if (declared.length) sessionOf(ctx).addDeclaredKeys(declared);
  },
  run: runApnsStep,
} satisfies ScenarioStep;
