// The simulator's sense of time: real on a server, virtual in tests and scenarios so that 30 s pass without sleeping.
import { ErrorCodes } from './error-codes.js';
import { SimulatorError } from './simulator-error.js';
import { parseDuration, type Duration } from './duration.js';

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  readonly kind: 'real' | 'virtual';
  /** Milliseconds since the UNIX epoch, as Date.now(). */
  now(): number;
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Moves virtual time forward, firing due timers in order; on a real clock it throws. */
  advance(by: Duration): Promise<number>;
  /** Number of timers waiting to fire. */
  pendingTimers(): number;
  /** When the next timer fires (virtual clocks), to advance exactly to it. */
  nextTimerAt?(): number | undefined;
}

/** The longest delay Node's setTimeout honours (2^31 − 1 ms, ~24.8 days); a longer one fires at once. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** The host's timers, injectable so the chunking of long delays can be tested without waiting. */
export interface TimerHost<T = unknown> {
  set(callback: () => void, delayMs: number): T;
  clear(timer: T): void;
  now(): number;
}

const NODE_TIMERS: TimerHost<NodeJS.Timeout> = {
  set: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clear: (timer) => clearTimeout(timer),
  now: () => Date.now(),
};

export class RealClock implements Clock {
  readonly kind = 'real' as const;
  private readonly timers = new Map<number, unknown>();
  private nextId = 1;
  constructor(private readonly host: TimerHost = NODE_TIMERS) {}
  now(): number {
    return this.host.now();
  }
  /**
   * Node fires a timer above MAX_TIMER_DELAY_MS at once (TimeoutOverflowWarning), so a 30-day TTL would expire at
   * once: a long delay is armed in chunks of at most that, each re-armed for what is left of the due time.
   */
  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    const dueAt = this.host.now() + Math.max(0, delayMs);
    const arm = (wait: number): void => {
      this.timers.set(
        id,
        this.host.set(() => {
          const left = dueAt - this.host.now();
          if (left > 0 && wait === MAX_TIMER_DELAY_MS) {
            arm(Math.min(left, MAX_TIMER_DELAY_MS));
            return;
          }
          this.timers.delete(id);
          callback();
        }, wait),
      );
    };
    arm(Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS));
    return { id };
  }
  clearTimer(handle: TimerHandle): void {
    if (!this.timers.has(handle.id)) return;
    this.host.clear(this.timers.get(handle.id));
    this.timers.delete(handle.id);
  }
  async advance(_by?: Duration): Promise<number> {
    throw new SimulatorError(
      ErrorCodes.CLOCK_NOT_VIRTUAL,
      'the clock is real; start the simulator with { clock: "virtual" } (or --virtual-clock) to advance time',
    );
  }
  pendingTimers(): number {
    return this.timers.size;
  }
}

interface VirtualTimer {
  id: number;
  dueAt: number;
  callback: () => void;
}

export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private current: number;
  private readonly timers = new Map<number, VirtualTimer>();
  private nextId = 1;
  /**
   * Starts at `startAt`, or at the current real time (whole seconds) so that real clients' JWTs and timestamps make
   * sense.
   */
  constructor(startAt: number = Math.floor(Date.now() / 1000) * 1000) {
    this.current = startAt;
  }
  now(): number {
    return this.current;
  }
  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, dueAt: this.current + Math.max(0, delayMs), callback });
    return { id };
  }
  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }
  pendingTimers(): number {
    return this.timers.size;
  }

  nextTimerAt(): number | undefined {
    let next: number | undefined;
    for (const timer of this.timers.values()) if (next === undefined || timer.dueAt < next) next = timer.dueAt;
    return next;
  }

  /**
   * Fires every timer due within `by`, earliest first (ties in creation order), with `now()` set to each timer's due time.
   * Timers created while advancing fire too if they fall inside the window. Microtasks run between timers so promise
   * chains started by one timer settle before the next fires.
   */
  async advance(by: Duration): Promise<number> {
    const target = this.current + parseDuration(by);
    for (;;) {
      const next = this.earliestDue(target);
      if (!next) break;
      this.timers.delete(next.id);
      this.current = next.dueAt;
      next.callback();
      await settleMicrotasks();
    }
    this.current = target;
    await settleMicrotasks();
    return this.current;
  }

  private earliestDue(limit: number): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.dueAt > limit) continue;
      if (!best || timer.dueAt < best.dueAt || (timer.dueAt === best.dueAt && timer.id < best.id)) best = timer;
    }
    return best;
  }
}

async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export function createClock(kind: 'real' | 'virtual', startAt?: number): Clock {
  return kind === 'virtual' ? new VirtualClock(startAt) : new RealClock();
}
