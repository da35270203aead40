// The recording's mapping of each step kind (simulator/recording/recorded-send.ts) and the YAML the writer makes of a
// recording (scenario-writer.ts), read back by the scenario loader.
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import type { Fate, LedgerEntry, Push } from '../../simulator/core/index.js';
import {
  expectationOf,
  faultStepOf,
  formatDuration,
  sendStepOf,
  writeScenario,
  zimStepOf,
  type RecordedApp,
  type RecordedScenario,
} from '../../simulator/recording/index.js';
import { loadScenarioText } from '../../simulator/scenario/index.js';

const AT = 1_800_000_000_000;
const ios: RecordedApp = {
  id: 'news',
  platform: 'ios',
  bundleId: 'com.example.news',
  environment: 'sandbox',
  tokens: { apns: 'a'.repeat(64), fcm: 'fcm-ios' },
  attached: false,
};
const android: RecordedApp = {
  id: 'shop',
  platform: 'android',
  bundleId: 'com.example.shop',
  environment: 'sandbox',
  tokens: { fcm: 'fcm-android', hms: 'hms-token' },
  attached: false,
};

function entry(push: Partial<Push> & Pick<Push, 'provider' | 'token'>, fate: Partial<Fate> = {}): LedgerEntry {
  const full: Push = { id: 'push-1', kind: 'alert', priority: 'high', payload: {}, acceptedAt: AT, ...push };
  const current = { name: 'accepted', at: AT, ...fate } as Fate;
  return {
    id: full.id,
    provider: full.provider,
    token: full.token,
    push: full,
    fate: current,
    history: [current],
    notes: [],
    receipts: [],
  };
}

