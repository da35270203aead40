// Ledger.page: newest first with arrival-number cursors that stay valid while old entries are evicted and compacted.
import { expect, test } from 'vitest';
import { EventBus, Ledger, type Push, type SimulatorEvents } from '../../simulator/core/index.js';

const push = (n: number): Push => ({ id: `p${n}`, provider: 'native', token: n % 2 ? 'odd' : 'even', kind: 'data', priority: 'normal', payload: {}, acceptedAt: n });
/** The resolve stage's fate, with the row that gives it (every fate in the suite names its rows). */
const ACCEPTED = { name: 'accepted' as const, ruleIds: ['pipeline.token.resolved'] };

test('pages newest first through a ledger that evicted (and compacted) thousands of older entries', () => {
  const ledger = new Ledger(new EventBus<SimulatorEvents>(), 10);
  for (let n = 0; n < 10_000; n++) ledger.open(push(n), ACCEPTED);
  const first = ledger.page({ limit: 4 });
  expect(first.entries.map((e) => e.id)).toEqual(['p9999', 'p9998', 'p9997', 'p9996']);
  const second = ledger.page({ limit: 4, before: first.next! });
  expect(second.entries.map((e) => e.id)).toEqual(['p9995', 'p9994', 'p9993', 'p9992']);
  const third = ledger.page({ limit: 4, before: second.next! });
  expect(third.entries.map((e) => e.id)).toEqual(['p9991', 'p9990']);
  expect(third.next).toBeUndefined();
});

test('filters before it counts, and a cursor from before a clear matches nothing newer', () => {
  const ledger = new Ledger(new EventBus<SimulatorEvents>());
  for (let n = 0; n < 6; n++) ledger.open(push(n), ACCEPTED);
  const odd = ledger.page({ token: 'odd', limit: 2 });
  expect(odd.entries.map((e) => e.id)).toEqual(['p5', 'p3']);
  expect(ledger.page({ token: 'odd', before: odd.next! }).entries.map((e) => e.id)).toEqual(['p1']);
  const stale = ledger.page({ limit: 1 }).next!;
  ledger.clear();
  ledger.open(push(7), ACCEPTED);
  expect(ledger.page({ before: stale }).entries).toEqual([]);
  expect(ledger.page().entries.map((e) => e.id)).toEqual(['p7']);
});
