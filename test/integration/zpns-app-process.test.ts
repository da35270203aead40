// The published zego-zpns-react-native@2.8.3 JavaScript and an app entry written like ZEGO's silent-push guide, run
// through the react-native alias against a real simulator (ws on loopback, virtual clock): which listener ran, with
// which message, or why none did.
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppProcess } from '../../client-shim/index.js';
import { appLog, clearAppLog } from '../fixtures/app-log.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual', silentPushThrottle: { perWindow: 0 } });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  clearAppLog();
});

type Fixture = 'zpns-app' | 'zpns-app-handler-in-component';
const ENTRIES: Record<Fixture, () => Promise<unknown>> = {
  'zpns-app': () => import('../fixtures/zpns-app/index.js'),
  'zpns-app-handler-in-component': () => import('../fixtures/zpns-app-handler-in-component/index.js'),
};

async function startApp(platform: 'ios' | 'android', fixture: Fixture = 'zpns-app', sdkVersion = '2.8.3') {
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: { platform },
    app: { bundleId: 'com.example.chat', sdkProfile: 'zpns-rn', sdkVersion },
    entry: ENTRIES[fixture],
    resetModules: () => vi.resetModules(),
  });
  await app.launch();
  expect(app.errors).toEqual([]);
  return app;
}

function silentPush(
  app: AppProcess,
  data: Record<string, string> = { title: 'Sync', body: 'new messages', payload: '{"conversation":"42"}' },
) {
  const token = app.platform === 'ios' ? app.tokens.apns! : app.tokens.fcm!;
  const payload =
    app.platform === 'ios'
      ? { aps: { 'content-available': 1 }, payload: data.payload, zego: { version: 1 } }
      : { data };
  return sim.simulation.send({ token, kind: app.platform === 'ios' ? 'background' : 'data', payload });
}

const listenersThatRan = () =>
  appLog()
    .map((e: { listener: string }) => e.listener)
    .filter((l: string) => l !== 'registered');

