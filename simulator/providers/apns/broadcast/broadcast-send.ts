// Broadcast sends on the APNs ports: POST /4/broadcasts/apps/<bundle id> with `apns-channel-id`, checked as Apple does,
// then handed to every Live Activity subscribed to the channel; a channel with the most-recent-message policy keeps the
// broadcast for activities that subscribe later. Facts: docs/reference/apns-broadcast.md#broadcast-sends.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Simulation } from '../../../engine/index.js';
import type { Push, PushPriority, TimerHandle } from '../../../core/index.js';
import { authenticate, checkTopicAllowed, type ApnsConnection } from '../apns-auth.js';
import type { ApnsKeyring } from '../apns-keys.js';
import { KeyedRateWindows } from '../../rate-window.js';
import { BroadcastRejection } from './broadcast-reasons.js';
import type { BroadcastChannel, BroadcastChannels, Environment, StoredBroadcast } from './broadcast-channels.js';
import { deliverBroadcast, subscribersOf, type BroadcastDelivery } from './broadcast-activities.js';
import type { Activity } from '../../../live-activity/index.js';
import { answer, answerRejection, asBroadcastRejection, channelIdOf, headerOf, requestIdOf } from './broadcast-wire.js';
import { BROADCAST_RULE_IDS } from './broadcast-rules.js';

const BROADCAST_PATH = /^\/4\/broadcasts\/apps\/([^/?]+)$/;

/**
 * A broadcast's payload limit. Apple's own figure is not in the pages pushsim could read; 5 KB is what client libraries
 * give (docs/reference/apns-broadcast.md#broadcast-sends), against 4 KB for a push to one activity.
 */
export const BROADCAST_PAYLOAD_LIMIT = 5120;

/** The request body as the APNs server read it (apns-server.ts). */
export type BroadcastBody = { bytes: number; json?: Record<string, unknown>; problem?: string } | 'too-large';

export interface BroadcastSendOptions {
  permissive: boolean;
  /** More than this many broadcasts on one channel within `windowMs` is TooManyRequests; 0 = off. */
  tooManyRequests: { perChannel: number; windowMs: number };
}

/** What one accepted broadcast did. */
export interface BroadcastOutcome {
  readonly channelId: string;
  readonly requestId: string;
  /** The ledger ids of the pushes it handed to subscribed activities. */
  readonly pushIds: readonly string[];
}

export class BroadcastSender {
  private readonly recentByChannel: KeyedRateWindows;
  private count = 0;
  private readonly idPrefix = randomUUID().slice(0, 24);
  /** The clock timers that settle a stored broadcast as expired at its apns-expiration, by ledger id. */
  private readonly expiryTimers = new Map<string, TimerHandle>();

  constructor(
    private readonly sim: Simulation,
    private readonly keyring: ApnsKeyring,
    private readonly channels: BroadcastChannels,
    readonly options: BroadcastSendOptions,
  ) {
    this.recentByChannel = new KeyedRateWindows(options.tooManyRequests.windowMs);
  }

  /** Whether a request path is a broadcast send (the APNs server hands those here). */
  isBroadcastPath(path: string): boolean {
    return path.startsWith('/4/broadcasts/');
  }

  reset(): void {
    this.recentByChannel.clear();
    this.clearExpiryTimers();
  }

