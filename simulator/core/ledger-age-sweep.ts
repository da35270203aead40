// Forgetting a ledger's aged entries on the clock, not only when the ledger is next written or read (issue 13, "RSS
// returns once entries leave the window"): with an age limit and no traffic, every entry of the last window stayed
// in the heap until some request happened to look, so the memory never came back on an idle server.
import type { Clock, TimerDescriptor, TimerHandle } from './clock.js';

/** How the sweep is listed among the clock's timers (GET /api/clock/timers). */
const AGE_SWEEP: TimerDescriptor = { kind: 'ledger', label: 'the oldest ledger entry ages out (--ledger-max-age)' };

/** The part of the simulation clock the sweep needs (LedgerContext.timers). */
export type LedgerTimers = Pick<Clock, 'now' | 'setTimer' | 'clearTimer'>;

/**
 * One timer, armed for the moment the oldest entry ages out; the store sweeps then and arms it again for the next
 * oldest. A store arms it on every push it opens: while it is armed for an older entry that costs one comparison.
 */
export class LedgerAgeSweep {
  private timer: TimerHandle | undefined;
  private dueAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly timers: LedgerTimers | undefined,
    private readonly sweep: () => void,
  ) {}

  /** Arms the timer to sweep at `at` (clock ms), unless it is already armed for that time or earlier. */
  arm(at: number): void {
    if (this.timers === undefined || at >= this.dueAt) return;
    this.cancel();
    this.dueAt = at;
    this.timer = this.timers.setTimer(
      () => {
        this.timer = undefined;
        this.dueAt = Number.POSITIVE_INFINITY;
        this.sweep();
      },
      Math.max(0, at - this.timers.now()),
      AGE_SWEEP,
    );
  }

  cancel(): void {
    if (this.timer !== undefined) this.timers?.clearTimer(this.timer);
    this.timer = undefined;
    this.dueAt = Number.POSITIVE_INFINITY;
  }
}
