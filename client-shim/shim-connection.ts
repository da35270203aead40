// The app side of the shim transport: one ws connection to the simulator for one app install (docs/shim-protocol.md).
import { EventEmitter } from 'node:events';
import { WebSocket } from 'ws';
import {
  SHIM_PROTOCOL_VERSION,
  type ShimActivityEnd,
  type ShimActivityModel,
  type ShimActivityNotice,
  type ShimActivityRequest,
  type ShimActivityToken,
  type ShimActivityUpdate,
  type ShimAck,
  type ShimClientMessage,
  type ShimComplete,
  type ShimDeliver,
  type ShimHello,
  type ShimLifecycleNotice,
  type ShimOpened,
  type ShimServerMessage,
  type ShimWelcome,
} from '../simulator/shim-protocol/index.js';

export interface ShimConnectionEvents {
  deliver: [ShimDeliver];
  lifecycle: [ShimLifecycleNotice];
  opened: [ShimOpened];
  activity: [ShimActivityNotice];
  activityToken: [ShimActivityToken];
  error: [{ code: string; message: string }];
  close: [];
}

/** The simulator's access token from the environment (`pushsim exec --serve` hands it to the app's process). */
export function accessToken(): string | undefined {
  return (typeof process !== 'undefined' && process.env.PUSHSIM_TOKEN) || undefined;
}

export class ShimConnection extends EventEmitter<ShimConnectionEvents> {
  private readonly pending = new Map<string, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextRequest = 1;
  private closed = false;
  /** Acks and completions sent so far, and how many of them a sync reply has confirmed the simulator processed. */
  private reportsSent = 0;
  private reportsConfirmed = 0;
  /** The errors of the last registration, per token kind the platform could not issue. */
  registrationErrors: Record<string, string> = {};

  private constructor(
    private readonly ws: WebSocket,
    readonly welcome: ShimWelcome,
  ) {
    super();
    ws.on('message', (raw) => this.receive(JSON.parse(raw.toString()) as ShimServerMessage));
    ws.on('close', () => {
      this.closed = true;
      for (const { reject } of this.pending.values()) reject(new Error('the simulator closed the shim connection'));
      this.pending.clear();
      this.emit('close');
    });
  }

