// Apple's silent-push rules on the way to the device (docs/reference/apns.md#background-pushes), through the real
// APNs wire on a virtual clock.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { ClientHttp2Session } from 'node:http2';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { connectApns, request, providerToken } from '../support/apns-wire.js';

let sim: SimulatorHandle;
let session: ClientHttp2Session;
let app: InstalledApp;
let bearer: string;
let key: { teamId: string; keyId: string; p8: string };

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    silentPushThrottle: { perWindow: 3, windowMs: 3_600_000 },
  });
  key = sim.apns!.keyring.mint();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  sim.reset();
  session?.close();
  session = await connectApns(sim.urls.apns, sim.caPem);
  bearer = `bearer ${providerToken(key, sim.clock.now())}`;
  const device = sim.simulation.createDevice({ platform: 'ios' });
  app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.sync',
    sdkProfile: 'native-ios',
    state: 'suspended',
  });
});

async function silent(extra: Record<string, string> = {}, payload: object = { aps: { 'content-available': 1 } }) {
  const answer = await request(
    session,
    {
      ':path': `/3/device/${app.tokens!.apns}`,
      authorization: bearer,
      'apns-topic': 'com.example.sync',
      'apns-push-type': 'background',
      'apns-priority': '5',
      ...extra,
    },
    JSON.stringify(payload),
  );
  expect(answer.status).toBe(200);
  return sim.ledger.get(answer.headers['apns-id'] as string)!;
}

/** The entry as the ledger holds it now: read again after a change (a store may hand out copies). */
const latest = (entry: { id: string }) => sim.ledger.get(entry.id)!;

test('a background push with priority 10 is accepted and delivered, and the ledger flags it', async () => {
  const entry = await silent({ 'apns-priority': '10' });
  expect(entry.fate.name).toBe('delivered');
  expect(entry.notes.map((n) => n.note).join('\n')).toMatch(/priority 10.*Always use priority 5/);
});

test('more than three background pushes an hour are throttled; the device holds the newest and launching delivers it', async () => {
  for (let i = 0; i < 3; i++) expect((await silent()).fate.name).toBe('delivered');
  const fourth = await silent();
  const fifth = await silent();
  expect(latest(fourth).fate).toMatchObject({ name: 'collapsed', reason: expect.stringMatching(/newest throttled/) });
  expect(latest(fifth).fate).toMatchObject({
    name: 'throttled',
    reason: expect.stringMatching(/two or three per hour/),
  });
  sim.simulation.lifecycle.send(app.id, 'launch');
  expect(latest(fifth).fate).toMatchObject({
    name: 'delivered',
    platformCallback: 'application:didReceiveRemoteNotification:fetchCompletionHandler:',
  });
  expect(latest(fifth).history.map((f) => f.name)).toEqual(['accepted', 'throttled', 'delivered']);
});

test('a force quit discards the held push', async () => {
  for (let i = 0; i < 3; i++) await silent();
  const held = await silent();
  sim.simulation.lifecycle.goTo(app.id, 'forceQuit');
  expect(latest(held).fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/discarded.*force-quit/) });
});

test('the throttle is off while a debugger is attached, and its window slides on the clock', async () => {
  sim.registry.setConditions(app.deviceId, { debuggerAttached: true });
  for (let i = 0; i < 6; i++) expect((await silent()).fate.name).toBe('delivered');
  sim.registry.setConditions(app.deviceId, { debuggerAttached: false });
  for (let i = 0; i < 3; i++) await silent();
  expect((await silent()).fate.name).toBe('throttled');
  await sim.advance('1h');
  expect((await silent()).fate.name).toBe('delivered');
});

test('offline: APNs keeps only the newest push per app and delivers it on reconnect', async () => {
  sim.registry.setConditions(app.deviceId, { online: false });
  const first = await silent();
  const second = await silent();
  expect(latest(first).fate).toMatchObject({
    name: 'collapsed',
    reason: expect.stringMatching(/only one notification per app/),
  });
  expect(second.fate.name).toBe('stored');
  sim.registry.setConditions(app.deviceId, { online: true });
  expect(latest(second).fate.name).toBe('delivered');
});

test('offline: apns-expiration 0 means one attempt, and a stored push expires at its apns-expiration', async () => {
  sim.registry.setConditions(app.deviceId, { online: false });
  expect((await silent({ 'apns-expiration': '0' })).fate).toMatchObject({
    name: 'expired',
    reason: expect.stringMatching(/one delivery attempt/),
  });
  const expiresAt = Math.floor(sim.clock.now() / 1000) + 60;
  const stored = await silent({ 'apns-expiration': String(expiresAt) });
  expect(stored.fate.name).toBe('stored');
  await sim.advance('61s');
  expect(latest(stored).fate).toMatchObject({
    name: 'expired',
    reason: expect.stringMatching(/expiry passed while it was held/),
  });
});

test('Low Power Mode keeps a background push from waking the app', async () => {
  sim.registry.setConditions(app.deviceId, { lowPowerMode: true });
  expect((await silent()).fate).toMatchObject({
    name: 'dropped',
    reason: expect.stringMatching(/Background App Refresh is off/),
  });
});

test('a force-quit app gets nothing', async () => {
  sim.simulation.lifecycle.goTo(app.id, 'forceQuit');
  expect((await silent()).fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/force-quit/) });
});

test('an alert with the same apns-collapse-id replaces the one on screen', async () => {
  const alert = async () => {
    const answer = await request(
      session,
      {
        ':path': `/3/device/${app.tokens!.apns}`,
        authorization: bearer,
        'apns-topic': 'com.example.sync',
        'apns-push-type': 'alert',
        'apns-collapse-id': 'score',
      },
      JSON.stringify({ aps: { alert: 'Score update' } }),
    );
    return sim.ledger.get(answer.headers['apns-id'] as string)!;
  };
  const first = await alert();
  const second = await alert();
  expect(latest(first).fate).toMatchObject({
    name: 'collapsed',
    reason: expect.stringMatching(/same collapse id "score"/),
  });
  expect(second.fate).toMatchObject({ name: 'displayed', displayed: true });
});
