// What a push service holds for a device that is offline, under each channel's storage policy: the `store.*` rows of
// the offline stage, from the simulation's composed table (a service module's `store` rows for its channel, then the
// core's). APNs keeps one notification per app, the newest (docs/reference/apns.md#offline-storage); FCM keeps up to
// 100 non-collapsible messages and one per collapse key (docs/reference/fcm.md#stored-messages-and-collapse-keys); a
// vendor channel keeps the newest (pushsim's choice, docs/reference/zpns.md#unconfirmed).
import type { Channel, Push } from '../core/index.js';
import { STORE_RULES, type EvictionFacts } from './pipeline-rules.js';
import { firstRule, type StageRule } from './stages.js';

export interface Eviction {
  pushId: string;
  fate: 'collapsed' | 'dropped';
  reason: string;
  ruleId: string;
}

interface Held {
  push: Push;
  channel: Channel;
}

export class OfflineStore {
  private readonly held = new Map<string, Held[]>();

  /** `rows`: the eviction rows of the simulation's table (RulesTable.store); the core's alone by default. */
  constructor(private readonly rows: readonly StageRule<EvictionFacts>[] = STORE_RULES) {}

  /** Holds a push for an app; returns the pushes the channel's policy discards to make room. */
  hold(appId: string, push: Push, channel: Channel): Eviction[] {
    const queue = this.held.get(appId) ?? [];
    const evictions: Eviction[] = [];
    const sameChannel = queue.filter((h) => h.channel === channel);
    const collapseKeys = new Set(
      sameChannel
        .filter((h) => h.push.collapseId !== undefined && h.push.collapseId !== push.collapseId)
        .map((h) => h.push.collapseId),
    ).size;
    const nonCollapsible = sameChannel.filter((h) => h.push.collapseId === undefined).length;
    const facts = (older: Push): EvictionFacts => ({ channel, newer: push, older, collapseKeys, nonCollapsible });
    // Past the collapse-key limit only the oldest key goes; the other rows apply to each held push on their own.
    const oldestKey = sameChannel.find((h) => h.push.collapseId !== undefined && h.push.collapseId !== push.collapseId)
      ?.push.collapseId;
    const kept: Held[] = [];
    for (const entry of queue) {
      const rule = entry.channel === channel ? firstRule(this.rows, facts(entry.push), channel) : undefined;
      const evicts =
        rule !== undefined && (rule.id !== 'store.fcm.collapse-key-limit' || entry.push.collapseId === oldestKey);
      if (!evicts) {
        kept.push(entry);
        continue;
      }
      evictions.push({
        pushId: entry.push.id,
        fate: rule.outcome.fate as Eviction['fate'],
        ruleId: rule.id,
        reason: describe(rule.id, rule.outcome.reason!, push, entry.push),
      });
    }
    kept.push({ push, channel });
    this.held.set(appId, kept);
    return evictions;
  }

  /** Takes every held push of an app, oldest first. */
  release(appId: string): Push[] {
    const queue = this.held.get(appId) ?? [];
    this.held.delete(appId);
    return queue.map((h) => h.push);
  }

  remove(appId: string, pushId: string): boolean {
    const queue = this.held.get(appId);
    if (!queue) return false;
    const index = queue.findIndex((h) => h.push.id === pushId);
    if (index === -1) return false;
    queue.splice(index, 1);
    if (queue.length === 0) this.held.delete(appId);
    return true;
  }

  heldFor(appId: string): readonly Push[] {
    return (this.held.get(appId) ?? []).map((h) => h.push);
  }

  clear(): void {
    this.held.clear();
  }
}

function describe(ruleId: string, reason: string, newer: Push, older: Push): string {
  switch (ruleId) {
    case 'store.fcm.collapse-key':
      return `replaced by ${newer.id} with the same collapse key "${newer.collapseId}"`;
    case 'store.fcm.collapse-key-limit':
      return `${reason}; "${older.collapseId}" was the oldest`;
    case 'store.fcm.non-collapsible-limit':
      return reason;
    default:
      return `replaced by ${newer.id}: ${reason}`;
  }
}
