// The Live Activities of a Simulation without the wire (simulator/live-activity/): the contract broadcast channels use
// (subscribers, deliverActivityPush), what uninstall and reset forget, and what the app's own calls refuse.
import { beforeEach, describe, expect, test } from 'vitest';
import { Simulation } from '../../simulator/engine/index.js';
import { SERVICES, rulesTableOf } from '../../simulator/providers/index.js';
import type { InstalledApp } from '../../simulator/core/index.js';

let sim: Simulation;
let app: InstalledApp;
const DECLARATION = {
  attributeTypes: { GameAttributes: { attributes: { game: 'string' }, contentState: { score: 'string' } } },
  frequentUpdates: false,
} as const;

function install(bundleId = 'com.example.sport'): InstalledApp {
  const device = sim.createDevice({ platform: 'ios' });
  return sim.installApp({ deviceId: device.id, bundleId, sdkProfile: 'native-ios', liveActivities: DECLARATION });
}
const start = (on: InstalledApp, pushType: 'token' | 'none' | { channel: string } = { channel: 'c1' }) =>
  sim.liveActivities.request(on.id, {
    attributesType: 'GameAttributes',
    attributes: { game: 'final' },
    contentState: { score: '0-0' },
    pushType,
  });

beforeEach(() => {
  sim = new Simulation({ clock: 'virtual', rules: rulesTableOf(SERVICES) });
  app = install();
});

describe('the broadcast contract', () => {
  test('subscribers are the not-ended activities of the channel in apps with the bundle id', () => {
    const a = start(app);
    const b = start(install());
    start(install('com.example.other'));
    const ended = start(install());
    sim.liveActivities.end(ended.id, undefined, 'default');
    start(app, { channel: 'c2' });
    expect(sim.liveActivities.subscribers('com.example.sport', 'c1')).toEqual([a, b]);
    expect(a).toMatchObject({ channelId: 'c1', pushType: { kind: 'channel', channelId: 'c1' } });
    expect(a.pushToken).toBeUndefined();
  });

  test('deliverActivityPush records one ledger entry per activity, decided by the same rows as a token push', () => {
    const a = start(app);
    const b = start(install());
    const input = {
      payload: { aps: { timestamp: 5, event: 'update', 'content-state': { score: '1-0' } } },
      priority: 10 as const,
      apnsId: '0e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      headers: { 'apns-channel-id': 'c1' },
      via: 'broadcast' as const,
      channelId: 'c1',
    };
    const ids = [a, b].map((activity) => sim.liveActivities.deliverActivityPush(activity, input).pushId);
    expect(new Set(ids).size).toBe(2);
    for (const [index, id] of ids.entries()) {
      const entry = sim.ledger.get(id)!;
      expect(entry).toMatchObject({ token: 'c1', appId: [a, b][index]!.appId, push: { kind: 'liveactivity' } });
      expect(entry.fate.ruleIds).toEqual(['apns.liveactivity.budget.counted', 'apns.liveactivity.update.applied']);
    }
    expect([a.contentState, b.contentState]).toEqual([{ score: '1-0' }, { score: '1-0' }]);
    const again = sim.liveActivities.deliverActivityPush(a, {
      ...input,
      apnsId: '1e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
    });
    expect(sim.ledger.get(again.pushId)!.fate.ruleIds).toContain('apns.liveactivity.timestamp.equal');
  });
});

describe('what is forgotten', () => {
  test('uninstalling the app forgets its activities, tokens and declaration; reset forgets all', () => {
    const activity = start(app, 'token');
    const startToken = sim.liveActivities.pushToStartTokens(app.id).GameAttributes!;
    sim.uninstallApp(app.id);
    expect(sim.liveActivities.get(activity.id)).toBeUndefined();
    expect(sim.liveActivities.resolveToken(activity.pushToken!)).toBeUndefined();
    expect(sim.liveActivities.resolveToken(startToken)).toBeUndefined();
    const other = install();
    start(other, 'token');
    sim.reset();
    expect(sim.liveActivities.list()).toEqual([]);
    expect(sim.clock.pendingTimers()).toBe(0);
  });
});

describe("the app's own calls", () => {
  test('refuse a type the app does not declare, attributes that do not decode, an update after the end', () => {
    expect(() =>
      sim.liveActivities.request(app.id, {
        attributesType: 'Other',
        attributes: {},
        contentState: {},
        pushType: 'none',
      }),
    ).toThrow(expect.objectContaining({ code: 'LIVE_ACTIVITIES_NOT_DECLARED' }));
    expect(() =>
      sim.liveActivities.request(app.id, {
        attributesType: 'GameAttributes',
        attributes: { game: 1 },
        contentState: { score: '0-0' },
        pushType: 'none',
      }),
    ).toThrow(/attributes\.game is a number/);
    const activity = start(app, 'none');
    sim.liveActivities.end(activity.id, { score: '3-2' }, 'immediate');
    expect(activity.state).toBe('dismissed');
    expect(() => sim.liveActivities.update(activity.id, { contentState: { score: '4-2' } })).toThrow(
      expect.objectContaining({ code: 'ACTIVITY_ENDED' }),
    );
  });

  test('an Android app cannot declare Live Activities', () => {
    const phone = sim.createDevice({ platform: 'android' });
    expect(() =>
      sim.installApp({
        deviceId: phone.id,
        bundleId: 'com.example.android',
        sdkProfile: 'native-android',
        liveActivities: DECLARATION,
      }),
    ).toThrow(/Live Activities are an iOS feature/);
  });
});