describe('a send becomes the step that sends it again', () => {
  test('POST /api/pushes becomes a push step: the default priority left out, the TTL as a duration', () => {
    const mapped = sendStepOf(
      entry({
        provider: 'native',
        token: ios.tokens.apns!,
        kind: 'background',
        priority: 'normal',
        expiresAt: AT + 90_000,
      }),
      ios,
      'p1',
    );
    expect(mapped).toEqual({
      step: { push: { app: 'news', kind: 'background', payload: {}, ttl: '90s', as: 'p1' } },
      notes: [],
    });
    const urgent = sendStepOf(
      entry({ provider: 'native', token: ios.tokens.apns!, kind: 'background', priority: 'high' }),
      ios,
      'p2',
    );
    expect(urgent).toMatchObject({ step: { push: { priority: 'high' } } });
  });

  test('an APNs request becomes an apns step: its headers without the id and the endpoint, its expiry relative to the clock', () => {
    const mapped = sendStepOf(
      entry({
        provider: 'apns',
        token: ios.tokens.apns!,
        payload: { aps: { alert: 'Hi' } },
        headers: {
          'apns-id': 'e4e1c5a4-0000-4000-8000-000000000001',
          'apns-topic': 'com.example.news',
          'apns-push-type': 'alert',
          'apns-priority': '10',
          'apns-expiration': String(AT / 1000 + 3600),
          'apns-collapse-id': 'score',
          environment: 'production',
        },
      }),
      ios,
      'p1',
    );
    expect(mapped).toEqual({
      step: {
        apns: {
          app: 'news',
          expiresIn: '1h',
          headers: { 'apns-push-type': 'alert', 'apns-priority': '10', 'apns-collapse-id': 'score' },
          payload: { aps: { alert: 'Hi' } },
          production: true,
          as: 'p1',
        },
      },
      notes: [],
    });
  });

  test('a VoIP topic is kept; a token no recorded app holds is sent as it is', () => {
    const voip = sendStepOf(
      entry({
        provider: 'apns',
        token: ios.tokens.apns!,
        headers: { 'apns-topic': 'com.example.news.voip', 'apns-push-type': 'voip' },
      }),
      ios,
      'p1',
    );
    expect(voip).toMatchObject({ step: { apns: { headers: { 'apns-topic': 'com.example.news.voip' } } } });
    const stranger = sendStepOf(entry({ provider: 'apns', token: 'not-a-token' }), undefined, 'p2');
    expect(stranger).toMatchObject({ step: { apns: { token: 'not-a-token' } } });
    expect(sendStepOf(entry({ provider: 'apns', token: '' }), undefined, 'p3')).toMatchObject({
      skipped: expect.stringMatching(/without a device token/),
    });
  });

  test('an FCM message to Android becomes an fcm step with its android block', () => {
    const mapped = sendStepOf(
      entry({
        provider: 'fcm',
        token: 'fcm-android',
        kind: 'notification+data',
        payload: { data: { order: '42' }, notification: { title: 'Shipped' } },
        headers: { priority: 'high' },
        expiresAt: AT + 30_000,
        collapseId: 'orders',
      }),
      android,
      'p1',
    );
    expect(mapped).toEqual({
      step: {
        fcm: {
          app: 'shop',
          message: {
            data: { order: '42' },
            android: { notification: { title: 'Shipped' }, priority: 'high', ttl: '30s', collapse_key: 'orders' },
          },
          as: 'p1',
        },
      },
      notes: [],
    });
  });

  test('an FCM message to iOS becomes its apns block; an absolute expiration is left out with a note', () => {
    const mapped = sendStepOf(
      entry({
        provider: 'fcm',
        token: 'fcm-ios',
        payload: { aps: { 'content-available': 1 }, k: 'v' },
        headers: { 'apns-push-type': 'background', 'apns-priority': '5', 'apns-expiration': '1900000000' },
      }),
      ios,
      'p1',
    );
    expect(mapped).toEqual({
      step: {
        fcm: {
          app: 'news',
          message: {
            apns: {
              headers: { 'apns-push-type': 'background', 'apns-priority': '5' },
              payload: { aps: { 'content-available': 1 }, k: 'v' },
            },
          },
          as: 'p1',
        },
      },
      notes: [expect.stringMatching(/apns-expiration 1900000000 left out/)],
    });
  });

  test('a Push Kit message becomes an hms step, with the permission a HIGH data message needed', () => {
    const data = sendStepOf(
      entry({
        provider: 'hms',
        token: 'hms-token',
        kind: 'data',
        priority: 'high',
        payload: { data: '{"k":"v"}' },
        headers: { urgency: 'HIGH' },
        expiresAt: AT + 86_400_000,
      }),
      android,
      'p1',
    );
    expect(data).toEqual({
      step: {
        hms: {
          app: 'shop',
          message: { data: '{"k":"v"}', android: { urgency: 'HIGH', ttl: '86400s' } },
          highPriorityDataMessages: true,
          as: 'p1',
        },
      },
      notes: [],
    });
    const notification = sendStepOf(
      entry({
        provider: 'hms',
        token: 'hms-token',
        kind: 'notification',
        payload: { notification: { title: 'Hi', clickAction: { type: 4, richResource: 'https://example.com/r' } } },
      }),
      android,
      'p2',
    );
    expect(notification).toMatchObject({
      step: {
        hms: {
          message: {
            android: {
              notification: { title: 'Hi', click_action: { type: 4, rich_resource: 'https://example.com/r' } },
            },
          },
        },
      },
    });
  });

  test('a push to a token of the wrong kind, or through a service without a step, is skipped with the reason', () => {
    expect(sendStepOf(entry({ provider: 'native', token: 'hms-token' }), android, 'p1')).toMatchObject({
      skipped: expect.stringMatching(/non-fcm token/),
    });
    expect(sendStepOf(entry({ provider: 'webpush', token: 'x' }), undefined, 'p1')).toMatchObject({
      skipped: expect.stringMatching(/no scenario step sends through webpush/),
    });
  });

  test('ZIM sends become zim steps; a call cancellation is skipped', () => {
    const base = { fromUserID: 'alice', pushConfig: { resourcesID: 'silent' }, pushIds: ['x'] };
    expect(
      zimStepOf(
        { ...base, kind: 'message', receivers: ['bob'], message: { type: 1, message: 'hi' }, priority: 2 },
        'p1',
      ),
    ).toEqual({
      step: {
        zim: {
          from: 'alice',
          to: 'bob',
          message: { type: 1, message: 'hi' },
          pushConfig: { resourcesID: 'silent' },
          as: 'p1',
        },
      },
      notes: [],
    });
    expect(zimStepOf({ ...base, kind: 'call-invite', receivers: ['bob', 'carol'] }, 'p2')).toMatchObject({
      step: { zim: { call: true, invitees: ['bob', 'carol'] } },
    });
    expect(zimStepOf({ ...base, kind: 'call-cancel', receivers: ['bob'] }, 'p3')).toMatchObject({
      skipped: expect.stringMatching(/call cancellation/),
    });
  });
});

