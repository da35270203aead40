// POST /api/send/fcm: the control plane sends through pushsim's own FCM endpoint as a backend with firebase-admin would:
// a service account of its own per Firebase project, the OAuth JWT-bearer grant on /token for an access token (asked
// again when it nears its hour or the simulator forgot it), HTTP v1 messages:send over HTTPS on loopback, and Google's
// answer handed back unchanged (docs/reference/fcm.md#endpoint-and-authentication).
import https from 'node:https';
import { ErrorCodes, SimulatorError, parseInput } from '../../core/index.js';
import type { Simulation } from '../../engine/index.js';
import { WireSendFcmRequestSchema, type WireSendAnswerModel } from '../../model/index.js';
import { fcmAccessToken, sendFcm, type FcmAnswer } from '../../senders/index.js';
import type { FcmAuth } from './fcm-auth.js';
import { prepareScenarioKeys } from './fcm-scenario-step.js';

/** Google's access tokens last an hour; asked again after 50 minutes, as google-auth-library refreshes early. */
const REFRESH_AFTER_MS = 50 * 60_000;

export interface FcmWireEndpoint {
  caPem: string;
  url(): string;
  defaultProject(): string;
}

export class FcmWireSender {
  private readonly accounts = new Set<string>();
  private readonly tokens = new Map<string, { token: string; at: number }>();
  private agent?: https.Agent;

  constructor(
    private readonly sim: Simulation,
    private readonly auth: FcmAuth,
    private readonly endpoint: FcmWireEndpoint,
  ) {}

  async send(input: unknown): Promise<WireSendAnswerModel> {
    const body = parseInput(WireSendFcmRequestSchema, input);
    const app = body.app !== undefined ? this.sim.registry.requireApp(body.app) : undefined;
    const message = { ...body.message };
    const targeted = ['token', 'topic', 'condition', 'fid'].some((target) => target in message);
    if (app && !targeted) {
      const token = app.tokens?.fcm;
      if (!token)
        throw new SimulatorError(
          ErrorCodes.NO_FCM_TOKEN,
          `app ${app.id} has no FCM token (GET /api/apps shows its tokens); put message.token, topic or condition instead`,
          'app',
        );
      message.token = token;
    }
    const project = body.project ?? app?.fcmProject ?? this.endpoint.defaultProject();
    const url = this.endpoint.url();
    let answer: FcmAnswer;
    try {
      this.agent ??= new https.Agent({ keepAlive: true });
      answer = await sendFcm(
        url,
        this.endpoint.caPem,
        await this.accessToken(url, project),
        project,
        { message, ...(body.validateOnly ? { validate_only: true } : {}) },
        this.agent,
      );
    } catch (error) {
      if (error instanceof SimulatorError) throw error;
      this.close();
      throw new SimulatorError(
        ErrorCodes.WIRE_SEND_FAILED,
        `FCM at ${url} closed the request without an answer: ${(error as Error).message}`,
      );
    }
    const name = typeof answer.body?.name === 'string' ? (answer.body.name as string) : undefined;
    const messageId = name?.split('/messages/')[1];
    // A push to one token is in the ledger under the message id; a topic's fan-out under `<id>#<n>` (fcm-server.ts).
    const pushIds = messageId
      ? this.sim.ledger
          .list()
          .filter((e) => e.id === messageId || e.id.startsWith(`${messageId}#`))
          .map((e) => e.id)
      : [];
    return {
      service: 'fcm',
      url: `${url}/v1/projects/${project}/messages:send`,
      status: answer.status,
      headers: {},
      body: answer.body === '' ? null : answer.body,
      ...(answer.errorCode ? { reason: answer.errorCode } : {}),
      ...(pushIds[0] ? { pushId: pushIds[0] } : {}),
      pushIds,
    };
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** The project's access token: a service account registered once, a token asked for as firebase-admin does. */
  private async accessToken(url: string, project: string): Promise<string> {
    const now = this.sim.clock.now();
    const known = this.tokens.get(project);
    if (
      known &&
      now >= known.at &&
      now - known.at < REFRESH_AFTER_MS &&
      this.auth.verifyBearer(`Bearer ${known.token}`, now) !== 'invalid'
    )
      return known.token;
    const key = await prepareScenarioKeys();
    const account = {
      client_email: `pushsim-control@${project}.iam.gserviceaccount.com`,
      private_key: key.privateKey,
      private_key_id: key.keyId,
    };
    if (!this.accounts.has(project)) {
      this.auth.addServiceAccount(project, account.client_email, account.private_key, account.private_key_id);
      this.accounts.add(project);
    }
    const token = await fcmAccessToken(url, this.endpoint.caPem, account, now);
    this.tokens.set(project, { token, at: now });
    return token;
  }
}
