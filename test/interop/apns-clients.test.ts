// Interop: the published @parse/node-apn and apns2 clients, unmodified, against pushsim's APNs endpoint over real TLS
// HTTP/2 on loopback, with a key minted by the simulator; callbacks read from the app's code through the client shim.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import apn from '@parse/node-apn';
import { ApnsClient, Notification, SilentNotification, Errors } from 'apns2';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { installRedirect, targetsFromEndpoints } from '../../simulator/redirect/index.js';
import { AppProcess } from '../../client-shim/index.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual', silentPushThrottle: { perWindow: 0 } });
  key = (await (await fetch(`${sim.urls.api}/apns/keys`, { method: 'POST', body: '{}' })).json()) as typeof key;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

/** An iPhone app whose delegate records which callback ran, driven through the client shim. */
async function iphoneApp(state: 'active' | 'background' | 'suspended' | 'notRunning' | 'forceQuit') {
  const calls: unknown[] = [];
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: { platform: 'ios' },
    app: { bundleId: 'com.example.news', sdkProfile: 'native-ios' },
    main: ({ ios, AppRegistry }) => {
      ios.setDelegate({
        didReceiveRemoteNotification: (userInfo, done) => {
          calls.push({ didReceiveRemoteNotification: userInfo });
          done('newData');
        },
        willPresent: (n, done) => {
          calls.push(`willPresent ${n.request.content.title}`);
          done(['banner']);
        },
      });
      AppRegistry.registerComponent('News', () => () => null);
    },
  });
  const token = sim.registry.register(app.appId).apns!;
  await app.launch();
  if (state !== 'active') await app.moveToBackground();
  if (state === 'suspended') await app.suspend();
  if (state === 'notRunning') await app.terminateBySystem();
  if (state === 'forceQuit') await app.forceQuit();
  return { app, token, calls };
}

describe('@parse/node-apn (token auth, address + port + ca)', () => {
  const provider = () =>
    new apn.Provider({
      token: { key: key.p8, keyId: key.keyId, teamId: key.teamId },
      address: '127.0.0.1',
      port: Number(new URL(sim.urls.apns).port),
      ca: [sim.caPem],
      production: false,
    });

  const woken = [{ didReceiveRemoteNotification: { aps: { 'content-available': 1 }, syncId: '7' } }];
  test.each([
    ['active', woken],
    ['background', woken],
    ['suspended', woken],
    ['notRunning', woken],
    ['forceQuit', []],
  ] as const)('a background push to an app that is %s', async (state, expected) => {
    const { app, token, calls } = await iphoneApp(state);
    const client = provider();
    const note = new apn.Notification();
    note.topic = 'com.example.news';
    note.pushType = 'background';
    note.priority = 5;
    note.contentAvailable = true;
    note.payload = { syncId: '7' };
    const result = await client.send(note, token);
    expect(result.failed).toEqual([]);
    expect(result.sent).toEqual([expect.objectContaining({ device: token, 'apns-unique-id': expect.any(String) })]);
    await app.idle();
    expect(calls).toEqual(expected);
    const entry = sim.ledger.list({ appId: app.appId }).at(-1)!;
    expect(entry.provider).toBe('apns');
    expect(entry.fate.name).toBe(state === 'forceQuit' ? 'dropped' : 'delivered');
    client.shutdown();
    await app.close();
  });

  test('an alert in the foreground reaches willPresent; a bad token comes back as BadDeviceToken', async () => {
    const { app, token, calls } = await iphoneApp('active');
    const client = provider();
    const note = new apn.Notification({
      alert: { title: 'Breaking', body: 'news' },
      topic: 'com.example.news',
      pushType: 'alert',
    });
    expect((await client.send(note, token)).sent).toHaveLength(1);
    const bad = await client.send(note, 'ab'.repeat(32));
    expect(bad.failed).toEqual([expect.objectContaining({ status: 400, response: { reason: 'BadDeviceToken' } })]);
    await app.idle();
    expect(calls).toEqual(['willPresent Breaking']);
    client.shutdown();
    await app.close();
  });
});

describe('apns2 (no port option: pointed at pushsim with the redirect)', () => {
  let restore: () => void;
  beforeAll(async () => {
    const endpoints = (await (await fetch(`${sim.urls.api}/endpoints`)).json()) as { name: string; url: string }[];
    restore = installRedirect({ targets: targetsFromEndpoints(endpoints), ca: sim.caPem });
  });
  afterAll(() => restore());

  const client = () =>
    new ApnsClient({
      team: key.teamId,
      keyId: key.keyId,
      signingKey: key.p8,
      defaultTopic: 'com.example.news',
      host: 'api.sandbox.push.apple.com',
      keepAlive: false,
    });

  test.each(['suspended', 'background'] as const)(
    'a SilentNotification wakes a %s app into didReceiveRemoteNotification',
    async (state) => {
      const { app, token, calls } = await iphoneApp(state);
      const apns = client();
      await apns.send(new SilentNotification(token, { data: { syncId: '9' } }));
      await app.idle();
      expect(calls).toEqual([{ didReceiveRemoteNotification: { aps: { 'content-available': 1 }, syncId: '9' } }]);
      const entry = sim.ledger.list({ appId: app.appId }).at(-1)!;
      expect(entry.push.headers).toMatchObject({ 'apns-push-type': 'background', 'apns-priority': '5' });
      await apns.close();
      await app.close();
    },
  );

  test('an uninstalled app comes back as 410 Unregistered with a millisecond timestamp', async () => {
    const { app, token } = await iphoneApp('active');
    await app.close();
    sim.simulation.uninstallApp(app.appId);
    const apns = client();
    const error = (await apns.send(new Notification(token, { alert: 'hi' })).catch((e: unknown) => e)) as {
      statusCode: number;
      reason: string;
      timestamp: number;
    };
    expect(error.statusCode).toBe(410);
    expect(error.reason).toBe(Errors.unregistered);
    expect(error.timestamp).toBeGreaterThan(1_700_000_000_000);
    await apns.close();
  });
});
