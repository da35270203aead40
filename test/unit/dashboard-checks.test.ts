// The dashboard's pure parts: the Send form's APNs and FCM checks (APNs's reasons, FCM's messages), the pushes
// filter, and a ledger entry written out as a scenario step that the scenario schema accepts.
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { checkApnsPush } from '../../dashboard/src/apns-payload-check.js';
import { checkFcmMessage } from '../../dashboard/src/fcm-message-check.js';
import { matchesFilter } from '../../dashboard/src/push-filter.js';
import { pushAsCurl, pushAsScenarioStep } from '../../dashboard/src/push-export.js';
import type { LedgerEntryModel } from '../../simulator/model/index.js';
import { stepSchemas } from '../../simulator/scenario/scenario-schema.js';

const headers = { pushType: 'alert', priority: '10', collapseId: '', expiration: '' };
const reasons = (check: ReturnType<typeof checkApnsPush>) => check.problems.map((p) => p.reason);
/** A payload of exactly `bytes` bytes. */
const payloadOf = (bytes: number): string => {
  const shell = JSON.stringify({ aps: { alert: '' } });
  return JSON.stringify({ aps: { alert: 'x'.repeat(bytes - shell.length) } });
};

describe('the APNs payload check', () => {
  test('takes 4096 bytes and refuses 4097 with PayloadTooLarge; VoIP may carry 5120', () => {
    expect(reasons(checkApnsPush(headers, payloadOf(4096)))).toEqual([]);
    expect(reasons(checkApnsPush(headers, payloadOf(4097)))).toContain('PayloadTooLarge');
    expect(reasons(checkApnsPush({ ...headers, pushType: 'voip' }, payloadOf(5120)))).toEqual([]);
    expect(reasons(checkApnsPush({ ...headers, pushType: 'voip' }, payloadOf(5121)))).toContain('PayloadTooLarge');
  });

  test('answers PayloadEmpty for what is not a JSON object, BadCollapseId past 64 bytes, BadPriority off 10/5/1', () => {
    expect(reasons(checkApnsPush(headers, '[1]'))).toEqual(['PayloadEmpty']);
    expect(reasons(checkApnsPush(headers, '{"aps":'))).toEqual(['PayloadEmpty']);
    expect(reasons(checkApnsPush({ ...headers, collapseId: 'é'.repeat(33) }, '{"aps":{"alert":"a"}}'))).toEqual([
      'BadCollapseId',
    ]);
    expect(reasons(checkApnsPush({ ...headers, priority: '7' }, '{"aps":{"alert":"a"}}'))).toEqual(['BadPriority']);
  });

  test('notes a background push without content-available, with an alert, or at priority 10', () => {
    const check = checkApnsPush({ ...headers, pushType: 'background' }, '{"aps":{"alert":"hi"}}');
    expect(check.problems.map((p) => p.message).join('\n')).toMatch(
      /content-available[\s\S]*alert, sound or badge[\s\S]*priority 5/,
    );
    expect(check.problems.every((p) => p.reason === 'warning')).toBe(true);
  });
});

describe('the FCM message check', () => {
  const form = { title: '', body: '', data: '{"sync":"inbox"}', priority: 'high' as const, ttl: '', collapseKey: '' };
  test('builds a data message, or a notification+data one with a title', () => {
    expect(checkFcmMessage(form)).toMatchObject({ kind: 'data', payload: { data: { sync: 'inbox' } } });
    expect(checkFcmMessage({ ...form, title: 'Hi' }).kind).toBe('notification+data');
  });

  test("refuses a data value that is not a string and a reserved key, in FCM's words", () => {
    expect(checkFcmMessage({ ...form, data: '{"n":1}' }).problems).toEqual([
      "Invalid value at 'message.data[0].value' (TYPE_STRING), 1",
    ]);
    expect(checkFcmMessage({ ...form, data: '{"google.x":"1"}' }).problems[0]).toMatch(
      /The key "google.x" is reserved/,
    );
  });
});

const entry: LedgerEntryModel = {
  id: 'ab12-cd',
  provider: 'apns',
  token: 'f'.repeat(64),
  deviceId: 'iphone',
  appId: 'chat',
  push: {
    id: 'ab12-cd',
    provider: 'apns',
    token: 'f'.repeat(64),
    kind: 'background',
    priority: 'normal',
    payload: { aps: { 'content-available': 1 }, sync: 'inbox' },
    acceptedAt: 0,
  },
  fate: { name: 'delivered', at: 0, callback: 'throughMessageReceived', ruleIds: ['ios.background.wakes'] },
  history: [
    { name: 'accepted', at: 0, ruleIds: ['pipeline.token.resolved'] },
    { name: 'delivered', at: 0, callback: 'throughMessageReceived', ruleIds: ['ios.background.wakes'] },
  ],
  notes: [],
  receipts: [],
};

describe('the pushes filter', () => {
  test('matches on service, app, fate, callback, the rule rows and payload text', () => {
    expect(matchesFilter(entry, { service: 'apns', app: 'chat', fate: 'delivered' })).toBe(true);
    expect(matchesFilter(entry, { callback: 'throughMessageReceived', rule: 'pipeline.token.resolved' })).toBe(true);
    expect(matchesFilter(entry, { q: 'INBOX' })).toBe(true);
    expect(matchesFilter(entry, { q: 'outbox' })).toBe(false);
    expect(matchesFilter(entry, { fate: 'dropped' })).toBe(false);
    expect(matchesFilter(entry, { device: 'pixel' })).toBe(false);
  });
});

describe('a push written out again', () => {
  test('as a scenario step and its expect, both accepted by the scenario schema', () => {
    const steps = parse(pushAsScenarioStep(entry)) as Record<string, unknown>[];
    expect(steps).toHaveLength(2);
    expect(stepSchemas.apns!.safeParse(steps[0]!.apns).success).toBe(true);
    expect(steps[1]).toEqual({ expect: { of: 'pushab12', fate: 'delivered', callback: 'throughMessageReceived' } });
    expect(stepSchemas.expect!.safeParse(steps[1]!.expect).success).toBe(true);
    const native = parse(pushAsScenarioStep({ ...entry, provider: 'native' })) as Record<string, unknown>[];
    expect(stepSchemas.push!.safeParse(native[0]!.push).success).toBe(true);
  });

  test('as a curl call of POST /api/pushes with the payload quoted for the shell', () => {
    const curl = pushAsCurl({ ...entry, push: { ...entry.push, payload: { text: "it's" } } }, 'http://127.0.0.1:4800');
    expect(curl).toBe(
      `curl -sf --json '{"token":"${'f'.repeat(64)}","kind":"background","priority":"normal","payload":{"text":"it'\\''s"}}' http://127.0.0.1:4800/api/pushes`,
    );
  });
});
