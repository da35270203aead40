// The recording's mapping of Live Activities and broadcast channels (simulator/recording/recorded-activity.ts): the
// `activity` steps of the app's start, update and end, the payload dates made relative to the run's clock, and the
// `apns` channel and broadcast steps; each read back by the scenario loader.
import { describe, expect, test } from 'vitest';
import type { Activity } from '../../simulator/live-activity/index.js';
import {
  activityEndStep,
  activityStartStep,
  activityUpdateStep,
  broadcastStepOf,
  channelStepOf,
  relativeDates,
  writeScenario,
  type RecordedApp,
} from '../../simulator/recording/index.js';
import { loadScenarioText } from '../../simulator/scenario/index.js';

const AT = 1_800_000_000_000;
const HOUR = 3_600_000;
const app: RecordedApp = {
  id: 'delivery',
  platform: 'ios',
  bundleId: 'com.example.delivery',
  environment: 'sandbox',
  tokens: { apns: 'a'.repeat(64) },
  attached: false,
};
const activity: Activity = {
  id: 'live-1',
  appId: 'delivery',
  deviceId: 'iphone',
  bundleId: 'com.example.delivery',
  attributesType: 'DeliveryAttributes',
  attributes: { orderId: 'A-1' },
  contentState: { status: 'cooking', eta: 20 },
  state: 'active',
  pushType: { kind: 'channel', channelId: 'bGl2ZQ==' },
  staleDate: AT + 10 * 60_000,
  relevanceScore: 50,
  startedAt: AT,
  startedBy: 'app',
  updatedAt: AT,
  history: [],
};
const change = (contentState: Record<string, unknown>, extra = {}) => ({
  activityId: 'live-1',
  appId: 'delivery',
  deviceId: 'iphone',
  change: 'updated' as const,
  state: 'active',
  contentState,
  ruleId: 'apns.liveactivity.app.update',
  ...extra,
});

/** The steps, loaded as a scenario file the way `pushsim run` reads it. */
function loads(steps: Record<string, unknown>[]): void {
  const yaml = writeScenario({
    name: 't',
    description: '',
    header: [],
    devices: [{ id: 'iphone', platform: 'ios' }],
    apps: [
      {
        id: 'delivery',
        device: 'iphone',
        bundleId: 'com.example.delivery',
        sdk: 'native-ios',
        liveActivities: {
          attributeTypes: {
            DeliveryAttributes: {
              attributes: { orderId: 'string' },
              contentState: { status: 'string', eta: 'integer' },
            },
          },
        },
      },
    ],
    strategies: [],
    items: steps.map((step) => ({ step })),
  });
  expect(() => loadScenarioText(yaml, 'recorded.yaml')).not.toThrow();
}

describe('the app side', () => {
  test('a start names its channel, and its stale date and relevance score relative to the step', () => {
    const step = activityStartStep(activity, app, 'a1', AT, (id) => (id === 'bGl2ZQ==' ? 'c1' : id));
    expect(step).toEqual({
      activity: {
        app: 'delivery',
        start: {
          attributesType: 'DeliveryAttributes',
          attributes: { orderId: 'A-1' },
          contentState: { status: 'cooking', eta: 20 },
          pushType: { channel: 'c1' },
          staleIn: '10m',
          relevanceScore: 50,
        },
        as: 'a1',
      },
    });
    loads([step]);
  });

  test('an update says what changed and its alert; an end says its dismissal policy', () => {
    const recorded = { as: 'a1', app, staleDate: activity.staleDate, relevanceScore: 50 };
    const same = activityUpdateStep(recorded, activity, change({ status: 'out', eta: 5 }), AT);
    expect(same).toEqual({ activity: { update: 'a1', contentState: { status: 'out', eta: 5 } } });
    const later = { ...activity, staleDate: AT + HOUR, relevanceScore: 80 };
    const alert = { title: 'A-1', body: 'Out', sound: 'default' };
    const changed = activityUpdateStep(recorded, later, change({ status: 'out', eta: 5 }, { alert }), AT);
    expect(changed).toEqual({
      activity: { update: 'a1', contentState: { status: 'out', eta: 5 }, staleIn: '1h', relevanceScore: 80, alert },
    });
    const end = (dismissAt: number) =>
      activityEndStep(recorded, { ...activity, dismissAt }, change({ status: 'done', eta: 0 }), AT, 4 * HOUR);
    expect(end(AT).activity).toMatchObject({ end: 'a1', dismissal: 'immediate' });
    expect(end(AT + 4 * HOUR).activity).not.toHaveProperty('dismissal');
    expect(end(AT + 15 * 60_000).activity).toMatchObject({ dismissal: '15m' });
    loads([activityStartStep(activity, app, 'a1', AT, (id) => id), changed, end(AT + 15 * 60_000)]);
  });
});

