// POST /api/send/apns and /api/send/apns-broadcast: the control plane sends through pushsim's own APNs endpoint as a
// provider's backend would, so what the dashboard (or a test) sends meets every check of the wire: a signing key of its
// own in the keyring, a provider token signed on the simulator's clock (re-signed after 50 minutes, as APNs clients do:
// tokens last an hour, docs/reference/apns.md#token-authentication), one HTTP/2 connection on loopback, and
// Apple's answer handed back unchanged.
import { randomUUID } from 'node:crypto';
import { type ClientHttp2Session, connect } from 'node:http2';
import type http2wrapper from 'http2-wrapper';
import type { z } from 'zod';
import { ErrorCodes, SimulatorError, parseInput } from '../../core/index.js';
import type { Simulation } from '../../engine/index.js';
import {
  WireSendApnsBroadcastRequestSchema,
  WireSendApnsRequestSchema,
  type WireSendAnswerModel,
} from '../../model/index.js';
import { http2Wrapper, sendApns, signProviderToken, type ApnsAnswer } from '../../senders/index.js';
import type { ApnsKeyring, MintedKey } from './apns-keys.js';

type Agent = InstanceType<typeof http2wrapper.Agent>;
type Environment = 'sandbox' | 'production';

/** A provider token is good for an hour; clients sign a new one well before (and no more than every 20 minutes). */
const RESIGN_AFTER_MS = 50 * 60_000;

export interface ApnsWireEndpoints {
  caPem: string;
  url(environment: Environment): string;
}

export class ApnsWireSender {
  private key?: MintedKey;
  private providerToken?: { jwt: string; at: number; keyId: string };
  private agent?: Agent;
  /** Cleartext HTTP/2 sessions by origin, for a pushsim serving APNs as h2c (`--h2c`; http2-wrapper speaks TLS only). */
  private readonly h2cSessions = new Map<string, ClientHttp2Session>();

  constructor(
    private readonly sim: Simulation,
    private readonly keyring: ApnsKeyring,
    private readonly endpoints: ApnsWireEndpoints,
  ) {}

  /** POST /api/send/apns: to an app's token (its bundle id as apns-topic unless the headers name one) or a token. */
  async send(input: unknown): Promise<WireSendAnswerModel> {
    const body = parseInput(WireSendApnsRequestSchema, input);
    const app = body.app !== undefined ? this.sim.registry.requireApp(body.app) : undefined;
    const token = body.token ?? app?.tokens?.apns;
    if (!token)
      throw new SimulatorError(
        ErrorCodes.NO_APNS_TOKEN,
        `app ${body.app} has no APNs token (an iOS app registers for one; GET /api/apps shows its tokens); give token instead`,
        'app',
      );
    const headers = this.headers(body.headers, app ? { 'apns-topic': app.bundleId } : {});
    const environment = body.environment ?? app?.environment ?? 'sandbox';
    const url = this.endpoints.url(environment);
    const answer = await this.post(url, { token, headers, payload: payloadText(body.payload) });
    const pushIds = answer.apnsId && this.sim.ledger.get(answer.apnsId) ? [answer.apnsId] : [];
    return wireAnswer(url, answer, pushIds);
  }

  /** POST /api/send/apns-broadcast: POST /4/broadcasts/apps/<bundle id> with apns-channel-id. */
  async broadcast(input: unknown): Promise<WireSendAnswerModel> {
    const body = parseInput(WireSendApnsBroadcastRequestSchema, input);
    const headers = this.headers(body.headers, {
      'apns-push-type': 'liveactivity',
      'apns-request-id': randomUUID(),
    });
    headers['apns-channel-id'] = body.channelId;
    const url = this.endpoints.url(body.environment ?? 'sandbox');
    const answer = await this.post(url, {
      token: '',
      path: `/4/broadcasts/apps/${encodeURIComponent(body.bundleId)}`,
      headers,
      payload: payloadText(body.payload),
    });
    // A broadcast's pushes are the ones it handed to subscribed activities (broadcast-send.ts names them by request id).
    const requestId = headers['apns-request-id'];
    const pushIds = this.sim.ledger
      .list()
      .filter((entry) => entry.push.headers?.['apns-request-id'] === requestId)
      .map((entry) => entry.id);
    return wireAnswer(url, answer, pushIds);
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
    for (const session of this.h2cSessions.values()) session.destroy();
    this.h2cSessions.clear();
  }

