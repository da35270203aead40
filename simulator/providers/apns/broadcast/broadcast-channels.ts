// The broadcast channels APNs keeps for each app, per environment: their message storage policy, the most recent
// message a channel stores for activities that subscribe later, and which apps have the broadcast capability
// (docs/reference/apns-broadcast.md#channels).
import { randomBytes } from 'node:crypto';

export type Environment = 'sandbox' | 'production';

/** 0: no message stored; 1: the most recent message stored (docs/reference/apns-broadcast.md#message-storage-policy). */
export type MessageStoragePolicy = 0 | 1;

/** A broadcast as a channel keeps it: what a later subscriber receives under policy 1. */
export interface StoredBroadcast {
  readonly payload: Record<string, unknown>;
  readonly priority: 10 | 5 | 1;
  readonly requestId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly sentAt: number;
  /** ms since the epoch after which APNs no longer delivers it; undefined = no expiry given. */
  readonly expiresAt?: number;
  /** The ledger entry of the broadcast when it reached no activity and was stored (its fate follows the channel's). */
  readonly ledgerId?: string;
}

export interface BroadcastChannel {
  readonly id: string;
  readonly bundleId: string;
  readonly environment: Environment;
  readonly messageStoragePolicy: MessageStoragePolicy;
  /** Apple's one push type for channels. */
  readonly pushType: 'LiveActivity';
  readonly createdAt: number;
  /** Under policy 1, the most recent broadcast; never set under policy 0. */
  stored: StoredBroadcast | undefined;
  /** When the last broadcast was accepted on it. */
  lastBroadcastAt: number | undefined;
}

/** Apple: up to 10,000 channels per app in each environment (docs/reference/apns-broadcast.md#channels). */
export const DEFAULT_MAX_CHANNELS_PER_APP = 10_000;

/** Channel ids pushsim issues: base64 of 16 random bytes, as Apple's are base64 strings. */
export function issueChannelId(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Whether a value can be a channel id: base64 (padded) and at most 128 characters. Apple says a bad id is one not
 * properly encoded or longer than allowed without giving the length; 128 is pushsim's bound.
 */
export function isWellFormedChannelId(value: string): boolean {
  return value.length > 0 && value.length <= 128 && value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

export class BroadcastChannels {
  /** environment → bundle id → channel id → channel; Map order is creation order, which all-channels lists. */
  private readonly channels = new Map<Environment, Map<string, Map<string, BroadcastChannel>>>();
  private readonly broadcastDisabled = new Set<string>();

  constructor(readonly maxPerApp: number = DEFAULT_MAX_CHANNELS_PER_APP) {}

  private appChannels(environment: Environment, bundleId: string): Map<string, BroadcastChannel> {
    let apps = this.channels.get(environment);
    if (!apps) this.channels.set(environment, (apps = new Map()));
    let channels = apps.get(bundleId);
    if (!channels) apps.set(bundleId, (channels = new Map()));
    return channels;
  }

  /** A new channel, or `limit` when the app already has maxPerApp channels in this environment. */
  create(
    environment: Environment,
    bundleId: string,
    messageStoragePolicy: MessageStoragePolicy,
    now: number,
  ): BroadcastChannel | 'limit' {
    const channels = this.appChannels(environment, bundleId);
    if (channels.size >= this.maxPerApp) return 'limit';
    let id = issueChannelId();
    while (channels.has(id)) id = issueChannelId();
    const channel: BroadcastChannel = {
      id,
      bundleId,
      environment,
      messageStoragePolicy,
      pushType: 'LiveActivity',
      createdAt: now,
      stored: undefined,
      lastBroadcastAt: undefined,
    };
    channels.set(id, channel);
    return channel;
  }

  get(environment: Environment, bundleId: string, id: string): BroadcastChannel | undefined {
    return this.channels.get(environment)?.get(bundleId)?.get(id);
  }

  /** The channel with this id in either environment and for any app (a channel id is unique). */
  find(id: string): BroadcastChannel | undefined {
    for (const apps of this.channels.values())
      for (const channels of apps.values()) {
        const channel = channels.get(id);
        if (channel) return channel;
      }
    return undefined;
  }

  ids(environment: Environment, bundleId: string): string[] {
    return [...(this.channels.get(environment)?.get(bundleId)?.keys() ?? [])];
  }

  delete(environment: Environment, bundleId: string, id: string): BroadcastChannel | undefined {
    const channels = this.channels.get(environment)?.get(bundleId);
    const channel = channels?.get(id);
    if (channel) channels!.delete(id);
    return channel;
  }

  all(): BroadcastChannel[] {
    return [...this.channels.values()].flatMap((apps) => [...apps.values()].flatMap((c) => [...c.values()]));
  }

  /** Whether the app's id has the broadcast capability (on unless turned off, so quick starts need no setup). */
  isBroadcastEnabled(bundleId: string): boolean {
    return !this.broadcastDisabled.has(bundleId);
  }

  setBroadcastEnabled(bundleId: string, enabled: boolean): void {
    if (enabled) this.broadcastDisabled.delete(bundleId);
    else this.broadcastDisabled.add(bundleId);
  }

  /** Forgets every channel (per-test state); which apps have the capability is configuration and stays. */
  clear(): void {
    this.channels.clear();
  }
}
