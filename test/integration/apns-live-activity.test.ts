// ActivityKit pushes through the APNs wire (HTTP/2 over TLS on loopback, virtual clock): every Live Activity row met by a
// push, every answer Apple gives them, the activity's dates on the clock (docs/reference/live-activities.md).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import type { Activity } from '../../simulator/live-activity/index.js';
import { connectApns, request, providerToken, type WireAnswer } from '../support/apns-wire.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let app: InstalledApp;
let bearer: string;
const BUNDLE = 'com.example.delivery';
const TOPIC = `${BUNDLE}.push-type.liveactivity`;
const HOUR = 60 * 60 * 1000;

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    liveActivities: { budget: { perWindow: 2, frequentPerWindow: 4 } },
  });
  key = sim.apns!.keyring.mint({ teamId: 'TEAM000001', keyId: 'KEY0000001' });
});
afterAll(async () => {
  await sim.close();
});

function install(frequentUpdates = false, bundleId = BUNDLE): InstalledApp {
  const device = sim.simulation.createDevice({ platform: 'ios' });
  return sim.simulation.installApp({
    deviceId: device.id,
    bundleId,
    sdkProfile: 'native-ios',
    state: 'active',
    liveActivities: {
      attributeTypes: {
        DeliveryAttributes: {
          attributes: { orderId: 'string' },
          contentState: { status: 'string', eta: 'integer', note: 'string?' },
        },
      },
      frequentUpdates,
    },
  });
}

beforeEach(() => {
  sim.reset();
  bearer = `bearer ${providerToken(key)}`;
  app = install();
});

function start(on = app, extra: { staleDate?: number } = {}): Activity {
  return sim.simulation.liveActivities.request(on.id, {
    attributesType: 'DeliveryAttributes',
    attributes: { orderId: 'A-1' },
    contentState: { status: 'preparing', eta: 20 },
    pushType: 'token',
    ...extra,
  });
}

const seconds = () => Math.floor(sim.clock.now() / 1000);

async function send(
  token: string,
  aps: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<WireAnswer & { apnsId: string }> {
  const apnsId = randomUUID();
  // Signed at the virtual clock's time: tests move it hours ahead, past a token's hour.
  bearer = `bearer ${providerToken(key, sim.clock.now())}`;
  const session = await connectApns(sim.urls.apns, sim.caPem);
  try {
    const answer = await request(
      session,
      {
        ':path': `/3/device/${token}`,
        authorization: bearer,
        'apns-topic': TOPIC,
        'apns-push-type': 'liveactivity',
        'apns-priority': '10',
        'apns-id': apnsId,
        ...headers,
      },
      JSON.stringify({ aps }),
    );
    return { ...answer, apnsId };
  } finally {
    session.close();
  }
}

const update = (state: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  timestamp: seconds(),
  event: 'update',
  'content-state': state,
  ...extra,
});

function fateOf(apnsId: string) {
  const entry = sim.ledger.get(apnsId);
  return { name: entry?.fate.name, ruleIds: entry?.fate.ruleIds };
}

