// The resolve stage: the push's token leads to an installed app and its device, or to nothing (a dropped push).
import type { Fate, LedgerAddress, LedgerEntry, Push, TokenAddress } from '../../core/index.js';
import { RESOLVE_RULES, firstRule } from '../../delivery/index.js';
import type { PipelineContext } from './pipeline-context.js';

export function resolveToken(
  ctx: PipelineContext,
  push: Push,
  resolved?: TokenAddress,
): { entry?: LedgerEntry; address?: TokenAddress } {
  const address = resolved ?? ctx.registry.resolveToken(push.token);
  const rule = firstRule(RESOLVE_RULES, { resolved: address !== undefined })!;
  const fate = firstFateOf(rule);
  const ledger = ctx.ledger;
  // `enter` builds no entry (the router reads the ledger again when asked); a store without it is opened.
  const open = (at?: LedgerAddress): LedgerEntry | undefined => {
    if (!ledger.enter) return ledger.open(push, fate, at);
    ledger.enter(push, fate, at);
    return undefined;
  };
  if (!address) return { entry: open() };
  const entry = open({ deviceId: address.device.id, appId: address.app.id });
  for (const note of push.notes ?? []) ctx.ledger.note(push.id, push.acceptedAt, note);
  return entry ? { entry, address } : { address };
}

type ResolveRule = (typeof RESOLVE_RULES)[number];
/** Each row's first fate, built once: the same frozen object for every push the row decides. */
const firstFates = new WeakMap<ResolveRule, Omit<Fate, 'at'>>();
function firstFateOf(rule: ResolveRule): Omit<Fate, 'at'> {
  let fate = firstFates.get(rule);
  if (!fate) {
    fate = Object.freeze({
      name: rule.outcome.fate!,
      ruleIds: Object.freeze([rule.id]) as string[],
      ruleId: rule.id,
      ...(rule.outcome.reason !== undefined ? { reason: rule.outcome.reason } : {}),
    });
    firstFates.set(rule, fate);
  }
  return fate;
}
