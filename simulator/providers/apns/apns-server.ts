// The APNs provider API over HTTP/2: TLS with ALPN h2 (and prior-knowledge clients without ALPN, like Pushy's default),
// or h2c on request; sandbox and production endpoints; Apple's answers byte for byte. Accepted pushes go to the
// simulator's router as normalised Pushes.
import http2, { type Http2Session, type ServerHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Simulation } from '../../engine/index.js';
import type { Push, PushKind, PushPriority, TokenAddress } from '../../core/index.js';
import type { CertificateAuthority } from '../tls/index.js';
import type { FaultInjector, FaultRule } from '../fault-injection.js';
import { ApnsRejection, APNS_REASON_STATUS, type ApnsReason } from './apns-reasons.js';
import {
  readApnsRequest,
  checkTopicSuffix,
  bundleIdOfTopic,
  headersOf,
  pushHeadersOf,
  type ApnsRequestHeaders,
} from './apns-request.js';
import {
  authenticate,
  checkTopicAllowed,
  readClientCertificate,
  type ApnsConnection,
  type ApnsIdentity,
} from './apns-auth.js';
import { ApnsExchange, ApnsSessionState, HalfOpenWatch, MAX_BODY, type ExchangeHandler } from './apns-exchange.js';
import type { ApnsKeyring } from './apns-keys.js';
import { KeyedRateWindows } from '../rate-window.js';
import { checkLiveActivityHeaders, deliverLiveActivityPush, liveActivityTargetOf } from './apns-live-activity.js';
import { listenTracked, type TrackedListener } from '../tracked-listen.js';
import type { BroadcastSender } from './broadcast/index.js';

export interface ApnsServerOptions {
  host: string;
  port: number;
  environment: 'sandbox' | 'production';
  /** Plain HTTP/2 without TLS (h2c). */
  h2c: boolean;
  permissive: boolean;
  /** Close a connection idle this long with GOAWAY {"reason":"IdleTimeout"}; 0 = never. */
  idleTimeoutMs: number;
  /** Abort a TLS handshake not done within this; 0 = Node's own 120 s. */
  handshakeTimeoutMs: number;
  /** Close a connection that sends no HTTP/2 preface within this; 0 = never. */
  prefaceTimeoutMs: number;
  /** Reset a stream whose body has not ended this long after its headers; 0 = never. */
  streamTimeoutMs: number;
  /** More than this many pushes to one device token within `windowMs` is TooManyRequests; 0 = off. */
  tooManyRequests: { perToken: number; windowMs: number };
  /** Apple's spelling for reasons whose spelling is uncertain (BadEnvironmentKeyIdInToken). */
  reasonSpelling: Partial<Record<ApnsReason, string>>;
  maxConcurrentStreams: number;
}

/**
 * Reasons APNs answers on the stream and then follows with GOAWAY on the connection
 * (docs/reference/apns.md#hosts-and-transport).
 */
const GOAWAY_AFTER_ANSWER: ReadonlySet<ApnsReason> = new Set<ApnsReason>(['Shutdown']);

