// ZPNs on the Chinese makers' channels: a ZIM send to a Huawei, Xiaomi, OPPO or vivo phone without Google services goes
// through that channel's rows, the lifecycle and the client shim to the published zego-zpns-react-native JS, which
// hears the events ZPNs raises on that vendor (docs/reference/zpns.md#callback-support-by-vendor) with the vendor's
// Android pushSourceType (docs/reference/zpns.md#push-source-type-on-android). Real sockets, virtual clock.
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppProcess, ZIMSender } from '../../client-shim/index.js';
import { appLog, clearAppLog } from '../fixtures/app-log.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
let sim: SimulatorHandle;
let zim: ZIMSender;
const apps: AppProcess[] = [];

type Maker = 'huawei' | 'xiaomi' | 'oppo' | 'vivo';
/** Android's native numbering (ZPNsConverter.convertPushSourceType). */
const SOURCE_TYPE: Record<Maker, number> = { huawei: 2, xiaomi: 3, oppo: 4, vivo: 5 };
/** Each vendor's IM class, so the daily limits for unclassified pushes stay out of the way. */
const IM_CLASS = {
  huawei: { category: 'IM' },
  xiaomi: { channelId: 'im' },
  oppo: { category: 'IM' },
  vivo: { category: 'IM' },
};

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
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
  const strategies = [
    { resourcesID: 'chat', apple: { pushType: 'alert' }, fcm: { messageType: 'notification' }, ...IM_CLASS },
    { resourcesID: 'silent', apple: { pushType: 'background' }, fcm: { messageType: 'data' }, ...IM_CLASS },
    { resourcesID: 'unclassified', preset: 'alert' },
  ];
  for (const strategy of strategies)
    await fetch(`${sim.urls.api}/zpns/strategies`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(strategy),
    });
});

async function phone(
  maker: Maker,
  options: {
    fidelity?: Record<string, boolean>;
    conditions?: { hasGoogleServices?: boolean; hasHmsCore?: boolean };
  } = {},
) {
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: {
      platform: 'android',
      manufacturer: maker,
      conditions: { hasGoogleServices: false, ...options.conditions },
    },
    app: {
      bundleId: 'com.example.chat',
      sdkProfile: 'zpns-rn',
      sdkVersion: '2.8.3',
      ...(options.fidelity ? { fidelity: options.fidelity } : {}),
    },
    entry: () => import('../fixtures/zpns-app/index.js'),
    resetModules: () => vi.resetModules(),
  });
  apps.push(app);
  // ZIM's long connection down: the message goes out as an offline push even while the app runs.
  await app.loginZim('bob', 'down');
  await app.launch();
  expect(app.errors).toEqual([]);
  clearAppLog();
  return app;
}

/** An app written against the plain ZPNs-shaped API, whose `setup` decides which listeners exist. */
async function plainApp(maker: Maker, setup: (zpns: any) => unknown) {
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: { platform: 'android', manufacturer: maker, conditions: { hasGoogleServices: false } },
    app: { bundleId: 'com.example.plain', sdkProfile: 'zpns-rn', sdkVersion: '2.8.3' },
    main: ({ ZPNs, AppRegistry }) => {
      setup(ZPNs.getInstance());
      AppRegistry.registerComponent('Plain', () => () => null);
    },
  });
  apps.push(app);
  await app.loginZim('bob', 'down');
  await app.launch();
  expect(app.errors).toEqual([]);
  return app;
}

async function send(app: AppProcess, resourcesID = 'chat') {
  const sent = await zim.sendMessage({ type: 1, message: 'hi' }, 'bob', 0, {
    priority: 2,
    pushConfig: { resourcesID, title: 'Alice', content: 'hi there', payload: '{"conversation":"42"}' },
  });
  await app.idle();
  const result = sent.results.find((r: { appId: string }) => r.appId === app.appId);
  return sim.ledger.get(result.pushId)!;
}
const ran = () =>
  appLog()
    .map((e: { listener: string }) => e.listener)
    .filter((l: string) => l !== 'registered');
const last = (listener: string) =>
  appLog()
    .filter((e: { listener: string }) => e.listener === listener)
    .at(-1);

const MAKERS: readonly Maker[] = ['huawei', 'xiaomi', 'oppo', 'vivo'];

