// POST /api/pushes/{id}/resend for a Push Kit message sent through the real HMS wire (HTTPS on loopback): answered in
// Huawei's `{ code, msg, requestId }` shape (docs/reference/hms.md#answers-and-result-codes), 80300007 once the app is
// gone.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { post } from '../support/fcm-wire.js';

let sim: SimulatorHandle;
let phone: InstalledApp;

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  const device = sim.simulation.createDevice({
    platform: 'android',
    manufacturer: 'huawei',
    conditions: { hasGoogleServices: false },
  });
  phone = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.chat',
    sdkProfile: 'native-android',
    state: 'foreground',
  });
});

async function sendHms(token: string): Promise<string> {
  const app = (await (
    await fetch(`${sim.urls.api}/hms/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
  ).json()) as { appId: string; clientSecret: string };
  const grant = await post(
    `${sim.urls.hms}/oauth2/v3/token`,
    sim.caPem,
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: app.clientSecret,
    }).toString(),
    { 'content-type': 'application/x-www-form-urlencoded' },
  );
  const sent = await post(
    `${sim.urls.hms}/v1/${app.appId}/messages:send`,
    sim.caPem,
    JSON.stringify({ validate_only: false, message: { data: '{"text":"hi"}', token: [token] } }),
    { authorization: `Bearer ${grant.json.access_token}` },
  );
  expect(sent.json.code).toBe('80000000');
  return sent.json.requestId as string;
}

async function resend(id: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.api}/pushes/${encodeURIComponent(id)}/resend`, { method: 'POST' });
  return { status: res.status, body: await res.json() };
}

test('a resent HMS data message answers 80000000 Success with a new request id and gets a fate of its own', async () => {
  const first = await sendHms(phone.tokens!.hms!);
  expect(sim.ledger.get(first)).toBeDefined();
  await sim.advance('1s');
  const { status, body } = await resend(first);
  expect(status).toBe(200);
  expect(body).toMatchObject({ resentFrom: first, status: 200 });
  expect(body.pushId).toMatch(/^\d+$/);
  expect(body.pushId).not.toBe(first);
  expect(body.answer).toEqual({ code: '80000000', msg: 'Success', requestId: body.pushId });
  const again = sim.ledger.get(body.pushId)!;
  expect(again).toMatchObject({ provider: 'hms', appId: phone.id });
  expect(again.push.payload).toEqual(sim.ledger.get(first)!.push.payload);
  expect(again.fate.name).not.toBe('rejected');
});

test('a resend once the app is uninstalled answers 80300007 All the tokens are invalid, no new push', async () => {
  const first = await sendHms(phone.tokens!.hms!);
  sim.simulation.uninstallApp(phone.id);
  const before = sim.ledger.size;
  const { body } = await resend(first);
  expect(body.status).toBe(404);
  expect(body.answer).toMatchObject({ code: '80300007', msg: 'All the tokens are invalid' });
  expect(body.answer.requestId).toMatch(/^\d+$/);
  expect(body.pushId).toBeUndefined();
  expect(sim.ledger.size).toBe(before);
});
