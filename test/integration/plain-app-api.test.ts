// The plain TypeScript app API: the same surfaces (ZPNs, messaging(), an iOS app delegate, an Android messaging
// service) without loading any SDK, run through the same app process model and simulator.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppProcess, type AppApi } from '../../client-shim/index.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

function start(
  platform: 'ios' | 'android',
  sdkProfile: 'zpns-rn' | 'rn-firebase' | 'native-ios' | 'native-android',
  main: (api: AppApi) => unknown,
) {
  return AppProcess.start({
    simulator: sim.urls.control,
    device: { platform },
    app: { bundleId: 'com.example.plain', sdkProfile },
    main,
  });
}
const tokenOf = (app: AppProcess, kind: 'apns' | 'fcm') => sim.registry.register(app.appId)[kind]!;

test('ZPNs-shaped API: the background handler set in main receives a push to a killed Android app', async () => {
  const seen: unknown[] = [];
  const app = await start('android', 'zpns-rn', ({ ZPNs, AppRegistry }) => {
    ZPNs.setBackgroundMessageHandler((message) => seen.push(['background', message]));
    AppRegistry.registerComponent('App', () => () => {
      ZPNs.getInstance().on('throughMessageReceived', (m) => seen.push(['through', m]));
    });
  });
  await app.launch();
  await app.kill();
  sim.simulation.send({
    token: tokenOf(app, 'fcm'),
    kind: 'data',
    payload: { data: { title: 'T', body: 'B', payload: 'p' } },
  });
  await app.idle();
  expect(seen).toEqual([
    [
      'background',
      { title: 'T', content: 'B', extras: { payload: 'p' }, pushSourceType: 1, event: 'throughMessageReceived' },
    ],
  ]);
  await app.close();
});

test('ZPNs-shaped API on iOS: throughMessageReceived completes the fetch handler, and the woken app suspends again', async () => {
  const seen: unknown[] = [];
  const app = await start('ios', 'zpns-rn', ({ ZPNs, AppRegistry }) => {
    AppRegistry.registerComponent('App', () => () => {
      ZPNs.getInstance().on('throughMessageReceived', (m) => seen.push(m));
    });
  });
  await app.launch();
  await app.moveToBackground();
  await app.suspend();
  const { entry } = sim.simulation.send({
    token: tokenOf(app, 'apns'),
    kind: 'background',
    payload: { aps: { 'content-available': 1 }, k: 'v' },
  });
  await app.idle();
  expect(seen).toEqual([
    { pushSourceType: 1, title: '', content: '', extras: { aps: { 'content-available': 1 }, k: 'v' } },
  ]);
  expect(app.state).toBe('suspended');
  expect(entry.fate.callback).toBe('throughMessageReceived');
  await app.close();
});

test('native iOS delegate: a handler that calls its completion lets the app suspend; one that never does is terminated after 30 s', async () => {
  let complete = true;
  const app = await start('ios', 'native-ios', ({ ios, AppRegistry }) => {
    ios.setDelegate({
      didReceiveRemoteNotification: (_userInfo, completionHandler) => {
        if (complete) completionHandler('newData');
      },
    });
    AppRegistry.registerComponent('App', () => () => null);
  });
  await app.launch();
  await app.moveToBackground();
  await app.suspend();
  sim.simulation.send({ token: tokenOf(app, 'apns'), kind: 'background' });
  await app.idle();
  expect(app.state).toBe('suspended');
  complete = false;
  const { entry } = sim.simulation.send({ token: tokenOf(app, 'apns'), kind: 'background' });
  await app.idle();
  expect(app.state).toBe('background.pushWake');
  await sim.advance('30s');
  await app.idle();
  expect(app.state).toBe('notRunning');
  expect(app.isRunning).toBe(false);
  expect(sim.ledger.get(entry.id)!.notes.at(-1)!.note).toMatch(/app terminated/);
  await app.close();
});

test('native iOS delegate: willPresent in the foreground and didReceive on a tap', async () => {
  const seen: string[] = [];
  const app = await start('ios', 'native-ios', ({ ios, AppRegistry }) => {
    ios.setDelegate({
      willPresent: (n, done) => {
        seen.push(`willPresent ${n.request.content.title}`);
        done(['banner']);
      },
      didReceive: (r, done) => {
        seen.push(`didReceive ${r.notification.request.content.body}`);
        done();
      },
    });
    AppRegistry.registerComponent('App', () => () => null);
  });
  await app.launch();
  sim.simulation.send({
    token: tokenOf(app, 'apns'),
    kind: 'alert',
    payload: { aps: { alert: { title: 'Hello', body: 'World' } } },
  });
  await app.moveToBackground();
  const { entry } = sim.simulation.send({
    token: tokenOf(app, 'apns'),
    kind: 'alert',
    payload: { aps: { alert: { title: 'Tap', body: 'me' } } },
  });
  await app.tap(entry.id);
  expect(seen).toEqual(['willPresent Hello', 'didReceive me']);
  await app.close();
});

test('native Android service: onMessageReceived for a data message in the background, the tray for a notification', async () => {
  const seen: unknown[] = [];
  const app = await start('android', 'native-android', ({ android, AppRegistry }) => {
    android.setMessagingService({
      onMessageReceived: (m) => seen.push(m.data),
      onLaunchIntent: (extras) => seen.push(['intent', extras]),
    });
    AppRegistry.registerComponent('App', () => () => null);
  });
  await app.launch();
  await app.moveToBackground();
  sim.simulation.send({ token: tokenOf(app, 'fcm'), kind: 'data', priority: 'high', payload: { data: { a: '1' } } });
  const { entry } = sim.simulation.send({
    token: tokenOf(app, 'fcm'),
    kind: 'notification+data',
    payload: { notification: { title: 'x' }, data: { b: '2' } },
  });
  await app.idle();
  expect(entry.fate).toMatchObject({ name: 'displayed', displayed: true });
  await app.tap(entry.id);
  expect(seen).toEqual([{ a: '1' }, ['intent', { b: '2' }]]);
  await app.close();
});

test('messaging(): onMessage in the foreground, without loading RN Firebase', async () => {
  const seen: unknown[] = [];
  const app = await start('android', 'rn-firebase', ({ messaging, AppRegistry }) => {
    AppRegistry.registerComponent('App', () => () => {
      messaging().onMessage(async (m) => {
        seen.push(m.data);
      });
    });
  });
  await app.launch();
  sim.simulation.send({ token: tokenOf(app, 'fcm'), kind: 'data', priority: 'high', payload: { data: { c: '3' } } });
  await app.idle();
  expect(seen).toEqual([{ c: '3' }]);
  await app.close();
});

test('AppProcess refuses options with neither entry nor main', async () => {
  await expect(AppProcess.start({ simulator: sim.urls.control, appId: 'x' })).rejects.toThrow(/exactly one of `entry`/);
});
