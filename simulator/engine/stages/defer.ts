// The defer stage: a push the rows defer (Doze) waits on the device until Doze ends; one with ttl 0 cannot wait.
import type { Push } from '../../core/index.js';
import { DEFER_RULES, firstRule } from '../../delivery/index.js';
import type { InFlightPush, Settle } from './pipeline-context.js';

export class DeferStage {
  private readonly deferred = new Map<string, Push[]>();

  /** Holds a deferred push, or expires it when a row says it cannot wait; `ruleIds` are the rows that deferred it. */
  hold(flight: InFlightPush, ruleIds: string[], fate: Parameters<Settle>[1], settle: Settle): 'held' | 'expired' {
    const rule = firstRule(DEFER_RULES, { push: flight.push }, flight.channel);
    if (rule) {
      settle(flight.push.id, { name: 'expired', reason: rule.outcome.reason! }, [...ruleIds, rule.id]);
      return 'expired';
    }
    const queue = this.deferred.get(flight.app.id) ?? [];
    queue.push(flight.push);
    this.deferred.set(flight.app.id, queue);
    settle(flight.push.id, fate, ruleIds);
    return 'held';
  }

  release(appId: string): Push[] {
    const queue = this.deferred.get(appId) ?? [];
    this.deferred.delete(appId);
    return queue;
  }

  remove(appId: string, pushId: string): boolean {
    const queue = this.deferred.get(appId);
    const index = queue?.findIndex((p) => p.id === pushId) ?? -1;
    if (index === -1) return false;
    queue!.splice(index, 1);
    return true;
  }

  clear(): void {
    this.deferred.clear();
  }
}