describe('iOS', () => {
  test('registers and gets its pushID in the registered event', async () => {
    const app = await startApp('ios');
    expect(appLog()[0]).toEqual({
      listener: 'registered',
      message: { pushID: app.tokens.zpns, errorCode: 0, msg: '' },
    });
    await app.close();
  });

  test.each([
    ['active', async (_app: AppProcess) => {}],
    [
      'background',
      async (app: AppProcess) => {
        await app.moveToBackground();
      },
    ],
    [
      'suspended',
      async (app: AppProcess) => {
        await app.moveToBackground();
        await app.suspend();
      },
    ],
  ] as const)(
    '%s: throughMessageReceived runs with the raw userInfo as extras, and completes the fetch handler',
    async (state, arrange) => {
      const app = await startApp('ios');
      await arrange(app);
      const { entry } = silentPush(app);
      await app.idle();
      expect(listenersThatRan()).toEqual(['throughMessageReceived']);
      expect(appLog().at(-1).message).toEqual({
        pushSourceType: 1,
        title: '',
        content: '',
        extras: { aps: { 'content-available': 1 }, payload: '{"conversation":"42"}', zego: { version: 1 } },
      });
      const ledger = sim.ledger.get(entry.id)!;
      expect(ledger.fate).toMatchObject({ name: 'delivered', callback: 'throughMessageReceived' });
      expect(ledger.receipts[0]!.message).toMatchObject({ seq: expect.any(Number) });
      expect(ledger.notes.map((n) => n.note)).toContain('handler completed (result newData)');
      expect(sim.registry.app(app.appId)!.lifecycle).toBe(state === 'active' ? 'active' : 'suspended');
      await app.close();
    },
  );

  test('killed by the system: the push launches the app in the background, but no JS listener exists yet; nothing runs and the app is terminated after 30 s', async () => {
    const app = await startApp('ios');
    await app.moveToBackground();
    await app.terminateBySystem();
    expect(app.isRunning).toBe(false);
    clearAppLog();
    const { entry } = silentPush(app);
    await app.idle();
    expect(listenersThatRan()).toEqual([]);
    expect(entry.fate.name).toBe('dropped');
    expect(entry.fate.reason).toMatch(/no throughMessageReceived listener|not running/);
    expect(app.state).toBe('background.pushWake');
    await sim.advance('30s');
    await app.idle();
    expect(app.state).toBe('notRunning');
    expect(sim.ledger.get(entry.id)!.notes.at(-1)!.note).toMatch(/app terminated/);
    await app.close();
  });

  test('force-quit: nothing runs, nothing launches, and the ledger says why', async () => {
    const app = await startApp('ios');
    await app.forceQuit();
    clearAppLog();
    const started = app.contextsStarted;
    const { entry } = silentPush(app);
    await app.idle();
    expect(listenersThatRan()).toEqual([]);
    expect(app.contextsStarted).toBe(started);
    expect(entry.fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/force-quit/) });
    await app.close();
  });

  test('an alert in the foreground raises notificationArrived, and a tap on a banner raises notificationClicked', async () => {
    const app = await startApp('ios');
    const alert = { aps: { alert: { title: 'Hi', body: 'there' } }, payload: 'p1' };
    sim.simulation.send({ token: app.tokens.apns!, kind: 'alert', payload: alert });
    await app.idle();
    expect(appLog().at(-1)).toEqual({
      listener: 'notificationArrived',
      message: { title: 'Hi', content: 'there', extras: alert, pushSourceType: 1 },
    });
    await app.moveToBackground();
    const { entry } = sim.simulation.send({ token: app.tokens.apns!, kind: 'alert', payload: alert });
    expect(entry.fate).toMatchObject({ name: 'displayed', displayed: true });
    await app.tap(entry.id);
    expect(appLog().at(-1).listener).toBe('notificationClicked');
    expect(sim.registry.app(app.appId)!.lifecycle).toBe('active');
    await app.close();
  });
});

describe('Android (FCM data message)', () => {
  test('foreground: throughMessageReceived runs with extras parsed, title and body moved out, FCM reported as source 1', async () => {
    const app = await startApp('android');
    const { entry } = silentPush(app);
    await app.idle();
    expect(appLog().at(-1)).toEqual({
      listener: 'throughMessageReceived',
      message: {
        title: 'Sync',
        content: 'new messages',
        extras: { payload: '{"conversation":"42"}' },
        pushSourceType: 1,
        event: 'throughMessageReceived',
      },
    });
    expect(sim.ledger.get(entry.id)!.receipts[0]!.message).toMatchObject({
      extras: JSON.stringify({ title: 'Sync', body: 'new messages', payload: '{"conversation":"42"}' }),
    });
    await app.close();
  });

  test('background (alive): the background handler runs, throughMessageReceived does not (2.8.3 code)', async () => {
    const app = await startApp('android');
    await app.moveToBackground();
    clearAppLog();
    silentPush(app);
    await app.idle();
    expect(listenersThatRan()).toEqual(['backgroundMessageHandler']);
    expect(appLog()[0].message).toMatchObject({
      title: 'Sync',
      content: 'new messages',
      extras: { payload: '{"conversation":"42"}' },
    });
    await app.close();
  });

  test('killed: a headless process runs the entry file without mounting, and the handler set there receives the push', async () => {
    const app = await startApp('android');
    await app.kill();
    expect(app.isRunning).toBe(false);
    clearAppLog();
    const { entry } = silentPush(app);
    await app.idle();
    expect(app.context!.headless).toBe(true);
    expect(app.context!.mounted).toBe(false);
    expect(listenersThatRan()).toEqual(['backgroundMessageHandler']);
    expect(sim.ledger.get(entry.id)!.fate).toMatchObject({
      name: 'delivered',
      callback: 'setBackgroundMessageHandler',
    });
    await app.close();
  });

  test('force-stopped: nothing arrives until the user launches the app', async () => {
    const app = await startApp('android');
    await app.forceStop();
    clearAppLog();
    const { entry } = silentPush(app);
    await app.idle();
    expect(listenersThatRan()).toEqual([]);
    expect(entry.fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/force-stopped/) });
    await app.close();
  });
});

