// One APNs request in flight: its headers, its body as it arrives and what the body turned out to be. One object of a
// fixed shape per stream, read by listeners shared by every stream (they find it on the stream), instead of a promise,
// an async function and a closure per event (issue 14: those were ~3 KB of the 8.7 KB pushsim allocated per push).
import type { Http2Session, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { isUtf8 } from 'node:buffer';
import { jsonBudgetProblem } from '../../core/index.js';
import type { ApnsConnection } from './apns-auth.js';
import { pushHeadersOf, type ApnsRequestHeaders } from './apns-request.js';

/** The largest body read; past it the request is answered PayloadTooLarge without reading further. */
export const MAX_BODY = 64 * 1024;

/** What the exchange's owner does once the body has ended (or grown past MAX_BODY). */
export interface ExchangeHandler {
  bodyEnded(exchange: ApnsExchange): void;
}

/** What the server keeps per connection: its auth state, and the environment its last :authority named. */
export class ApnsSessionState {
  authority: string | undefined = undefined;
  authorityEnvironment: 'sandbox' | 'production' | undefined = undefined;
  /** The headers kept on this connection's last push, and whether its request named the topic and push type. */
  private lastHeaders: Readonly<Record<string, string>> | undefined = undefined;
  private lastNamedTopic = false;
  private lastNamedPushType = false;
  private lastExpiration: number | undefined = undefined;

  constructor(readonly connection: ApnsConnection) {}

  /**
   * pushHeadersOf's answer, the same frozen object as the last push's when nothing in it differs: a sender sends the
   * same headers push after push, and nothing writes to a push's headers (issue 14: one object less per push).
   */
  pushHeaders(
    request: ApnsRequestHeaders,
    topic: string,
    pushType: string,
    environment: 'sandbox' | 'production',
  ): Record<string, string> {
    const last = this.lastHeaders;
    if (
      last !== undefined &&
      last.environment === environment &&
      last['apns-topic'] === topic &&
      last['apns-push-type'] === pushType &&
      last['apns-id'] === request.apnsId &&
      last['apns-collapse-id'] === (request.collapseId || undefined) &&
      this.lastExpiration === request.expiration &&
      last['apns-priority'] === PRIORITY_TEXT[request.priority] &&
      this.lastNamedTopic === (request.topic !== undefined) &&
      this.lastNamedPushType === (request.pushType !== undefined)
    )
      return last as Record<string, string>;
    const headers = Object.freeze(pushHeadersOf(request, topic, pushType, environment));
    this.lastHeaders = headers;
    this.lastNamedTopic = request.topic !== undefined;
    this.lastNamedPushType = request.pushType !== undefined;
    this.lastExpiration = request.expiration;
    return headers as Record<string, string>;
  }
}

const PRIORITY_TEXT = { 10: '10', 5: '5', 1: '1' } as const;

const EXCHANGE = Symbol('pushsim.apnsExchange');
type StreamWithExchange = ServerHttp2Stream & { [EXCHANGE]?: ApnsExchange };

export class ApnsExchange {
  /** Neighbours in the half-open watch (arrival order); `deadline` 0 = not watched. */
  prev: ApnsExchange | undefined = undefined;
  next: ApnsExchange | undefined = undefined;
  deadline = 0;
  private first: Buffer | undefined = undefined;
  private rest: Buffer[] | undefined = undefined;
  /** Bytes received so far; after the end, the body's size. */
  bytes = 0;
  /** The body grew past MAX_BODY (it was not read to its end). */
  tooLarge = false;
  ended = false;
  /** The body's JSON object, when it is one within the JSON budget. */
  json: Record<string, unknown> | undefined = undefined;
  /** The body as received (UTF-8 decoded), kept beside `json` so the ledger need not serialise it again. */
  text: string | undefined = undefined;
  /** Why the body is not a usable JSON object. */
  problem: string | undefined = undefined;

  // What the server has read of the request so far, kept here rather than in closures across its steps.
  apnsIdHeader: string | undefined = undefined;
  now = 0;
  request: ApnsRequestHeaders | undefined = undefined;
  environment: 'sandbox' | 'production' | undefined = undefined;
  /** The connection as seen from this request's environment (a copy when its :authority names the other one). */
  scoped: ApnsConnection | undefined = undefined;
  topic: string | undefined = undefined;
  bundleId: string | undefined = undefined;
  pushType: string | undefined = undefined;

  constructor(
    readonly handler: ExchangeHandler,
    readonly stream: ServerHttp2Stream,
    readonly session: Http2Session,
    readonly headers: IncomingHttpHeaders,
    readonly rawHeaders: string[],
    readonly connection: ApnsConnection,
    readonly sessionState: ApnsSessionState,
  ) {}

  /** Starts reading the stream's body into this exchange. */
  listen(): void {
    const stream = this.stream as StreamWithExchange;
    stream[EXCHANGE] = this;
    stream.on('error', ignoreError);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onClose);
  }

  /** A chunk of the body (the stream's 'data'). */
  receive(chunk: Buffer): void {
    if (this.ended) return;
    this.bytes += chunk.length;
    if (this.bytes > MAX_BODY) {
      this.stream.pause();
      this.tooLarge = true;
      this.end();
      return;
    }
    if (this.first === undefined) this.first = chunk;
    else (this.rest ??= []).push(chunk);
  }

  /** The body's end (the stream's 'end'). */
  finishBody(): void {
    if (this.ended) return;
    const first = this.first;
    const buffer = first === undefined ? undefined : this.rest ? Buffer.concat([first, ...this.rest]) : first;
    this.first = undefined;
    this.rest = undefined;
    if (buffer !== undefined && buffer.length > 0) this.parse(buffer);
    this.end();
  }

  /** Checks the body is UTF-8 JSON with an object at the top, within the JSON budget. */
  private parse(buffer: Buffer): void {
    this.bytes = buffer.length;
    if (!isUtf8(buffer)) {
      this.problem = 'the payload is not valid UTF-8';
      return;
    }
    const text = buffer.toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.problem = 'the payload is not valid JSON';
      return;
    }
    // Over the JSON budget: answered (413 by its size, or PayloadEmpty) without keeping what cannot be written back.
    const overBudget = jsonBudgetProblem(json);
    if (overBudget) this.problem = `the payload ${overBudget}`;
    else if (json && typeof json === 'object' && !Array.isArray(json)) {
      this.json = json as Record<string, unknown>;
      this.text = text;
    } else this.problem = 'the payload is not a JSON object';
  }

  /** The stream closed before its body ended (reset by the client, or by the half-open watch). */
  closed(): void {
    if (!this.ended) this.end();
  }

  private end(): void {
    this.ended = true;
    const stream = this.stream as StreamWithExchange;
    stream[EXCHANGE] = undefined;
    this.handler.bodyEnded(this);
  }
}

