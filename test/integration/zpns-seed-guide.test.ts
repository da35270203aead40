// Every statement of ZEGO's React Native silent-push guide (docs/reference/zpns.md#silent-push-guide), as a test
// through the real path: ZIM-shaped send → resourcesID strategy → APNs / FCM rules → client shim → the app's listener
// (the published zego-zpns-react-native JS and an entry file written like the guide's), on a virtual clock.
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppProcess, ZIMSender, ZIMError } from '../../client-shim/index.js';
import { appLog, clearAppLog } from '../fixtures/app-log.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
let sim: SimulatorHandle;
let zim: ZIMSender;
const apps: AppProcess[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    silentPushThrottle: { perWindow: 3, windowMs: 3_600_000 },
  });
  zim = ZIMSender.create(sim.urls.control);
  await zim.login('alice');
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  sim.reset();
  clearAppLog();
  for (const [resourcesID, preset] of [
    ['silent', 'silent'],
    ['silent-ios-only', 'silent-ios'],
    ['alert', 'alert'],
    ['voip', 'voip'],
  ] as const) {
    await fetch(`${sim.urls.api}/zpns/strategies`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ resourcesID, preset }),
    });
  }
});

type Fixture = 'zpns-app' | 'zpns-app-handler-in-component';
const ENTRIES: Record<Fixture, () => Promise<unknown>> = {
  'zpns-app': () => import('../fixtures/zpns-app/index.js'),
  'zpns-app-handler-in-component': () => import('../fixtures/zpns-app-handler-in-component/index.js'),
};

async function bob(
  platform: 'ios' | 'android',
  options: {
    fixture?: Fixture;
    sdkVersion?: string;
    device?: Record<string, unknown>;
    connection?: 'auto' | 'down';
  } = {},
) {
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: { platform, ...(options.device ?? {}) } as never,
    app: { bundleId: 'com.example.chat', sdkProfile: 'zpns-rn', sdkVersion: options.sdkVersion ?? '2.8.3' },
    entry: ENTRIES[options.fixture ?? 'zpns-app'],
    resetModules: () => vi.resetModules(),
  });
  apps.push(app);
  await app.loginZim('bob', options.connection ?? 'auto');
  await app.launch();
  clearAppLog();
  return app;
}

async function sendSilent(app: AppProcess, resourcesID = 'silent', payload = '{"sync":"inbox"}') {
  const sent = await zim.sendMessage({ type: 1, message: 'sync' }, 'bob', 0, {
    priority: 2,
    pushConfig: { resourcesID, payload },
  });
  await app.idle();
  const result = sent.results.find((r: { appId: string }) => r.appId === app.appId);
  return sim.ledger.get(result.pushId)!;
}
const ran = () =>
  appLog()
    .map((e: { listener: string }) => e.listener)
    .filter((l: string) => l !== 'registered');

test('a silent push carries no title, sound or badge, and delivers its payload for data sync', async () => {
  const app = await bob('ios');
  await app.moveToBackground();
  await app.suspend();
  const entry = await sendSilent(app);
  expect(entry.push.payload.aps).toEqual({ 'content-available': 1 });
  expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'throughMessageReceived', displayed: false });
  expect(appLog().at(-1).message.extras).toMatchObject({ payload: '{"sync":"inbox"}', zego: { version: 1 } });
});

test('on iOS it wakes a suspended app, whose handler has at most 30 s; ZPNs completes it and the app suspends again', async () => {
  const app = await bob('ios');
  await app.moveToBackground();
  await app.suspend();
  const entry = await sendSilent(app);
  expect(entry.notes.map((n) => n.note)).toEqual(
    expect.arrayContaining(['app woken: suspended → background.pushWake', 'handler completed (result newData)']),
  );
  expect(app.state).toBe('suspended');
  // A terminated app is launched in the background, but no listener exists yet: ZPNs never completes, and 30 s later
  // iOS terminates it.
  await app.terminateBySystem();
  const cold = await sendSilent(app);
  expect(app.state).toBe('background.pushWake');
  await sim.advance('30s');
  await app.idle();
  expect(app.state).toBe('notRunning');
  expect(sim.ledger.get(cold.id)!.notes.at(-1)!.note).toMatch(/terminated/);
});