describe('notification messages: what the system shows and which ZPNs event the JS hears', () => {
  test.each(['foreground', 'background'] as const)(
    'Xiaomi, app %s: the notification shows and notificationArrived fires with Xiaomi as source 3',
    async (state) => {
      const app = await phone('xiaomi');
      if (state === 'background') await app.moveToBackground();
      const entry = await send(app);
      expect(entry.push.channel).toBe('xiaomi');
      expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'notificationArrived', displayed: true });
      expect(entry.fate.ruleIds).toEqual(['vendor.notification.xiaomi-arrived']);
      expect(last('notificationArrived').message).toEqual({
        event: 'notificationArrived',
        title: 'Alice',
        content: 'hi there',
        extras: { payload: '{"conversation":"42"}', zego: expect.any(String) },
        pushSourceType: 3,
      });
    },
  );

  test.each(['huawei', 'oppo', 'vivo'] as const)(
    '%s, app in the foreground: the notification shows and no ZPNs event fires until a tap',
    async (maker) => {
      const app = await phone(maker);
      const entry = await send(app);
      expect(entry.fate).toMatchObject({ name: 'displayed', displayed: true, ruleId: 'vendor.notification.tray' });
      expect(ran()).toEqual([]);
    },
  );

  test.each(MAKERS)('%s, app killed: the system still shows the notification', async (maker) => {
    const app = await phone(maker);
    await app.kill();
    const entry = await send(app);
    expect(entry.fate).toMatchObject({ name: 'displayed', displayed: true, ruleId: 'vendor.notification.tray' });
    expect(app.isRunning).toBe(false);
  });

  test('a force-stopped app still gets the notification shown (pushsim reading, unconfirmed row)', async () => {
    const app = await phone('oppo');
    await app.forceStop();
    const entry = await send(app);
    expect(entry.fate).toMatchObject({ name: 'displayed', ruleId: 'vendor.notification.force-stopped' });
  });

  test('without a notificationArrived listener the Xiaomi arrival is lost and the push stays displayed', async () => {
    const app = await plainApp('xiaomi', (zpns) => zpns.registerPush());
    const entry = await send(app);
    expect(entry.fate).toMatchObject({
      name: 'displayed',
      displayed: true,
      reason: expect.stringMatching(/no notificationArrived listener/),
    });
  });
});

describe('taps: notificationClicked with the payload on Huawei, Xiaomi and OPPO; vivo through the intent', () => {
  test.each(['huawei', 'xiaomi', 'oppo'] as const)(
    '%s, app in the background: the tap raises notificationClicked at once',
    async (maker) => {
      const app = await phone(maker);
      await app.moveToBackground();
      const entry = await send(app);
      await app.tap(entry.id);
      expect(sim.ledger.get(entry.id)!.fate).toMatchObject({
        name: 'delivered',
        callback: 'notificationClicked',
        displayed: true,
      });
      expect(last('notificationClicked').message).toEqual({
        event: 'notificationClicked',
        title: 'Alice',
        content: 'hi there',
        extras: { payload: '{"conversation":"42"}', zego: expect.any(String) },
        payload: '{"conversation":"42"}',
        pushSourceType: SOURCE_TYPE[maker],
      });
    },
  );

  test.each(['huawei', 'xiaomi', 'oppo'] as const)(
    '%s, app killed: the tap launches it and registerPush emits the buffered click',
    async (maker) => {
      const app = await phone(maker);
      await app.kill();
      const entry = await send(app);
      await app.tap(entry.id);
      expect(app.state).toBe('foreground');
      expect(ran()).toEqual(['notificationClicked']);
      expect(last('notificationClicked').message.pushSourceType).toBe(SOURCE_TYPE[maker]);
      expect(sim.ledger.get(entry.id)!.fate).toMatchObject({ name: 'delivered', callback: 'notificationClicked' });
    },
  );

  test("vivo: a tap raises no notificationClicked (ZEGO's table: the payload comes through the activity's intent)", async () => {
    const app = await phone('vivo');
    await app.moveToBackground();
    const entry = await send(app);
    await app.tap(entry.id);
    expect(ran()).toEqual([]);
    expect(sim.ledger.get(entry.id)!.fate).toMatchObject({
      name: 'displayed',
      reason: expect.stringMatching(/Activity's intent/),
    });
  });

  test("two taps before registerPush: the later replaces the earlier in ZPNs's one-click buffer", async () => {
    const clicks: unknown[] = [];
    const app = await plainApp('huawei', (zpns) => zpns.on('notificationClicked', (m: unknown) => clicks.push(m)));
    await app.moveToBackground();
    const first = await send(app);
    const second = await send(app);
    await app.tap(first.id);
    await app.tap(second.id);
    expect(sim.ledger.get(first.id)!.fate).toMatchObject({
      name: 'displayed',
      reason: expect.stringMatching(/a later tap replaced this click/),
    });
    expect(clicks).toEqual([]);
  });
});

describe('through (data) messages: only Huawei has them', () => {
  test('Huawei, foreground: throughMessageReceived with Huawei as source 2', async () => {
    const app = await phone('huawei');
    const entry = await send(app, 'silent');
    expect(entry.push.kind).toBe('data');
    expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'throughMessageReceived', displayed: false });
    expect(last('throughMessageReceived').message).toMatchObject({
      title: 'Alice',
      content: 'hi there',
      extras: { payload: '{"conversation":"42"}' },
      pushSourceType: 2,
    });
  });

  test('Huawei, background (alive): the background handler runs, as for FCM in 2.8.3', async () => {
    const app = await phone('huawei');
    await app.moveToBackground();
    const entry = await send(app, 'silent');
    expect(ran()).toEqual(['backgroundMessageHandler']);
    expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'setBackgroundMessageHandler' });
  });

  test('Huawei, killed: a headless process runs the entry file and its background handler', async () => {
    const app = await phone('huawei');
    await app.kill();
    const entry = await send(app, 'silent');
    expect(ran()).toEqual(['backgroundMessageHandler']);
    expect(last('backgroundMessageHandler').message).toMatchObject({ pushSourceType: 2 });
    expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'setBackgroundMessageHandler' });
  });

  test.each(['xiaomi', 'oppo', 'vivo'] as const)('%s: a through message is dropped, with the reason', async (maker) => {
    const app = await phone(maker);
    const entry = await send(app, 'silent');
    expect(ran()).toEqual([]);
    expect(entry.fate).toMatchObject({
      name: 'dropped',
      ruleId: 'vendor.through.unsupported',
      reason: expect.stringMatching(/no through \(silent\) messages/),
    });
  });

  test('the documented numbering (fidelity.zpnsDocumentedSourceType) reports Huawei as the TS enum does, 3', async () => {
    const app = await phone('huawei', { fidelity: { zpnsDocumentedSourceType: true } });
    await send(app, 'silent');
    expect(last('throughMessageReceived').message.pushSourceType).toBe(3);
  });
});

