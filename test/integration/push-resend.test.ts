// POST /api/pushes/{id}/resend: a push sent through the real APNs (HTTP/2) and FCM wires, sent again from the ledger,
// answers as the service does and gets a fate of its own; unknown and refused pushes get catalogue errors.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { ClientHttp2Session } from 'node:http2';
import { startSimulator, type InstalledApp, type SimulatorHandle } from '../../simulator/index.js';
import { connectApns, providerToken, request } from '../support/apns-wire.js';
import { accessToken, post } from '../support/fcm-wire.js';
import { ResendSchema } from '../../simulator/model/index.js';

let sim: SimulatorHandle;
let session: ClientHttp2Session;
let apnsBearer: string;
let fcmBearer: Record<string, string>;

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  const key = sim.apns!.keyring.mint();
  apnsBearer = `bearer ${providerToken(key, sim.clock.now())}`;
  session = await connectApns(sim.urls.apns, sim.caPem);
  const account = (await (
    await fetch(`${sim.urls.api}/fcm/service-accounts`, { method: 'POST', body: '{}' })
  ).json()) as { client_email: string; private_key: string; private_key_id: string };
  fcmBearer = { authorization: `Bearer ${await accessToken(sim.urls.fcm, sim.caPem, account)}` };
});
afterAll(async () => {
  session.close();
  await sim.close();
});
beforeEach(() => sim.reset());

function install(platform: 'ios' | 'android', state: string): InstalledApp {
  const device = sim.simulation.createDevice({ platform });
  return sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.resend',
    sdkProfile: platform === 'ios' ? 'native-ios' : 'native-android',
    state,
  });
}

async function resend(id: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.api}/pushes/${encodeURIComponent(id)}/resend`, { method: 'POST' });
  return { status: res.status, body: await res.json() };
}

async function sendApns(app: InstalledApp): Promise<string> {
  const answer = await request(
    session,
    {
      ':path': `/3/device/${app.tokens!.apns}`,
      authorization: apnsBearer,
      'apns-topic': 'com.example.resend',
      'apns-push-type': 'background',
      'apns-priority': '5',
      'apns-expiration': String(Math.floor(sim.clock.now() / 1000) + 3600),
    },
    JSON.stringify({ aps: { 'content-available': 1 }, sync: 'inbox' }),
  );
  expect(answer.status).toBe(200);
  return answer.headers['apns-id'] as string;
}

test('resends an APNs background push: a new apns-id, the same payload and headers, its own fate', async () => {
  const app = install('ios', 'suspended');
  const first = await sendApns(app);
  await sim.advance('1m');
  const { status, body } = await resend(first);
  expect(status).toBe(200);
  ResendSchema.parse(body);
  expect(body.resentFrom).toBe(first);
  expect(body.status).toBe(200);
  expect(body.pushId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
  expect(body.pushId).not.toBe(first);
  expect(body.answer).toEqual({ 'apns-id': body.pushId });
  const original = sim.ledger.get(first)!;
  const again = sim.ledger.get(body.pushId)!;
  expect(again.provider).toBe('apns');
  expect(again.push.payload).toEqual(original.push.payload);
  expect(again.push.headers?.['apns-push-type']).toBe('background');
  expect(again.push.headers?.['apns-topic']).toBe('com.example.resend');
  // The hour to live counts from the resend.
  expect(again.push.expiresAt! - again.push.acceptedAt).toBe(original.push.expiresAt! - original.push.acceptedAt);
  expect(again.push.acceptedAt).toBe(original.push.acceptedAt + 60_000);
  expect(again.fate.name).toBe('delivered');
  expect(again.push.notes).toContain(`resent from push ${first}`);
});

test('resends an FCM data message through the router to the same app, answered with a message name', async () => {
  const app = install('android', 'foreground');
  const sent = await post(
    `${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`,
    sim.caPem,
    JSON.stringify({ message: { token: app.tokens!.fcm, data: { order: '42' }, android: { priority: 'high' } } }),
    fcmBearer,
  );
  expect(sent.status).toBe(200);
  const first = (sent.json.name as string).split('/messages/')[1]!;
  const { status, body } = await resend(first);
  expect(status).toBe(200);
  expect(body.status).toBe(200);
  expect(body.answer.name).toMatch(/^projects\/.+\/messages\/0:\d+/);
  expect(body.answer.name.endsWith(body.pushId)).toBe(true);
  const again = sim.ledger.get(body.pushId)!;
  expect(again.appId).toBe(app.id);
  expect(again.push.payload).toEqual({ data: { order: '42' } });
  expect(again.fate).toMatchObject({ name: 'delivered', callback: 'FirebaseMessagingService.onMessageReceived' });
});

test('a resend to an app uninstalled since answers as APNs does: 410 Unregistered, no new push', async () => {
  const app = install('ios', 'suspended');
  const first = await sendApns(app);
  sim.simulation.uninstallApp(app.id);
  const before = sim.ledger.size;
  const { status, body } = await resend(first);
  expect(status).toBe(200);
  expect(body).toMatchObject({ resentFrom: first, status: 410, answer: { reason: 'Unregistered' } });
  expect(body.pushId).toBeUndefined();
  expect(sim.ledger.size).toBe(before);
});

test('an unknown push is 404 PUSH_NOT_FOUND and a refused one 409 PUSH_NOT_RESENDABLE, naming the id', async () => {
  const missing = await resend('no-such-push');
  expect(missing.status).toBe(404);
  expect(missing.body.error).toMatchObject({ code: 'PUSH_NOT_FOUND', field: 'id' });
  const app = install('ios', 'suspended');
  const refused = await request(
    session,
    { ':path': `/3/device/${app.tokens!.apns}`, authorization: apnsBearer, 'apns-topic': 'com.example.other' },
    JSON.stringify({ aps: { alert: 'hi' } }),
  );
  expect(refused.status).toBe(400);
  const id = sim.ledger.list().find((e) => e.fate.name === 'rejected')!.id;
  const conflict = await resend(id);
  expect(conflict.status).toBe(409);
  expect(conflict.body.error).toMatchObject({ code: 'PUSH_NOT_RESENDABLE', field: 'id' });
  expect(conflict.body.error.message).toMatch(/DeviceTokenNotForTopic/);
});