  /** Answers one broadcast request on an APNs connection. */
  async handle(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    body: BroadcastBody,
    connection: ApnsConnection,
    environment: Environment,
  ): Promise<BroadcastOutcome | undefined> {
    const requestId = requestIdOf(headers);
    const now = this.sim.clock.now();
    let channelId: string | undefined;
    let bundleId: string | undefined;
    // A session recording hears the broadcast begin, then its ledger entries, then its answer.
    const told = this.sim.bus.hasListeners('apns.broadcast-sent');
    if (told) this.sim.bus.emit('apns.broadcast-started', { requestId });
    const tell = (status: number, pushIds: readonly string[], reason?: string): void => {
      if (!told) return;
      this.sim.bus.emit('apns.broadcast-sent', {
        requestId,
        environment,
        ...(bundleId !== undefined ? { bundleId } : {}),
        headers: requestHeaders(headers),
        ...(body !== 'too-large' && body.json ? { payload: body.json } : {}),
        status,
        ...(reason ? { reason } : {}),
        pushIds: [...pushIds],
      });
    };
    try {
      bundleId = this.bundleIdOf(String(headers[':method']), String(headers[':path'] ?? ''));
      const scoped: ApnsConnection =
        environment === connection.environment ? connection : { ...connection, environment };
      const pending = authenticate(scoped, headerOf(headers, 'authorization'), {
        keyring: this.keyring,
        permissive: this.options.permissive,
        now,
      });
      const identity = pending instanceof Promise ? await pending : pending;
      if (scoped !== connection)
        Object.assign(connection, {
          boundKeyId: scoped.boundKeyId,
          currentToken: scoped.currentToken,
          tokenChangedAt: scoped.tokenChangedAt,
        });
      connection.authenticated = true;
      checkTopicAllowed(identity, bundleId, bundleId);
      if (!this.channels.isBroadcastEnabled(bundleId))
        throw new BroadcastRejection(
          'FeatureNotEnabled',
          `${bundleId} does not have the broadcast capability; turn it on with PUT /api/apns/broadcast-capability/${bundleId}`,
        );
      const pushType = headerOf(headers, 'apns-push-type');
      if (pushType === undefined)
        throw new BroadcastRejection('MissingPushType', 'a broadcast needs apns-push-type: liveactivity');
      if (pushType !== 'liveactivity')
        throw new BroadcastRejection(
          'InvalidPushType',
          `apns-push-type "${pushType}" is not liveactivity, the only push type a channel carries`,
        );
      channelId = channelIdOf(headers);
      const channel = this.channels.get(environment, bundleId, channelId);
      if (!channel)
        throw new BroadcastRejection(
          'ChannelNotRegistered',
          `${bundleId} has no channel ${channelId} in ${environment}; create one with POST /1/apps/${bundleId}/channels on the channel management port`,
        );
      const priority = priorityOf(headerOf(headers, 'apns-priority'));
      const expiration = expirationOf(headerOf(headers, 'apns-expiration'));
      const { perChannel, windowMs } = this.options.tooManyRequests;
      if (perChannel > 0 && !this.recentByChannel.tryTake(channelId, now, perChannel))
        throw new BroadcastRejection(
          'TooManyRequests',
          `more than ${perChannel} broadcasts on this channel within ${windowMs} ms`,
        );
      const payload = payloadOf(body);

      const sentHeaders: Record<string, string> = {
        'apns-channel-id': channelId,
        'apns-request-id': requestId,
        'apns-push-type': pushType,
        'apns-priority': String(priority),
        environment,
      };
      if (expiration !== undefined) sentHeaders['apns-expiration'] = String(expiration);
      const message: StoredBroadcast = {
        payload,
        priority,
        requestId,
        headers: sentHeaders,
        sentAt: now,
        // apns-expiration 0: one attempt, never stored (docs/reference/apns.md#request-headers): it expires now.
        ...(expiration !== undefined ? { expiresAt: expiration === 0 ? now : expiration * 1000 } : {}),
      };
      const pushIds = this.fanOut(channel, message);
      channel.lastBroadcastAt = now;
      this.keepOrDrop(channel, message, pushIds.length);

      const responseHeaders: Record<string, string> = { 'apns-request-id': requestId };
      if (environment === 'sandbox') responseHeaders['apns-unique-id'] = this.nextId();
      answer(stream, 200, responseHeaders);
      const entries = pushIds.length
        ? pushIds
        : this.sim.ledger
            .list()
            .filter((e) => e.push.headers?.['apns-request-id'] === requestId)
            .map((e) => e.id);
      tell(200, entries);
      return { channelId, requestId, pushIds };
    } catch (error) {
      const rejection = asBroadcastRejection(error);
      const entryId = this.recordRejection(
        requestId,
        channelId ?? headerOf(headers, 'apns-channel-id') ?? '',
        rejection,
        body,
        now,
      );
      answerRejection(stream, requestId, rejection);
      tell(rejection.status, [entryId], rejection.reason);
      return undefined;
    }
  }

