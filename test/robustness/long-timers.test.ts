// issue 13, item 7, the real clock's side: Node fires a setTimeout above 2^31 − 1 ms at once, so the real clock arms a
// long delay in chunks. Tested on a fake timer host that records what was armed and fires on demand (no sleeping): the
// virtual clock never calls setTimeout, so it cannot show the overflow.
import { expect, test } from 'vitest';
import { MAX_TIMER_DELAY_MS, RealClock, type TimerHost } from '../../simulator/core/index.js';

/** A timer host whose time moves only when a timer is fired; fire() runs the earliest pending timer at its due time. */
class FakeTimerHost implements TimerHost<number> {
  current = 1_767_225_600_000;
  readonly armed: number[] = [];
  private readonly pending = new Map<number, { dueAt: number; callback: () => void }>();
  private nextId = 1;
  set(callback: () => void, delayMs: number): number {
    // Node's own rule: a delay it cannot hold fires after 1 ms.
    const effective = delayMs > MAX_TIMER_DELAY_MS ? 1 : delayMs;
    this.armed.push(delayMs);
    const id = this.nextId++;
    this.pending.set(id, { dueAt: this.current + effective, callback });
    return id;
  }
  clear(timer: number): void {
    this.pending.delete(timer);
  }
  now(): number {
    return this.current;
  }
  get size(): number {
    return this.pending.size;
  }
  fire(): void {
    const [id, next] = [...this.pending.entries()].sort((a, b) => a[1].dueAt - b[1].dueAt)[0]!;
    this.pending.delete(id);
    this.current = next.dueAt;
    next.callback();
  }
}

const DAY = 86_400_000;

test('waits the whole 30 days of a 30-day timer, re-arming it in chunks Node can hold', () => {
  const host = new FakeTimerHost();
  const clock = new RealClock(host);
  const start = host.now();
  let firedAt: number | undefined;
  clock.setTimer(() => {
    firedAt = host.now();
  }, 30 * DAY);
  expect(host.armed).toEqual([MAX_TIMER_DELAY_MS]);
  host.fire();
  expect(firedAt).toBeUndefined();
  expect(clock.pendingTimers()).toBe(1);
  expect(host.armed).toEqual([MAX_TIMER_DELAY_MS, 30 * DAY - MAX_TIMER_DELAY_MS]);
  host.fire();
  expect(firedAt).toBe(start + 30 * DAY);
  expect(clock.pendingTimers()).toBe(0);
});

test('arms a delay within the range once, and fires it after that delay', () => {
  const host = new FakeTimerHost();
  const clock = new RealClock(host);
  let fired = 0;
  clock.setTimer(() => fired++, 5000);
  expect(host.armed).toEqual([5000]);
  host.fire();
  expect(fired).toBe(1);
});

test('cancels a long timer in any of its chunks', () => {
  const host = new FakeTimerHost();
  const clock = new RealClock(host);
  let fired = false;
  const handle = clock.setTimer(() => {
    fired = true;
  }, 100 * DAY);
  host.fire();
  host.fire();
  expect(host.size).toBe(1);
  clock.clearTimer(handle);
  expect(host.size).toBe(0);
  expect(clock.pendingTimers()).toBe(0);
  expect(fired).toBe(false);
});
