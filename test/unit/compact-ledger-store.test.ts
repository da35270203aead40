// The compact ledger store (the default) against the Ledger contract, and what it adds: retention by age, payloads
// kept as JSON text and parsed when read.
import { expect, test } from 'vitest';
import { createCompactLedger, type Push } from '../../simulator/core/index.js';
import { describeLedgerStore } from '../support/ledger-store-contract.js';

describeLedgerStore('compact ledger', createCompactLedger);

const push = (n: number, payload: Record<string, unknown> = { n }): Push => ({
  id: `p${n}`,
  provider: 'native',
  token: 'tok',
  kind: 'data',
  priority: 'normal',
  payload,
  acceptedAt: n * 1000,
});
const ACCEPTED = { name: 'accepted' as const, ruleIds: ['pipeline.token.resolved'], ruleId: 'pipeline.token.resolved' };

test('evicts entries accepted longer ago than maxAgeMs, on the clock it is given', () => {
  let now = 0;
  const ledger = createCompactLedger({ limit: 100, maxAgeMs: 2500, now: () => now });
  for (let n = 1; n <= 4; n++) ledger.open(push(n), ACCEPTED);
  now = 4000;
  expect(ledger.list().map((e) => e.id)).toEqual(['p2', 'p3', 'p4']);
  now = 6000;
  expect(ledger.size).toBe(1);
  expect(ledger.get('p3')).toBeUndefined();
  expect(() => ledger.settle('p3', { name: 'delivered', at: now })).toThrow();
});

test('keeps the push just opened with limit 0, so the pipeline can settle it', () => {
  const ledger = createCompactLedger({ limit: 0 });
  ledger.open(push(1), ACCEPTED);
  ledger.settle('p1', { name: 'delivered', at: 2, ruleIds: ['x'], ruleId: 'x' });
  expect(ledger.get('p1')?.fate.name).toBe('delivered');
  ledger.open(push(2), ACCEPTED);
  expect(ledger.get('p1')).toBeUndefined();
  expect(ledger.size).toBe(1);
});

test('hands back a payload equal to the one opened, and keeps one that JSON would change as it was', () => {
  const ledger = createCompactLedger();
  const at = new Date(0);
  ledger.open(push(1, { aps: { alert: { title: 'a', body: 'b' } }, list: [1, 'two', null] }), ACCEPTED);
  ledger.open(push(2, { at, missing: undefined }), ACCEPTED);
  expect(ledger.get('p1')!.push.payload).toEqual({ aps: { alert: { title: 'a', body: 'b' } }, list: [1, 'two', null] });
  expect(JSON.parse(JSON.stringify(ledger.get('p1')))).toMatchObject({ push: { payload: { list: [1, 'two', null] } } });
  expect(ledger.get('p2')!.push.payload.at).toBe(at);
});
