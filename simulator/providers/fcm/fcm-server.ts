// FCM over HTTPS, HTTP/1.1 (firebase-admin's send) and HTTP/2 (its sendEach) on one port, with the token endpoint and
// the topic-management APIs: everything firebase-admin and google-auth-library call, answered in Google's shapes.
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Simulation } from '../../engine/index.js';
import type { CertificateAuthority } from '../tls/index.js';
import type { FaultInjector } from '../fault-injection.js';
import { listenTracked, type TrackedListener } from '../tracked-listen.js';
import {
  FcmError,
  googleError,
  invalidArgument,
  MISSING_CREDENTIAL,
  INVALID_CREDENTIAL,
  type FcmErrorCode,
} from './fcm-errors.js';
import { readSendRequest, type FcmMessage } from './fcm-message.js';
import type { FcmAuth } from './fcm-auth.js';
import type { FcmTopics } from './fcm-topics.js';
import { androidPush, iosPush } from './fcm-push.js';
import { deliverFcmLiveActivity, liveActivityOf } from './fcm-live-activity.js';
import type { LiveActivityAddress } from '../../live-activity/index.js';
import { RateWindow, KeyedRateWindows } from '../rate-window.js';
import { readCappedBody } from '../request-body.js';

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

export interface FcmProjectConfig {
  id: string;
  /** Whether an APNs key is uploaded for the project; without one, iOS tokens get THIRD_PARTY_AUTH_ERROR. */
  apnsConfigured?: boolean;
}

export interface FcmServerOptions {
  host: string;
  port: number;
  projects: FcmProjectConfig[];
  permissive: boolean;
  /** Messages per device per minute (Android: 240). */
  perDevicePerMinute: number;
  /** Messages per project per minute (600,000). */
  perProjectPerMinute: number;
  /**
   * An HTTP/2 connection on which no stream has opened or closed for this long gets GOAWAY (NO_ERROR) and is closed, and
   * an HTTP/1.1 keep-alive connection idle this long between requests is closed; 0 = never.
   */
  idleTimeoutMs: number;
  /** Abort a TLS handshake not done within this; 0 = Node's own 120 s. */
  handshakeTimeoutMs: number;
}

const MAX_BODY = 1024 * 1024;
const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const SUBSCRIPTION_PATH = /^\/v1\/projects\/([^/]+)\/registrations\/([^/]+)\/topicSubscriptions(?:\/([^/]+))?$/;
const FCM_TOKEN_SHAPE = /^[A-Za-z0-9_:-]{20,4096}$/;

