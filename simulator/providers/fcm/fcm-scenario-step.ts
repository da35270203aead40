// The scenario's `fcm` step: messages:send on the FCM endpoint with an OAuth token from a service account minted for
// the run, over HTTP/1.1 keep-alive as firebase-admin's send() does; and the per-run state it keeps.
import https from 'node:https';
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { fcmAccessToken, sendFcm } from '../../senders/index.js';
import type { ScenarioStep, ScenarioStepContext } from '../service-module.js';
import type { FcmProvider } from './fcm-provider.js';

const id = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-"');
const json = z.record(z.string(), z.unknown());
const repeat = z.number().int().min(1).max(10_000).optional().describe('send this many times; `as` names the last');
const as = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name like p1 or silentPush')
  .optional()
  .describe('name to refer to this push in expectations');

export const fcmStepSchema = z
  .object({
    app: id.optional().describe('the app it goes to (message.token)'),
    message: json.describe('the FCM v1 Message (snake_case or lowerCamel)'),
    liveActivity: z
      .string()
      .optional()
      .describe(
        'a Live Activity the run named (`as:` of an activity start or a push-to-start): its push token goes in message.apns.live_activity_token',
      ),
    validateOnly: z.boolean().optional(),
    project: z.string().optional().describe('the project in the URL (the default project otherwise)'),
    auth: z
      .enum(['token', 'none', 'invalid'])
      .optional()
      .describe('an OAuth token from a service account (default), none, or a bad one'),
    repeat,
    as,
  })
  .strict()
  .describe("messages:send on the FCM endpoint (message.token defaults to the app's FCM token)");

type FcmStep = z.infer<typeof fcmStepSchema>;

// A cache, not state: one RSA key per process for every run's service account (a 2048-bit key costs 100–500 ms).
let serviceAccountKey: Promise<{ privateKey: string; keyId: string }> | undefined;

/** Generates the scenarios' service-account key off the main thread; the runner starts it before the first run. */
export function prepareScenarioKeys(): Promise<{ privateKey: string; keyId: string }> {
  serviceAccountKey ??= promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).then(({ privateKey }) => ({ privateKey, keyId: randomBytes(20).toString('hex') }));
  return serviceAccountKey;
}

/** One run's FCM state: its OAuth token and connection pool. */
class FcmScenarioSession {
  /** FCM over HTTP/1.1 keep-alive, as firebase-admin's send() does. */
  readonly agent = new https.Agent({ keepAlive: true });
  private token?: string;
  constructor(private readonly ctx: ScenarioStepContext) {}

  get provider(): FcmProvider {
    const provider = this.ctx.sim.service('fcm') as FcmProvider | undefined;
    if (!provider) throw new Error('fcm: the FCM service is off in this simulator');
    return provider;
  }

  async bearer(): Promise<string> {
    if (!this.token) {
      const project = this.provider.server.defaultProject;
      const key = await prepareScenarioKeys();
      const account = {
        client_email: `pushsim-scenarios@${project}.iam.gserviceaccount.com`,
        private_key: key.privateKey,
        private_key_id: key.keyId,
      };
      this.provider.auth.addServiceAccount(project, account.client_email, account.private_key, account.private_key_id);
      this.token = await fcmAccessToken(this.ctx.sim.urls.fcm!, this.ctx.sim.caPem, account, this.ctx.sim.clock.now());
    }
    return this.token;
  }

  close(): void {
    this.agent.destroy();
  }
}

async function runFcmStep(ctx: ScenarioStepContext, spec: FcmStep): Promise<string | undefined> {
  const { sim } = ctx;
  const session = ctx.session('fcm', () => new FcmScenarioSession(ctx));
  const message = { ...spec.message };
  if (spec.liveActivity !== undefined) {
    const token = ctx.activityToken(spec.liveActivity);
    if (!token) return `fcm: no Live Activity with a push token is named "${spec.liveActivity}"`;
    message.apns = { ...((message.apns as Record<string, unknown> | undefined) ?? {}), live_activity_token: token };
  }
  if (spec.app && !('token' in message) && !('topic' in message) && !('condition' in message) && !('fid' in message))
    message.token = ctx.tokenOf(spec.app, 'fcm');
  const bearer =
    spec.auth === 'none' ? undefined : spec.auth === 'invalid' ? 'ya29.not-a-token' : await session.bearer();
  const answer = await sendFcm(
    sim.urls.fcm!,
    sim.caPem,
    bearer,
    spec.project ?? session.provider.server.defaultProject,
    { message, ...(spec.validateOnly ? { validate_only: true } : {}) },
    session.agent,
  );
  const pushId =
    typeof answer.body?.name === 'string' ? (answer.body.name as string).split('/messages/')[1] : undefined;
  const pushIds = pushId
    ? sim.ledger
        .list()
        .filter((e) => e.id === pushId || e.id.startsWith(`${pushId}#`))
        .map((e) => e.id)
    : [];
  ctx.record(spec.as, { pushIds, status: answer.status, ...(answer.errorCode ? { errorCode: answer.errorCode } : {}) });
  return undefined;
}

export const fcmScenarioStep = { kind: 'fcm', schema: fcmStepSchema, run: runFcmStep } satisfies ScenarioStep;
