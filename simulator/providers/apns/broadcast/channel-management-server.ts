// Apple's channel management API (api-manage-broadcast hosts) over HTTP/2: create a channel with a message storage
// policy, read one, list an app's channels, delete one; authenticated as APNs is (provider token or client
// certificate). Facts: docs/reference/apns-broadcast.md#channel-management-api.
import http2, { type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { isUtf8 } from 'node:buffer';
import type { Simulation } from '../../../engine/index.js';
import type { CertificateAuthority } from '../../tls/index.js';
import { authenticate, checkTopicAllowed, readClientCertificate, type ApnsConnection } from '../apns-auth.js';
import type { ApnsKeyring } from '../apns-keys.js';
import { KeyedRateWindows } from '../../rate-window.js';
import { listenTracked, type TrackedListener } from '../../tracked-listen.js';
import { BroadcastRejection } from './broadcast-reasons.js';
import type { BroadcastChannel, BroadcastChannels, Environment, MessageStoragePolicy } from './broadcast-channels.js';
import { answer, answerRejection, asBroadcastRejection, channelIdOf, headerOf, requestIdOf } from './broadcast-wire.js';

export interface ChannelManagementServerOptions {
  host: string;
  port: number;
  environment: Environment;
  h2c: boolean;
  permissive: boolean;
  idleTimeoutMs: number;
  handshakeTimeoutMs: number;
  prefaceTimeoutMs: number;
  /** More than this many management requests for one app within `windowMs` is TooManyRequests; 0 = off. */
  tooManyRequests: { perApp: number; windowMs: number };
}

/** A create request's body is a small JSON object; more than this is not one. */
const MAX_BODY = 4096;
const APPS_PATH = /^\/1\/apps\/([^/]+)\/(channels|all-channels)$/;

/** What a channel is called when the channel is gone: the hook for the ledger entry it stored (broadcast-send.ts). */
export type ChannelDeleted = (channel: BroadcastChannel) => void;

export class ChannelManagementServer {
  private readonly sessions = new Set<Http2Session>();
  private readonly connections = new WeakMap<Http2Session, ApnsConnection>();
  private readonly recentByApp: KeyedRateWindows;
  private listener: TrackedListener | undefined;
  port = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly keyring: ApnsKeyring,
    private readonly ca: CertificateAuthority,
    private readonly channels: BroadcastChannels,
    private readonly onDeleted: ChannelDeleted,
    readonly options: ChannelManagementServerOptions,
  ) {
    this.recentByApp = new KeyedRateWindows(options.tooManyRequests.windowMs);
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `${this.options.h2c ? 'http' : 'https'}://${host}:${this.port}`;
  }

  async start(): Promise<number> {
    const server = this.options.h2c
      ? http2.createServer()
      : http2.createSecureServer({
          key: this.ca.server.key,
          cert: this.ca.server.cert,
          ca: [this.ca.caPem],
          requestCert: true,
          rejectUnauthorized: false,
          allowHTTP1: false,
          ...(this.options.handshakeTimeoutMs > 0 ? { handshakeTimeout: this.options.handshakeTimeoutMs } : {}),
        });
    server.on('session', (session: Http2Session) => this.onSession(session));
    server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      stream.on('error', () => {});
      this.onStream(stream, headers).catch((error: unknown) => {
        console.error('[pushsim] APNs channel management: internal error handling a request:', error);
        answerRejection(
          stream,
          requestIdOf(headers),
          new BroadcastRejection('InternalServerError', 'pushsim hit an internal error'),
        );
      });
    });
    server.on('sessionError', () => {});
    server.on('error', () => {});
    this.listener = await listenTracked(server, this.options.port, this.options.host, {
      prefaceMs: this.options.prefaceTimeoutMs,
      idleMs: this.options.idleTimeoutMs,
      onIdle: (session) => {
        if (!session.closed && !session.destroyed)
          session.goaway(http2.constants.NGHTTP2_NO_ERROR, 0, Buffer.from(JSON.stringify({ reason: 'IdleTimeout' })));
        session.close();
      },
    });
    this.port = this.listener.port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    this.sessions.clear();
    await this.listener?.close();
  }

  reset(): void {
    this.recentByApp.clear();
  }

  private onSession(session: Http2Session): void {
    this.sessions.add(session);
    session.on('close', () => this.sessions.delete(session));
    session.on('error', () => {});
    const connection: ApnsConnection = {
      environment: this.options.environment,
      verified: new Map(),
      authenticated: false,
      pushes: 0,
    };
    const certificate = readClientCertificate(session.socket as TLSSocket);
    if (certificate) connection.certificate = certificate;
    this.connections.set(session, connection);
  }

  private async onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): Promise<void> {
    const requestId = requestIdOf(headers);
    const body = await readBody(stream);
    if (stream.destroyed || stream.closed) return;
    const environment = this.options.environment;
    const method = String(headers[':method']);
    let bundleId: string | undefined;
    let action: 'create' | 'read' | 'delete' | 'list' =
      method === 'POST' ? 'create' : method === 'DELETE' ? 'delete' : 'read';
    // A session recording turns each answered request into a step (simulator/recording/).
    const tell = (status: number, extra: { channelId?: string; reason?: string } = {}): void => {
      if (!this.sim.bus.hasListeners('apns.channel-request')) return;
      const channelId = extra.channelId ?? (action === 'create' ? undefined : headerOf(headers, 'apns-channel-id'));
      let policy: unknown;
      if (action === 'create' && body !== 'too-large')
        try {
          policy = (JSON.parse(body.toString('utf8')) as Record<string, unknown>)['message-storage-policy'];
        } catch {}
      this.sim.bus.emit('apns.channel-request', {
        environment,
        ...(bundleId !== undefined ? { bundleId } : {}),
        action,
        ...(channelId !== undefined ? { channelId } : {}),
        ...(policy !== undefined ? { messageStoragePolicy: policy } : {}),
        status,
        ...(extra.reason ? { reason: extra.reason } : {}),
      });
    };
    try {
      const route = this.route(method, String(headers[':path'] ?? ''));
      bundleId = route.bundleId;
      const { resource } = route;
      if (resource === 'all-channels') action = 'list';
      const connection = this.connections.get(stream.session!)!;
      const now = this.sim.clock.now();
      const pending = authenticate(connection, headerOf(headers, 'authorization'), {
        keyring: this.keyring,
        permissive: this.options.permissive,
        now,
      });
      const identity = pending instanceof Promise ? await pending : pending;
      connection.authenticated = true;
      checkTopicAllowed(identity, bundleId, bundleId);
      if (!this.channels.isBroadcastEnabled(bundleId))
        throw new BroadcastRejection(
          'FeatureNotEnabled',
          `${bundleId} does not have the broadcast capability; turn it on with PUT /api/apns/broadcast-capability/${bundleId}`,
        );
      const { perApp, windowMs } = this.options.tooManyRequests;
      if (perApp > 0 && !this.recentByApp.tryTake(bundleId, now, perApp))
        throw new BroadcastRejection(
          'TooManyRequests',
          `more than ${perApp} channel management requests for ${bundleId} within ${windowMs} ms`,
        );
      if (resource === 'all-channels') {
        answer(stream, 200, { 'apns-request-id': requestId }, { channels: this.channels.ids(environment, bundleId) });
        tell(200);
        return;
      }
      if (method === 'POST') {
        const policy = readCreateBody(body);
        const channel = this.channels.create(environment, bundleId, policy, now);
        if (channel === 'limit')
          throw new BroadcastRejection(
            'CannotCreateChannelConfig',
            `${bundleId} already has ${this.channels.maxPerApp} channels in ${environment}; delete channels it no longer uses`,
          );
        answer(stream, 201, { 'apns-request-id': requestId, 'apns-channel-id': channel.id });
        tell(201, { channelId: channel.id });
        return;
      }
      const channelId = channelIdOf(headers);
      const channel = this.channels.get(environment, bundleId, channelId);
      if (!channel)
        throw new BroadcastRejection(
          'ChannelNotRegistered',
          `${bundleId} has no channel ${channelId} in ${environment} (deleted, never created, or created in the other environment)`,
        );
      if (method === 'GET') {
        answer(
          stream,
          200,
          { 'apns-request-id': requestId, 'apns-channel-id': channel.id },
          { 'message-storage-policy': channel.messageStoragePolicy, 'push-type': channel.pushType },
        );
        tell(200);
        return;
      }
      this.channels.delete(environment, bundleId, channelId);
      this.onDeleted(channel);
      answer(stream, 204, { 'apns-request-id': requestId });
      tell(204);
    } catch (error) {
      const rejection = asBroadcastRejection(error);
      answerRejection(stream, requestId, rejection);
      tell(rejection.status, { reason: rejection.reason });
    }
  }

  /** The app and resource a path names, checked with its method (BadPath, MethodNotAllowed). */
  private route(method: string, path: string): { bundleId: string; resource: 'channels' | 'all-channels' } {
    const match = APPS_PATH.exec(path.split('?')[0]!);
    if (!match)
      throw new BroadcastRejection(
        'BadPath',
        `${path} is not /1/apps/<bundle id>/channels or /1/apps/<bundle id>/all-channels`,
      );
    const resource = match[2] as 'channels' | 'all-channels';
    const allowed = resource === 'channels' ? ['POST', 'GET', 'DELETE'] : ['GET'];
    if (!allowed.includes(method))
      throw new BroadcastRejection(
        'MethodNotAllowed',
        `${method} is not allowed on ${resource}; use ${allowed.join(', ')}`,
      );
    let bundleId = match[1]!;
    try {
      bundleId = decodeURIComponent(bundleId);
    } catch {
      throw new BroadcastRejection('BadPath', 'the bundle id in the path is not valid percent-encoding');
    }
    return { bundleId, resource };
  }
}

