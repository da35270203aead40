// The broadcast rows of the rules table (simulator/providers/apns/broadcast/broadcast-rules.ts): each one matches the
// broadcast facts it is written for and no other, and none of them takes a device push's fate from the core's APNs
// rows; what each row decides on the wire is in test/integration/apns-broadcast-send.test.ts.
import { describe, expect, test } from 'vitest';
import { firstRule, type AcceptFacts } from '../../simulator/delivery/index.js';
import { SERVICES, rulesTableOf } from '../../simulator/providers/index.js';
import { BROADCAST_ACCEPT_RULES, BROADCAST_RULE_IDS } from '../../simulator/providers/apns/broadcast/index.js';

const TABLE = rulesTableOf(SERVICES);
type Facts = AcceptFacts & { via?: 'broadcast'; channelDeleted?: boolean };
const CASES: [string, Facts][] = [
  [BROADCAST_RULE_IDS.rejected, { provider: 'apns', fate: 'rejected', via: 'broadcast' }],
  [BROADCAST_RULE_IDS.noSubscribers, { provider: 'apns', fate: 'dropped', via: 'broadcast' }],
  [BROADCAST_RULE_IDS.stored, { provider: 'apns', fate: 'stored', via: 'broadcast' }],
  [BROADCAST_RULE_IDS.storedReplaced, { provider: 'apns', fate: 'collapsed', via: 'broadcast' }],
  [BROADCAST_RULE_IDS.channelDeleted, { provider: 'apns', fate: 'dropped', via: 'broadcast', channelDeleted: true }],
  [BROADCAST_RULE_IDS.storedExpired, { provider: 'apns', fate: 'expired', via: 'broadcast' }],
];
const sourceOf = (id: string): string => TABLE.rows.find((r) => r.id === id)!.source.join('; ');

describe('each broadcast row decides its own case', () => {
  test.each(CASES.map(([id, facts]) => [id, sourceOf(id), facts] as const))('%s (%s)', (id, _source, facts) => {
    expect(sourceOf(id)).toMatch(/^docs\/reference\/apns-broadcast\.md#/);
    expect(BROADCAST_ACCEPT_RULES.filter((row) => row.when(facts)).map((row) => row.id)).toEqual([id]);
    expect(firstRule(TABLE.accept, facts)?.id).toBe(id);
  });
});

test('a device push refused or dropped by APNs is still decided by the core rows, not a broadcast row', () => {
  expect(firstRule(TABLE.accept, { provider: 'apns', fate: 'rejected' })?.id).toBe('apns.wire.rejected');
  const dropped = firstRule(TABLE.accept, { provider: 'apns', fate: 'dropped' })?.id;
  expect(Object.values(BROADCAST_RULE_IDS)).not.toContain(dropped);
});

test('every broadcast row is in the table GET /api/rules lists, in the accept stage, on the APNs channel', () => {
  for (const id of Object.values(BROADCAST_RULE_IDS)) {
    const row = TABLE.rows.find((r) => r.id === id);
    expect(row, id).toMatchObject({ stage: 'accept' });
    expect(TABLE.knownIds.has(id)).toBe(true);
  }
});