export class ApnsServer implements ExchangeHandler {
  private readonly sessions = new Set<Http2Session>();
  private readonly connections = new WeakMap<Http2Session, ApnsSessionState>();
  /** Connections going away after an answer: streams above this id are refused, as the GOAWAY will say. */
  private readonly lastStreamIds = new WeakMap<Http2Session, number>();
  private listener: TrackedListener | undefined;
  private readonly recentByToken: KeyedRateWindows;
  /** apns-id (when the sender gives none) and apns-unique-id: one randomUUID per server, a counter per push. */
  private readonly ids = new UuidSequence();
  /** Streams whose body has not ended yet, reset after apns.streamTimeoutMs. */
  private readonly halfOpen: HalfOpenWatch;
  /** Where POST /4/broadcasts/apps/<bundle id> goes (broadcast/broadcast-send.ts); set by the provider. */
  broadcasts: BroadcastSender | undefined;
  port = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly keyring: ApnsKeyring,
    private readonly faults: FaultInjector,
    private readonly ca: CertificateAuthority,
    readonly options: ApnsServerOptions,
  ) {
    this.recentByToken = new KeyedRateWindows(options.tooManyRequests.windowMs);
    this.halfOpen = new HalfOpenWatch(options.streamTimeoutMs, (exchange) => this.resetHalfOpen(exchange));
  }

  get url(): string {
    return `${this.options.h2c ? 'http' : 'https'}://${this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host}:${this.port}`;
  }

  async start(): Promise<number> {
    const settings = { maxConcurrentStreams: this.options.maxConcurrentStreams };
    const server = this.options.h2c
      ? http2.createServer({ settings })
      : http2.createSecureServer({
          key: this.ca.server.key,
          cert: this.ca.server.cert,
          ca: [this.ca.caPem],
          requestCert: true,
          rejectUnauthorized: false,
          allowHTTP1: false,
          settings,
          ...(this.options.handshakeTimeoutMs > 0 ? { handshakeTimeout: this.options.handshakeTimeoutMs } : {}),
        });
    if (!this.options.h2c) {
      // Clients that speak HTTP/2 without ALPN (Pushy's default): take the socket as h2 anyway
      // (docs/reference/apns.md#clients-without-alpn).
      server.on('unknownProtocol', (socket: TLSSocket) => {
        if (socket.alpnProtocol) {
          socket.destroy();
          return;
        }
        (socket as TLSSocket & { alpnProtocol: string | false }).alpnProtocol = 'h2';
        server.emit('secureConnection', socket);
      });
    }
    server.on('session', (session: Http2Session) => this.onSession(session));
    server.on(
      'stream',
      (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) =>
        this.onStream(stream, headers, rawHeaders),
    );
    server.on('sessionError', () => {});
    server.on('error', () => {});
    this.listener = await listenTracked(server, this.options.port, this.options.host, {
      prefaceMs: this.options.prefaceTimeoutMs,
      idleMs: this.options.idleTimeoutMs,
      onIdle: (session) => this.goaway(session, 'IdleTimeout'),
    });
    this.port = this.listener.port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    this.sessions.clear();
    this.halfOpen.clear();
    await this.listener?.close();
  }

  reset(): void {
    this.recentByToken.clear();
  }

  /** Sends GOAWAY with a JSON reason on every open connection (APNs does so for Shutdown). */
  goawayAll(reason: ApnsReason): void {
    for (const session of this.sessions) this.goaway(session, reason);
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
    this.connections.set(session, new ApnsSessionState(connection));
  }

  /** GOAWAY with a JSON reason; lastStreamId 0 lets nghttp2 name the last stream it processed. */
  private goaway(session: Http2Session, reason: ApnsReason, lastStreamId = 0): void {
    if (session.closed || session.destroyed) return;
    session.goaway(
      http2.constants.NGHTTP2_NO_ERROR,
      lastStreamId,
      Buffer.from(JSON.stringify({ reason: this.spell(reason) })),
    );
    setTimeout(() => {
      if (!session.destroyed) session.close();
    }, 100).unref();
  }

  /**
   * Answers first, GOAWAY after, as APNs does: a client that tears the connection down on GOAWAY (node-apn closes the
   * session, undici fails the request at the head of its pipeline) still reads the answer's reason. The GOAWAY waits
   * for the stream to close and then for a PING round trip, so the client has read the answer before the GOAWAY
   * arrives (on a real network the two are a round trip apart anyway).
   */
  private goawayAfterAnswer(stream: ServerHttp2Stream, session: Http2Session, reason: ApnsReason): void {
    const lastStreamId = stream.id ?? 0;
    const send = (): void => this.goaway(session, reason, lastStreamId);
    const afterClose = (): void => {
      if (session.closed || session.destroyed) return;
      try {
        session.ping(() => send());
      } catch {
        send();
      }
    };
    if (stream.closed || stream.destroyed) afterClose();
    else stream.once('close', afterClose);
  }

  /** Whether the stream came after the one a GOAWAY-with-answer fault answered: it is refused, never processed. */
  private refusedAfterGoaway(stream: ServerHttp2Stream, session: Http2Session, headers: IncomingHttpHeaders): boolean {
    const lastStreamId = this.lastStreamIds.get(session);
    if (lastStreamId === undefined || (stream.id ?? 0) <= lastStreamId) return false;
    if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    const token = String(headers[':path'] ?? '').replace(/^\/3\/device\//, '');
    const apnsId = typeof headers['apns-id'] === 'string' ? headers['apns-id'] : randomUUID();
    this.sim.record(this.rejectedPush(apnsId, token, {}, this.sim.clock.now()), {
      name: 'rejected',
      reason: `stream refused (REFUSED_STREAM): stream ${lastStreamId} was answered with a GOAWAY reason and the connection is going away; send again on a new connection`,
    });
    return true;
  }

  /**
   * A stream whose body did not end in time: reset (RST_STREAM CANCEL) and noted in the ledger. Apple documents no
   * answer for an unfinished request (its reasons table has no 408), so pushsim answers none rather than invent one
   * (docs/apns-fidelity.md#transport).
   */
  private resetHalfOpen(exchange: ApnsExchange): void {
    const { stream, headers } = exchange;
    if (stream.destroyed || stream.closed) return;
    stream.close(http2.constants.NGHTTP2_CANCEL);
    const token = String(headers[':path'] ?? '').replace(/^\/3\/device\//, '');
    const apnsId = typeof headers['apns-id'] === 'string' ? headers['apns-id'] : randomUUID();
    this.sim.record(this.rejectedPush(apnsId, token, {}, this.sim.clock.now()), {
      name: 'rejected',
      reason: `stream reset (CANCEL): the request body did not end within ${this.options.streamTimeoutMs} ms of its headers (apns.streamTimeoutMs); send the whole body`,
    });
  }

  private spell(reason: ApnsReason): string {
    return this.options.reasonSpelling[reason] ?? reason;
  }

  /** The environment a request addresses: by its :authority when that names an Apple host, else the endpoint's. */
  private environmentOf(exchange: ApnsExchange): 'sandbox' | 'production' {
    const state = exchange.sessionState;
    const authority = exchange.headers[':authority'];
    // Clients send the same :authority on every stream of a connection: its answer is kept per connection.
    if (authority === state.authority && state.authorityEnvironment) return state.authorityEnvironment;
    const host = String(authority ?? '')
      .replace(/:\d+$/, '')
      .toLowerCase();
    let environment = state.connection.environment;
    if (host === 'api.push.apple.com') environment = 'production';
    else if (host === 'api.sandbox.push.apple.com' || host === 'api.development.push.apple.com')
      environment = 'sandbox';
    state.authority = typeof authority === 'string' ? authority : undefined;
    state.authorityEnvironment = environment;
    return environment;
  }

  /** A new stream: its body is read into an exchange, handled when it ends (bodyEnded). */
  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): void {
    const session = stream.session!;
    const state = this.connections.get(session)!;
    const exchange = new ApnsExchange(this, stream, session, headers, rawHeaders, state.connection, state);
    this.halfOpen.watch(exchange);
    exchange.listen();
  }

  /** The exchange's body has ended, grown past MAX_BODY, or the stream closed first (ExchangeHandler). */
  bodyEnded(exchange: ApnsExchange): void {
    this.halfOpen.unwatch(exchange);
    const stream = exchange.stream;
    if (stream.destroyed || stream.closed) return;
    try {
      this.process(exchange);
    } catch (error) {
      this.internalError(stream, error);
    }
  }

  private internalError(stream: ServerHttp2Stream, error: unknown): void {
    console.error('[pushsim] APNs: internal error handling a request:', error);
    this.answer(stream, undefined, new ApnsRejection('InternalServerError', 'pushsim hit an internal error'));
  }

  /**
   * Handles a request whose body is read, synchronously as far as it can: only a token not yet verified on this
   * connection and a fault with a delay wait, and continue from a promise (issue 14: no promise per stream).
   */
  private process(exchange: ApnsExchange): void {
    const { stream, session, headers, connection } = exchange;
    if (this.refusedAfterGoaway(stream, session, headers)) return;
    const path = headers[':path'];
    if (this.broadcasts?.isBroadcastPath(String(path ?? ''))) {
      const body = exchange.tooLarge ? 'too-large' : exchange;
      this.broadcasts
        .handle(stream, headers, body, connection, this.environmentOf(exchange))
        .catch((error: unknown) => this.internalError(stream, error));
      return;
    }
    const apnsIdHeader = headers['apns-id'];
    exchange.apnsIdHeader = typeof apnsIdHeader === 'string' ? apnsIdHeader : undefined;
    if (exchange.tooLarge) {
      this.answer(
        stream,
        exchange.apnsIdHeader,
        new ApnsRejection('PayloadTooLarge', `the body is larger than ${MAX_BODY} bytes`),
      );
      return;
    }

    exchange.now = this.sim.clock.now();
    try {
      const request = readApnsRequest(String(headers[':method']), String(path), headers, exchange.rawHeaders);
      exchange.request = request;
      const environment = this.environmentOf(exchange);
      exchange.environment = environment;
      const scoped: ApnsConnection =
        environment === connection.environment ? connection : { ...connection, environment };
      exchange.scoped = scoped;
      const pending = authenticate(scoped, request.authorization, {
        keyring: this.keyring,
        permissive: this.options.permissive,
        now: exchange.now,
      });
      if (pending instanceof Promise) {
        pending
          .then(
            (identity) => this.authenticated(exchange, identity),
            (error: unknown) => this.rejected(exchange, error),
          )
          .catch((error: unknown) => this.internalError(stream, error));
        return;
      }
      this.authenticated(exchange, pending);
    } catch (error) {
      this.rejected(exchange, error);
    }
  }

  /** After the provider token or certificate check: topic checks, then a fault if one matches, then accept. */
  private authenticated(exchange: ApnsExchange, identity: ApnsIdentity): void {
    const { connection, scoped } = exchange;
    const request = exchange.request!;
    try {
      if (scoped !== connection) {
        connection.boundKeyId = scoped!.boundKeyId;
        connection.currentToken = scoped!.currentToken;
        connection.tokenChangedAt = scoped!.tokenChangedAt;
      }
      connection.authenticated = true;

      const topic = request.topic ?? (identity.kind === 'certificate' ? identity.topic : undefined);
      if (!topic) throw new ApnsRejection('MissingTopic', 'the apns-topic header is required (with token auth always)');
      exchange.topic = topic;
      exchange.bundleId = bundleIdOfTopic(topic);
      exchange.pushType = request.pushType ?? inferPushType(exchange.json);
      checkLiveActivityHeaders(request.pushType, topic, identity);
      if (request.pushType) checkTopicSuffix(topic, request.pushType);
      checkTopicAllowed(identity, topic, exchange.bundleId);

      const fault = this.faults.active ? this.faults.pick('apns', { token: request.token, topic }) : undefined;
      if (fault) {
        this.applyFault(exchange.stream, exchange.session, request, fault)
          .then(
            (handled) => {
              if (!handled) this.accept(exchange);
            },
            (error: unknown) => this.rejected(exchange, error),
          )
          .catch((error: unknown) => this.internalError(exchange.stream, error));
        return;
      }
    } catch (error) {
      this.rejected(exchange, error);
      return;
    }
    this.accept(exchange);
  }

  /** The device, rate and payload checks; then the push goes to the router and the answer is 200. */
  private accept(exchange: ApnsExchange): void {
    const { stream, session, connection, now } = exchange;
    const request = exchange.request!;
    const topic = exchange.topic!;
    const pushType = exchange.pushType!;
    const environment = exchange.environment!;
    try {
      // A Shutdown may have hit an earlier stream while this one waited for its token check or its fault's delay.
      if (this.refusedAfterGoaway(stream, session, exchange.headers)) return;

      const liveActivity = liveActivityTargetOf(this.sim, request.token, pushType, environment, exchange.bundleId!);
      const address = liveActivity ? undefined : this.checkDevice(request.token, environment, exchange.bundleId!);
      this.checkRate(request.token, now);

      if (exchange.bytes === 0)
        throw new ApnsRejection(
          'PayloadEmpty',
          'the request body is empty; send a JSON payload with an aps dictionary',
        );
      const limit = pushType === 'voip' ? 5120 : 4096;
      if (exchange.bytes > limit)
        throw new ApnsRejection(
          'PayloadTooLarge',
          `the payload is ${exchange.bytes} bytes; the limit for ${pushType} pushes is ${limit}`,
        );
      const json = exchange.json;
      if (json === undefined)
        throw new ApnsRejection('PayloadEmpty', exchange.problem ?? 'the payload is not a JSON object');

      const apnsId = request.apnsId?.toLowerCase() ?? this.ids.next();
      if (liveActivity) {
        const headers = pushHeadersOf(request, topic, pushType, environment);
        const { token, priority } = request;
        deliverLiveActivityPush(this.sim, liveActivity, { token, payload: json, priority, apnsId, headers });
      } else {
        const push = this.toPush(apnsId, request, topic, pushType, json, environment, now, exchange.sessionState);
        if (exchange.text !== undefined) push.payloadText = exchange.text;
        if (push.kind === undefined) {
          this.sim.record(push as Push, {
            name: 'dropped',
            reason: `Apple accepts ${pushType} pushes, but pushsim does not model their delivery yet`,
          });
        } else {
          this.sim.router.route(push as Push, address);
        }
      }
      connection.pushes++;
      if (stream.destroyed) return;
      if (environment === 'sandbox')
        stream.respond(
          { ':status': 200, 'apns-id': request.apnsId ?? apnsId, 'apns-unique-id': this.ids.next() },
          { endStream: true },
        );
      else stream.respond({ ':status': 200, 'apns-id': request.apnsId ?? apnsId }, { endStream: true });
    } catch (error) {
      this.rejected(exchange, error);
    }
  }

  /** An ApnsRejection is answered and noted in the ledger; anything else is pushsim's bug, thrown on. */
  private rejected(exchange: ApnsExchange, error: unknown): void {
    if (!(error instanceof ApnsRejection)) throw error;
    const { stream, session, request } = exchange;
    this.recordRejection(request, exchange.apnsIdHeader, error, exchange.now, exchange);
    this.answer(stream, request?.apnsId ?? exchange.apnsIdHeader, error);
    if (this.lastStreamIds.get(session) === stream.id) this.goawayAfterAnswer(stream, session, error.reason);
  }

  private checkDevice(token: string, environment: 'sandbox' | 'production', bundleId: string): TokenAddress {
    const gone = this.sim.registry.uninstalledToken(token);
    if (gone && gone.kind === 'apns') {
      if (gone.environment !== environment)
        throw new ApnsRejection(
          'BadDeviceToken',
          `the token belongs to the ${gone.environment} environment, this endpoint is ${environment}`,
        );
      throw new ApnsRejection('Unregistered', `${gone.bundleId} was uninstalled from the device`, gone.uninstalledAt);
    }
    const address = this.sim.registry.resolveToken(token);
    if (address?.kind !== 'apns')
      throw new ApnsRejection(
        'BadDeviceToken',
        'no simulated iPhone app has this device token; install and register an app first',
      );
    if (address.app.environment !== environment)
      throw new ApnsRejection(
        'BadDeviceToken',
        `the token belongs to the ${address.app.environment} environment, this endpoint is ${environment}`,
      );
    if (address.app.bundleId !== bundleId)
      throw new ApnsRejection(
        'DeviceTokenNotForTopic',
        `the token belongs to ${address.app.bundleId}, not ${bundleId}`,
      );
    return address;
  }

  private checkRate(token: string, now: number): void {
    const { perToken, windowMs } = this.options.tooManyRequests;
    if (perToken <= 0) return;
    if (!this.recentByToken.tryTake(token, now, perToken))
      throw new ApnsRejection(
        'TooManyRequests',
        `more than ${perToken} pushes to this device token within ${windowMs} ms`,
      );
  }

  /** Applies a fault; returns true when the stream was handled (answered or dropped). */
  private async applyFault(
    stream: ServerHttp2Stream,
    session: Http2Session,
    request: ApnsRequestHeaders,
    fault: FaultRule,
  ): Promise<boolean> {
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (stream.destroyed) return true;
    if (fault.drop === 'stream') {
      stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      this.noteFault(request, 'stream reset by fault injection');
      return true;
    }
    if (fault.drop === 'connection') {
      this.noteFault(request, 'connection closed by fault injection');
      session.destroy();
      return true;
    }
    if (fault.reason) {
      const reason = fault.reason as ApnsReason;
      if (GOAWAY_AFTER_ANSWER.has(reason) && !this.lastStreamIds.has(session) && stream.id !== undefined)
        this.lastStreamIds.set(session, stream.id);
      throw new ApnsRejection(
        reason,
        `injected fault ${fault.id}`,
        reason === 'Unregistered' || reason === 'ExpiredToken' ? this.sim.clock.now() : undefined,
      );
    }
    return false;
  }

  private noteFault(request: ApnsRequestHeaders, what: string): void {
    this.sim.record(this.rejectedPush(request.apnsId ?? randomUUID(), request.token, {}, this.sim.clock.now()), {
      name: 'rejected',
      reason: what,
    });
  }

  private rejectedPush(id: string, token: string, headers: Record<string, string>, now: number): Push {
    return { id, provider: 'apns', token, kind: 'alert', priority: 'high', payload: {}, headers, acceptedAt: now };
  }

  private recordRejection(
    request: ApnsRequestHeaders | undefined,
    apnsIdHeader: string | undefined,
    rejection: ApnsRejection,
    now: number,
    body: { json?: Record<string, unknown> },
  ): void {
    const push = this.rejectedPush(
      (request?.apnsId ?? apnsIdHeader ?? randomUUID()).toLowerCase(),
      request?.token ?? '',
      request ? headersOf(request) : {},
      now,
    );
    if (body.json) push.payload = body.json;
    this.sim.record(push, {
      name: 'rejected',
      reason: `${this.spell(rejection.reason)}: ${rejection.detail}`,
      ...(rejection.ruleId ? { ruleIds: [rejection.ruleId], ruleId: rejection.ruleId } : {}),
    });
  }

  private answer(stream: ServerHttp2Stream, apnsId: string | undefined, rejection: ApnsRejection): void {
    if (stream.destroyed || stream.closed) return;
    const body: Record<string, unknown> = { reason: this.spell(rejection.reason) };
    if (APNS_REASON_STATUS[rejection.reason] === 410) body.timestamp = rejection.timestamp ?? this.sim.clock.now();
    const payload = JSON.stringify(body);
    try {
      const id = apnsId && /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/.test(apnsId) ? apnsId : randomUUID();
      stream.respond({
        ':status': rejection.status,
        'content-type': 'application/json',
        'apns-id': id,
        'content-length': Buffer.byteLength(payload),
      });
      stream.end(payload);
    } catch {
      /* the client reset the stream meanwhile */
    }
  }

  private toPush(
    id: string,
    request: ApnsRequestHeaders,
    topic: string,
    pushType: string,
    payload: Record<string, unknown>,
    environment: 'sandbox' | 'production',
    now: number,
    state: ApnsSessionState,
  ): Omit<Push, 'kind'> & { kind?: PushKind } {
    let notes: string[] | undefined;
    const aps = (payload.aps ?? {}) as Record<string, unknown>;
    const hasAlert = aps.alert !== undefined || aps.sound !== undefined || aps.badge !== undefined;
    const contentAvailable = aps['content-available'] === 1;
    let kind: PushKind | undefined;
    if (pushType === 'voip') kind = 'voip';
    else if (pushType === 'background') {
      kind = 'background';
      if (!contentAvailable)
        (notes ??= []).push(
          'apns-push-type background without "content-available": 1 in aps; Apple may not deliver it',
        );
      if (hasAlert) (notes ??= []).push('a background push may not carry alert, sound or badge; they are ignored');
    } else if (pushType === 'alert') kind = contentAvailable ? 'alert+background' : 'alert';
    if (!request.pushType)
      (notes ??= []).push(
        `apns-push-type missing; inferred "${pushType}" from the payload (Apple recommends sending it)`,
      );
    const priority: PushPriority = request.priority === 10 ? 'high' : request.priority === 5 ? 'normal' : 'low';
    if (kind === 'background' && request.priority === 10) {
      (notes ??= []).push(
        'background push sent with apns-priority 10: Apple says "Always use priority 5. Using priority 10 is an error"; observed devices still wake the app (forums 745345), so pushsim delivers it',
      );
    }
    const push: Omit<Push, 'kind'> & { kind?: PushKind } = {
      id,
      provider: 'apns',
      token: request.token,
      priority,
      payload,
      acceptedAt: now,
      headers: state.pushHeaders(request, topic, pushType, environment),
    };
    if (kind) push.kind = kind;
    if (request.expiration !== undefined) push.expiresAt = request.expiration === 0 ? 0 : request.expiration * 1000;
    if (request.collapseId !== undefined) push.collapseId = request.collapseId;
    if (notes) push.notes = notes;
    return push;
  }
}

/**
 * UUID-shaped ids without a randomUUID per push: a random UUID's first 24 characters (version and variant included)
 * and a 12-hex-digit counter. Unique per server; Apple's own are random, which no client can tell from these.
 */
class UuidSequence {
  private readonly prefix = randomUUID().slice(0, 24);
  private count = 0;
  next(): string {
    this.count = (this.count + 1) % 0x1000000000000;
    return this.prefix + this.count.toString(16).padStart(12, '0');
  }
}

/** Apple's guidance when apns-push-type is missing: content-available only means background, anything else alert. */
function inferPushType(payload: Record<string, unknown> | undefined): string {
  const aps = (payload?.aps ?? {}) as Record<string, unknown>;
  const silent =
    aps['content-available'] === 1 && aps.alert === undefined && aps.sound === undefined && aps.badge === undefined;
  return silent ? 'background' : 'alert';
}