  private headers(given: Record<string, string> | undefined, defaults: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = { ...defaults };
    for (const [name, value] of Object.entries(given ?? {})) headers[name.toLowerCase()] = value;
    if ('authorization' in headers)
      throw new SimulatorError(
        ErrorCodes.INVALID_INPUT,
        'headers.authorization: the control plane signs its own provider token; leave authorization out (send with your own key from your backend, or `pushsim push --key`)',
        'headers.authorization',
      );
    headers.authorization = `bearer ${this.bearer()}`;
    return headers;
  }

  /** The control plane's own key: minted once, again if someone removed it (DELETE /api/apns/keys/{keyId}). */
  private bearer(): string {
    if (!this.key || !this.keyring.get(this.key.keyId)) {
      this.key = this.keyring.mint();
      this.providerToken = undefined;
      // A new key on an old connection would be refused (APNs binds a connection to its first key).
      this.close();
    }
    const now = this.sim.clock.now();
    if (!this.providerToken || now - this.providerToken.at > RESIGN_AFTER_MS || now < this.providerToken.at)
      this.providerToken = { jwt: signProviderToken(this.key, now), at: now, keyId: this.key.keyId };
    return this.providerToken.jwt;
  }

  private async post(
    url: string,
    request: { token: string; path?: string; headers: Record<string, string>; payload: string },
  ): Promise<ApnsAnswer> {
    try {
      if (url.startsWith('http:')) return await this.postCleartext(url, request);
      this.agent ??= new (http2Wrapper().Agent)();
      return await sendApns({ url, ca: this.endpoints.caPem, agent: this.agent, ...request });
    } catch (error) {
      // The connection is unusable after a dropped stream or connection: the next send opens a fresh one.
      this.close();
      throw new SimulatorError(
        ErrorCodes.WIRE_SEND_FAILED,
        `APNs at ${url} closed the request without an answer: ${(error as Error).message}`,
      );
    }
  }

  private postCleartext(
    url: string,
    request: { token: string; path?: string; headers: Record<string, string>; payload: string },
  ): Promise<ApnsAnswer> {
    const origin = new URL(url).origin;
    let session = this.h2cSessions.get(origin);
    if (!session || session.closed || session.destroyed) {
      session = connect(origin);
      session.on('error', () => this.h2cSessions.delete(origin));
      session.on('close', () => this.h2cSessions.delete(origin));
      this.h2cSessions.set(origin, session);
    }
    const stream = session.request({
      ':method': 'POST',
      ':path': request.path ?? `/3/device/${request.token}`,
      ...request.headers,
    });
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      const answer: Omit<ApnsAnswer, 'status' | 'body'> = {};
      stream.on('response', (headers) => {
        status = Number(headers[':status'] ?? 0);
        const text = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
        const apnsId = text('apns-id');
        const uniqueId = text('apns-unique-id');
        const channelId = text('apns-channel-id');
        const requestId = text('apns-request-id');
        Object.assign(answer, {
          ...(apnsId ? { apnsId } : {}),
          ...(uniqueId ? { uniqueId } : {}),
          ...(channelId ? { channelId } : {}),
          ...(requestId ? { requestId } : {}),
        });
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const full: ApnsAnswer = { ...answer, status, body };
        try {
          const json = body ? (JSON.parse(body) as { reason?: string; timestamp?: number }) : {};
          if (json.reason) full.reason = json.reason;
          if (json.timestamp !== undefined) full.timestamp = json.timestamp;
        } catch {
          /* not JSON: the raw body is kept */
        }
        if (status === 0) reject(new Error('the stream ended without a response'));
        else resolve(full);
      });
      stream.end(request.payload);
    });
  }
}

function payloadText(payload: z.infer<typeof WireSendApnsRequestSchema>['payload']): string {
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

function wireAnswer(url: string, answer: ApnsAnswer, pushIds: string[]): WireSendAnswerModel {
  const headers: Record<string, string> = {};
  if (answer.apnsId) headers['apns-id'] = answer.apnsId;
  if (answer.uniqueId) headers['apns-unique-id'] = answer.uniqueId;
  if (answer.requestId) headers['apns-request-id'] = answer.requestId;
  if (answer.channelId) headers['apns-channel-id'] = answer.channelId;
  let body: unknown = null;
  if (answer.body) {
    try {
      body = JSON.parse(answer.body);
    } catch {
      body = answer.body;
    }
  }
  return {
    service: 'apns',
    url,
    status: answer.status,
    headers,
    body,
    ...(answer.reason ? { reason: answer.reason } : {}),
    ...(pushIds[0] ? { pushId: pushIds[0] } : {}),
    pushIds,
  };
}
