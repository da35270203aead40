// issue 13, "RSS returns once entries leave the window": with an age limit (--ledger-max-age) the compact ledger forgot
// aged entries only when it was next written or read, so on a server whose traffic had stopped the whole last window
// stayed in the heap for good. Now one timer on the simulation clock sweeps them as they age out.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import { createCompactLedger, VirtualClock, type Ledger, type Push } from '../../simulator/core/index.js';
import { Simulation } from '../../simulator/engine/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ACCEPTED = { name: 'accepted' as const, ruleIds: ['pipeline.token.resolved'], ruleId: 'pipeline.token.resolved' };

/**
 * Opens `count` pushes whose payloads the ledger keeps by identity (a Date does not survive JSON, so the store keeps
 * the object rather than its text) and returns weak references to them; nothing else holds them.
 */
function openWatched(ledger: Ledger, count: number, acceptedAt: number): WeakRef<object>[] {
  const refs: WeakRef<object>[] = [];
  for (let n = 0; n < count; n++) {
    const payload = { at: new Date(acceptedAt), n };
    refs.push(new WeakRef(payload));
    const push: Push = {
      id: `aged-${acceptedAt}-${n}`,
      provider: 'native',
      token: 'tok',
      kind: 'data',
      priority: 'normal',
      payload,
      acceptedAt,
    };
    ledger.open(push, ACCEPTED);
  }
  return refs;
}

/** How many of `refs` are still reachable, after a full GC in a later macrotask (WeakRefs hold their target until then). */
async function stillHeld(refs: WeakRef<object>[]): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return refs.filter((ref) => ref.deref() !== undefined).length;
}

test('lets go of entries once they age out on an idle ledger, with nothing reading it', async () => {
  const clock = new VirtualClock(1_000_000);
  const ledger = createCompactLedger({ limit: 1000, maxAgeMs: 30_000, now: () => clock.now(), timers: clock });
  const older = openWatched(ledger, 20, clock.now());
  await clock.advance('10s');
  const newer = openWatched(ledger, 20, clock.now());

  await clock.advance('21s');
  expect(await stillHeld(older)).toBe(0);
  expect(await stillHeld(newer)).toBe(20);

  await clock.advance('10s');
  expect(await stillHeld(newer)).toBe(0);
  // The sweep arms nothing once the ledger is empty, so a virtual clock is left with no timer to run.
  expect(clock.pendingTimers()).toBe(0);
});

test('sweeps aged pushes on the simulation clock when a Simulation is given ledgerMaxAge', async () => {
  const sim = new Simulation({ clock: 'virtual', ledgerMaxAge: '1m' });
  const refs = openWatched(sim.ledger, 50, sim.clock.now());
  const timersBefore = sim.clock.pendingTimers();
  await sim.clock.advance('61s');
  expect(await stillHeld(refs)).toBe(0);
  expect(sim.clock.pendingTimers()).toBe(timersBefore - 1);
});

test('arms no sweep after a reset empties the ledger', async () => {
  const clock = new VirtualClock(0);
  const ledger = createCompactLedger({ limit: 1000, maxAgeMs: 30_000, now: () => clock.now(), timers: clock });
  openWatched(ledger, 3, clock.now());
  expect(clock.pendingTimers()).toBe(1);
  ledger.clear();
  expect(clock.pendingTimers()).toBe(0);
});
