// issue 13, "RSS returns once entries leave the window": V8 gives pages back only in a GC and an idle server runs none
// once its memory reducer is done, so a window that aged out (or was reset) on an idle server stayed in RSS until the
// next load. The simulation now runs one full GC once its ledger has emptied, when the process exposes `gc`
// (bin/pushsim.js does). Timers here are injected or faked: nothing waits.
import { afterEach, expect, test, vi } from 'vitest';
import {
  createCompactLedger,
  VirtualClock,
  type Ledger,
  type Push,
  type TimerHost,
} from '../../simulator/core/index.js';
import { HEAP_RELEASE_DELAY_MS, releaseHeapWhenLedgerEmpties, Simulation } from '../../simulator/engine/index.js';

const ACCEPTED = { name: 'accepted' as const, ruleIds: ['pipeline.token.resolved'], ruleId: 'pipeline.token.resolved' };

function open(ledger: Ledger, count: number, acceptedAt: number, prefix = 'p'): void {
  for (let n = 0; n < count; n++) {
    const push: Push = {
      id: `${prefix}-${acceptedAt}-${n}`,
      provider: 'native',
      token: 'tok',
      kind: 'data',
      priority: 'normal',
      payload: { n },
      acceptedAt,
    };
    ledger.open(push, ACCEPTED);
  }
}

/** Timers fired by hand: `due()` runs what is waiting. */
function manualTimers(): TimerHost<number> & { waiting(): number; due(): void } {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    set: (callback) => {
      pending.set(next, callback);
      return next++;
    },
    clear: (id) => pending.delete(id),
    now: () => 0,
    waiting: () => pending.size,
    due: () => {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const callback of callbacks) callback();
    },
  };
}

const agedLedger = (clock: VirtualClock): Ledger =>
  createCompactLedger({ limit: 1000, maxAgeMs: 30_000, now: () => clock.now(), timers: clock });

afterEach(() => {
  vi.useRealTimers();
});

test('runs one full GC once the ledger has emptied by age, and none while it still holds entries', async () => {
  const clock = new VirtualClock(0);
  const ledger = agedLedger(clock);
  const timers = manualTimers();
  const collect = vi.fn();
  releaseHeapWhenLedgerEmpties(ledger, { collect, minForgotten: 20, timers });
  open(ledger, 15, clock.now(), 'older');
  await clock.advance('10s');
  open(ledger, 15, clock.now(), 'newer');

  await clock.advance('21s'); // the older 15 age out; 15 are left
  expect(timers.waiting()).toBe(0);
  await clock.advance('10s'); // the rest age out: 30 forgotten, none left
  expect(timers.waiting()).toBe(1);
  timers.due();
  expect(collect).toHaveBeenCalledTimes(1);
});

test('runs no GC when pushes arrived again before it was due, nor for a window too small to matter', async () => {
  const clock = new VirtualClock(0);
  const ledger = agedLedger(clock);
  const timers = manualTimers();
  const collect = vi.fn();
  releaseHeapWhenLedgerEmpties(ledger, { collect, minForgotten: 20, timers });
  open(ledger, 10, clock.now(), 'few');
  await clock.advance('31s');
  expect(timers.waiting()).toBe(0); // 10 < 20

  open(ledger, 30, clock.now(), 'many');
  await clock.advance('31s');
  expect(timers.waiting()).toBe(1);
  open(ledger, 1, clock.now(), 'again');
  timers.due();
  expect(collect).not.toHaveBeenCalled();
});

// The process's own `gc` may exist in this worker (another file exposes it), so the collector is handed in.
test('a Simulation collects with its collector after a reset empties a large ledger', () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const gc = vi.fn();
  const sim = new Simulation({ clock: 'virtual', collectGarbage: gc });
  open(sim.ledger, 10_000, sim.clock.now());
  sim.reset();
  vi.advanceTimersByTime(HEAP_RELEASE_DELAY_MS - 1);
  expect(gc).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(gc).toHaveBeenCalledTimes(1);
});

test('a Simulation without a collector arms nothing', () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const sim = new Simulation({ clock: 'virtual', collectGarbage: false });
  open(sim.ledger, 10_000, sim.clock.now());
  sim.reset();
  expect(vi.getTimerCount()).toBe(0);
});

test('a closed Simulation runs no GC: the one a reset armed is cancelled, and later resets arm none', () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  const gc = vi.fn();
  const sim = new Simulation({ clock: 'virtual', collectGarbage: gc });
  open(sim.ledger, 10_000, sim.clock.now());
  sim.reset();
  sim.close();
  vi.advanceTimersByTime(HEAP_RELEASE_DELAY_MS * 2);
  open(sim.ledger, 10_000, sim.clock.now(), 'after');
  sim.reset();
  vi.advanceTimersByTime(HEAP_RELEASE_DELAY_MS * 2);
  expect(gc).not.toHaveBeenCalled();
});
