// The offline stage: the service stores pushes for an offline device under the channel's policy (OfflineStore, with
// the eviction rows of the simulation's table: a service module's `store` rows for its channel, then the core's), and
// hands them back when the device comes online.
import type { Push } from '../../core/index.js';
import { OFFLINE_RULES, OfflineStore, firstRule, type RulesTable } from '../../delivery/index.js';
import type { InFlightPush, Settle } from './pipeline-context.js';

export class OfflineHold {
  private readonly store: OfflineStore;

  constructor(rules: RulesTable) {
    this.store = new OfflineStore(rules.store);
  }

  /** Stores the push when the device is offline (settling the pushes the policy evicts); true when it did. */
  hold(flight: InFlightPush, settle: Settle): boolean {
    const rule = firstRule(OFFLINE_RULES, { online: flight.device.conditions.online }, flight.channel);
    if (!rule) return false;
    for (const eviction of this.store.hold(flight.app.id, flight.push, flight.channel))
      settle(eviction.pushId, { name: eviction.fate, reason: eviction.reason }, [eviction.ruleId]);
    settle(flight.push.id, { name: 'stored', reason: rule.outcome.reason! }, [...flight.via, rule.id]);
    return true;
  }

  release(appId: string): Push[] {
    return this.store.release(appId);
  }
  remove(appId: string, pushId: string): boolean {
    return this.store.remove(appId, pushId);
  }
  heldFor(appId: string): readonly Push[] {
    return this.store.heldFor(appId);
  }
  clear(): void {
    this.store.clear();
  }
}
