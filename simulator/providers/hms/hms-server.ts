// Push Kit over HTTPS on one port: the OAuth token endpoint (oauth-login.cloud.huawei.com), messages:send and the
// topic APIs (push-api.cloud.huawei.com), answered in Huawei's `{code, msg, requestId}` shape with its result codes.
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomInt } from 'node:crypto';
import type { Simulation } from '../../engine/index.js';
import type { CertificateAuthority } from '../tls/index.js';
import type { FaultInjector } from '../fault-injection.js';
import { listenTracked, type TrackedListener } from '../tracked-listen.js';
import { KeyedRateWindows } from '../rate-window.js';
import { HmsError, HMS_RESULT_CODES, type HmsResultCode } from './hms-errors.js';
import { readHmsRequest, type HmsMessage } from './hms-message.js';
import { hmsPush } from './hms-push.js';
import { HMS_TOKEN_SHAPE } from './hms-token.js';
import type { HmsAuth, HmsApp } from './hms-auth.js';
import type { HmsTopics } from './hms-topics.js';
import { readCappedBody } from '../request-body.js';

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

export interface HmsServerOptions {
  host: string;
  port: number;
  /** Sends per app per second before flow control answers 503 (docs/reference/hms.md#flow-control). */
  perAppPerSecond: number;
  /**
   * An HTTP/2 connection on which no stream has opened or closed for this long gets GOAWAY (NO_ERROR) and is closed, and
   * an HTTP/1.1 keep-alive connection idle this long between requests is closed; 0 = never.
   */
  idleTimeoutMs: number;
  /** Abort a TLS handshake not done within this; 0 = Node's own 120 s. */
  handshakeTimeoutMs: number;
}

const MAX_BODY = 1024 * 1024;
const SEND_PATH = /^\/v1\/([^/]+)\/messages:send$/;
const TOPIC_PATH = /^\/v1\/([^/]+)\/topic:(subscribe|unsubscribe|list)$/;