  /**
   * Hands a channel's stored broadcast to an activity that subscribed after it was sent (policy 1); nothing when the
   * channel stores none, stored none yet, or the stored one has expired.
   */
  deliverStored(channel: BroadcastChannel, activity: Activity): string | undefined {
    const stored = channel.stored;
    if (!stored) return undefined;
    if (stored.expiresAt !== undefined && stored.expiresAt <= this.sim.clock.now()) return undefined;
    return deliverBroadcast(this.sim, activity, this.delivery(channel, stored, this.nextId()));
  }

  /** A deleted channel's stored broadcast goes with it. */
  channelDeleted(channel: BroadcastChannel): void {
    const ledgerId = channel.stored?.ledgerId;
    channel.stored = undefined;
    if (ledgerId) this.settleStored(ledgerId, 'dropped', BROADCAST_RULE_IDS.channelDeleted, 'its channel was deleted');
  }

  /** Forgets the expiry timers (the simulator was reset). */
  private clearExpiryTimers(): void {
    for (const handle of this.expiryTimers.values()) this.sim.clock.clearTimer(handle);
    this.expiryTimers.clear();
  }

  /**
   * A stored broadcast with an apns-expiration is settled `expired` at that time on the clock, and the channel stops
   * keeping it (a later subscriber no longer gets it: deliverStored).
   */
  private armExpiry(channel: BroadcastChannel, kept: StoredBroadcast): void {
    const { ledgerId, expiresAt } = kept;
    if (!ledgerId || expiresAt === undefined) return;
    const expire = (): void => {
      this.expiryTimers.delete(ledgerId);
      if (channel.stored?.ledgerId === ledgerId) channel.stored = undefined;
      this.settleStored(
        ledgerId,
        'expired',
        BROADCAST_RULE_IDS.storedExpired,
        'its apns-expiration passed while its channel stored it',
      );
    };
    const wait = expiresAt - this.sim.clock.now();
    if (wait <= 0) expire();
    else this.expiryTimers.set(ledgerId, this.sim.clock.setTimer(expire, wait));
  }

  private fanOut(channel: BroadcastChannel, message: StoredBroadcast): string[] {
    const broadcastId = this.nextId();
    return subscribersOf(this.sim, channel.bundleId, channel.id, channel.environment).map((activity) =>
      deliverBroadcast(this.sim, activity, this.delivery(channel, message, broadcastId)),
    );
  }

  private delivery(channel: BroadcastChannel, message: StoredBroadcast, broadcastId: string): BroadcastDelivery {
    return {
      payload: message.payload,
      priority: message.priority,
      apnsId: broadcastId,
      headers: message.headers,
      channelId: channel.id,
    };
  }

  /**
   * Policy 1 keeps the broadcast as the channel's most recent message (replacing the one before); a broadcast that
   * reached no activity gets a ledger entry of its own: stored under policy 1, dropped under policy 0.
   */
  private keepOrDrop(channel: BroadcastChannel, message: StoredBroadcast, reached: number): void {
    const previous = channel.stored;
    let kept = message;
    if (reached === 0) {
      const ledgerId = this.nextId();
      const push = this.broadcastPush(
        ledgerId,
        channel.id,
        message.payload,
        message.headers,
        message.sentAt,
        message.priority,
      );
      if (channel.messageStoragePolicy === 1) {
        this.sim.record(push, {
          name: 'stored',
          reason:
            'no activity is subscribed to the channel yet; it stores its most recent message for those that subscribe later',
          ruleIds: [BROADCAST_RULE_IDS.stored],
        });
        kept = { ...message, ledgerId };
      } else {
        this.sim.record(push, {
          name: 'dropped',
          reason: 'no activity is subscribed to the channel, and it stores no message (message-storage-policy 0)',
          ruleIds: [BROADCAST_RULE_IDS.noSubscribers],
        });
      }
    }
    if (channel.messageStoragePolicy !== 1) return;
    channel.stored = kept;
    this.armExpiry(channel, kept);
    if (previous?.ledgerId)
      this.settleStored(
        previous.ledgerId,
        'collapsed',
        BROADCAST_RULE_IDS.storedReplaced,
        'replaced by a newer broadcast on its channel',
      );
  }

