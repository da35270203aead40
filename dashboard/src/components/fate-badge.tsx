// A fate as a coloured badge, with the callback that ran (or the reason nothing did) beside it.
import type { FateModel } from '../api.js';

export function FateBadge({ fate, withDetail = true }: { fate: FateModel; withDetail?: boolean }) {
  return (
    <span class="fate">
      <span class={`badge fate-${fate.name}`}>{fate.name}</span>
      {withDetail && fate.callback ? <code class="callback">{fate.callback}</code> : null}
      {withDetail && !fate.callback && fate.reason ? <span class="reason">{fate.reason}</span> : null}
    </span>
  );
}
