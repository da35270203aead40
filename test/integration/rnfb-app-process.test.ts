// RN Firebase's handler matrix (rnfirebase.io/messaging/usage) through the client shim: an app entry as its docs write
// it, with @react-native-firebase/messaging aliased to pushsim's stand-in.
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppProcess } from '../../client-shim/index.js';
import { appLog, clearAppLog } from '../fixtures/app-log.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  clearAppLog();
});

async function rnfbApp(platform: 'ios' | 'android' = 'android') {
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: { platform },
    app: { bundleId: 'com.example.shop', sdkProfile: 'rn-firebase' },
    entry: () => import('../fixtures/rnfb-app/index.js'),
    resetModules: () => vi.resetModules(),
  });
  sim.registry.register(app.appId);
  await app.launch();
  expect(app.errors).toEqual([]);
  return app;
}
const fcm = (app: AppProcess) => sim.registry.app(app.appId)!.tokens!.fcm!;
const ran = () => appLog().map((e: { listener: string }) => e.listener);

describe('data messages with high priority (Android)', () => {
  test('foreground: onMessage receives the RemoteMessage', async () => {
    const app = await rnfbApp();
    const { entry } = sim.simulation.send({
      token: fcm(app),
      kind: 'data',
      priority: 'high',
      payload: { data: { orderId: '7' } },
    });
    await app.idle();
    expect(appLog()).toEqual([
      {
        listener: 'onMessage',
        message: expect.objectContaining({ messageId: entry.id, data: { orderId: '7' }, priority: 1 }),
      },
    ]);
    await app.close();
  });

  test.each([
    ['background', (app: AppProcess) => app.moveToBackground()],
    ['quit', (app: AppProcess) => app.kill()],
  ] as const)('%s: the background handler set in the entry file runs, onMessage does not', async (_state, arrange) => {
    const app = await rnfbApp();
    await arrange(app);
    const { entry } = sim.simulation.send({
      token: fcm(app),
      kind: 'data',
      priority: 'high',
      payload: { data: { orderId: '8' } },
    });
    await app.idle();
    expect(ran()).toEqual(['setBackgroundMessageHandler']);
    expect(sim.ledger.get(entry.id)!.fate).toMatchObject({
      name: 'delivered',
      callback: 'setBackgroundMessageHandler',
    });
    expect(sim.ledger.get(entry.id)!.notes.map((n) => n.note)).toContain('handler completed (result newData)');
    await app.close();
  });

  test('normal priority in the background does not reach the background handler', async () => {
    const app = await rnfbApp();
    await app.moveToBackground();
    const { entry } = sim.simulation.send({
      token: fcm(app),
      kind: 'data',
      priority: 'normal',
      payload: { data: { orderId: '9' } },
    });
    await app.idle();
    expect(ran()).toEqual([]);
    expect(entry.fate.reason).toMatch(/priority is set to 'high'/);
    await app.close();
  });
});

describe('notification messages (Android)', () => {
  const notification = { notification: { title: 'Sale', body: '50% off' }, data: { link: '/sale' } };

  test('foreground: onMessage, and nothing in the tray', async () => {
    const app = await rnfbApp();
    const { entry } = sim.simulation.send({ token: fcm(app), kind: 'notification+data', payload: notification });
    await app.idle();
    expect(ran()).toEqual(['onMessage']);
    expect(entry.fate.displayed).toBe(false);
    await app.close();
  });

  test('background: the tray shows it, the background handler runs, and a tap calls onNotificationOpenedApp', async () => {
    const app = await rnfbApp();
    await app.moveToBackground();
    const { entry } = sim.simulation.send({ token: fcm(app), kind: 'notification+data', payload: notification });
    await app.idle();
    expect(entry.fate.displayed).toBe(true);
    expect(ran()).toEqual(['setBackgroundMessageHandler']);
    await app.tap(entry.id);
    expect(ran()).toEqual(['setBackgroundMessageHandler', 'onNotificationOpenedApp']);
    expect(appLog()[1].message).toMatchObject({
      messageId: entry.id,
      notification: { title: 'Sale', body: '50% off' },
      data: { link: '/sale' },
    });
    await app.close();
  });

  test('quit: a tap launches the app and getInitialNotification resolves to the message', async () => {
    const app = await rnfbApp();
    await app.kill();
    const { entry } = sim.simulation.send({
      token: fcm(app),
      kind: 'notification',
      payload: { notification: notification.notification },
    });
    await app.idle();
    clearAppLog();
    await app.tap(entry.id);
    await app.idle();
    expect(app.state).toBe('foreground');
    expect(appLog()).toEqual([
      { listener: 'getInitialNotification', message: expect.objectContaining({ messageId: entry.id }) },
    ]);
    await app.close();
  });
});

test('iOS: a content-available message to a suspended app runs the background handler and completes the fetch', async () => {
  const app = await rnfbApp('ios');
  await app.moveToBackground();
  await app.suspend();
  const { entry } = sim.simulation.send({
    token: sim.registry.app(app.appId)!.tokens!.apns!,
    kind: 'background',
    payload: { aps: { 'content-available': 1 }, orderId: '10' },
  });
  await app.idle();
  expect(appLog()).toEqual([
    {
      listener: 'setBackgroundMessageHandler',
      message: expect.objectContaining({ contentAvailable: true, data: { orderId: '10' } }),
    },
  ]);
  expect(sim.registry.app(app.appId)!.lifecycle).toBe('suspended');
  expect(sim.ledger.get(entry.id)!.notes.map((n) => n.note)).toContain('handler completed (result newData)');
  await app.close();
});
