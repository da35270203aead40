// The app side of Live Activities through the client shim: an ActivityKit-shaped API whose tokens and updates come from
// the simulator, while pushes arrive over the APNs wire (docs/reference/live-activities.md).
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppProcess, ShimConnection, activityKit, type ActivityKit } from '../../client-shim/index.js';
import { SHIM_PATH, type ShimActivityNotice } from '../../simulator/shim-protocol/index.js';
import { connectApns, request, providerToken } from '../support/apns-wire.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let connection: ShimConnection;
let kit: ActivityKit;
const BUNDLE = 'com.example.scores';
const DECLARATION = {
  attributeTypes: {
    MatchAttributes: { attributes: { home: 'string', away: 'string' }, contentState: { score: 'string' } },
  },
  frequentUpdates: false,
} as const;

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  key = sim.apns!.keyring.mint({ teamId: 'TEAM000001', keyId: 'KEY0000001' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  sim.reset();
  connection = await ShimConnection.connect(sim.urls.control.replace(/^http/, 'ws') + SHIM_PATH, {
    device: { platform: 'ios' },
    app: { bundleId: BUNDLE, sdkProfile: 'native-ios', liveActivities: DECLARATION },
  });
  kit = activityKit(connection);
  return () => connection.close();
});

/** The next value an async iterable yields (ActivityKit's sequences). */
async function first<T>(updates: AsyncIterable<T>): Promise<T> {
  for await (const value of updates) return value;
  throw new Error('the sequence ended');
}
async function take<T>(updates: AsyncIterable<T>, count: number): Promise<T[]> {
  const seen: T[] = [];
  for await (const value of updates) {
    seen.push(value);
    if (seen.length === count) break;
  }
  return seen;
}

async function push(token: string, aps: Record<string, unknown>): Promise<number> {
  const session = await connectApns(sim.urls.apns, sim.caPem);
  try {
    const answer = await request(
      session,
      {
        ':path': `/3/device/${token}`,
        authorization: `bearer ${providerToken(key, sim.clock.now())}`,
        'apns-topic': `${BUNDLE}.push-type.liveactivity`,
        'apns-push-type': 'liveactivity',
        'apns-id': randomUUID(),
      },
      JSON.stringify({ aps }),
    );
    return answer.status;
  } finally {
    session.close();
  }
}
const seconds = () => Math.floor(sim.clock.now() / 1000);

test('Activity.request gives the app its push token; a push over the wire reaches contentUpdates; end reaches activityStateUpdates', async () => {
  const activity = await kit.request({
    attributesType: 'MatchAttributes',
    attributes: { home: 'Ajax', away: 'PSV' },
    contentState: { score: '0-0' },
    pushType: 'token',
  });
  const token = await first(activity.pushTokenUpdates);
  expect(token).toBe(sim.simulation.liveActivities.get(activity.id)!.pushToken);
  const content = first(activity.contentUpdates);
  expect(await push(token, { timestamp: seconds(), event: 'update', 'content-state': { score: '1-0' } })).toBe(200);
  expect((await content).state).toEqual({ score: '1-0' });
  expect(activity.content.state).toEqual({ score: '1-0' });

  const states = take(activity.activityStateUpdates, 2);
  await activity.end({ state: { score: '2-1' } }, { dismissalPolicy: 'immediate' });
  expect(await states).toEqual(['ended', 'dismissed']);
  expect(sim.simulation.liveActivities.get(activity.id)!.history.map((h) => h.contentState)).toEqual([
    { score: '0-0' },
    { score: '1-0' },
    { score: '2-1' },
    { score: '2-1' },
  ]);
});

test('pushToStartTokenUpdates yields the push-to-start token; a start push shows the new activity in activityUpdates', async () => {
  const startToken = await first(kit.pushToStartTokenUpdates('MatchAttributes'));
  expect(startToken).toBe(sim.simulation.liveActivities.pushToStartTokens(connection.welcome.appId).MatchAttributes);
  const started = first(kit.activityUpdates);
  expect(
    await push(startToken, {
      timestamp: seconds(),
      event: 'start',
      'attributes-type': 'MatchAttributes',
      attributes: { home: 'Feyenoord', away: 'AZ' },
      'content-state': { score: '0-0' },
      alert: { title: 'Kick-off', body: 'Feyenoord – AZ' },
    }),
  ).toBe(200);
  const activity = await started;
  expect(activity.attributes).toEqual({ home: 'Feyenoord', away: 'AZ' });
  expect(await first(activity.pushTokenUpdates)).toMatch(/^[0-9a-f]{64}$/);
});

