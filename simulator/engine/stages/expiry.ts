// The expiry stage: a push past its expiry, or with expiry 0 that cannot be delivered at once, expires; a push held
// (stored or deferred) gets a timer on the clock that expires it where it waits.
import type { Push, TimerHandle } from '../../core/index.js';
import { EXPIRY_RULES, firstRule } from '../../delivery/index.js';
import type { InFlightPush, PipelineContext, Settle } from './pipeline-context.js';

export class ExpiryStage {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(private readonly ctx: PipelineContext) {}

  /** Expires the push when a row says so; true when it did. */
  check(flight: InFlightPush, settle: Settle): boolean {
    const rule = firstRule(
      EXPIRY_RULES,
      { push: flight.push, now: this.ctx.clock.now(), online: flight.device.conditions.online },
      flight.channel,
    );
    if (!rule) return false;
    settle(flight.push.id, { name: 'expired', reason: rule.outcome.reason! }, [...flight.via, rule.id]);
    return true;
  }

  /**
   * Arms the timer of a held push; `take` removes it from wherever it waits and says whether it was still there. `where`
   * names the wait for GET /api/clock/timers: the service's offline store (its TTL) or the device (deferred).
   */
  arm(
    push: Push,
    take: () => boolean,
    settle: Settle,
    where: { appId: string; deviceId: string; held: 'stored' | 'deferred' },
  ): void {
    if (push.expiresAt === undefined || push.expiresAt === 0) return;
    const handle = this.ctx.clock.setTimer(
      () => {
        this.timers.delete(push.id);
        const rule = firstRule(EXPIRY_RULES, {
          push,
          now: Math.max(this.ctx.clock.now(), push.expiresAt!),
          online: false,
          held: true,
        });
        const entry = this.ctx.ledger.get(push.id);
        if (rule && entry && take())
          settle(push.id, { name: 'expired', reason: rule.outcome.reason! }, [...(entry.fate.ruleIds ?? []), rule.id]);
      },
      push.expiresAt - this.ctx.clock.now(),
      {
        kind: where.held === 'stored' ? 'ttl' : 'expiry',
        label:
          where.held === 'stored'
            ? `push ${push.id} (${push.provider}) expires in the service's offline store for ${where.appId}`
            : `push ${push.id} (${push.provider}), deferred on the device, expires for ${where.appId}`,
        appId: where.appId,
        deviceId: where.deviceId,
        pushId: push.id,
      },
    );
    this.timers.set(push.id, handle);
  }

  disarm(pushId: string): void {
    const handle = this.timers.get(pushId);
    if (handle) {
      this.ctx.clock.clearTimer(handle);
      this.timers.delete(pushId);
    }
  }

  clear(): void {
    for (const handle of this.timers.values()) this.ctx.clock.clearTimer(handle);
    this.timers.clear();
  }
}