describe('update and end', () => {
  test('an update with a newer timestamp shows its content state, while the app is not running', async () => {
    const activity = start();
    sim.simulation.lifecycle.goTo(app.id, 'notRunning');
    await sim.advance('1s');
    const answer = await send(activity.pushToken!, update({ status: 'on the way', eta: 12 }));
    expect(answer.status).toBe(200);
    expect(fateOf(answer.apnsId)).toEqual({
      name: 'displayed',
      ruleIds: ['apns.liveactivity.budget.counted', 'apns.liveactivity.update.applied'],
    });
    expect(sim.simulation.liveActivities.get(activity.id)!.contentState).toEqual({ status: 'on the way', eta: 12 });
    expect(sim.ledger.get(answer.apnsId)!.receipts[0]).toMatchObject({
      callback: 'Activity.contentUpdates',
      message: { activityId: activity.id, contentState: { status: 'on the way', eta: 12 } },
    });
    expect(sim.registry.requireApp(app.id).lifecycle).toBe('notRunning');
  });

  test('an update with an older timestamp is ignored; an equal one too (apns.liveactivity.timestamp.older, .equal)', async () => {
    const activity = start();
    const first = await send(activity.pushToken!, update({ status: 'a', eta: 1 }, { timestamp: 1000 }));
    expect(fateOf(first.apnsId).name).toBe('displayed');
    const older = await send(activity.pushToken!, update({ status: 'b', eta: 2 }, { timestamp: 999 }));
    expect(older.status).toBe(200);
    expect(fateOf(older.apnsId).ruleIds).toContain('apns.liveactivity.timestamp.older');
    const equal = await send(activity.pushToken!, update({ status: 'c', eta: 3 }, { timestamp: 1000 }), {
      'apns-priority': '5',
    });
    expect(fateOf(equal.apnsId)).toEqual({
      name: 'dropped',
      ruleIds: ['apns.liveactivity.budget.not-counted', 'apns.liveactivity.timestamp.equal'],
    });
    expect(sim.simulation.liveActivities.get(activity.id)!.contentState).toEqual({ status: 'a', eta: 1 });
  });

  test('a push without aps.timestamp is taken (200) and ignored by the device (apns.liveactivity.timestamp.missing)', async () => {
    const activity = start();
    const answer = await send(activity.pushToken!, { event: 'update', 'content-state': { status: 'x', eta: 1 } });
    expect(answer.status).toBe(200);
    expect(fateOf(answer.apnsId).ruleIds).toContain('apns.liveactivity.timestamp.missing');
  });

  test('a content state that does not decode leaves the activity as it was, and the fate says which field', async () => {
    const activity = start();
    const answer = await send(activity.pushToken!, update({ status: 'late', eta: 'soon' }));
    expect(answer.status).toBe(200);
    const entry = sim.ledger.get(answer.apnsId)!;
    expect(entry.fate.ruleIds).toContain('apns.liveactivity.content-state.undecodable');
    expect(entry.fate.reason).toMatch(/content-state\.eta is a string/);
    const missing = await send(activity.pushToken!, update({ eta: 3 }, { timestamp: seconds() + 1 }));
    expect(sim.ledger.get(missing.apnsId)!.fate.reason).toMatch(/no "status"/);
    expect(sim.simulation.liveActivities.get(activity.id)!.contentState).toEqual({ status: 'preparing', eta: 20 });
  });

  test('an update without content-state, or an unknown event, changes nothing', async () => {
    const activity = start();
    const none = await send(activity.pushToken!, { timestamp: seconds(), event: 'update' });
    expect(fateOf(none.apnsId).ruleIds).toContain('apns.liveactivity.update.no-content-state');
    const odd = await send(activity.pushToken!, { timestamp: seconds(), event: 'refresh', 'content-state': {} });
    expect(fateOf(odd.apnsId).ruleIds).toContain('apns.liveactivity.event.unknown');
  });

  test('an end push ends the activity, its dismissal-date removes it, and its token then answers 410 Unregistered', async () => {
    const activity = start();
    const end = await send(activity.pushToken!, {
      timestamp: seconds(),
      event: 'end',
      'content-state': { status: 'delivered', eta: 0 },
      'dismissal-date': seconds() + 600,
    });
    expect(fateOf(end.apnsId).ruleIds).toEqual(['apns.liveactivity.budget.counted', 'apns.liveactivity.end.applied']);
    expect(sim.simulation.liveActivities.get(activity.id)).toMatchObject({
      state: 'ended',
      contentState: { status: 'delivered', eta: 0 },
    });
    const late = await send(activity.pushToken!, update({ status: 'again', eta: 1 }, { timestamp: seconds() + 5 }));
    expect(late.status).toBe(200);
    expect(fateOf(late.apnsId).ruleIds).toContain('apns.liveactivity.activity.ended');
    await sim.advance('10m');
    expect(sim.simulation.liveActivities.get(activity.id)!.state).toBe('dismissed');
    const gone = await send(activity.pushToken!, update({ status: 'x', eta: 1 }, { timestamp: seconds() + 10 }));
    expect({ status: gone.status, reason: gone.json?.reason }).toEqual({ status: 410, reason: 'Unregistered' });
    expect(gone.json?.timestamp).toBe(sim.clock.now());
    expect(fateOf(gone.apnsId).ruleIds).toEqual(['apns.liveactivity.wire.dismissed']);
  });

  test('a dismissal-date in the past removes the activity at once', async () => {
    const activity = start();
    await send(activity.pushToken!, { timestamp: seconds(), event: 'end', 'dismissal-date': seconds() - 1 });
    expect(sim.simulation.liveActivities.get(activity.id)!.state).toBe('dismissed');
  });
});