describe("the vendors' daily limits for pushes not in an IM class", () => {
  test.each([
    ['xiaomi', 1, 'vendor.quota.xiaomi-default-channel'],
    ['oppo', 2, 'vendor.quota.oppo-public'],
    ['vivo', 2, 'vendor.quota.vivo-operation'],
    ['huawei', 2, 'vendor.quota.huawei-marketing'],
  ] as const)(
    '%s lets %i unclassified notifications a day through, then drops them until the next day',
    async (maker, limit, ruleId) => {
      const app = await phone(maker);
      await app.moveToBackground();
      for (let i = 0; i < limit; i++) expect((await send(app, 'unclassified')).fate.displayed).toBe(true);
      const over = await send(app, 'unclassified');
      expect(over.fate).toMatchObject({ name: 'dropped', ruleId, reason: expect.stringMatching(/a day/) });
      // An IM-class push is not limited.
      expect((await send(app, 'chat')).fate.displayed).toBe(true);
      await sim.advance('24h');
      expect((await send(app, 'unclassified')).fate.name).not.toBe('dropped');
    },
  );
});

describe('a Huawei phone without HMS Core has no Huawei channel (docs/reference/hms.md#hms-core-on-the-phone)', () => {
  test('without Google services either, the offline push is dropped: ZEGO has no channel to it', async () => {
    const app = await phone('huawei', { conditions: { hasHmsCore: false } });
    const entry = await send(app, 'chat');
    expect(ran()).toEqual([]);
    expect(entry.fate).toMatchObject({
      name: 'dropped',
      ruleIds: ['zpns.no-channel.no-hms-core'],
      reason: expect.stringMatching(/no HMS Core/),
    });
  });

  test('with Google services, ZPNs sends through FCM instead', async () => {
    const app = await phone('huawei', { conditions: { hasHmsCore: false, hasGoogleServices: true } });
    await app.moveToBackground();
    const entry = await send(app, 'chat');
    expect(entry.push.channel ?? 'fcm').toBe('fcm');
    expect(entry.fate.ruleIds).not.toContain('zpns.no-channel.no-hms-core');
    expect(entry.fate.displayed).toBe(true);
  });
});