describe('the payload and the channels', () => {
  test("aps.stale-date and aps.dismissal-date become durations from the push's time; past ones stay", () => {
    const payload = { aps: { timestamp: 1, 'stale-date': AT / 1000 + 600, 'dismissal-date': AT / 1000 - 5 } };
    expect(relativeDates(payload, AT)).toEqual({
      payload: { aps: { timestamp: 1, 'dismissal-date': AT / 1000 - 5 } },
      dates: { staleIn: '10m' },
    });
    expect(relativeDates('not json', AT)).toEqual({ payload: 'not json', dates: {} });
  });

  test('channel creates, reads and deletes name their channel; a list or an unknown app is a comment', () => {
    const name = (id: string) => (id === 'Y2g=' ? 'c1' : id);
    const request = { environment: 'sandbox' as const, bundleId: 'com.example.delivery', status: 201 };
    expect(channelStepOf({ ...request, action: 'create', messageStoragePolicy: 1 }, app, 'c2', name)).toEqual({
      step: { apns: { app: 'delivery', channel: { create: 1 }, as: 'c2' } },
      notes: [],
    });
    expect(
      channelStepOf({ ...request, action: 'delete', channelId: 'Y2g=', environment: 'production' }, app, 'c3', name),
    ).toEqual({
      step: { apns: { app: 'delivery', channel: { delete: 'c1' }, production: true, as: 'c3' } },
      notes: [],
    });
    expect(channelStepOf({ ...request, action: 'read' }, app, 'c4', name)).toMatchObject({
      step: { apns: { channel: { read: 'none' }, headers: { 'apns-channel-id': null } } },
    });
    expect(channelStepOf({ ...request, action: 'list' }, app, 'c5', name)).toHaveProperty('skipped');
    expect(channelStepOf({ ...request, action: 'create', messageStoragePolicy: 7 }, app, 'c6', name)).toHaveProperty(
      'skipped',
    );
    expect(channelStepOf({ ...request, action: 'read' }, undefined, 'c7', name)).toHaveProperty('skipped');
  });

  test('a broadcast keeps the headers the step does not set itself, and its expiration relative to the clock', () => {
    const sent = {
      requestId: 'r',
      environment: 'sandbox' as const,
      bundleId: 'com.example.delivery',
      headers: {
        'apns-channel-id': 'Y2g=',
        'apns-request-id': 'r',
        'apns-push-type': 'liveactivity',
        'apns-priority': '5',
        'apns-expiration': String(AT / 1000 + 3600),
      },
      payload: { aps: { timestamp: 2, event: 'update', 'content-state': { eta: 1 }, 'stale-date': AT / 1000 + 60 } },
      status: 200,
      pushIds: ['x'],
    };
    const mapping = broadcastStepOf(sent, app, 'p1', AT, (id) => (id === 'Y2g=' ? 'c1' : id));
    expect(mapping).toEqual({
      step: {
        apns: {
          app: 'delivery',
          broadcast: 'c1',
          expiresIn: '1h',
          headers: { 'apns-priority': '5' },
          payload: { aps: { timestamp: 2, event: 'update', 'content-state': { eta: 1 } } },
          staleIn: '1m',
          as: 'p1',
        },
      },
      notes: [],
    });
    const bare = broadcastStepOf({ ...sent, headers: {}, payload: undefined }, app, 'p2', AT, (id) => id);
    expect(bare).toMatchObject({
      step: { apns: { broadcast: 'none', headers: { 'apns-push-type': null, 'apns-channel-id': null } } },
      notes: ['the broadcast had no JSON body; the step sends {}'],
    });
    if ('step' in mapping) loads([{ apns: { app: 'delivery', channel: { create: 0 }, as: 'c1' } }, mapping.step]);
  });
});
