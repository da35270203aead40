// The settle stage: the one place a push gets a fate, stamped with the clock and the ids of the rows that decided it;
// and the rows for what a client shim reports about a delivery.
import type { Fate } from '../../core/index.js';
import { ACK_RULES, firstRule } from '../../delivery/index.js';
import type { DeliveryAck } from '../app-connection.js';
import type { DecidedFate, PipelineContext } from './pipeline-context.js';

export function createSettle(ctx: PipelineContext, onSettled: (pushId: string, fate: Fate) => void) {
  return (pushId: string, fate: DecidedFate, ruleIds: readonly string[]): void => {
    const ids = [...ruleIds];
    // Built field by field, not as `{ ...fate, at }`: a spread gives each fate a hidden class of its own (issue 14).
    const settled: Fate = { name: fate.name, at: ctx.clock.now() };
    if (fate.callback !== undefined) settled.callback = fate.callback;
    if (fate.platformCallback !== undefined) settled.platformCallback = fate.platformCallback;
    if (fate.displayed !== undefined) settled.displayed = fate.displayed;
    if (fate.reason !== undefined) settled.reason = fate.reason;
    settled.ruleIds = ids;
    settled.ruleId = ids.join(' → ');
    onSettled(pushId, settled);
    ctx.ledger.settle(pushId, settled);
  };
}

/** The rows that decided a fate so far, for a later fate that builds on it. */
export function idsOf(fate: Fate): string[] {
  return fate.ruleIds ?? [];
}

/** The fate an acknowledgement gives a push that was handed to a shim, or undefined when it changes nothing. */
export function ackFate(current: Fate, ack: DeliveryAck): { fate: DecidedFate; ruleIds: string[] } | undefined {
  const rule = firstRule(ACK_RULES, {
    ran: ack.ran,
    queued: ack.queued === true,
    displayed: current.displayed === true,
  });
  if (!rule) return undefined;
  const { at: _at, ruleIds: _ids, ruleId: _id, ...rest } = current;
  const ruleIds = [...idsOf(current), rule.id];
  if (rule.id === 'shim.ack.ran') {
    const callback = ack.callback ?? 'unknown';
    if (current.name === 'delivered' && current.callback === callback) return undefined;
    const { reason: _reason, ...kept } = rest;
    return { fate: { ...kept, name: 'delivered', callback }, ruleIds };
  }
  if (rule.id === 'shim.ack.queued')
    return { fate: { name: 'deferred', reason: ack.reason ?? rule.outcome.reason! }, ruleIds };
  return {
    fate: {
      name: rule.outcome.fate!,
      displayed: current.displayed ?? false,
      reason: ack.reason ?? rule.outcome.reason!,
    },
    ruleIds,
  };
}
