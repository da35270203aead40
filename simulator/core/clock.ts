// The simulator's sense of time: real on a server, virtual in tests and scenarios so that 30 s pass without sleeping.
import { ErrorCodes } from './error-codes.js';
import { SimulatorError } from './simulator-error.js';
import { parseDuration, type Duration } from './duration.js';

export interface TimerHandle {
  readonly id: number;
}

/**
 * What a timer is for, given where it is created, so GET /api/clock/timers can say why the simulator waits: `budget`
 * (iOS background execution time), `suspend` (suspension after backgrounding), `expiry` / `ttl` (a held push's
 * apns-expiration or FCM ttl), `handler` (a virtual app's handler time), `activity` (another delayed lifecycle
 * transition), `throttle`; anything else a service names.
 */
export interface TimerDescriptor {
  readonly kind: string;
  /** One line a person reads: what happens when it fires. */
  readonly label: string;
  readonly appId?: string;
  readonly deviceId?: string;
  readonly pushId?: string;
}

/** A timer waiting to fire, as listTimers() reports it. */
export interface PendingTimer extends TimerDescriptor {
  readonly id: number;
  /** When it fires, in clock ms. */
  readonly dueAt: number;
}

/** The descriptor of a timer created without one. */
const UNDESCRIBED: TimerDescriptor = { kind: 'other', label: 'a timer' };

export interface Clock {
  readonly kind: 'real' | 'virtual';
  /** Milliseconds since the UNIX epoch, as Date.now(). */
  now(): number;
  setTimer(callback: () => void, delayMs: number, descriptor?: TimerDescriptor): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** The timers waiting to fire, earliest first (ties in creation order); fired and cleared ones are gone. */
  listTimers(): PendingTimer[];
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
  private readonly described = new Map<number, PendingTimer>();
  private nextId = 1;
  constructor(private readonly host: TimerHost = NODE_TIMERS) {}
  now(): number {
    return this.host.now();
  }
  /**
   * Node fires a timer above MAX_TIMER_DELAY_MS at once (TimeoutOverflowWarning), so a 30-day TTL would expire at
   * once: a long delay is armed in chunks of at most that, each re-armed for what is left of the due time.
   */
  setTimer(callback: () => void, delayMs: number, descriptor: TimerDescriptor = UNDESCRIBED): TimerHandle {
    const id = this.nextId++;
    const dueAt = this.host.now() + Math.max(0, delayMs);
    this.described.set(id, pendingTimer(id, dueAt, descriptor));
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
          this.described.delete(id);
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
    this.described.delete(handle.id);
  }
  listTimers(): PendingTimer[] {
    return sortedTimers(this.described.values());
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
  descriptor: TimerDescriptor;
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
  setTimer(callback: () => void, delayMs: number, descriptor: TimerDescriptor = UNDESCRIBED): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, dueAt: this.current + Math.max(0, delayMs), callback, descriptor });
    return { id };
  }
  listTimers(): PendingTimer[] {
    return sortedTimers([...this.timers.values()].map((t) => pendingTimer(t.id, t.dueAt, t.descriptor)));
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

function pendingTimer(id: number, dueAt: number, d: TimerDescriptor): PendingTimer {
  return {
    id,
    dueAt,
    kind: d.kind,
    label: d.label,
    ...(d.appId !== undefined ? { appId: d.appId } : {}),
    ...(d.deviceId !== undefined ? { deviceId: d.deviceId } : {}),
    ...(d.pushId !== undefined ? { pushId: d.pushId } : {}),
  };
}

function sortedTimers(timers: Iterable<PendingTimer>): PendingTimer[] {
  return [...timers].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
}

async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export function createClock(kind: 'real' | 'virtual', startAt?: number): Clock {
  return kind === 'virtual' ? new VirtualClock(startAt) : new RealClock();
}