function ignoreError(): void {}

function onData(this: StreamWithExchange, chunk: Buffer): void {
  this[EXCHANGE]?.receive(chunk);
}

function onEnd(this: StreamWithExchange): void {
  this[EXCHANGE]?.finishBody();
}

function onClose(this: StreamWithExchange): void {
  this[EXCHANGE]?.closed();
}

/**
 * Streams whose body has not ended, in arrival order, with one timer for the oldest: every stream has the same time
 * limit, so the oldest is always the next due. Replaces a timer and a closure per stream (apns.streamTimeoutMs).
 */
export class HalfOpenWatch {
  private head: ApnsExchange | undefined = undefined;
  private tail: ApnsExchange | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;

  /** `onDue` is called for each exchange still unfinished `limitMs` after it was watched. */
  constructor(
    private readonly limitMs: number,
    private readonly onDue: (exchange: ApnsExchange) => void,
  ) {}

  watch(exchange: ApnsExchange): void {
    if (this.limitMs <= 0) return;
    exchange.deadline = performance.now() + this.limitMs;
    exchange.prev = this.tail;
    exchange.next = undefined;
    if (this.tail) this.tail.next = exchange;
    else this.head = exchange;
    this.tail = exchange;
    this.timer ??= setTimeout(() => this.fire(), this.limitMs).unref();
  }

  unwatch(exchange: ApnsExchange): void {
    if (exchange.deadline === 0) return;
    exchange.deadline = 0;
    if (exchange.prev) exchange.prev.next = exchange.next;
    else this.head = exchange.next;
    if (exchange.next) exchange.next.prev = exchange.prev;
    else this.tail = exchange.prev;
    exchange.prev = undefined;
    exchange.next = undefined;
  }

  clear(): void {
    while (this.head) this.unwatch(this.head);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head && this.head.deadline <= now) {
      const due = this.head;
      this.unwatch(due);
      this.onDue(due);
    }
    if (this.head) this.timer = setTimeout(() => this.fire(), Math.max(1, this.head.deadline - now)).unref();
  }
}