describe('the budget as a pushsim serve setting', () => {
  test('--live-activity-budget and PUSHSIM_LIVE_ACTIVITY_FREQUENT_BUDGET set liveActivities.budget', async () => {
    const { resolveServeOptions } = await import('../../simulator/cli/serve-options.js');
    const options = resolveServeOptions(
      { liveActivityBudget: '3' },
      { PUSHSIM_LIVE_ACTIVITY_FREQUENT_BUDGET: '30' },
    ) as { liveActivities?: { budget?: object } };
    expect(options.liveActivities?.budget).toEqual({ perWindow: 3, frequentPerWindow: 30 });
    expect(() => resolveServeOptions({ liveActivityBudget: '-1' }, {})).toThrow(
      /--live-activity-budget: "-1" is negative/,
    );
  });
});

describe('the dates on the clock', () => {
  test("an activity's timers are listed with what they do, its app and its device", () => {
    const activity = sim.liveActivities.request(app.id, {
      attributesType: 'GameAttributes',
      attributes: { game: 'final' },
      contentState: { score: '0-0' },
      pushType: 'none',
      staleDate: sim.clock.now() + 60_000,
    });
    const mine = () => sim.clock.listTimers().filter((t) => t.kind === 'activity');
    const owner = { appId: app.id, deviceId: app.deviceId };
    expect(mine()).toEqual([
      expect.objectContaining({ label: `GameAttributes activity ${activity.id} turns stale`, ...owner }),
      expect.objectContaining({ label: `GameAttributes activity ${activity.id} ends after 8 h`, ...owner }),
    ]);
    sim.liveActivities.end(activity.id, undefined, 'default');
    expect(mine().map((t) => t.label)).toEqual([`GameAttributes activity ${activity.id} leaves the lock screen`]);
  });
});

describe('what a long-lived simulation keeps', () => {
  test('an activity keeps its last 100 changes, the newest last', () => {
    const activity = start(app, 'none');
    for (let i = 1; i <= 150; i++) sim.liveActivities.update(activity.id, { contentState: { score: `${i}-0` } });
    expect(activity.history).toHaveLength(100);
    expect(activity.history.at(-1)).toMatchObject({ state: 'active', contentState: { score: '150-0' } });
    expect(activity.history[0]!.contentState).toEqual({ score: '51-0' });
  });

  test('a dismissed activity is forgotten after an hour; its token answers gone for 24 h more, then is unknown', async () => {
    const activity = start(app, 'token');
    const token = activity.pushToken!;
    sim.liveActivities.end(activity.id, undefined, 'immediate');
    expect(sim.liveActivities.resolveToken(token)).toEqual({ kind: 'gone', activity });
    await sim.clock.advance('59m');
    expect(sim.liveActivities.get(activity.id)).toBe(activity);
    await sim.clock.advance('1m');
    expect(sim.liveActivities.get(activity.id)).toBeUndefined();
    expect(sim.liveActivities.list({ appId: app.id })).toEqual([]);
    expect(sim.liveActivities.resolveToken(token)).toEqual({
      kind: 'gone',
      activity: {
        id: activity.id,
        appId: app.id,
        deviceId: app.deviceId,
        bundleId: app.bundleId,
        updatedAt: activity.updatedAt,
      },
    });
    await sim.clock.advance('24h');
    expect(sim.liveActivities.resolveToken(token)).toBeUndefined();
    expect(sim.clock.listTimers().filter((t) => t.kind === 'activity')).toEqual([]);
  });

  test("uninstalling the app forgets its dismissed activities' tokens too", async () => {
    const activity = start(app, 'token');
    sim.liveActivities.end(activity.id, undefined, 'immediate');
    await sim.clock.advance('1h');
    sim.uninstallApp(app.id);
    expect(sim.liveActivities.resolveToken(activity.pushToken!)).toBeUndefined();
    expect(sim.clock.listTimers().filter((t) => t.kind === 'activity')).toEqual([]);
  });

  test('a channel lists only its own subscribers, and not once they end', () => {
    const a = start(app, { channel: 'c1' });
    const b = start(app, { channel: 'c2' });
    expect(sim.liveActivities.subscribers('com.example.sport', 'c2')).toEqual([b]);
    sim.liveActivities.end(a.id, undefined, 'default');
    expect(sim.liveActivities.subscribers('com.example.sport', 'c1')).toEqual([]);
    expect(sim.liveActivities.subscribers('com.example.other', 'c2')).toEqual([]);
  });
});