export class FcmServer {
  private readonly perDevice = new KeyedRateWindows(60_000);
  private listener: TrackedListener | undefined;
  private projectWindow = new RateWindow(60_000);
  /**
   * Message ids `0:<ms><8 hex>%<16 hex>` (the shape of FCM's), unique per server without two randomBytes() calls per
   * message: a counter after the time, and one random suffix per server (issue 14: allocations per push).
   */
  private readonly idSuffix = randomBytes(8).toString('hex');
  private idCount = 0;
  port = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly auth: FcmAuth,
    readonly topics: FcmTopics,
    private readonly faults: FaultInjector,
    private readonly ca: CertificateAuthority,
    readonly options: FcmServerOptions,
  ) {}

  get url(): string {
    return `https://${this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host}:${this.port}`;
  }
  get defaultProject(): string {
    return this.options.projects[0]!.id;
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
        console.error('[pushsim] FCM: internal error handling a request:', error);
        this.json(res, 500, new FcmError('INTERNAL').body());
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
    this.perDevice.clear();
    this.projectWindow = new RateWindow(60_000);
  }

  private json(res: Response, status: number, body: object): void {
    if (res.headersSent || (res as { destroyed?: boolean }).destroyed) return;
    const text = JSON.stringify(body);
    (res as ServerResponse).writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://fcm.googleapis.com');
    const body = await readCappedBody(req, MAX_BODY);
    if (body === 'too-large') {
      this.json(
        res,
        413,
        googleError(413, 'INVALID_ARGUMENT', `Request payload size exceeds the limit: ${MAX_BODY} bytes.`),
      );
      return;
    }
    const now = this.sim.clock.now();

    if (url.pathname === '/token' || url.pathname === '/o/oauth2/token' || url.pathname === '/oauth2/v4/token') {
      if (req.method !== 'POST') {
        this.json(res, 405, { error: 'invalid_request', error_description: 'POST only' });
        return;
      }
      const result = await this.auth.grant(new URLSearchParams(body.toString('utf8')), now);
      this.json(res, result.ok ? 200 : result.status, result.body);
      return;
    }

    const send = SEND_PATH.exec(url.pathname);
    const subscription = SUBSCRIPTION_PATH.exec(url.pathname);
    const legacyTopics = url.pathname === '/iid/v1:batchAdd' || url.pathname === '/iid/v1:batchRemove';
    if (!send && !subscription && !legacyTopics) {
      this.json(
        res,
        404,
        googleError(404, 'NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`),
      );
      return;
    }

    const credential = this.options.permissive
      ? { projectId: send?.[1] ?? subscription?.[1] ?? this.defaultProject }
      : this.auth.verifyBearer(headerOf(req, 'authorization'), now);
    if (credential === 'missing') {
      this.json(res, 401, googleError(401, 'UNAUTHENTICATED', MISSING_CREDENTIAL));
      return;
    }
    if (credential === 'invalid') {
      this.json(res, 401, googleError(401, 'UNAUTHENTICATED', INVALID_CREDENTIAL));
      return;
    }

    if (legacyTopics) {
      this.legacyTopics(res, url.pathname.endsWith('batchAdd'), body, credential.projectId);
      return;
    }
    const project = decodePathSegment((send ?? subscription)![1]!);
    const subscribedToken = subscription ? decodePathSegment(subscription[2]!) : '';
    const topicInPath = subscription?.[3] === undefined ? undefined : decodePathSegment(subscription[3]);
    if (
      project === undefined ||
      subscribedToken === undefined ||
      (subscription?.[3] !== undefined && topicInPath === undefined)
    ) {
      this.json(
        res,
        400,
        googleError(
          400,
          'INVALID_ARGUMENT',
          `Invalid request: the path ${url.pathname} has malformed percent-encoding.`,
        ),
      );
      return;
    }
    if (!this.options.projects.some((p) => p.id === project) || credential.projectId !== project) {
      this.json(
        res,
        403,
        googleError(
          403,
          'PERMISSION_DENIED',
          `Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/${project}' (or it may not exist).`,
        ),
      );
      return;
    }
    if (subscription) {
      this.subscription(req, res, project, subscribedToken, url, topicInPath);
      return;
    }
    if (req.method !== 'POST') {
      this.json(res, 405, googleError(405, 'INVALID_ARGUMENT', 'Only POST is allowed for messages:send.'));
      return;
    }

    const contentType = headerOf(req, 'content-type') ?? '';
    if (contentType && !/json/i.test(contentType)) {
      this.json(
        res,
        400,
        invalidArgument(
          'body',
          `Invalid JSON payload received. Unexpected content type "${contentType}"; send application/json.`,
        ).body(),
      );
      return;
    }
    let parsed: unknown;
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
      parsed = JSON.parse(text);
      if (depth(parsed) > 32)
        throw new FcmError(
          'INVALID_ARGUMENT',
          'Invalid JSON payload received. The message nests deeper than 32 levels.',
        );
    } catch (error) {
      const e =
        error instanceof FcmError
          ? error
          : invalidArgument(
              'body',
              `Invalid JSON payload received. ${error instanceof TypeError ? 'The body is not valid UTF-8.' : `Unexpected token in JSON: ${(error as Error).message}`}`,
            );
      this.json(res, e.status, e.body());
      return;
    }
    try {
      const request = readSendRequest(parsed);
      const name = this.send(project, request.message, request.validateOnly, now);
      // A topic or condition message fans out to entries `<id>#<n>`; the message as sent says which (a recording's step).
      if (!request.validateOnly && !('token' in request.message.target) && this.sim.bus.hasListeners('fcm.fanned-out'))
        this.sim.bus.emit('fcm.fanned-out', {
          project,
          defaultProject: this.defaultProject,
          messageId: name.split('/messages/')[1]!,
          message: { ...((parsed as { message?: Record<string, unknown> }).message ?? {}) },
        });
      this.json(res, 200, { name });
    } catch (error) {
      if (!(error instanceof FcmError)) throw error;
      this.sim.record(
        {
          id: `rejected-${randomBytes(6).toString('hex')}`,
          provider: 'fcm',
          token: tokenOf(parsed),
          kind: 'data',
          priority: 'normal',
          payload: {},
          acceptedAt: now,
        },
        { name: 'rejected', reason: `${error.code}: ${error.message}` },
      );
      this.json(res, error.status, error.body());
    }
  }

  /** Validates the targets and fans the message out to devices; returns the message name. */
  private send(project: string, message: FcmMessage, validateOnly: boolean, now: number): string {
    this.idCount = (this.idCount + 1) % 0x100000000;
    const id = `0:${now}${this.idCount.toString(16).padStart(8, '0')}%${this.idSuffix}`;
    const name = `projects/${project}/messages/${id}`;
    const target = message.target;
    let tokens: string[];
    let liveActivity: LiveActivityAddress | undefined;
    if ('token' in target) {
      const token = target.token;
      const fault = this.faults.pick('fcm', { token, project });
      if (fault?.reason)
        throw new FcmError(
          fault.reason as FcmErrorCode,
          `${new FcmError(fault.reason as FcmErrorCode).message} (injected fault ${fault.id})`,
        );
      if (!FCM_TOKEN_SHAPE.test(token))
        throw invalidArgument('message.token', 'The registration token is not a valid FCM registration token');
      const gone = this.sim.registry.uninstalledToken(token);
      const address = this.sim.registry.resolveToken(token);
      if (gone || !address || address.kind !== 'fcm') throw new FcmError('UNREGISTERED');
      const app = address.app;
      if ((app.fcmProject ?? this.defaultProject) !== project) throw new FcmError('SENDER_ID_MISMATCH');
      if (
        message.android?.restrictedPackageName !== undefined &&
        address.device.platform === 'android' &&
        message.android.restrictedPackageName !== app.bundleId
      ) {
        throw invalidArgument(
          'message.android.restricted_package_name',
          `Invalid value at 'message.android.restricted_package_name': the token belongs to ${app.bundleId}`,
        );
      }
      if (
        address.device.platform === 'ios' &&
        this.options.projects.find((p) => p.id === project)?.apnsConfigured === false
      )
        throw new FcmError('THIRD_PARTY_AUTH_ERROR');
      if (message.apns?.liveActivityToken !== undefined && address.device.platform === 'ios')
        liveActivity = liveActivityOf(this.sim, message.apns.liveActivityToken, address);
      if (!validateOnly) this.checkQuota(token, now);
      tokens = [token];
    } else if ('fid' in target) {
      throw new FcmError('UNREGISTERED', 'Requested entity was not found.');
    } else {
      const fault = this.faults.pick('fcm', { project });
      if (fault?.reason) throw new FcmError(fault.reason as FcmErrorCode, `injected fault ${fault.id}`);
      tokens =
        'topic' in target
          ? this.topics.subscribers(project, target.topic)
          : this.topics.matching(project, target.parsed);
    }
    if (validateOnly) return `projects/${project}/messages/fake_message_id`;
    tokens.forEach((token, index) => {
      const address = this.sim.registry.resolveToken(token);
      if (!address) return;
      const pushId = tokens.length === 1 && 'token' in target ? id : `${id}#${index}`;
      const push =
        address.device.platform === 'ios'
          ? iosPush(pushId, token, message, now)
          : androidPush(pushId, token, message, now);
      if (!('token' in target))
        (push.notes ??= []).push(
          `fan-out of ${'topic' in target ? `topic "${target.topic}"` : `condition ${target.condition}`} message ${name}`,
        );
      if (message.webpush)
        (push.notes ??= []).push('webpush block accepted and recorded (no web clients are simulated)');
      if (liveActivity) deliverFcmLiveActivity(this.sim, push, liveActivity, message.apns!.liveActivityToken!);
      else this.sim.router.route(push, address);
    });
    return name;
  }

  private checkQuota(token: string, now: number): void {
    if (this.projectWindow.count(now) >= this.options.perProjectPerMinute) {
      throw new FcmError(
        'QUOTA_EXCEEDED',
        `Quota exceeded for quota metric 'Messages per minute' of the project: ${this.options.perProjectPerMinute}.`,
      );
    }
    if (!this.perDevice.tryTake(token, now, this.options.perDevicePerMinute)) {
      throw new FcmError(
        'QUOTA_EXCEEDED',
        `Quota exceeded for quota metric 'Messages sent to one device' : more than ${this.options.perDevicePerMinute} per minute.`,
      );
    }
    this.projectWindow.tryTake(now, Infinity);
  }

  private subscription(
    req: Request,
    res: Response,
    project: string,
    token: string,
    url: URL,
    topicInPath?: string,
  ): void {
    const address = this.sim.registry.resolveToken(token);
    if (address?.kind !== 'fcm') {
      this.json(res, 404, new FcmError('UNREGISTERED').body());
      return;
    }
    if (req.method === 'POST') {
      const topic = url.searchParams.get('topic_name') ?? '';
      if (!/^[a-zA-Z0-9-_.~%]{1,900}$/.test(topic)) {
        this.json(res, 400, invalidArgument('topic_name', `Invalid topic name "${topic}"`).body());
        return;
      }
      if (this.topics.subscribe(project, token, topic) === 'too-many-topics') {
        this.json(res, 400, new FcmError('INVALID_ARGUMENT', 'TOO_MANY_TOPICS').body());
        return;
      }
      this.json(res, 200, {});
      return;
    }
    if (req.method === 'DELETE') {
      this.topics.unsubscribe(project, token, topicInPath ?? '');
      this.json(res, 200, {});
      return;
    }
    this.json(res, 405, googleError(405, 'INVALID_ARGUMENT', 'POST or DELETE only.'));
  }

  /**
   * iid.googleapis.com/iid/v1:batchAdd|batchRemove: `{to: "/topics/x", registration_tokens: [...]}` → per-token
   * results.
   */
  private legacyTopics(res: Response, add: boolean, body: Buffer, project: string): void {
    let request: { to?: unknown; registration_tokens?: unknown };
    try {
      request = JSON.parse(body.toString('utf8')) as typeof request;
    } catch {
      this.json(res, 400, { error: 'InvalidJSON' });
      return;
    }
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      this.json(res, 400, { error: 'InvalidJSON' });
      return;
    }
    const topic = typeof request.to === 'string' ? request.to.replace(/^\/topics\//, '') : '';
    const tokens = request.registration_tokens;
    if (!/^[a-zA-Z0-9-_.~%]{1,900}$/.test(topic)) {
      this.json(res, 400, { error: 'InvalidParameters: to' });
      return;
    }
    if (!Array.isArray(tokens) || tokens.length === 0 || tokens.length > 1000) {
      this.json(res, 400, { error: 'InvalidParameters: registration_tokens must hold 1 to 1000 tokens' });
      return;
    }
    const results = tokens.map((token: unknown) => {
      if (typeof token !== 'string' || !FCM_TOKEN_SHAPE.test(token)) return { error: 'INVALID_ARGUMENT' };
      const address = this.sim.registry.resolveToken(token);
      if (address?.kind !== 'fcm') return { error: 'NOT_FOUND' };
      if (add) return this.topics.subscribe(project, token, topic) === 'ok' ? {} : { error: 'TOO_MANY_TOPICS' };
      this.topics.unsubscribe(project, token, topic);
      return {};
    });
    this.json(res, 200, { results });
  }
}

/** A path segment percent-decoded; undefined when its encoding is malformed (`%zz`), which Google answers 400. */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function headerOf(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function tokenOf(parsed: unknown): string {
  const message = (parsed as { message?: { token?: unknown } } | undefined)?.message;
  return typeof message?.token === 'string' ? message.token : '';
}

function depth(value: unknown, level = 0): number {
  if (level > 32 || value === null || typeof value !== 'object') return level;
  let max = level;
  // for-in, not Object.values(): no array per object of every message (issue 14).
  for (const key in value)
    if (Object.hasOwn(value, key)) max = Math.max(max, depth((value as Record<string, unknown>)[key], level + 1));
  return max;
}