describe('it fires the listener in foreground, background and suspended states, and not after the app is killed (iOS)', () => {
  test.each([
    ['foreground', async (_a: AppProcess) => {}],
    [
      'background',
      async (a: AppProcess) => {
        await a.moveToBackground();
      },
    ],
    [
      'suspended',
      async (a: AppProcess) => {
        await a.moveToBackground();
        await a.suspend();
      },
    ],
  ] as const)('%s → throughMessageReceived', async (_state, arrange) => {
    // While ZIM's own connection is up the message arrives in-app; a silent push is what reaches an app without it.
    const app = await bob('ios', { connection: 'down' });
    await arrange(app);
    await sendSilent(app);
    expect(ran()).toEqual(['throughMessageReceived']);
  });

  test('killed (force-quit) → nothing, and the ledger says why', async () => {
    const app = await bob('ios');
    await app.forceQuit();
    const entry = await sendSilent(app);
    expect(ran()).toEqual([]);
    expect(entry.fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/force-quit/) });
  });

  test('a receiver whose ZIM connection is up gets the message in-app and no offline push', async () => {
    const app = await bob('ios');
    const entry = await sendSilent(app);
    expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'ZIM.peerMessageReceived' });
    expect(ran()).toEqual([]);
  });

  test("the README's ZIM example: the same running app logged in with loginZim(user, 'down') gets the push and throughMessageReceived", async () => {
    const app = await bob('ios');
    await app.moveToBackground();
    const inApp = await sendSilent(app);
    expect(inApp.fate).toMatchObject({ name: 'delivered', callback: 'ZIM.peerMessageReceived' });
    expect(ran()).toEqual([]);
    await app.loginZim('bob', 'down');
    const pushed = await sendSilent(app);
    expect(pushed.push.kind).toBe('background');
    expect(pushed.fate).toMatchObject({ name: 'delivered', callback: 'throughMessageReceived' });
    expect(ran()).toEqual(['throughMessageReceived']);
  });
});

test('APNs treats it as low priority and does not guarantee arrival: a seeded chaos run drops some and says which', async () => {
  await fetch(`${sim.urls.api}/chaos`, {
    method: 'PUT',
    headers: JSON_HEADERS,
    body: JSON.stringify({ backgroundDropProbability: 0.5, seed: 7 }),
  });
  try {
    sim.simulation.router.throttle.configure({ perWindow: 0 });
    const app = await bob('ios');
    await app.moveToBackground();
    await app.suspend();
    const fates: string[] = [];
    for (let i = 0; i < 8; i++) {
      const entry = await sendSilent(app);
      expect(entry.push.priority).toBe('normal');
      expect(entry.push.headers!['apns-priority']).toBe('5');
      fates.push(entry.fate.name);
      if (entry.fate.name === 'dropped') expect(entry.fate.reason).toMatch(/does not guarantee.*seed 7/);
    }
    expect(fates).toContain('dropped');
    expect(fates).toContain('delivered');
    // The same seed replays the same run.
    await fetch(`${sim.urls.api}/chaos`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify({ backgroundDropProbability: 0.5, seed: 7 }),
    });
    const replay: string[] = [];
    for (let i = 0; i < 8; i++) replay.push((await sendSilent(app)).fate.name);
    expect(replay).toEqual(fates);
  } finally {
    await fetch(`${sim.urls.api}/chaos`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify({ backgroundDropProbability: 0 }),
    });
    sim.simulation.router.throttle.configure({ perWindow: 3 });
  }
});

test('sending at high frequency gets throttled', async () => {
  const app = await bob('ios');
  await app.moveToBackground();
  await app.suspend();
  const fates = [];
  for (let i = 0; i < 4; i++) fates.push((await sendSilent(app)).fate.name);
  expect(fates).toEqual(['delivered', 'delivered', 'delivered', 'throttled']);
});

describe('it works on iOS and on Android with Google services only', () => {
  test('Android with Google services: a data message reaches throughMessageReceived in the foreground', async () => {
    const app = await bob('android', { connection: 'down' });
    await sendSilent(app);
    expect(ran()).toEqual(['throughMessageReceived']);
  });

  test('an Android phone without Google services gets nothing through FCM', async () => {
    const app = await bob('android', {
      device: { conditions: { hasGoogleServices: false }, manufacturer: 'samsung' },
      connection: 'down',
    });
    const entry = await sendSilent(app);
    expect(ran()).toEqual([]);
    expect(entry.fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/no Google services/) });
  });

  test('on a Xiaomi phone without Google services the silent strategy has no through messages', async () => {
    await fetch(`${sim.urls.api}/zpns/strategies`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ resourcesID: 'silent', fcm: { messageType: 'data' }, xiaomi: {} }),
    });
    const app = await bob('android', {
      device: { conditions: { hasGoogleServices: false }, manufacturer: 'xiaomi' },
      connection: 'down',
    });
    const entry = await sendSilent(app);
    expect(entry.fate).toMatchObject({
      name: 'dropped',
      reason: expect.stringMatching(/no through \(silent\) messages/),
    });
  });
});

test('it needs ZPNs 2.3.3 or later', async () => {
  const app = await bob('ios', { sdkVersion: '2.2.0', connection: 'down' });
  const entry = await sendSilent(app);
  expect(ran()).toEqual([]);
  expect(entry.fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/2\.3\.3 or later/) });
});

test("a resourcesID may carry only the iOS silent strategy; an Android receiver then gets ZEGO's default, flagged", async () => {
  const iphone = await bob('ios', { connection: 'down' });
  const ios = await sendSilent(iphone, 'silent-ios-only');
  expect(ios.push.kind).toBe('background');
  await iphone.close();
  apps.splice(0);
  sim.reset();
  await fetch(`${sim.urls.api}/zpns/strategies`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ resourcesID: 'silent-ios-only', preset: 'silent-ios' }),
  });
  const pixel = await bob('android', { connection: 'down' });
  await pixel.moveToBackground();
  const android = await sendSilent(pixel, 'silent-ios-only');
  expect(android.push.kind).toBe('notification+data');
  expect(android.notes.map((n) => n.note).join('\n')).toMatch(/has no FCM configuration.*undocumented/);
});

