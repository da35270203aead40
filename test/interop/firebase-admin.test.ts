// Interop: the published firebase-admin, with no code change, against pushsim's FCM endpoint through the redirect —
// OAuth with a service account pushsim generated, send over HTTP/1.1, sendEach and multicast over HTTP/2,
// validate-only, topics and conditions, and every messaging/* error code firebase-admin maps, through the wire.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { initializeApp, cert, deleteApp, type App } from 'firebase-admin/app';
import { getMessaging, type Messaging } from 'firebase-admin/messaging';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { installRedirect, targetsFromEndpoints } from '../../simulator/redirect/index.js';

let sim: SimulatorHandle;
let restore: () => void;
let app: App;
let messaging: Messaging;
let phone: InstalledApp;

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    fcm: { projects: [{ id: 'shop-project' }, { id: 'other-project' }], perDevicePerMinute: 240 },
  });
  restore = installRedirect({ targets: targetsFromEndpoints(sim.endpoints), ca: sim.caPem });
  const serviceAccount = (await (
    await fetch(`${sim.urls.api}/fcm/service-accounts`, {
      method: 'POST',
      body: JSON.stringify({ projectId: 'shop-project' }),
    })
  ).json()) as Record<string, string>;
  app = initializeApp(
    { credential: cert(serviceAccount as never), projectId: 'shop-project' },
    `pushsim-${Date.now()}`,
  );
  messaging = getMessaging(app);
});
afterAll(async () => {
  await deleteApp(app);
  restore();
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  const device = sim.simulation.createDevice({ platform: 'android' });
  phone = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.shop',
    sdkProfile: 'native-android',
    state: 'foreground',
    fcmProject: 'shop-project',
  });
});

const token = () => phone.tokens!.fcm!;

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('sending', () => {
  test('send (HTTP/1.1) answers the message name, and the push reaches onMessageReceived', async () => {
    const name = await messaging.send({ token: token(), data: { orderId: '7' }, android: { priority: 'high' } });
    expect(name).toMatch(/^projects\/shop-project\/messages\/0:\d+/);
    const entry = sim.ledger.list({ appId: phone.id }).at(-1)!;
    expect(entry.provider).toBe('fcm');
    expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'FirebaseMessagingService.onMessageReceived' });
    expect(entry.push).toMatchObject({ kind: 'data', priority: 'high', payload: { data: { orderId: '7' } } });
  });

  test('sendEach and sendEachForMulticast (HTTP/2) report each message', async () => {
    const each = await messaging.sendEach([
      { token: token(), data: { n: '1' } },
      { token: token(), notification: { title: 'Hi' } },
    ]);
    expect(each.successCount).toBe(2);
    const multicast = await messaging.sendEachForMulticast({
      tokens: [token(), 'not-a-valid-token!!'],
      data: { n: '2' },
    });
    expect(multicast.successCount).toBe(1);
    expect(multicast.responses[1]!.error!.code).toBe('messaging/invalid-argument');
  });

  test('send(message, true) validates without delivering', async () => {
    const before = sim.ledger.size;
    expect(await messaging.send({ token: token(), data: { dry: 'run' } }, true)).toBe(
      'projects/shop-project/messages/fake_message_id',
    );
    expect(sim.ledger.size).toBe(before);
  });

  test('android ttl, collapse key and notification fields arrive on the Push', async () => {
    await messaging.send({
      token: token(),
      notification: { title: 'Sale', body: '50%' },
      android: { ttl: 3_500, collapseKey: 'sale', notification: { channelId: 'promos', color: '#ff0000' } },
    });
    const push = sim.ledger.list({ appId: phone.id }).at(-1)!.push;
    expect(push).toMatchObject({ kind: 'notification', collapseId: 'sale', expiresAt: sim.clock.now() + 3_000 });
    expect(push.payload.notification).toMatchObject({ title: 'Sale', body: '50%', channelId: 'promos' });
  });
});

describe('topics and conditions', () => {
  test('subscribeToTopic, a topic send and a condition send fan out to the subscribers', async () => {
    const device = sim.simulation.createDevice({ platform: 'android' });
    const other = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.shop',
      sdkProfile: 'native-android',
      state: 'foreground',
      fcmProject: 'shop-project',
    });
    const subscribed = await messaging.subscribeToTopic([token(), other.tokens!.fcm!], 'sales');
    expect(subscribed).toMatchObject({ successCount: 2, failureCount: 0 });
    await messaging.subscribeToTopic(token(), 'shoes');
    await messaging.send({ topic: 'sales', data: { t: 'topic' } });
    expect(
      sim.ledger
        .list({ fate: 'delivered' })
        .map((e) => e.appId)
        .sort(),
    ).toEqual([phone.id, other.id].sort());
    sim.ledger.clear();
    await messaging.send({ condition: "'sales' in topics && !('shoes' in topics)", data: { t: 'condition' } });
    expect(sim.ledger.list({ fate: 'delivered' }).map((e) => e.appId)).toEqual([other.id]);
    const unsubscribed = await messaging.unsubscribeFromTopic(token(), 'sales');
    expect(unsubscribed.successCount).toBe(1);
  });
});