  /**
   * Connects and says which install this is; resolves once the simulator has bound the connection to an app. `token`
   * is the simulator's access token (PUSHSIM_TOKEN by default), when it runs with one.
   */
  static connect(
    url: string,
    hello: Omit<ShimHello, 'type' | 'protocol'>,
    token: string | undefined = accessToken(),
  ): Promise<ShimConnection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      const fail = (error: Error): void => {
        ws.terminate();
        reject(new Error(`[pushsim shim] could not connect to ${url}: ${error.message}`));
      };
      ws.once('error', fail);
      // A refused upgrade (401 without the token, 403 for a foreign origin) says why in its body.
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => {
          const message = (() => {
            try {
              return (JSON.parse(text) as { error?: { message?: string } }).error?.message;
            } catch {
              return undefined;
            }
          })();
          fail(new Error(`the simulator answered ${res.statusCode}${message ? `: ${message}` : ''}`));
        });
      });
      ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: SHIM_PROTOCOL_VERSION, ...hello })));
      ws.once('message', (raw) => {
        ws.off('error', fail);
        ws.on('error', () => ws.terminate());
        const message = JSON.parse(raw.toString()) as ShimServerMessage;
        if (message.type === 'welcome') resolve(new ShimConnection(ws, message));
        else {
          ws.close();
          reject(
            new Error(
              `[pushsim shim] the simulator refused the app: ${message.type === 'error' ? message.message : message.type}`,
            ),
          );
        }
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }
  get pendingRequests(): number {
    return this.pending.size;
  }
  /** Acks or completions sent that no sync reply has confirmed yet: the ledger may not show them. */
  get hasUnconfirmedReports(): boolean {
    return this.reportsConfirmed < this.reportsSent;
  }

  /** The app's tokens; `registrationErrors` then says why any is missing (`fcm: SERVICE_NOT_AVAILABLE`). */
  async register(): Promise<Record<string, string>> {
    const { errors, ...tokens } = (await this.request({ type: 'register' })) as Record<string, string> & {
      errors?: Record<string, string>;
    };
    this.registrationErrors = errors ?? {};
    return tokens;
  }

  lifecycle(event: string): Promise<{ from: string; to: string }> {
    return this.request({ type: 'lifecycle', event }) as Promise<{ from: string; to: string }>;
  }

  /**
   * Resolves after every message the simulator sent before this call has arrived, and after the simulator has processed
   * every ack and completion sent before it: the simulator handles one connection's messages in order, and replies to
   * a sync only when it gets to it.
   */
  async sync(): Promise<unknown> {
    const reports = this.reportsSent;
    const result = await this.request({ type: 'sync' });
    this.reportsConfirmed = Math.max(this.reportsConfirmed, reports);
    return result;
  }

  subscribe(topic: string): Promise<unknown> {
    return this.request({ type: 'subscribe', topic });
  }
  unsubscribe(topic: string): Promise<unknown> {
    return this.request({ type: 'unsubscribe', topic });
  }

  tap(pushId: string): Promise<{ stateBefore: string }> {
    return this.request({ type: 'tap', pushId }) as Promise<{ stateBefore: string }>;
  }

  /** Activity.request; the activity as the simulator started it. */
  activityRequest(input: Omit<ShimActivityRequest, 'type' | 'requestId'>): Promise<ShimActivityModel> {
    return this.request({ type: 'activityRequest', ...input }) as Promise<ShimActivityModel>;
  }
  activityUpdate(input: Omit<ShimActivityUpdate, 'type' | 'requestId'>): Promise<ShimActivityModel> {
    return this.request({ type: 'activityUpdate', ...input }) as Promise<ShimActivityModel>;
  }
  activityEnd(input: Omit<ShimActivityEnd, 'type' | 'requestId'>): Promise<ShimActivityModel> {
    return this.request({ type: 'activityEnd', ...input }) as Promise<ShimActivityModel>;
  }
  /** The app's activities and its push-to-start tokens by attributes type. */
  activities(): Promise<{ activities: ShimActivityModel[]; pushToStartTokens: Record<string, string> }> {
    return this.request({ type: 'activities' }) as Promise<{
      activities: ShimActivityModel[];
      pushToStartTokens: Record<string, string>;
    }>;
  }

  ack(ack: Omit<ShimAck, 'type'>): void {
    this.report({ type: 'ack', ...ack });
  }
  complete(completion: Omit<ShimComplete, 'type'>): void {
    this.report({ type: 'complete', ...completion });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private report(message: ShimAck | ShimComplete): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.reportsSent++;
    this.post(message);
  }

  private post(message: ShimClientMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private request(
    message:
      | { type: 'subscribe' | 'unsubscribe'; topic: string }
      | { type: 'sync' }
      | { type: 'register' }
      | { type: 'lifecycle'; event: string }
      | { type: 'tap'; pushId: string }
      | Omit<ShimActivityRequest, 'requestId'>
      | Omit<ShimActivityUpdate, 'requestId'>
      | Omit<ShimActivityEnd, 'requestId'>
      | { type: 'activities' },
  ): Promise<unknown> {
    const requestId = String(this.nextRequest++);
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error('the shim connection is closed'));
        return;
      }
      this.pending.set(requestId, { resolve, reject });
      this.post({ ...message, requestId } as ShimClientMessage);
    });
  }

  private receive(message: ShimServerMessage): void {
    switch (message.type) {
      case 'reply': {
        const waiter = this.pending.get(message.requestId);
        if (!waiter) return;
        this.pending.delete(message.requestId);
        if (message.ok) waiter.resolve(message.result);
        else
          waiter.reject(
            Object.assign(new Error(message.error?.message ?? 'request failed'), { code: message.error?.code }),
          );
        return;
      }
      case 'deliver':
        this.emit('deliver', message);
        return;
      case 'lifecycle':
        this.emit('lifecycle', message);
        return;
      case 'opened':
        this.emit('opened', message);
        return;
      case 'activity':
        this.emit('activity', message);
        return;
      case 'activityToken':
        this.emit('activityToken', message);
        return;
      case 'error':
        this.emit('error', message);
        return;
      case 'welcome':
        return;
    }
  }
}