describe('the activity on the clock', () => {
  test('turns stale at its stale date, and an update with a later stale-date makes it active again', async () => {
    const activity = start(app, { staleDate: sim.clock.now() + 60_000 });
    await sim.advance('1m');
    expect(activity.state).toBe('stale');
    expect(activity.history.at(-1)!.ruleId).toBe('apns.liveactivity.stale-date.passed');
    const answer = await send(
      activity.pushToken!,
      update({ status: 'fresh', eta: 5 }, { 'stale-date': seconds() + 120, 'relevance-score': 75 }),
    );
    expect(fateOf(answer.apnsId).name).toBe('displayed');
    expect(activity).toMatchObject({ state: 'active', relevanceScore: 75 });
    await sim.advance('2m');
    expect(activity.state).toBe('stale');
  });

  test('the system ends an activity after 8 hours and removes it 4 hours later', async () => {
    const activity = start();
    await sim.advance(8 * HOUR - 1000);
    expect(activity.state).toBe('active');
    await sim.advance('1s');
    expect(activity.state).toBe('ended');
    expect(activity.history.at(-1)!.ruleId).toBe('apns.liveactivity.eight-hours');
    await sim.advance(4 * HOUR);
    expect(activity.state).toBe('dismissed');
    expect(activity.history.at(-1)!.ruleId).toBe('apns.liveactivity.dismissed');
  });
});

describe('the priority-10 budget', () => {
  test('priority 10 beyond the budget is throttled; priority 5 is not counted and still shows', async () => {
    const activity = start();
    for (let i = 1; i <= 2; i++) {
      const ok = await send(activity.pushToken!, update({ status: `p10 ${i}`, eta: i }, { timestamp: 100 + i }));
      expect(fateOf(ok.apnsId).name).toBe('displayed');
    }
    const over = await send(activity.pushToken!, update({ status: 'p10 3', eta: 3 }, { timestamp: 103 }));
    expect(over.status).toBe(200);
    expect(fateOf(over.apnsId)).toEqual({ name: 'throttled', ruleIds: ['apns.liveactivity.budget.exceeded'] });
    const low = await send(activity.pushToken!, update({ status: 'p5', eta: 4 }, { timestamp: 104 }), {
      'apns-priority': '5',
    });
    expect(fateOf(low.apnsId)).toEqual({
      name: 'displayed',
      ruleIds: ['apns.liveactivity.budget.not-counted', 'apns.liveactivity.update.applied'],
    });
    await sim.advance('1h');
    const again = await send(activity.pushToken!, update({ status: 'p10 4', eta: 5 }, { timestamp: 105 }));
    expect(fateOf(again.apnsId).name).toBe('displayed');
  });

  test('NSSupportsLiveActivitiesFrequentUpdates raises the budget', async () => {
    const frequent = install(true);
    const activity = start(frequent);
    const fates: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const answer = await send(activity.pushToken!, update({ status: `${i}`, eta: i }, { timestamp: 200 + i }));
      fates.push(fateOf(answer.apnsId).name!);
    }
    expect(fates).toEqual(['displayed', 'displayed', 'displayed', 'displayed', 'throttled']);
  });
});

describe('push-to-start', () => {
  const startAps = (extra: Record<string, unknown> = {}) => ({
    timestamp: seconds(),
    event: 'start',
    'attributes-type': 'DeliveryAttributes',
    attributes: { orderId: 'B-7' },
    'content-state': { status: 'ordered', eta: 30 },
    alert: { title: 'Order placed', body: 'We are on it', sound: 'default' },
    'input-push-token': 1,
    ...extra,
  });
  const startToken = () => sim.simulation.liveActivities.pushToStartTokens(app.id).DeliveryAttributes!;

  test('a start push to the push-to-start token starts an activity with a token of its own, app not running', async () => {
    sim.simulation.lifecycle.goTo(app.id, 'notRunning');
    const answer = await send(startToken(), startAps());
    expect(answer.status).toBe(200);
    expect(fateOf(answer.apnsId)).toEqual({ name: 'displayed', ruleIds: ['apns.liveactivity.start.started'] });
    expect(sim.ledger.get(answer.apnsId)!.notes.map((n) => n.note)).toEqual([
      'Live Activity alert shown (Order placed: We are on it), sound default',
    ]);
    const [activity] = sim.simulation.liveActivities.list({ appId: app.id });
    expect(activity).toMatchObject({
      startedBy: 'push-to-start',
      attributes: { orderId: 'B-7' },
      contentState: { status: 'ordered', eta: 30 },
      state: 'active',
    });
    expect(activity!.pushToken).toMatch(/^[0-9a-f]{64}$/);
    const next = await send(activity!.pushToken!, update({ status: 'cooking', eta: 25 }, { timestamp: seconds() + 1 }));
    expect(fateOf(next.apnsId).name).toBe('displayed');
  });

  test('a start push with input-push-channel subscribes the new activity to the channel', async () => {
    await send(startToken(), startAps({ 'input-push-channel': 'dGVzdC1jaGFubmVs' }));
    const [activity] = sim.simulation.liveActivities.list({ appId: app.id });
    expect(sim.simulation.liveActivities.subscribers(BUNDLE, 'dGVzdC1jaGFubmVs')).toEqual([activity]);
    expect(activity!.pushToken).toBeUndefined();
  });

  test.each([
    ['apns.liveactivity.start.not-start-event', { event: 'update' }],
    ['apns.liveactivity.start.unknown-attributes-type', { 'attributes-type': 'PizzaAttributes' }],
    ['apns.liveactivity.start.undecodable', { attributes: { orderId: 7 } }],
    ['apns.liveactivity.start.undecodable', { 'content-state': { status: 'ordered' } }],
    ['apns.liveactivity.timestamp.missing', { timestamp: undefined }],
  ])('%s: no activity starts', async (rule, extra) => {
    const answer = await send(startToken(), startAps(extra));
    expect(answer.status).toBe(200);
    expect(fateOf(answer.apnsId)).toEqual({ name: 'dropped', ruleIds: [rule] });
    expect(sim.simulation.liveActivities.list({ appId: app.id })).toEqual([]);
  });
});

