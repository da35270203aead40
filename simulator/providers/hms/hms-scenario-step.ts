// The scenario's `hms` step: messages:send on the HMS endpoint with an access token of a Push Kit app registered for
// the run (client credentials), over HTTPS keep-alive; and the per-run state it keeps.
import https from 'node:https';
import { z } from 'zod';
import type { ScenarioStep, ScenarioStepContext } from '../service-module.js';
import type { HmsProvider } from './hms-provider.js';
import type { HmsApp } from './hms-auth.js';
import { hmsAccessToken, sendHms } from './hms-sender.js';

const id = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-"');
const as = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name like p1 or silentPush')
  .optional()
  .describe('name to refer to this push in expectations');

export const hmsStepSchema = z
  .object({
    app: id.optional().describe('the app it goes to (message.token defaults to [its HMS token])'),
    message: z.record(z.string(), z.unknown()).describe('the Push Kit message (snake_case, as Huawei spells it)'),
    validateOnly: z.boolean().optional(),
    auth: z
      .enum(['token', 'none', 'invalid'])
      .optional()
      .describe("an access token of the run's Push Kit app (default), none, or a bad one"),
    highPriorityDataMessages: z
      .boolean()
      .optional()
      .describe("whether the run's Push Kit app holds the high-priority data message permission (default false)"),
    canSend: z
      .boolean()
      .optional()
      .describe(
        "whether the run's Push Kit app may send at all (default true; false is an app Huawei stopped: 80300002)",
      ),
    alsoTo: z
      .array(z.string())
      .max(1000)
      .optional()
      .describe(
        "tokens sent to after the app's own (message.token defaulted); a bad one makes a partial success, 80100000",
      ),
    padTo: z
      .number()
      .int()
      .min(1)
      .max(65_536)
      .optional()
      .describe(
        'pad message.data with spaces until the message without its tokens is this many bytes (4097: 80300008)',
      ),
    repeat: z.number().int().min(1).max(10_000).optional().describe('send this many times; `as` names the last'),
    as,
  })
  .strict()
  .describe("messages:send on the HMS (Huawei Push Kit) endpoint (message.token defaults to the app's HMS token)");

type HmsStep = z.infer<typeof hmsStepSchema>;

/** One run's Push Kit state: its app, access token and connection pool. */
class HmsScenarioSession {
  readonly agent = new https.Agent({ keepAlive: true });
  private token?: string;
  readonly app: HmsApp;
  constructor(private readonly ctx: ScenarioStepContext) {
    const provider = ctx.sim.service('hms') as HmsProvider | undefined;
    if (!provider) throw new Error('hms: the HMS service is off in this simulator');
    this.app = provider.auth.createApp();
  }

  async bearer(): Promise<string> {
    this.token ??= await hmsAccessToken(
      this.ctx.sim.urls.hms!,
      this.ctx.sim.caPem,
      this.app.appId,
      this.app.clientSecret,
      this.agent,
    );
    return this.token;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Pads `data` so the message as Push Kit measures it (without `token`) is `bytes` long; spaces are one byte in JSON. */
function padMessage(message: Record<string, unknown>, bytes: number): void {
  if (typeof message.data !== 'string') message.data = '';
  const { token: _token, ...content } = message;
  const missing = bytes - Buffer.byteLength(JSON.stringify(content));
  if (missing > 0) message.data = `${message.data as string}${' '.repeat(missing)}`;
}

async function runHmsStep(ctx: ScenarioStepContext, spec: HmsStep): Promise<string | undefined> {
  const { sim } = ctx;
  const session = ctx.session('hms', () => new HmsScenarioSession(ctx));
  if (spec.highPriorityDataMessages !== undefined) session.app.highPriorityDataMessages = spec.highPriorityDataMessages;
  if (spec.canSend !== undefined) session.app.canSend = spec.canSend;
  const message = { ...spec.message };
  if (spec.app && !('token' in message) && !('topic' in message) && !('condition' in message)) {
    const token = ctx.tokenOf(spec.app, 'hms');
    if (!token)
      return `hms: app ${spec.app} has no HMS token (apps get one on an Android device with manufacturer: huawei)`;
    message.token = [token, ...(spec.alsoTo ?? [])];
  } else if (spec.alsoTo) {
    return "hms: alsoTo adds tokens after the app's own; give app and leave message.token, topic and condition out";
  }
  if (spec.padTo !== undefined) padMessage(message, spec.padTo);
  const bearer =
    spec.auth === 'none' ? undefined : spec.auth === 'invalid' ? 'DQEBAnot-a-token' : await session.bearer();
  for (let i = 0; i < (spec.repeat ?? 1); i++) {
    const answer = await sendHms(
      sim.urls.hms!,
      sim.caPem,
      bearer,
      session.app.appId,
      { validate_only: spec.validateOnly ?? false, message },
      session.agent,
    );
    const requestId = typeof answer.body?.requestId === 'string' ? (answer.body.requestId as string) : undefined;
    const pushIds =
      requestId && (answer.code === '80000000' || answer.code === '80100000')
        ? sim.ledger
            .list()
            .filter((e) => e.id === requestId || e.id.startsWith(`${requestId}#`))
            .map((e) => e.id)
        : [];
    ctx.record(spec.as, { pushIds, status: answer.status, ...(answer.code ? { errorCode: answer.code } : {}) });
  }
  return undefined;
}

export const hmsScenarioStep = { kind: 'hms', schema: hmsStepSchema, run: runHmsStep } satisfies ScenarioStep;