describe('resourcesID, title, content and payload reach the receiver as the SDK delivers them', () => {
  test('Android data message: title and content moved out of extras, payload kept, FCM reported as source 1', async () => {
    const app = await bob('android', { connection: 'down' });
    await zim.sendMessage({ type: 1, message: 'hi' }, 'bob', 0, {
      priority: 3,
      pushConfig: { resourcesID: 'silent', title: 'New message', content: 'from alice', payload: 'p=1' },
    });
    await app.idle();
    expect(appLog().at(-1)).toMatchObject({
      listener: 'throughMessageReceived',
      message: {
        title: 'New message',
        content: 'from alice',
        extras: { payload: 'p=1', zego: expect.any(String) },
        pushSourceType: 1,
      },
    });
    expect(sim.ledger.list({ appId: app.appId }).at(-1)!.push.headers!.resourcesID).toBe('silent');
  });

  test('iOS alert in the foreground: notificationArrived with the raw userInfo as extras and no payload key', async () => {
    const app = await bob('ios', { connection: 'down' });
    await zim.sendMessage({ type: 1, message: 'hi' }, 'bob', 0, {
      priority: 3,
      pushConfig: { resourcesID: 'alert', title: 'New message', content: 'from alice', payload: 'p=2' },
    });
    await app.idle();
    const arrived = appLog().at(-1);
    expect(arrived).toMatchObject({
      listener: 'notificationArrived',
      message: {
        title: 'New message',
        content: 'from alice',
        pushSourceType: 1,
        extras: { aps: { alert: { title: 'New message', body: 'from alice' } }, payload: 'p=2' },
      },
    });
    expect(arrived.message).not.toHaveProperty('payload');
  });
});

describe('on Android, a killed app gets it in the handler set in the entry file, and loses it when that call sits in a UI component', () => {
  test('handler in the entry file: delivered to the background handler', async () => {
    const app = await bob('android');
    await app.kill();
    const entry = await sendSilent(app);
    expect(ran()).toEqual(['backgroundMessageHandler']);
    expect(appLog().at(-1).message.extras).toMatchObject({ payload: '{"sync":"inbox"}' });
    expect(entry.fate.callback).toBe('setBackgroundMessageHandler');
  });

  test('handler in a UI component: lost, with the reason in the ledger', async () => {
    const app = await bob('android', { fixture: 'zpns-app-handler-in-component' });
    await app.kill();
    const entry = await sendSilent(app);
    expect(ran()).toEqual([]);
    expect(entry.fate).toMatchObject({
      name: 'dropped',
      reason: expect.stringMatching(/never called ZPNs.setBackgroundMessageHandler/),
    });
  });
});

describe('call invitations', () => {
  test('to an offline iPhone with a VoIP strategy: a VoIP push with the call id reaches CallKit', async () => {
    const device = sim.simulation.createDevice({ platform: 'ios' });
    const iphone = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.call',
      sdkProfile: 'zpns-rn',
      state: 'notRunning',
    });
    await fetch(`${sim.urls.api}/zpns/users`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ userID: 'carol', appId: iphone.id }),
    });
    const call = await zim.callInvite(['carol'], {
      pushConfig: {
        resourcesID: 'voip',
        title: 'alice',
        payload: '{"room":"7"}',
        voIPConfig: { iOSVoIPHandleType: 1, iOSVoIPHandleValue: 'alice', iOSVoIPHasVideo: true },
      },
    });
    expect(call).toMatchObject({ timeout: 90, mode: 0 });
    const entry = sim.ledger.list({ appId: iphone.id }).at(-1)!;
    expect(entry.push).toMatchObject({ kind: 'voip', payload: { call_id: call.callID, payload: '{"room":"7"}' } });
    expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'CallKit.didReceiveIncomingPush' });
  });

  test('to an Android phone with a notification strategy: a tray notification with the call id', async () => {
    const device = sim.simulation.createDevice({ platform: 'android' });
    const pixel = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.call',
      sdkProfile: 'zpns-rn',
      state: 'killed',
    });
    await fetch(`${sim.urls.api}/zpns/users`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ userID: 'dave', appId: pixel.id }),
    });
    const call = await zim.callInvite(['dave'], {
      pushConfig: { resourcesID: 'alert', title: 'alice is calling', content: 'video call' },
    });
    const entry = sim.ledger.list({ appId: pixel.id }).at(-1)!;
    expect(entry.push.payload).toMatchObject({
      notification: { title: 'alice is calling', body: 'video call' },
      data: { call_id: call.callID },
    });
    expect(entry.fate).toMatchObject({ name: 'displayed', displayed: true });
  });
});

test("ZIM's own checks: a message config needs a priority of 1–3", async () => {
  await expect(zim.sendMessage({ type: 1 }, 'bob', 0, { priority: 4 as never })).rejects.toBeInstanceOf(ZIMError);
  await expect(zim.sendMessage({ type: 1 }, 'bob', 0, undefined as never)).rejects.toThrow(/needs a config/);
});
