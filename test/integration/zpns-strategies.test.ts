// Push strategies (resourcesID) through the control API, and the docs-vs-SDK switches of docs/zpns-fidelity.md.
import { afterAll, beforeAll, beforeEach, expect, test, vi } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppProcess, ZIMSender } from '../../client-shim/index.js';
import { appLog, clearAppLog } from '../fixtures/app-log.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual', zpns: { strategyLimit: 10 } });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  sim.reset();
  clearAppLog();
  for (const s of sim.zpns!.strategies.list()) sim.zpns!.strategies.remove(s.resourcesID);
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${sim.urls.api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};

test('presets and custom strategies are declared through the control API', async () => {
  expect((await post('/zpns/strategies', { resourcesID: 'quiet', preset: 'silent' })).body).toEqual({
    resourcesID: 'quiet',
    apple: { pushType: 'background' },
    fcm: { messageType: 'data', priority: 'high' },
  });
  expect(
    (
      await post('/zpns/strategies', {
        resourcesID: 'promo',
        apple: { pushType: 'alert', sound: 'chime.caf' },
        fcm: { messageType: 'notification', channelId: 'promos' },
      })
    ).status,
  ).toBe(201);
  expect(((await (await fetch(`${sim.urls.api}/zpns/strategies`)).json()) as unknown[]).length).toBe(2);
});

test('a resourcesID is at most 32 characters and a project has at most 10, with errors that say so', async () => {
  const long = await post('/zpns/strategies', { resourcesID: 'x'.repeat(33), preset: 'alert' });
  expect(long).toMatchObject({
    status: 400,
    body: { error: { field: 'resourcesID', message: expect.stringMatching(/at most 32 characters/) } },
  });
  for (let i = 0; i < 10; i++)
    expect((await post('/zpns/strategies', { resourcesID: `s${i}`, preset: 'alert' })).status).toBe(201);
  const eleventh = await post('/zpns/strategies', { resourcesID: 's10', preset: 'alert' });
  expect(eleventh).toMatchObject({
    status: 409,
    body: { error: { code: 'TOO_MANY_STRATEGIES', message: expect.stringMatching(/at most 10.*strategyLimit/) } },
  });
});

test("an unknown resourcesID falls back to ZEGO's default offline push, flagged in the ledger", async () => {
  const device = sim.simulation.createDevice({ platform: 'ios' });
  const app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.chat',
    sdkProfile: 'zpns-rn',
    state: 'suspended',
  });
  await post('/zpns/users', { userID: 'erin', appId: app.id });
  const zim = ZIMSender.create(sim.urls.control);
  await zim.login('frank');
  const sent = await zim.sendMessage({ type: 1 }, 'erin', 0, {
    priority: 1,
    pushConfig: { resourcesID: 'nope', title: 'T', content: 'C' },
  });
  const entry = sim.ledger.get(sent.results[0].pushId)!;
  expect(entry.push.kind).toBe('alert');
  expect(entry.notes[0]!.note).toMatch(/unknown resourcesID "nope".*undocumented/);
});

async function androidApp(fidelity: Record<string, boolean>) {
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: { platform: 'android' },
    app: { bundleId: 'com.example.chat', sdkProfile: 'zpns-rn', fidelity },
    entry: () => import('../fixtures/zpns-app/index.js'),
    resetModules: () => vi.resetModules(),
  });
  await app.loginZim('gina', 'down');
  await app.launch();
  return app;
}

test('switch zpnsDocumentedSourceType: Android FCM reports pushSourceType 2, as the TS enum says', async () => {
  await post('/zpns/strategies', { resourcesID: 'silent', preset: 'silent' });
  const zim = ZIMSender.create(sim.urls.control);
  await zim.login('hal');
  for (const [fidelity, expected] of [
    [{}, 1],
    [{ zpnsDocumentedSourceType: true }, 2],
  ] as const) {
    sim.reset();
    clearAppLog();
    const app = await androidApp(fidelity);
    await zim.sendMessage({ type: 1 }, 'gina', 0, { priority: 2, pushConfig: { resourcesID: 'silent' } });
    await app.idle();
    expect(
      appLog()
        .filter((e: { listener: string }) => e.listener === 'throughMessageReceived')
        .at(-1).message.pushSourceType,
    ).toBe(expected);
    await app.close();
  }
});

test('switch zpnsDocumentedAndroidBackground: a backgrounded Android app gets throughMessageReceived', async () => {
  await post('/zpns/strategies', { resourcesID: 'silent', preset: 'silent' });
  const app = await androidApp({ zpnsDocumentedAndroidBackground: true });
  await app.moveToBackground();
  clearAppLog();
  const zim = ZIMSender.create(sim.urls.control);
  await zim.login('ivan');
  await zim.sendMessage({ type: 1 }, 'gina', 0, { priority: 2, pushConfig: { resourcesID: 'silent' } });
  await app.idle();
  expect(appLog().map((e: { listener: string }) => e.listener)).toEqual(['throughMessageReceived']);
  await app.close();
});

test('switch zpnsPayloadInAps: the iOS payload is mirrored in aps.payload', async () => {
  await post('/zpns/strategies', { resourcesID: 'silent', preset: 'silent' });
  const device = sim.simulation.createDevice({ platform: 'ios' });
  const app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.chat',
    sdkProfile: 'zpns-rn',
    state: 'suspended',
    fidelity: { zpnsPayloadInAps: true },
  });
  await post('/zpns/users', { userID: 'judy', appId: app.id });
  const zim = ZIMSender.create(sim.urls.control);
  await zim.login('kim');
  const sent = await zim.sendMessage({ type: 1 }, 'judy', 0, {
    priority: 2,
    pushConfig: { resourcesID: 'silent', payload: 'p' },
  });
  expect(sim.ledger.get(sent.results[0].pushId)!.push.payload).toMatchObject({
    aps: { 'content-available': 1, payload: 'p' },
    payload: 'p',
  });
});