describe("APNs's answers", () => {
  test('a liveactivity push with the bare bundle id as topic, or the liveactivity topic with push type alert: 400 BadTopic', async () => {
    const activity = start();
    const bare = await send(activity.pushToken!, update({ status: 'a', eta: 1 }), { 'apns-topic': BUNDLE });
    expect({ status: bare.status, reason: bare.json?.reason }).toEqual({ status: 400, reason: 'BadTopic' });
    expect(fateOf(bare.apnsId).ruleIds).toEqual(['apns.liveactivity.wire.topic']);
    const alert = await send(activity.pushToken!, update({ status: 'a', eta: 1 }), { 'apns-push-type': 'alert' });
    expect(alert.json?.reason).toBe('BadTopic');
    expect(fateOf(alert.apnsId).ruleIds).toEqual(['apns.liveactivity.wire.topic']);
  });

  test("an activity's token sent as an alert push: 400 DeviceTokenNotForTopic", async () => {
    const activity = start();
    const answer = await send(activity.pushToken!, update({ status: 'a', eta: 1 }), {
      'apns-push-type': 'alert',
      'apns-topic': BUNDLE,
    });
    expect({ status: answer.status, reason: answer.json?.reason }).toEqual({
      status: 400,
      reason: 'DeviceTokenNotForTopic',
    });
    expect(fateOf(answer.apnsId).ruleIds).toEqual(['apns.liveactivity.wire.token-not-for-topic']);
  });

  test("the app's device token sent as liveactivity, or an activity of another app: 400 DeviceTokenNotForTopic", async () => {
    const device = await send(app.tokens!.apns!, update({ status: 'a', eta: 1 }));
    expect(device.json?.reason).toBe('DeviceTokenNotForTopic');
    expect(fateOf(device.apnsId).ruleIds).toEqual(['apns.liveactivity.wire.token-not-for-topic']);
    const other = install(false, 'com.example.other');
    const theirs = start(other);
    const answer = await send(theirs.pushToken!, update({ status: 'a', eta: 1 }));
    expect(answer.json?.reason).toBe('DeviceTokenNotForTopic');
  });

  test('a token no activity has: 400 BadDeviceToken; the production endpoint for a sandbox activity too', async () => {
    const answer = await send('ab'.repeat(32), update({ status: 'a', eta: 1 }));
    expect({ status: answer.status, reason: answer.json?.reason }).toEqual({ status: 400, reason: 'BadDeviceToken' });
    expect(fateOf(answer.apnsId).ruleIds).toEqual(['apns.liveactivity.wire.unknown-token']);
    const activity = start();
    bearer = `bearer ${providerToken(key, sim.clock.now())}`;
    const session = await connectApns(sim.urls.apnsProduction, sim.caPem);
    try {
      const production = await request(
        session,
        {
          ':path': `/3/device/${activity.pushToken}`,
          authorization: bearer,
          'apns-topic': TOPIC,
          'apns-push-type': 'liveactivity',
        },
        JSON.stringify({ aps: update({ status: 'a', eta: 1 }) }),
      );
      expect(production.json?.reason).toBe('BadDeviceToken');
    } finally {
      session.close();
    }
  });
});