/**
 * A create request's body: `message-storage-policy` 0 or 1 and `push-type` LiveActivity, as Apple writes them; the
 * spellings @parse/node-apn sends (`"1"`, `liveactivity`) are taken too. Apple names no reason for an unknown storage
 * policy or an unreadable body; pushsim answers CannotCreateChannelConfig, the reason for a channel it cannot create
 * (docs/reference/apns-broadcast.md#create-a-channel).
 */
export function readCreateBody(body: Buffer | 'too-large'): MessageStoragePolicy {
  if (body === 'too-large')
    throw new BroadcastRejection('PayloadTooLarge', `a create request's body is larger than ${MAX_BODY} bytes`);
  let json: unknown;
  try {
    json = body.length > 0 && isUtf8(body) ? JSON.parse(body.toString('utf8')) : undefined;
  } catch {
    json = undefined;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new BroadcastRejection(
      'CannotCreateChannelConfig',
      'the body is not a JSON object; send {"message-storage-policy": 0 or 1, "push-type": "LiveActivity"}',
    );
  const fields = json as Record<string, unknown>;
  const pushType = fields['push-type'];
  if (pushType === undefined)
    throw new BroadcastRejection('MissingPushType', 'the body has no "push-type"; channels take "LiveActivity"');
  if (typeof pushType !== 'string' || pushType.toLowerCase() !== 'liveactivity')
    throw new BroadcastRejection(
      'InvalidPushType',
      `"push-type" ${JSON.stringify(pushType)} is not "LiveActivity", the only push type of channels`,
    );
  const policy = fields['message-storage-policy'];
  if (policy === 0 || policy === '0') return 0;
  if (policy === 1 || policy === '1') return 1;
  throw new BroadcastRejection(
    'CannotCreateChannelConfig',
    `"message-storage-policy" ${JSON.stringify(policy)} is not 0 (no message stored) or 1 (most recent message stored)`,
  );
}

function readBody(stream: ServerHttp2Stream): Promise<Buffer | 'too-large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | 'too-large'): void => {
      if (done) return;
      done = true;
      resolve(value);
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        stream.pause();
        finish('too-large');
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => finish(Buffer.concat(chunks)));
    stream.once('close', () => finish(Buffer.concat(chunks)));
  });
}
