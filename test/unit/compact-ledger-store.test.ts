// The compact ledger store (the default) against the Ledger contract, and what it adds: retention by age, payloads
// kept as JSON text and parsed when read.
import { expect, test } from 'vitest';
import {
  createCompactLedger,
  createInMemoryLedger,
  seededRandom,
  type Ledger,
  type Push,
} from '../../simulator/core/index.js';
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

test('keeps the JSON text a push was received as, and hands back its parse without serialising the payload', () => {
  const ledger = createCompactLedger();
  const text = '{ "aps" : { "alert" : "hi" }, "n": 1.50, "s": "\\u00e9" }';
  const payload = JSON.parse(text) as Record<string, unknown>;
  // A payload object the text is not serialised from: the ledger must read the text, not the object.
  const kept = { ...push(1, payload), payloadText: text };
  ledger.open(kept, ACCEPTED);
  expect(ledger.get('p1')!.push.payload).toEqual({ aps: { alert: 'hi' }, n: 1.5, s: 'é' });
  expect(ledger.get('p1')!.push).not.toHaveProperty('payloadText');
  ledger.open({ ...push(2, { n: 2 }), payloadText: '{"n":3}' }, ACCEPTED);
  expect(ledger.get('p2')!.push.payload).toEqual({ n: 3 });
});

test('answers every read as the in-memory reference store does, through thousands of random opens, fates and evictions', () => {
  // UUID ids (kept as bytes), other ids, ids opened again, limits small enough that the id index removes and rehashes.
  const random = seededRandom(14);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  for (const limit of [1, 7, 300, 2000]) {
    const compact = createCompactLedger({ limit });
    const reference = createInMemoryLedger({ limit });
    const opened: string[] = [];
    const uuid = (): string =>
      Array.from({ length: 16 }, () =>
        Math.floor(random() * 256)
          .toString(16)
          .padStart(2, '0'),
      )
        .join('')
        .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    for (let step = 0; step < 2500; step++) {
      const roll = random();
      const both = (op: (l: Ledger) => unknown): void => {
        const a = (() => {
          try {
            return op(compact);
          } catch (error) {
            return `threw ${(error as Error).message}`;
          }
        })();
        const b = (() => {
          try {
            return op(reference);
          } catch (error) {
            return `threw ${(error as Error).message}`;
          }
        })();
        expect(JSON.parse(JSON.stringify(a ?? null))).toEqual(JSON.parse(JSON.stringify(b ?? null)));
      };
      if (roll < 0.45 || opened.length === 0) {
        const again = opened.length > 0 && random() < 0.1;
        const id = again ? pick(opened) : random() < 0.8 ? uuid() : random() < 0.5 ? uuid().toUpperCase() : `p${step}`;
        if (!again) opened.push(id);
        const push: Push = {
          id,
          provider: pick(['apns', 'fcm', 'native']),
          token: pick(['t1', 't2', 't3']),
          kind: pick(['alert', 'data'] as const),
          priority: pick(['high', 'normal'] as const),
          payload: { n: step, text: pick(['a', 'b']) },
          acceptedAt: step,
          ...(random() < 0.2 ? { expiresAt: step + 10, collapseId: `c${step % 3}` } : {}),
          ...(random() < 0.1 ? { notes: ['a note'], channel: 'hms' as const } : {}),
          // Header sets that differ in a value or only in their order (the last set is compared before it is looked up).
          ...(random() < 0.5
            ? {
                headers: pick<Record<string, string>>([
                  { 'apns-topic': 'x', 'apns-push-type': 'alert' },
                  { 'apns-push-type': 'alert', 'apns-topic': 'x' },
                  { 'apns-topic': 'y', 'apns-push-type': 'alert' },
                  { 'apns-topic': 'x' },
                ]),
              }
            : {}),
        };
        const address = random() < 0.8 ? { deviceId: pick(['d1', 'd2']), appId: pick(['a1', 'a2']) } : {};
        both((l) => l.open(push, { ...ACCEPTED }, address));
      } else if (roll < 0.65) {
        const id = pick(opened);
        const name = pick(['delivered', 'dropped', 'stored'] as const);
        const displayed = random() < 0.5;
        both((l) => l.settle(id, { name, at: step, ruleIds: [`r.${name}`], ruleId: `r.${name}`, displayed }));
      } else if (roll < 0.72) {
        const id = pick(opened);
        both((l) => l.note(id, step, `note ${step}`));
      } else if (roll < 0.76) {
        const id = pick(opened);
        both((l) => l.receipt(id, { at: step, callback: 'onMessage', message: { step } }));
      } else if (roll < 0.88) {
        const id = pick(opened);
        both((l) => l.get(id));
      } else if (roll < 0.94) {
        const query = pick([
          {},
          { token: 't1' },
          { fate: 'delivered' as const },
          { appId: 'a1', limit: 3 },
          { limit: 5 },
        ]);
        both((l) => l.list(query));
        both((l) => l.countByFate());
        both((l) => l.size);
      } else if (roll < 0.999) {
        const before = random() < 0.5 ? undefined : step - Math.floor(random() * 50);
        const query = pick([{ limit: 4 }, { provider: 'fcm', limit: 2 }, {}]);
        both((l) => l.page({ ...query, ...(before !== undefined ? { before } : {}) }));
      } else {
        both((l) => l.clear());
      }
    }
  }
});

test('enters a push as open does without building an entry, and tells only listening observers', () => {
  const ledger = createCompactLedger();
  const opened: string[] = [];
  let listening = false;
  ledger.subscribe({ opened: (entry) => opened.push(entry.id), isListening: () => listening });
  const reference = createCompactLedger();
  const address = { deviceId: 'd1', appId: 'a1' };
  const id = '0f8e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b';
  expect(ledger.enter!({ ...push(1), id, headers: { 'apns-topic': 'x' } }, ACCEPTED, address)).toBeUndefined();
  listening = true;
  ledger.enter!({ ...push(2), headers: { 'apns-topic': 'x' } }, ACCEPTED, address);
  const expected = reference.open({ ...push(1), id, headers: { 'apns-topic': 'x' } }, ACCEPTED, address);
  expect(ledger.get(id)).toEqual(expected);
  expect(ledger.get('p2')!.push.headers).toEqual({ 'apns-topic': 'x' });
  expect(opened).toEqual(['p2']);
});
