// FCM over the wire: Google's 401 and 400 shapes for bad credentials and malformed input (the server stays up), and
// Android's delivery table (docs/reference/fcm.md#which-callback-runs) on a virtual clock, read from the app's code
// through the client shim.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { AppProcess } from '../../client-shim/index.js';
import { post, accessToken } from '../support/fcm-wire.js';

let sim: SimulatorHandle;
let bearer: Record<string, string>;
let sendUrl: string;

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  const account = (await (
    await fetch(`${sim.urls.api}/fcm/service-accounts`, { method: 'POST', body: '{}' })
  ).json()) as { client_email: string; private_key: string; private_key_id: string };
  bearer = { authorization: `Bearer ${await accessToken(sim.urls.fcm, sim.caPem, account)}` };
  sendUrl = `${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

function phone(state = 'foreground'): InstalledApp {
  const device = sim.simulation.createDevice({ platform: 'android' });
  return sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.shop',
    sdkProfile: 'native-android',
    state,
  });
}
const send = (message: object) => post(sendUrl, sim.caPem, JSON.stringify({ message }), bearer);

describe('auth', () => {
  test("no token and a bad token get Google's 401", async () => {
    const none = await post(sendUrl, sim.caPem, '{}');
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
      message: expect.stringMatching(/missing required authentication credential/),
    });
    const bad = await post(sendUrl, sim.caPem, '{}', { authorization: 'Bearer ya29.nope' });
    expect(bad.json.error).toMatchObject({
      status: 'UNAUTHENTICATED',
      message: expect.stringMatching(/invalid authentication credentials/),
    });
  });

  test('a token for another project is refused with PERMISSION_DENIED', async () => {
    const answer = await post(`${sim.urls.fcm}/v1/projects/someone-else/messages:send`, sim.caPem, '{}', bearer);
    expect(answer.status).toBe(403);
    expect(answer.json.error.status).toBe('PERMISSION_DENIED');
  });
});

describe("malformed input gets Google's 400 shape naming the problem, and the server stays up", () => {
  test.each([
    ['truncated JSON', Buffer.from('{"message": {"token": "abc'), /Invalid JSON payload received/],
    ['bad UTF-8', Buffer.from([0x7b, 0x22, 0x6d, 0xff, 0x22, 0x3a, 0x31, 0x7d]), /not valid UTF-8/],
    [
      'deep nesting',
      Buffer.from(`{"message":{"token":"x","apns":{"payload":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}}}`),
      /deeper than 32 levels/,
    ],
    [
      'an unknown field',
      Buffer.from('{"message":{"token":"abcdefghijklmnopqrstu","colour":"red"}}'),
      /Unknown name "colour" at 'message'/,
    ],
    [
      'a non-string data value',
      Buffer.from('{"message":{"token":"abcdefghijklmnopqrstu","data":{"n":1}}}'),
      /Invalid value at 'message.data\[0\].value' \(TYPE_STRING\), 1/,
    ],
    [
      'a bad TTL',
      Buffer.from('{"message":{"token":"abcdefghijklmnopqrstu","android":{"ttl":"ten minutes"}}}'),
      /message.android.ttl/,
    ],
    [
      'two targets',
      Buffer.from('{"message":{"token":"abcdefghijklmnopqrstu","topic":"news"}}'),
      /Exactly one of token, topic, condition or fid/,
    ],
    ['a bad topic name', Buffer.from('{"message":{"topic":"news and weather"}}'), /Invalid topic name/],
  ])('%s', async (_what, body, message) => {
    const answer = await post(sendUrl, sim.caPem, body, bearer);
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: expect.stringMatching(message),
    });
    expect(answer.json.error.details[0]).toEqual({
      '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
      errorCode: 'INVALID_ARGUMENT',
    });
    const ok = phone();
    expect((await send({ token: ok.tokens!.fcm, data: { still: 'up' } })).status).toBe(200);
  });

  test('a 1 MB body is refused and a wrong content type is named', async () => {
    const big = await post(sendUrl, sim.caPem, Buffer.alloc(1024 * 1024 + 10, 0x20), bearer);
    expect(big.status).toBe(413);
    const wrongType = await post(sendUrl, sim.caPem, 'message=hello', { ...bearer, 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error.message).toMatch(/content type "text\/plain"/);
  });

  test('a reserved data key is refused with a field violation naming it', async () => {
    const answer = await send({ token: phone().tokens!.fcm, data: { 'google.sent_time': '1' } });
    expect(answer.json.error.details[1]).toEqual({
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: [{ field: 'message.data', description: 'Invalid data payload key: google.sent_time' }],
    });
  });
});

describe('Android delivery table (docs/reference/fcm.md#which-callback-runs), through the wire and the shim', () => {
  async function androidApp(state: 'foreground' | 'background' | 'killed' | 'forceStopped') {
    const calls: string[] = [];
    const app = await AppProcess.start({
      simulator: sim.urls.control,
      device: { platform: 'android' },
      app: { bundleId: 'com.example.shop', sdkProfile: 'native-android' },
      main: ({ android, AppRegistry }) => {
        android.setMessagingService({
          onMessageReceived: (m) =>
            calls.push(`onMessageReceived ${JSON.stringify(m.data ?? {})}${m.notification ? ' +notification' : ''}`),
        });
        AppRegistry.registerComponent('Shop', () => () => null);
      },
    });
    const token = sim.registry.register(app.appId).fcm!;
    await app.launch();
    if (state === 'background') await app.moveToBackground();
    if (state === 'killed') await app.kill();
    if (state === 'forceStopped') await app.forceStop();
    return { app, token, calls };
  }

  const table = [
    ['foreground', 'notification', 'delivered', false, ['onMessageReceived {} +notification']],
    ['foreground', 'data', 'delivered', false, ['onMessageReceived {"k":"v"}']],
    ['foreground', 'notification+data', 'delivered', false, ['onMessageReceived {"k":"v"} +notification']],
    ['background', 'notification', 'displayed', true, []],
    ['background', 'data', 'delivered', false, ['onMessageReceived {"k":"v"}']],
    ['background', 'notification+data', 'displayed', true, []],
    ['killed', 'data', 'delivered', false, ['onMessageReceived {"k":"v"}']],
    ['killed', 'notification', 'displayed', true, []],
    ['forceStopped', 'notification', 'dropped', false, []],
    ['forceStopped', 'data', 'dropped', false, []],
  ] as const;

  test.each(table)('%s app, %s message → %s', async (state, kind, fate, displayed, calls) => {
    const { app, token, calls: seen } = await androidApp(state);
    const message: Record<string, unknown> = { token, android: { priority: 'high' } };
    if (kind.includes('notification')) message.notification = { title: 'Hi' };
    if (kind.includes('data')) message.data = { k: 'v' };
    const answer = await send(message);
    expect(answer.status).toBe(200);
    await app.idle();
    const entry = sim.ledger.list({ appId: app.appId }).at(-1)!;
    expect(entry.fate.name).toBe(fate);
    expect(entry.fate.displayed ?? false).toBe(displayed);
    expect(seen).toEqual(calls);
    await app.close();
  });

  test('a locked screen counts as background', async () => {
    const { app, token, calls } = await androidApp('foreground');
    sim.registry.setConditions(app.deviceId, { screenLocked: true });
    await send({ token, notification: { title: 'Hi' } });
    await app.idle();
    expect(calls).toEqual([]);
    expect(sim.ledger.list({ appId: app.appId }).at(-1)!.fate).toMatchObject({ name: 'displayed', displayed: true });
    await app.close();
  });

  test('Doze defers normal priority until it ends, high priority goes through, and ttl 0 cannot wait', async () => {
    const target = phone('background');
    sim.registry.setConditions(target.deviceId, { doze: true });
    await send({ token: target.tokens!.fcm, data: { p: 'normal' }, android: { priority: 'normal' } });
    await send({ token: target.tokens!.fcm, data: { p: 'high' }, android: { priority: 'HIGH' } });
    await send({ token: target.tokens!.fcm, data: { p: 'now-or-never' }, android: { priority: 'normal', ttl: '0s' } });
    const [normal, high, ttl0] = sim.ledger.list({ appId: target.id });
    expect(normal!.fate.name).toBe('deferred');
    expect(high!.fate.name).toBe('delivered');
    expect(ttl0!.fate).toMatchObject({ name: 'expired', reason: expect.stringMatching(/ttl 0/) });
    sim.registry.setConditions(target.deviceId, { doze: false });
    expect(sim.ledger.get(normal!.id)!.fate.name).toBe('delivered');
  });

  test('POST_NOTIFICATIONS denied drops the tray notification but not data', async () => {
    const target = phone('background');
    sim.registry.setConditions(target.deviceId, { notificationPermission: 'denied' });
    await send({ token: target.tokens!.fcm, notification: { title: 'x' } });
    await send({ token: target.tokens!.fcm, data: { still: 'arrives' } });
    const [notification, data] = sim.ledger.list({ appId: target.id });
    expect(notification!.fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/POST_NOTIFICATIONS/) });
    expect(data!.fate.name).toBe('delivered');
  });

  test('offline: collapse keys keep the newest per key, and a TTL expires what waits too long', async () => {
    const target = phone('foreground');
    sim.registry.setConditions(target.deviceId, { online: false });
    await send({ token: target.tokens!.fcm, data: { v: '1' }, android: { collapseKey: 'score' } });
    await send({ token: target.tokens!.fcm, data: { v: '2' }, android: { collapseKey: 'score' } });
    await send({ token: target.tokens!.fcm, data: { v: 'short' }, android: { ttl: '30s' } });
    const [first, second, short] = sim.ledger.list({ appId: target.id });
    expect(first!.fate.name).toBe('collapsed');
    await sim.advance('31s');
    expect(sim.ledger.get(short!.id)!.fate.name).toBe('expired');
    sim.registry.setConditions(target.deviceId, { online: true });
    expect(sim.ledger.get(second!.id)!.fate.name).toBe('delivered');
  });

  test('an app in the rare standby bucket gets 5 high-priority messages a day, then normal priority', async () => {
    const target = phone('background');
    sim.registry.setConditions(target.deviceId, { standbyBucket: 'rare', doze: true });
    for (let i = 0; i < 6; i++)
      await send({ token: target.tokens!.fcm, data: { i: String(i) }, android: { priority: 'high' } });
    const fates = sim.ledger.list({ appId: target.id }).map((e) => e.fate.name);
    expect(fates).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'deferred']);
  });
});