test('activity.update(content, alertConfiguration) shows the new content state and keeps the alert on its history', async () => {
  const activity = await kit.request({
    attributesType: 'MatchAttributes',
    attributes: { home: 'A', away: 'B' },
    contentState: { score: '0-0' },
  });
  await activity.update({ state: { score: '1-0' } }, { title: 'Goal', body: 'A scores', sound: 'default' });
  const model = sim.simulation.liveActivities.get(activity.id)!;
  expect(model.contentState).toEqual({ score: '1-0' });
  expect(model.history.at(-1)).toMatchObject({
    by: 'app',
    ruleId: 'apns.liveactivity.app.update',
    alert: { title: 'Goal', body: 'A scores', sound: 'default' },
  });
});

test("an update the app makes that does not decode is refused with the field; another app's activity is not the shim's", async () => {
  const activity = await kit.request({
    attributesType: 'MatchAttributes',
    attributes: { home: 'A', away: 'B' },
    contentState: { score: '0-0' },
  });
  await expect(activity.update({ state: { score: 3 } as unknown as { score: string } })).rejects.toThrow(
    /contentState\.score is a number/,
  );
  await expect(
    kit.request({ attributesType: 'PizzaAttributes', attributes: {}, contentState: {} }),
  ).rejects.toMatchObject({ code: 'LIVE_ACTIVITIES_NOT_DECLARED' });
  const device = sim.simulation.createDevice({ platform: 'ios' });
  const other = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.other',
    sdkProfile: 'native-ios',
    liveActivities: DECLARATION,
  });
  const theirs = sim.simulation.liveActivities.request(other.id, {
    attributesType: 'MatchAttributes',
    attributes: { home: 'C', away: 'D' },
    contentState: { score: '0-0' },
    pushType: 'token',
  });
  await expect(connection.activityEnd({ activityId: theirs.id })).rejects.toMatchObject({ code: 'ACTIVITY_NOT_FOUND' });
});

test('each activity notice carries the activity as it is now and the deciding row, not its history', async () => {
  const notices: ShimActivityNotice[] = [];
  connection.on('activity', (notice) => notices.push(notice));
  const activity = await kit.request({
    attributesType: 'MatchAttributes',
    attributes: { home: 'A', away: 'B' },
    contentState: { score: '0-0' },
    pushType: null,
  });
  const seen = take(activity.contentUpdates, 3);
  for (const score of ['1-0', '2-0', '3-0']) await activity.update({ state: { score } });
  expect((await seen).map((content) => content.state)).toEqual([{ score: '1-0' }, { score: '2-0' }, { score: '3-0' }]);
  await new Promise<void>((resolve) => {
    if (notices.length === 4) resolve();
    else connection.on('activity', () => notices.length === 4 && resolve());
  });
  expect(notices.map((n) => n.change)).toEqual(['started', 'updated', 'updated', 'updated']);
  for (const notice of notices) {
    expect(notice.activity).not.toHaveProperty('history');
    expect(notice.ruleId).toMatch(/^apns\.liveactivity\./);
  }
  expect(notices.at(-1)!.activity.contentState).toEqual({ score: '3-0' });
});

test('an app process has its ActivityKit: an update reaches the activity after the app was force-quit', async () => {
  await connection.close();
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: { platform: 'ios' },
    app: { bundleId: 'com.example.rides', sdkProfile: 'native-ios', liveActivities: DECLARATION },
    main: () => {},
  });
  await app.launch();
  const activity = await app.activityKit.request({
    attributesType: 'MatchAttributes',
    attributes: { home: 'X', away: 'Y' },
    contentState: { score: '0-0' },
  });
  const token = await first(activity.pushTokenUpdates);
  await app.forceQuit();
  expect(sim.registry.requireApp(app.appId).lifecycle).toBe('forceQuit');
  const session = await connectApns(sim.urls.apns, sim.caPem);
  try {
    const answer = await request(
      session,
      {
        ':path': `/3/device/${token}`,
        authorization: `bearer ${providerToken(key, sim.clock.now())}`,
        'apns-topic': 'com.example.rides.push-type.liveactivity',
        'apns-push-type': 'liveactivity',
      },
      JSON.stringify({ aps: { timestamp: seconds(), event: 'update', 'content-state': { score: '1-1' } } }),
    );
    expect(answer.status).toBe(200);
  } finally {
    session.close();
  }
  expect(sim.simulation.liveActivities.get(activity.id)!.contentState).toEqual({ score: '1-1' });
  await app.close();
});