describe('a fault becomes a fault step', () => {
  test("for an app's token, with its reason, probability and count", () => {
    expect(
      faultStepOf(
        { id: 'f1', provider: 'apns', token: ios.tokens.apns!, reason: 'TooManyRequests', probability: 0.5, times: 2 },
        ios,
      ),
    ).toEqual({
      step: { fault: { provider: 'apns', app: 'news', reason: 'TooManyRequests', probability: 0.5, times: 2 } },
      notes: [],
    });
  });

  test('a delay is left out with a note; a topic filter, a stranger token or a delay alone cannot be a step', () => {
    expect(faultStepOf({ id: 'f1', provider: 'fcm', drop: 'connection', delayMs: 200 }, undefined)).toEqual({
      step: { fault: { provider: 'fcm', drop: 'connection' } },
      notes: [expect.stringMatching(/200 ms delay is left out/)],
    });
    expect(
      faultStepOf({ id: 'f2', provider: 'apns', topic: 'com.example.news', reason: 'BadTopic' }, undefined),
    ).toMatchObject({
      skipped: expect.stringMatching(/for a topic/),
    });
    expect(faultStepOf({ id: 'f3', provider: 'apns', token: 'x', reason: 'BadDeviceToken' }, undefined)).toMatchObject({
      skipped: expect.stringMatching(/no recorded app holds/),
    });
    expect(faultStepOf({ id: 'f4', provider: 'apns', delayMs: 50 }, undefined)).toMatchObject({
      skipped: expect.stringMatching(/does not delay/),
    });
  });
});

describe('a fate becomes an expect step', () => {
  test('the fate, the first callback, a shown notification and the deciding rows', () => {
    const fate: Fate = {
      name: 'delivered',
      at: AT,
      callback: 'onMessage, onNotification',
      displayed: true,
      ruleIds: ['android.foreground'],
    } as Fate;
    expect(expectationOf('p1', fate)).toEqual({
      expect: { of: 'p1', fate: 'delivered', callback: 'onMessage', displayed: true, rules: ['android.foreground'] },
    });
    // An app that ran its own code is replayed as a virtual one: only the fate is asserted.
    expect(expectationOf('p1', fate, false)).toEqual({ expect: { of: 'p1', fate: 'delivered', displayed: true } });
  });

  test("a refusal asserts the service's reason", () => {
    const fate = { name: 'rejected', at: AT, reason: 'BadDeviceToken: no app has this token' } as Fate;
    expect(expectationOf('p1', fate)).toMatchObject({ expect: { fate: 'rejected', because: '^BadDeviceToken' } });
  });
});

describe('the writer', () => {
  const recorded: RecordedScenario = {
    name: 'Session',
    description: 'a test',
    header: ['first line'],
    devices: [{ id: 'iphone', platform: 'ios' }],
    apps: [{ id: 'news', device: 'iphone', bundleId: 'com.example.news', sdk: 'native-ios' }],
    strategies: [],
    items: [
      { comment: 'app news installed here' },
      { step: { push: { app: 'news', kind: 'alert', as: 'p1' } } },
      { step: { expect: { of: 'p1', fate: 'displayed' } } },
      { comment: 'skipped: something' },
      { step: { advance: '30s' } },
      { comment: 'the last word' },
    ],
  };

  test('writes a file the scenario loader reads, steps in flow style and comments where they happened', () => {
    const text = writeScenario(recorded);
    expect(text).toMatch(/^# first line\n/);
    expect(text).toContain('  # app news installed here\n  - push: { app: news, kind: alert, as: p1 }\n');
    expect(text).toContain('  # skipped: something\n  - advance: 30s\n');
    expect(text).toContain('# the last word');
    const [run] = loadScenarioText(text, 'recorded.yaml');
    expect(run!.steps.map((s) => s.kind)).toEqual(['push', 'expect', 'advance']);
    expect(parse(text).devices).toEqual([{ id: 'iphone', platform: 'ios' }]);
  });

  test('a recording in which nothing was done still makes a valid scenario', () => {
    const text = writeScenario({ ...recorded, items: [] });
    const [run] = loadScenarioText(text, 'empty.yaml');
    expect(run!.steps.map((s) => s.kind)).toEqual(['advance']);
    expect(text).toContain('# nothing was done while recording');
  });

  test.each([
    [0, '0s'],
    [250, '250ms'],
    [30_000, '30s'],
    [90_000, '90s'],
    [120_000, '2m'],
    [3_600_000, '1h'],
    [31_234, '31234ms'],
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
