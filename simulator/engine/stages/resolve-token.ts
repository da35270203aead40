// The resolve stage: the push's token leads to an installed app and its device, or to nothing (a dropped push).
import type { LedgerEntry, Push, TokenAddress } from '../../core/index.js';
import { RESOLVE_RULES, firstRule } from '../../delivery/index.js';
import type { PipelineContext } from './pipeline-context.js';

export function resolveToken(
  ctx: PipelineContext,
  push: Push,
  resolved?: TokenAddress,
): { entry: LedgerEntry; address?: TokenAddress } {
  const address = resolved ?? ctx.registry.resolveToken(push.token);
  const rule = firstRule(RESOLVE_RULES, { resolved: address !== undefined })!;
  const fate = {
    name: rule.outcome.fate!,
    ruleIds: [rule.id],
    ruleId: rule.id,
    ...(address ? {} : { reason: rule.outcome.reason! }),
  };
  if (!address) return { entry: ctx.ledger.open(push, fate) };
  const entry = ctx.ledger.open(push, fate, { deviceId: address.device.id, appId: address.app.id });
  for (const note of push.notes ?? []) ctx.ledger.note(push.id, push.acceptedAt, note);
  return { entry, address };
}
