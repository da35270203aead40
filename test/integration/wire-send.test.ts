// POST /api/send/apns, /api/send/apns-broadcast and /api/send/fcm: the control plane sends through pushsim's own wire
// endpoints (HTTP/2 + TLS for APNs, HTTPS for FCM, on loopback) with credentials it minted, and answers the service's
// status, headers and body unchanged; the pushes are in the ledger as APNs and FCM pushes, not `native` ones.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { WireSendAnswerSchema, type WireSendAnswerModel } from '../../simulator/model/index.js';
import { providerToken } from '../support/apns-wire.js';
import { createChannel, subscribedActivities } from '../support/broadcast-wire.js';

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const response = await fetch(`${sim.urls.api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

async function send(path: string, body: unknown): Promise<WireSendAnswerModel> {
  const { status, json } = await post(path, body);
  expect(status, JSON.stringify(json)).toBe(200);
  return WireSendAnswerSchema.parse(json);
}

function iosApp(id = 'chat', state = 'suspended') {
  const device = sim.simulation.createDevice({ platform: 'ios' });
  return sim.simulation.installApp({
    id,
    deviceId: device.id,
    bundleId: 'com.example.chat',
    sdkProfile: 'native-ios',
    state,
  });
}

function androidApp(id = 'pixel-chat') {
  const device = sim.simulation.createDevice({ platform: 'android' });
  return sim.simulation.installApp({
    id,
    deviceId: device.id,
    bundleId: 'com.example.chat',
    sdkProfile: 'native-android',
    state: 'foreground',
  });
}

const SILENT = {
  headers: { 'apns-push-type': 'background', 'apns-priority': '5' },
  payload: { aps: { 'content-available': 1 } },
};

describe('POST /api/send/apns', () => {
  test("a silent push to an app goes through the APNs wire: Apple's 200 and apns-id, an apns entry in the ledger", async () => {
    iosApp();
    const answer = await send('/send/apns', { app: 'chat', ...SILENT });
    expect(answer).toMatchObject({ service: 'apns', status: 200, body: null, url: sim.urls.apns });
    expect(answer.headers['apns-id']).toMatch(/^[0-9A-F-]{36}$/i);
    expect(answer.pushId).toBe(answer.headers['apns-id']);
    const entry = sim.ledger.get(answer.pushId!)!;
    expect(entry.provider).toBe('apns');
    expect(entry.push.headers).toMatchObject({ 'apns-topic': 'com.example.chat', 'apns-push-type': 'background' });
    expect(entry.fate.name).toBe('delivered');
    // The minted key is the control plane's own, listed like any other.
    expect(sim.apns!.keyring.list()).toHaveLength(1);
  });

  test("Apple's refusals come back as they are: BadDeviceToken, DeviceTokenNotForTopic, with no push in the ledger", async () => {
    iosApp();
    const bad = await send('/send/apns', { token: 'abc', headers: { 'apns-topic': 'com.example.chat' }, payload: {} });
    expect(bad).toMatchObject({
      status: 400,
      reason: 'BadDeviceToken',
      body: { reason: 'BadDeviceToken' },
      pushIds: [],
    });
    expect(bad.pushId).toBeUndefined();
    const topic = await send('/send/apns', { app: 'chat', ...SILENT, headers: { 'apns-topic': 'com.example.other' } });
    expect(topic).toMatchObject({ status: 400, reason: 'DeviceTokenNotForTopic' });
  });

  test('the provider token is re-signed on the simulator clock: still accepted two hours later, and after its key is removed', async () => {
    iosApp();
    expect((await send('/send/apns', { app: 'chat', ...SILENT })).status).toBe(200);
    await sim.clock.advance('2h');
    expect((await send('/send/apns', { app: 'chat', ...SILENT })).status).toBe(200);
    const [key] = sim.apns!.keyring.list();
    sim.apns!.keyring.remove(key!.keyId);
    expect((await send('/send/apns', { app: 'chat', ...SILENT })).status).toBe(200);
  });

  test('a production app is sent to the production endpoint; environment overrides it', async () => {
    const device = sim.simulation.createDevice({ platform: 'ios' });
    sim.simulation.installApp({
      id: 'prod',
      deviceId: device.id,
      bundleId: 'com.example.chat',
      sdkProfile: 'native-ios',
      environment: 'production',
    });
    expect(await send('/send/apns', { app: 'prod', ...SILENT })).toMatchObject({
      status: 200,
      url: sim.urls.apnsProduction,
    });
    expect(await send('/send/apns', { app: 'prod', ...SILENT, environment: 'sandbox' })).toMatchObject({
      status: 400,
      reason: 'BadDeviceToken',
      url: sim.urls.apns,
    });
  });

  test('bad requests get catalogue errors naming the field; a dropped stream is a 502, not a hang', async () => {
    iosApp();
    androidApp();
    expect(await post('/send/apns', { payload: {} })).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_INPUT', field: 'app' } },
    });
    expect(await post('/send/apns', { app: 'nope', payload: {} })).toMatchObject({
      status: 404,
      json: { error: { code: 'APP_NOT_FOUND' } },
    });
    expect(await post('/send/apns', { app: 'pixel-chat', payload: {} })).toMatchObject({
      status: 400,
      json: { error: { code: 'NO_APNS_TOKEN', field: 'app' } },
    });
    expect(
      await post('/send/apns', { app: 'chat', headers: { Authorization: 'bearer x' }, payload: {} }),
    ).toMatchObject({ status: 400, json: { error: { code: 'INVALID_INPUT', field: 'headers.authorization' } } });
    sim.apns!.keyring.clear();
    await post('/apns/faults', { drop: 'stream', times: 1 });
    const dropped = await post('/send/apns', { app: 'chat', ...SILENT });
    expect(dropped).toMatchObject({ status: 502, json: { error: { code: 'WIRE_SEND_FAILED' } } });
    expect((await send('/send/apns', { app: 'chat', ...SILENT })).status).toBe(200);
  });
});

describe('POST /api/send/apns to a pushsim serving APNs as h2c (--apns-h2c)', () => {
  test('the push goes over cleartext HTTP/2 and gets the same answers', async () => {
    const h2c = await startSimulator({ controlPort: 0, clock: 'virtual', apns: { h2c: true } });
    try {
      expect(h2c.urls.apns).toMatch(/^http:/);
      const device = h2c.simulation.createDevice({ platform: 'ios' });
      h2c.simulation.installApp({
        id: 'chat',
        deviceId: device.id,
        bundleId: 'com.example.chat',
        sdkProfile: 'native-ios',
      });
      const send = async (body: unknown) =>
        WireSendAnswerSchema.parse(
          await (
            await fetch(`${h2c.urls.api}/send/apns`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            })
          ).json(),
        );
      const taken = await send({ app: 'chat', ...SILENT });
      expect(taken).toMatchObject({ status: 200, url: h2c.urls.apns });
      expect(h2c.ledger.get(taken.pushId!)?.provider).toBe('apns');
      expect(await send({ token: 'abc', payload: {} })).toMatchObject({ status: 400, reason: 'BadDeviceToken' });
    } finally {
      await h2c.close();
    }
  });
});

describe('POST /api/send/apns-broadcast', () => {
  test('a broadcast through the wire reaches every activity subscribed to the channel; the pushes are listed', async () => {
    const bundleId = 'com.example.scores';
    const key = sim.apns!.keyring.mint();
    const channel = await createChannel(sim, `bearer ${providerToken(key, sim.clock.now())}`, bundleId, 0);
    const activities = [
      ...subscribedActivities(sim, bundleId, [channel]),
      ...subscribedActivities(sim, bundleId, [channel]),
    ];
    const answer = await send('/send/apns-broadcast', {
      bundleId,
      channelId: channel,
      payload: {
        aps: { timestamp: Math.floor(sim.clock.now() / 1000), event: 'update', 'content-state': { score: 2 } },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['apns-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.pushIds).toHaveLength(2);
    for (const activity of activities)
      expect(sim.simulation.liveActivities.get(activity.id)!.contentState).toEqual({ score: 2 });
    const unknown = await send('/send/apns-broadcast', { bundleId, channelId: 'bm8tc3VjaA==', payload: { aps: {} } });
    expect(unknown).toMatchObject({ status: 400, reason: 'ChannelNotRegistered' });
  });
});

describe('POST /api/send/fcm', () => {
  test("a data message to an app goes through the FCM wire: Google's 200 and name, an fcm entry in the ledger", async () => {
    androidApp();
    const answer = await send('/send/fcm', { app: 'pixel-chat', message: { data: { kind: 'sync' } } });
    expect(answer).toMatchObject({ service: 'fcm', status: 200 });
    expect(answer.body).toMatchObject({ name: expect.stringMatching(/^projects\/[^/]+\/messages\/.+/) });
    expect(answer.pushIds).toEqual([answer.pushId]);
    const entry = sim.ledger.get(answer.pushId!)!;
    expect(entry.provider).toBe('fcm');
    expect(entry.fate.name).toBe('delivered');
  });

  test("Google's errors come back as they are; an hour on, a fresh access token is asked for", async () => {
    androidApp();
    const unknown = await send('/send/fcm', { message: { token: 'not-a-registered-token', data: { a: '1' } } });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.reason).toMatch(/INVALID_ARGUMENT|UNREGISTERED/);
    expect(unknown.pushIds).toEqual([]);
    await sim.clock.advance('2h');
    expect((await send('/send/fcm', { app: 'pixel-chat', message: { data: { a: '1' } } })).status).toBe(200);
    expect(await post('/send/fcm', { app: 'chat-missing', message: {} })).toMatchObject({ status: 404 });
    iosApp();
    expect(await post('/send/fcm', { app: 'chat', message: { data: {} } })).toMatchObject({
      status: 400,
      json: { error: { code: 'NO_FCM_TOKEN', field: 'app' } },
    });
    expect(await post('/send/fcm', { message: 'no' })).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_INPUT', field: 'message' } },
    });
  });
});