describe('with setBackgroundMessageHandler inside a UI component', () => {
  test('the push to a killed Android app is lost, and the ledger says why', async () => {
    const app = await startApp('android', 'zpns-app-handler-in-component');
    await app.kill();
    clearAppLog();
    const { entry } = silentPush(app);
    await app.idle();
    expect(listenersThatRan()).toEqual([]);
    const fate = sim.ledger.get(entry.id)!.fate;
    expect(fate.name).toBe('dropped');
    expect(fate.reason).toMatch(/no headless task is registered for "ZPNsRNSDKHeadlessJsTaskService"/);
    expect(fate.reason).toMatch(/UI component/);
    await app.close();
  });

  test('still works while the app is alive in the background, because the component mounted', async () => {
    const app = await startApp('android', 'zpns-app-handler-in-component');
    await app.moveToBackground();
    clearAppLog();
    silentPush(app);
    await app.idle();
    expect(listenersThatRan()).toEqual(['backgroundMessageHandler']);
    await app.close();
  });
});

describe('the background queue of ZPNs 2.8.2+', () => {
  async function lateApp(sdkVersion: string) {
    const app = await AppProcess.start({
      simulator: sim.urls.control,
      device: { platform: 'android' },
      app: { bundleId: 'com.example.late', sdkProfile: 'zpns-rn', sdkVersion },
      entry: () => import('../fixtures/zpns-app-late-handler/index.js'),
      resetModules: () => vi.resetModules(),
    });
    await app.launch();
    await app.moveToBackground();
    return app;
  }

  test('2.8.3 holds a background message until setBackgroundMessageHandler is called in the process, then delivers it', async () => {
    const app = await lateApp('2.8.3');
    const { entry } = sim.simulation.send({
      token: sim.registry.register(app.appId).fcm!,
      kind: 'data',
      payload: { data: { title: 'queued' } },
    });
    await app.idle();
    expect(sim.ledger.get(entry.id)!.fate).toMatchObject({
      name: 'deferred',
      reason: expect.stringMatching(/queues the message/),
    });
    (globalThis as { __registerBackgroundHandlerLater?: () => void }).__registerBackgroundHandlerLater!();
    await app.idle();
    expect(listenersThatRan()).toEqual(['backgroundMessageHandler']);
    expect(sim.ledger.get(entry.id)!.history.map((f) => f.name)).toEqual([
      'accepted',
      'delivered',
      'deferred',
      'delivered',
    ]);
    await app.close();
  });

  test('2.8.1 has no queue: the message is lost', async () => {
    const app = await lateApp('2.8.1');
    const { entry } = sim.simulation.send({
      token: sim.registry.register(app.appId).fcm!,
      kind: 'data',
      payload: { data: { title: 'lost' } },
    });
    await app.idle();
    expect(sim.ledger.get(entry.id)!.fate).toMatchObject({
      name: 'dropped',
      reason: expect.stringMatching(/no background queue/),
    });
    await app.close();
  });

  test('a queued message is lost when the process is killed, and the ledger says so', async () => {
    const app = await lateApp('2.8.3');
    const { entry } = sim.simulation.send({
      token: sim.registry.register(app.appId).fcm!,
      kind: 'data',
      payload: { data: { title: 'queued' } },
    });
    await app.idle();
    await app.kill();
    expect(sim.ledger.get(entry.id)!.fate).toMatchObject({
      name: 'dropped',
      reason: expect.stringMatching(/process died/),
    });
    await app.close();
  });
});