describe('every messaging/* error code firebase-admin maps, through the wire', () => {
  test('messaging/invalid-argument for a bad TTL, a reserved data key, a too-big payload and a bad topic condition', async () => {
    expect(await errorCode(messaging.send({ token: token(), data: { from: 'me' } }))).toBe(
      'messaging/invalid-argument',
    );
    expect(await errorCode(messaging.send({ token: token(), data: { big: 'x'.repeat(5000) } }))).toBe(
      'messaging/invalid-argument',
    );
    expect(await errorCode(messaging.send({ topic: 'news', data: { big: 'x'.repeat(2100) } }))).toBe(
      'messaging/invalid-argument',
    );
    expect(
      await errorCode(
        messaging.send({
          condition:
            "'a' in topics && 'b' in topics && 'c' in topics && 'd' in topics && 'e' in topics && 'f' in topics",
        }),
      ),
    ).toBe('messaging/invalid-argument');
  });

  test('messaging/registration-token-not-registered after uninstall', async () => {
    const t = token();
    sim.simulation.uninstallApp(phone.id);
    expect(await errorCode(messaging.send({ token: t, data: { a: 'b' } }))).toBe(
      'messaging/registration-token-not-registered',
    );
  });

  test('messaging/installation-id-not-registered for an unknown fid', async () => {
    expect(await errorCode(messaging.send({ fid: 'fid-unknown-0000000000', data: { a: 'b' } } as never))).toBe(
      'messaging/installation-id-not-registered',
    );
  });

  test('messaging/mismatched-credential for a token of another sender', async () => {
    const device = sim.simulation.createDevice({ platform: 'android' });
    const foreign = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.other',
      sdkProfile: 'native-android',
      fcmProject: 'other-project',
    });
    expect(await errorCode(messaging.send({ token: foreign.tokens!.fcm!, data: { a: 'b' } }))).toBe(
      'messaging/mismatched-credential',
    );
  });

  test('messaging/message-rate-exceeded past 240 messages a minute to one device', async () => {
    for (let i = 0; i < 240; i++) await messaging.send({ token: token(), data: { i: String(i) } });
    expect(await errorCode(messaging.send({ token: token(), data: { i: 'too many' } }))).toBe(
      'messaging/message-rate-exceeded',
    );
    await sim.advance('1m');
    expect(await errorCode(messaging.send({ token: token(), data: { i: 'later' } }))).toBe('no error');
  });

  test('messaging/third-party-auth-error for an iOS token when the project has no APNs key', async () => {
    await fetch(`${sim.urls.api}/fcm/projects`, {
      method: 'POST',
      body: JSON.stringify({ id: 'shop-project', apnsConfigured: false }),
    });
    try {
      const device = sim.simulation.createDevice({ platform: 'ios' });
      const iphone = sim.simulation.installApp({
        deviceId: device.id,
        bundleId: 'com.example.shop',
        sdkProfile: 'rn-firebase',
        fcmProject: 'shop-project',
      });
      expect(await errorCode(messaging.send({ token: iphone.tokens!.fcm!, notification: { title: 'x' } }))).toBe(
        'messaging/third-party-auth-error',
      );
    } finally {
      await fetch(`${sim.urls.api}/fcm/projects`, {
        method: 'POST',
        body: JSON.stringify({ id: 'shop-project', apnsConfigured: true }),
      });
    }
  });

  test.each([
    ['UNAVAILABLE', 'messaging/server-unavailable'],
    ['INTERNAL', 'messaging/internal-error'],
    ['UNSPECIFIED_ERROR', 'messaging/unknown-error'],
  ])('messaging fault %s surfaces as %s', async (reason, code) => {
    // firebase-admin retries 503s, so the fault keeps firing until it is cleared.
    await fetch(`${sim.urls.api}/fcm/faults`, { method: 'POST', body: JSON.stringify({ token: token(), reason }) });
    expect(await errorCode(messaging.send({ token: token(), data: { a: 'b' } }))).toBe(code);
    await fetch(`${sim.urls.api}/fcm/faults`, { method: 'DELETE' });
  });
});

test('the redirect applied to another client: an iOS token through FCM reaches the APNs rules', async () => {
  const device = sim.simulation.createDevice({ platform: 'ios' });
  const iphone = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.shop',
    sdkProfile: 'rn-firebase',
    fcmProject: 'shop-project',
    state: 'suspended',
  });
  await messaging.send({
    token: iphone.tokens!.fcm!,
    data: { sync: '1' },
    apns: {
      headers: { 'apns-priority': '5', 'apns-push-type': 'background' },
      payload: { aps: { contentAvailable: true } },
    },
  });
  const entry = sim.ledger.list({ appId: iphone.id }).at(-1)!;
  expect(entry.push).toMatchObject({ kind: 'background', priority: 'normal' });
  expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'setBackgroundMessageHandler' });
});