export class HmsServer {
  private listener: TrackedListener | undefined;
  private readonly perApp = new KeyedRateWindows(1000);
  port = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly auth: HmsAuth,
    readonly topics: HmsTopics,
    private readonly faults: FaultInjector,
    private readonly ca: CertificateAuthority,
    readonly options: HmsServerOptions,
  ) {}

  get url(): string {
    return `https://${this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host}:${this.port}`;
  }

  async start(): Promise<number> {
    const server = http2.createSecureServer({
      key: this.ca.server.key,
      cert: this.ca.server.cert,
      allowHTTP1: true,
      ...(this.options.handshakeTimeoutMs > 0 ? { handshakeTimeout: this.options.handshakeTimeoutMs } : {}),
    });
    // HTTP/1.1 keep-alive connections (Node's HTTP/1 handling reads the server's keepAliveTimeout; an Http2SecureServer
    // leaves it unset, so one held its socket for ever); HTTP/2 sessions get the listener's idle timeout below.
    (server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = this.options.idleTimeoutMs;
    server.on('request', (req: Request, res: Response) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error('[pushsim] HMS: internal error handling a request:', error);
        this.json(res, 500, new HmsError('81000001').body(this.requestId()));
      });
    });
    server.on('sessionError', () => {});
    server.on('error', () => {});
    this.listener = await listenTracked(server, this.options.port, this.options.host, {
      idleMs: this.options.idleTimeoutMs,
    });
    this.port = this.listener.port;
    return this.port;
  }

  async stop(): Promise<void> {
    await this.listener?.close();
  }
  reset(): void {
    this.perApp.clear();
  }

  /** Huawei's request ids are digit strings: the time and a random tail. */
  private requestId(): string {
    return `${this.sim.clock.now()}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
  }

  private json(res: Response, status: number, body: object): void {
    if (res.headersSent || (res as { destroyed?: boolean }).destroyed) return;
    const text = JSON.stringify(body);
    (res as ServerResponse).writeHead(status, {
      'content-type': 'application/json;charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private fail(res: Response, error: HmsError, requestId = this.requestId()): void {
    this.json(res, error.status, error.body(requestId));
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://push-api.cloud.huawei.com');
    const body = await readCappedBody(req, MAX_BODY);
    const now = this.sim.clock.now();
    if (url.pathname === '/oauth2/v3/token') {
      if (req.method !== 'POST') {
        this.json(res, 405, { error: 1101, sub_error: 20001, error_description: 'POST only' });
        return;
      }
      const result = this.auth.grant(new URLSearchParams(body === 'too-large' ? '' : body.toString('utf8')), now);
      this.json(res, result.ok ? 200 : result.status, result.body);
      return;
    }
    const send = SEND_PATH.exec(url.pathname);
    const topic = TOPIC_PATH.exec(url.pathname);
    if (!send && !topic) {
      this.json(res, 404, {
        code: '80100003',
        msg: `no Push Kit API at ${url.pathname}; pushsim serves /oauth2/v3/token, /v1/{appId}/messages:send and /v1/{appId}/topic:subscribe|unsubscribe|list`,
        requestId: this.requestId(),
      });
      return;
    }
    if (req.method !== 'POST') {
      this.fail(res, new HmsError('80100003', `Message structure error: ${url.pathname} takes POST`, 405));
      return;
    }
    const appId = decodeURIComponent((send ?? topic)![1]!);
    const credential = this.auth.verifyBearer(headerOf(req, 'authorization'), appId, now);
    if (credential === 'missing') {
      this.fail(
        res,
        new HmsError(
          '80200001',
          'Oauth authentication error: the request has no "Authorization: Bearer <access token>" header',
        ),
      );
      return;
    }
    if (credential === 'expired') {
      this.fail(
        res,
        new HmsError(
          '80200003',
          'Oauth Token expired (or not one the token endpoint issued): get a new one from /oauth2/v3/token',
        ),
      );
      return;
    }
    if (credential === 'other-app') {
      this.fail(
        res,
        new HmsError(
          '80200001',
          `Oauth authentication error: the access token was issued to another app than ${appId}`,
        ),
      );
      return;
    }
    const app = this.auth.app(appId)!;
    if (body === 'too-large') {
      this.fail(res, new HmsError('80300008'));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      this.fail(res, new HmsError('80100003', 'Message structure error: the body is not JSON'));
      return;
    }
    if (topic) {
      this.topicRequest(res, app, topic[2] as 'subscribe' | 'unsubscribe' | 'list', parsed, now);
      return;
    }
    const requestId = this.requestId();
    try {
      const request = readHmsRequest(parsed);
      this.json(res, 200, this.send(app, request.message, request.validateOnly, requestId, now));
    } catch (error) {
      if (!(error instanceof HmsError)) throw error;
      this.sim.record(
        {
          id: `rejected-${requestId}`,
          provider: 'hms',
          channel: 'hms',
          token: firstToken(parsed),
          kind: 'data',
          priority: 'normal',
          payload: {},
          acceptedAt: now,
        },
        { name: 'rejected', reason: `${error.code}: ${error.message}` },
      );
      this.fail(res, error, requestId);
    }
  }

  /**
   * Checks the app and each token, fans the message out and answers 80000000, 80100000 (some tokens bad) or 80300007.
   */
  private send(
    app: HmsApp,
    message: HmsMessage,
    validateOnly: boolean,
    requestId: string,
    now: number,
  ): { code: string; msg: string; requestId: string } {
    if (!app.canSend) throw new HmsError('80300002');
    const firstTarget = 'tokens' in message.target ? message.target.tokens[0] : undefined;
    const fault = this.faults.pick('hms', {
      ...(firstTarget ? { token: firstTarget } : {}),
      project: app.appId,
      ...('topic' in message.target ? { topic: message.target.topic } : {}),
    });
    if (fault?.reason)
      throw new HmsError(
        fault.reason as HmsResultCode,
        `${HMS_RESULT_CODES[fault.reason as HmsResultCode].msg} (injected fault ${fault.id})`,
      );
    if (!validateOnly && !this.perApp.tryTake(app.appId, now, this.options.perAppPerSecond)) {
      throw new HmsError(
        '81000001',
        `flow control: more than ${this.options.perAppPerSecond} sends per second for app ${app.appId}; slow down and retry`,
        503,
      );
    }
    let tokens: string[];
    const illegal: string[] = [];
    if ('tokens' in message.target) {
      tokens = [];
      for (const token of message.target.tokens) (this.ownsToken(app, token) ? tokens : illegal).push(token);
      if (tokens.length === 0) throw new HmsError('80300007');
    } else {
      tokens =
        'topic' in message.target
          ? this.topics.subscribers(app.appId, message.target.topic)
          : this.topics.matching(app.appId, message.target.parsed);
    }
    if (!validateOnly) {
      tokens.forEach((token, index) => {
        const address = this.sim.registry.resolveToken(token);
        if (!address) return;
        const push = hmsPush(tokens.length === 1 ? requestId : `${requestId}#${index}`, token, message, now, app);
        if ('topic' in message.target) (push.notes ??= []).push(`fan-out of topic "${message.target.topic}"`);
        if ('condition' in message.target) (push.notes ??= []).push(`fan-out of condition ${message.target.condition}`);
        this.sim.router.route(push, address);
      });
    }
    if (illegal.length)
      return {
        code: '80100000',
        msg: JSON.stringify({ success: tokens.length, failure: illegal.length, illegal_tokens: illegal }),
        requestId,
      };
    return { code: '80000000', msg: 'Success', requestId };
  }

  /**
   * A token this app may send to: issued by HMS to an installed app of the app's package
   * (docs/reference/hms.md#answers-and-result-codes).
   */
  private ownsToken(app: HmsApp, token: string): boolean {
    if (!HMS_TOKEN_SHAPE.test(token) || this.sim.registry.uninstalledToken(token)) return false;
    const address = this.sim.registry.resolveToken(token);
    return address?.kind === 'hms' && (app.packageName === undefined || app.packageName === address.app.bundleId);
  }

  private topicRequest(
    res: Response,
    app: HmsApp,
    verb: 'subscribe' | 'unsubscribe' | 'list',
    body: unknown,
    now: number,
  ): void {
    const requestId = this.requestId();
    const request = (body ?? {}) as { topic?: unknown; tokenArray?: unknown; token?: unknown };
    if (verb === 'list') {
      if (typeof request.token !== 'string' || !this.ownsToken(app, request.token)) {
        this.fail(
          res,
          new HmsError('80300007', 'Invalid Token: topic:list takes {"token": "<a push token of this app>"}'),
          requestId,
        );
        return;
      }
      this.json(res, 200, {
        code: '80000000',
        msg: 'Success',
        requestId,
        topics: this.topics.topicsOf(app.appId, request.token),
      });
      return;
    }
    if (typeof request.topic !== 'string' || !/^[a-zA-Z0-9-_.~%]{1,900}$/.test(request.topic)) {
      this.fail(
        res,
        new HmsError('80100001', 'Parameters check error: "topic" must match [a-zA-Z0-9-_.~%]{1,900}'),
        requestId,
      );
      return;
    }
    const tokens = request.tokenArray;
    if (!Array.isArray(tokens) || tokens.length === 0 || tokens.length > 1000) {
      this.fail(
        res,
        new HmsError('80300010', 'Tokens exceed the default value: "tokenArray" takes 1 to 1000 tokens'),
        requestId,
      );
      return;
    }
    const errors: { index: number; reason: string }[] = [];
    tokens.forEach((token: unknown, index) => {
      if (typeof token !== 'string' || !this.ownsToken(app, token)) {
        errors.push({ index, reason: '80300007 Invalid Token' });
        return;
      }
      if (verb === 'unsubscribe') {
        this.topics.unsubscribe(app.appId, token, request.topic as string);
        return;
      }
      if (this.topics.subscribe(app.appId, token, request.topic as string, now) === 'too-many-topics')
        errors.push({ index, reason: '82000009 Topic num transfinited, at most 2000' });
    });
    const successCount = tokens.length - errors.length;
    const code = errors.length === 0 ? '80000000' : successCount > 0 ? '80100000' : '80300007';
    this.json(res, 200, {
      code,
      msg: HMS_RESULT_CODES[code].msg,
      requestId,
      successCount,
      failureCount: errors.length,
      errors,
    });
  }
}

function headerOf(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function firstToken(parsed: unknown): string {
  const tokens = (parsed as { message?: { token?: unknown } } | undefined)?.message?.token;
  return Array.isArray(tokens) && typeof tokens[0] === 'string' ? tokens[0] : '';
}