  private settleStored(
    ledgerId: string,
    name: 'collapsed' | 'dropped' | 'expired',
    ruleId: string,
    reason: string,
  ): void {
    const timer = this.expiryTimers.get(ledgerId);
    if (timer) this.sim.clock.clearTimer(timer);
    this.expiryTimers.delete(ledgerId);
    if (this.sim.ledger.get(ledgerId)?.fate.name !== 'stored') return;
    this.sim.ledger.settle(ledgerId, { name, at: this.sim.clock.now(), reason, ruleIds: [ruleId], ruleId });
  }

  private bundleIdOf(method: string, path: string): string {
    const match = BROADCAST_PATH.exec(path.split('?')[0]!);
    if (!match) throw new BroadcastRejection('BadPath', `${path} is not /4/broadcasts/apps/<bundle id>`);
    if (method !== 'POST')
      throw new BroadcastRejection(
        'MethodNotAllowed',
        `${method} is not allowed; a broadcast is POST /4/broadcasts/apps/<bundle id>`,
      );
    try {
      return decodeURIComponent(match[1]!);
    } catch {
      throw new BroadcastRejection('BadPath', 'the bundle id in the path is not valid percent-encoding');
    }
  }

  private recordRejection(
    requestId: string,
    channelId: string,
    rejection: BroadcastRejection,
    body: BroadcastBody,
    now: number,
  ): string {
    const headers: Record<string, string> = { 'apns-request-id': requestId };
    if (channelId) headers['apns-channel-id'] = channelId;
    const payload = body !== 'too-large' && body.json ? body.json : {};
    const id = this.nextId();
    this.sim.record(this.broadcastPush(id, channelId, payload, headers, now, 10), {
      name: 'rejected',
      reason: `${rejection.reason}: ${rejection.detail}`,
      ruleIds: [BROADCAST_RULE_IDS.rejected],
    });
    return id;
  }

  private broadcastPush(
    id: string,
    channelId: string,
    payload: Record<string, unknown>,
    headers: Record<string, string>,
    at: number,
    priority: 10 | 5 | 1,
  ): Push {
    const level: PushPriority = priority === 10 ? 'high' : priority === 5 ? 'normal' : 'low';
    return {
      id,
      provider: 'apns',
      token: channelId,
      kind: 'liveactivity',
      priority: level,
      payload,
      headers: { ...headers },
      acceptedAt: at,
    };
  }

  /** UUID-shaped ids: a random prefix and a counter (as the APNs server's apns-unique-id). */
  private nextId(): string {
    this.count = (this.count + 1) % 0x1000000000000;
    return this.idPrefix + this.count.toString(16).padStart(12, '0');
  }
}

function priorityOf(value: string | undefined): 10 | 5 | 1 {
  if (value === undefined) return 10;
  if (value !== '10' && value !== '5' && value !== '1')
    throw new BroadcastRejection('BadPriority', `apns-priority "${value}" is not 10, 5 or 1`);
  return Number(value) as 10 | 5 | 1;
}

function expirationOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,12}$/.test(value))
    throw new BroadcastRejection('BadExpirationDate', `apns-expiration "${value}" is not a UNIX time in seconds`);
  return Number(value);
}

function payloadOf(body: BroadcastBody): Record<string, unknown> {
  if (body === 'too-large' || body.bytes > BROADCAST_PAYLOAD_LIMIT)
    throw new BroadcastRejection(
      'PayloadTooLarge',
      `the payload is ${body === 'too-large' ? 'over 64 KiB' : `${body.bytes} bytes`}; a broadcast may carry ${BROADCAST_PAYLOAD_LIMIT}`,
    );
  if (body.bytes === 0)
    throw new BroadcastRejection(
      'PayloadEmpty',
      'the request body is empty; send a Live Activity payload with an aps dictionary',
    );
  if (!body.json) throw new BroadcastRejection('PayloadEmpty', body.problem ?? 'the payload is not a JSON object');
  return body.json;
}

/** A request's headers as a recording keeps them: not its pseudo-headers, not its authorization. */
function requestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || name === 'authorization' || value === undefined) continue;
    kept[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return kept;
}
