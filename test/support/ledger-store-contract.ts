// The Ledger contract as tests: any ledger store runs them with its own factory (test/unit/ledger-store.test.ts runs
// the in-memory one). Written against the interface only: entries are read again after each change, never held.
import { describe, expect, test } from 'vitest';
import type { Fate, Ledger, LedgerFactory, Push } from '../../simulator/core/index.js';

const push = (n: number, extra: Partial<Push> = {}): Push => ({
  id: `p${n}`,
  provider: 'native',
  token: n % 2 ? 'odd' : 'even',
  kind: 'data',
  priority: 'normal',
  payload: { n },
  acceptedAt: n,
  ...extra,
});
const ACCEPTED = { name: 'accepted' as const, ruleIds: ['pipeline.token.resolved'], ruleId: 'pipeline.token.resolved' };
const fate = (name: Fate['name'], at: number, ruleId = 'decide.no-matching-row'): Fate => ({
  name,
  at,
  ruleIds: [ruleId],
  ruleId,
});
const ids = (entries: readonly { id: string }[]): string[] => entries.map((e) => e.id);

export function describeLedgerStore(name: string, create: LedgerFactory): void {
  const ledger = (limit = 100_000): Ledger => create({ limit });

  describe(`${name}: the Ledger contract`, () => {
    test("opens an entry with its first fate stamped at the push's acceptance, an empty history of notes and receipts", () => {
      const l = ledger();
      const opened = l.open(push(7), ACCEPTED, { deviceId: 'dev-1', appId: 'app-1' });
      expect(opened).toMatchObject({
        id: 'p7',
        provider: 'native',
        token: 'odd',
        deviceId: 'dev-1',
        appId: 'app-1',
        notes: [],
        receipts: [],
      });
      expect(opened.fate).toEqual({ ...ACCEPTED, at: 7 });
      expect(opened.history).toEqual([{ ...ACCEPTED, at: 7 }]);
      expect(opened.push).toMatchObject({ id: 'p7', payload: { n: 7 } });
      expect(l.get('p7')).toEqual(opened);
      expect(l.get('p8')).toBeUndefined();
      expect(l.size).toBe(1);
    });

    test('leaves the address out of an entry whose token resolved to nothing', () => {
      const l = ledger();
      l.open(push(1), { name: 'dropped', reason: 'no app', ruleIds: ['pipeline.token.unknown'] });
      const entry = l.get('p1')!;
      expect(entry.deviceId).toBeUndefined();
      expect(entry.appId).toBeUndefined();
      expect(entry.fate.name).toBe('dropped');
    });

    test('settles a push with its next fate and keeps every fate in the history, the current one last', () => {
      const l = ledger();
      l.open(push(1), ACCEPTED);
      l.settle('p1', fate('stored', 5));
      l.settle('p1', fate('delivered', 9));
      const entry = l.get('p1')!;
      expect(entry.fate).toEqual(fate('delivered', 9));
      expect(entry.history.map((f) => [f.name, f.at])).toEqual([
        ['accepted', 1],
        ['stored', 5],
        ['delivered', 9],
      ]);
    });

    test('refuses to settle a push it does not hold', () => {
      expect(() => ledger().settle('nowhere', fate('delivered', 1))).toThrow(/nowhere/);
    });

    test('adds notes and receipts in order, and ignores them for a push it does not hold', () => {
      const l = ledger();
      l.open(push(1), ACCEPTED);
      l.note('p1', 2, 'app woken');
      l.note('p1', 3, 'handler completed');
      l.receipt('p1', { at: 3, callback: 'onMessage', message: { a: 1 } });
      l.note('nowhere', 4, 'lost');
      l.receipt('nowhere', { at: 4, callback: 'onMessage' });
      const entry = l.get('p1')!;
      expect(entry.notes).toEqual([
        { at: 2, note: 'app woken' },
        { at: 3, note: 'handler completed' },
      ]);
      expect(entry.receipts).toEqual([{ at: 3, callback: 'onMessage', message: { a: 1 } }]);
      expect(l.get('nowhere')).toBeUndefined();
    });

    test('lists oldest first, filtered by device, app, provider, current fate and token, the newest `limit` of them', () => {
      const l = ledger();
      l.open(push(1), ACCEPTED, { deviceId: 'd1', appId: 'a1' });
      l.open(push(2, { provider: 'apns' }), ACCEPTED, { deviceId: 'd1', appId: 'a2' });
      l.open(push(3, { provider: 'apns' }), ACCEPTED, { deviceId: 'd2', appId: 'a3' });
      l.open(push(4), ACCEPTED, { deviceId: 'd2', appId: 'a3' });
      l.settle('p3', fate('delivered', 5));
      expect(ids(l.list())).toEqual(['p1', 'p2', 'p3', 'p4']);
      expect(ids(l.list({ deviceId: 'd1' }))).toEqual(['p1', 'p2']);
      expect(ids(l.list({ appId: 'a3' }))).toEqual(['p3', 'p4']);
      expect(ids(l.list({ provider: 'apns' }))).toEqual(['p2', 'p3']);
      expect(ids(l.list({ fate: 'delivered' }))).toEqual(['p3']);
      expect(ids(l.list({ fate: 'accepted', token: 'even' }))).toEqual(['p2', 'p4']);
      expect(ids(l.list({ limit: 2 }))).toEqual(['p3', 'p4']);
      expect(ids(l.list({ deviceId: 'd2', fate: 'delivered', limit: 5 }))).toEqual(['p3']);
    });

    test('pages newest first through a ledger that evicted thousands of older entries', () => {
      const l = ledger(10);
      for (let n = 0; n < 10_000; n++) l.open(push(n), ACCEPTED);
      const first = l.page({ limit: 4 });
      expect(ids(first.entries)).toEqual(['p9999', 'p9998', 'p9997', 'p9996']);
      const second = l.page({ limit: 4, before: first.next! });
      expect(ids(second.entries)).toEqual(['p9995', 'p9994', 'p9993', 'p9992']);
      const third = l.page({ limit: 4, before: second.next! });
      expect(ids(third.entries)).toEqual(['p9991', 'p9990']);
      expect(third.next).toBeUndefined();
    });

    test('keeps a page where it is while newer pushes arrive', () => {
      const l = ledger();
      for (let n = 0; n < 6; n++) l.open(push(n), ACCEPTED);
      const first = l.page({ limit: 3 });
      for (let n = 6; n < 9; n++) l.open(push(n), ACCEPTED);
      expect(ids(l.page({ limit: 3, before: first.next! }).entries)).toEqual(['p2', 'p1', 'p0']);
    });

    test('filters before it counts a page, and a cursor from before a clear matches nothing newer', () => {
      const l = ledger();
      for (let n = 0; n < 6; n++) l.open(push(n), ACCEPTED);
      const odd = l.page({ token: 'odd', limit: 2 });
      expect(ids(odd.entries)).toEqual(['p5', 'p3']);
      expect(ids(l.page({ token: 'odd', before: odd.next! }).entries)).toEqual(['p1']);
      const stale = l.page({ limit: 1 }).next!;
      l.clear();
      l.open(push(7), ACCEPTED);
      expect(l.page({ before: stale }).entries).toEqual([]);
      expect(ids(l.page().entries)).toEqual(['p7']);
    });

    test('evicts the oldest entries past its limit', () => {
      const l = ledger(3);
      for (let n = 1; n <= 5; n++) l.open(push(n), ACCEPTED);
      expect(l.size).toBe(3);
      expect(ids(l.list())).toEqual(['p3', 'p4', 'p5']);
      expect(l.get('p2')).toBeUndefined();
      l.note('p1', 9, 'too late');
      expect(() => l.settle('p1', fate('delivered', 9))).toThrow();
    });

    test('replaces the entry of a push id it opens again, without counting it twice', () => {
      const l = ledger();
      l.open(push(1), ACCEPTED);
      l.open(push(1, { payload: { again: true } }), ACCEPTED);
      expect(l.size).toBe(1);
      expect(l.get('p1')!.push.payload).toEqual({ again: true });
      expect(ids(l.page().entries)).toEqual(['p1']);
    });

    test('counts entries by their current fate', () => {
      const l = ledger();
      for (let n = 1; n <= 4; n++) l.open(push(n), ACCEPTED);
      l.settle('p1', fate('delivered', 5));
      l.settle('p2', fate('delivered', 5));
      l.settle('p3', fate('dropped', 5));
      expect(l.countByFate()).toEqual({
        accepted: 1,
        delivered: 2,
        displayed: 0,
        stored: 0,
        deferred: 0,
        throttled: 0,
        collapsed: 0,
        expired: 0,
        rejected: 0,
        dropped: 1,
      });
    });

    test('forgets every entry on clear', () => {
      const l = ledger();
      for (let n = 1; n <= 3; n++) l.open(push(n), ACCEPTED);
      l.clear();
      expect(l.size).toBe(0);
      expect(l.get('p1')).toBeUndefined();
      expect(l.list()).toEqual([]);
      expect(l.page()).toEqual({ entries: [] });
    });

    test('tells each observer of every change in order, with the entry as changed, until it unsubscribes', () => {
      const l = ledger();
      const seen: string[] = [];
      const unsubscribe = l.subscribe({
        opened: (entry) => seen.push(`opened ${entry.id} ${entry.fate.name}`),
        settled: (entry, f) =>
          seen.push(`settled ${entry.id} ${f.name} (entry: ${entry.fate.name}, ${entry.history.length} fates)`),
        noted: (id, note) => seen.push(`noted ${id} ${note.at} ${note.note}`),
        received: (id, receipt) => seen.push(`received ${id} ${receipt.callback}`),
      });
      const onlyOpened: string[] = [];
      l.subscribe({ opened: (entry) => onlyOpened.push(entry.id) });
      l.open(push(1), ACCEPTED);
      l.note('p1', 2, 'woken');
      l.receipt('p1', { at: 3, callback: 'onMessage' });
      l.settle('p1', fate('delivered', 3));
      l.note('nowhere', 4, 'lost');
      unsubscribe();
      l.open(push(2), ACCEPTED);
      expect(seen).toEqual([
        'opened p1 accepted',
        'noted p1 2 woken',
        'received p1 onMessage',
        'settled p1 delivered (entry: delivered, 2 fates)',
      ]);
      expect(onlyOpened).toEqual(['p1', 'p2']);
    });

    test('shows a later fate to a later read: what a read returned is not where changes are looked for', () => {
      const l = ledger();
      l.open(push(1), ACCEPTED);
      const before = l.get('p1')!.fate;
      l.settle('p1', fate('delivered', 2));
      expect(before.name).toBe('accepted');
      expect(l.get('p1')!.fate.name).toBe('delivered');
      expect(l.list({ fate: 'delivered' }).map((e) => e.fate.at)).toEqual([2]);
    });
  });
}
