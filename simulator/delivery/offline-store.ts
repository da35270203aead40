// What a push service holds for a device that is offline, under each service's storage policy.
// APNs keeps one notification per app, the newest (apns.md §2, [SEND] "stores only one notification per bundle ID").
// FCM keeps up to 100 non-collapsible messages and one per collapse key (fcm.md §2, collapsible-message-types).
import { IOS_PUSH_KINDS, type Push } from '../core/index.js';

export interface Eviction { pushId: string; fate: 'collapsed' | 'dropped'; reason: string }

export const FCM_MAX_NON_COLLAPSIBLE = 100;
/** "FCM stores at most 4 distinct collapse keys per device; beyond 4, which keys survive is undefined" — pushsim keeps the newest 4. */
export const FCM_MAX_COLLAPSE_KEYS = 4;

export class OfflineStore {
  private readonly held = new Map<string, Push[]>();

  /** Holds a push for an app; returns the pushes the service's policy discards to make room. */
  hold(appId: string, push: Push): Eviction[] {
    const queue = this.held.get(appId) ?? [];
    const evictions: Eviction[] = [];
    if (IOS_PUSH_KINDS.includes(push.kind)) {
      for (const old of queue) evictions.push({ pushId: old.id, fate: 'collapsed', reason: `replaced by ${push.id}: APNs stores only one notification per app while the device is offline` });
      this.held.set(appId, [push]);
      return evictions;
    }
    if (push.collapseId !== undefined) {
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i]!.collapseId === push.collapseId) {
          evictions.push({ pushId: queue[i]!.id, fate: 'collapsed', reason: `replaced by ${push.id} with the same collapse key "${push.collapseId}"` });
          queue.splice(i, 1);
        }
      }
      const keys = [...new Set(queue.filter((p) => p.collapseId !== undefined).map((p) => p.collapseId!))];
      if (keys.length >= FCM_MAX_COLLAPSE_KEYS) {
        const oldestKey = keys[0]!;
        for (let i = queue.length - 1; i >= 0; i--) {
          if (queue[i]!.collapseId === oldestKey) {
            evictions.push({ pushId: queue[i]!.id, fate: 'dropped', reason: `FCM stores at most ${FCM_MAX_COLLAPSE_KEYS} collapse keys per device; "${oldestKey}" was the oldest` });
            queue.splice(i, 1);
          }
        }
      }
    } else if (queue.filter((p) => p.collapseId === undefined).length >= FCM_MAX_NON_COLLAPSIBLE) {
      // "When that limit is reached, all stored messages are discarded" and the app later gets onDeletedMessages.
      for (const old of queue.filter((p) => p.collapseId === undefined)) {
        evictions.push({ pushId: old.id, fate: 'dropped', reason: `FCM discarded all ${FCM_MAX_NON_COLLAPSIBLE} stored non-collapsible messages when the limit was reached; the app gets onDeletedMessages` });
      }
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.collapseId === undefined) queue.splice(i, 1);
    }
    queue.push(push);
    this.held.set(appId, queue);
    return evictions;
  }

  /** Takes every held push of an app, oldest first. */
  release(appId: string): Push[] {
    const queue = this.held.get(appId) ?? [];
    this.held.delete(appId);
    return queue;
  }

  remove(appId: string, pushId: string): boolean {
    const queue = this.held.get(appId);
    if (!queue) return false;
    const index = queue.findIndex((p) => p.id === pushId);
    if (index === -1) return false;
    queue.splice(index, 1);
    if (queue.length === 0) this.held.delete(appId);
    return true;
  }

  heldFor(appId: string): readonly Push[] { return this.held.get(appId) ?? []; }

  clear(): void { this.held.clear(); }
}
