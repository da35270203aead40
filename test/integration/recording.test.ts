// Session recording (issue 15, view 8): a session driven through the real REST API and the real wire (APNs over
// HTTP/2 with a JWT signed by a key minted over REST, FCM with an OAuth token of a minted service account) becomes a
// scenario file that the scenario runner (what `pushsim run` calls) passes unchanged; changing one recorded expectation
// makes it fail.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientHttp2Session } from 'node:http2';
import { parse } from 'yaml';
import { WebSocket } from 'ws';
import { AppProcess } from '../../client-shim/index.js';
import { RealClock, type TimerHost } from '../../simulator/core/index.js';
import { Simulation } from '../../simulator/engine/index.js';
import { hmsAccessToken, sendHms } from '../../simulator/providers/hms/index.js';
import { Recordings } from '../../simulator/recording/index.js';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { runScenario } from '../../simulator/scenario/index.js';
import { controlApi, pushsimRun } from '../support/control-api.js';
import { connectApns, providerToken, request } from '../support/apns-wire.js';
import { accessToken, post } from '../support/fcm-wire.js';

let sim: SimulatorHandle;
let apns: ClientHttp2Session;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  apns = await connectApns(sim.urls.apns!, sim.caPem);
  dir = mkdtempSync(join(tmpdir(), 'pushsim-recording-'));
});
afterAll(async () => {
  apns?.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const api = controlApi(() => sim.urls.api);

/** A session: two phones set up first, then recorded: pushes over both wires, a lifecycle change, a condition, a tap, a clock advance. */
async function recordSession(): Promise<{ yaml: string; id: string; disposition: string }> {
  await api('POST', '/reset');
  expect((await api('POST', '/devices', { id: 'iphone', platform: 'ios' })).status).toBe(201);
  expect(
    (
      await api('POST', '/devices/iphone/apps', {
        id: 'news',
        bundleId: 'com.example.news',
        sdkProfile: 'native-ios',
        state: 'suspended',
      })
    ).status,
  ).toBe(201);
  expect((await api('POST', '/devices', { id: 'pixel', platform: 'android' })).status).toBe(201);
  const shop = await api('POST', '/devices/pixel/apps', {
    id: 'shop',
    bundleId: 'com.example.shop',
    sdkProfile: 'native-android',
    state: 'foreground',
  });
  const key = (await api('POST', '/apns/keys', {})).json as { teamId: string; keyId: string; p8: string };
  const account = (await api('POST', '/fcm/service-accounts', {})).json as {
    client_email: string;
    private_key: string;
    private_key_id: string;
  };
  const fcmBearer = { authorization: `Bearer ${await accessToken(sim.urls.fcm!, sim.caPem, account)}` };
  const news = (await api('GET', '/apps/news')).json as { tokens: { apns: string } };

  const started = await api('POST', '/recordings');
  expect(started.status).toBe(201);
  expect(started.json).toMatchObject({ status: 'recording', steps: 0 });
  expect((await api('POST', '/recordings')).status).toBe(409);
  const id = started.json.id as string;

  const bearer = `bearer ${providerToken(key, sim.clock.now())}`;
  const silent = await request(
    apns,
    {
      ':path': `/3/device/${news.tokens.apns}`,
      authorization: bearer,
      'apns-topic': 'com.example.news',
      'apns-push-type': 'background',
      'apns-priority': '5',
    },
    JSON.stringify({ aps: { 'content-available': 1 }, sync: 'inbox' }),
  );
  expect(silent.status).toBe(200);
  expect((await api('POST', '/apps/news/lifecycle', { event: 'forceQuit' })).status).toBe(200);
  const dropped = await request(
    apns,
    {
      ':path': `/3/device/${news.tokens.apns}`,
      authorization: bearer,
      'apns-topic': 'com.example.news',
      'apns-push-type': 'background',
      'apns-priority': '5',
    },
    JSON.stringify({ aps: { 'content-available': 1 } }),
  );
  expect(dropped.status).toBe(200);
  const alert = await api('POST', '/pushes', {
    token: news.tokens.apns,
    kind: 'alert',
    payload: { aps: { alert: { title: 'Lunch?' } } },
  });
  expect(alert.status).toBe(201);
  expect((await api('POST', '/apps/news/tap', { pushId: alert.json.id })).status).toBe(200);

  expect((await api('PATCH', '/devices/pixel/conditions', { online: false })).status).toBe(200);
  const fcm = await post(
    `${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`,
    sim.caPem,
    JSON.stringify({ message: { token: shop.json.tokens.fcm, data: { order: '42' } } }),
    fcmBearer,
  );
  expect(fcm.status).toBe(200);
  expect((await api('PATCH', '/devices/pixel/conditions', { online: true })).status).toBe(200);
  expect((await api('POST', '/apps/shop/lifecycle', { event: 'moveToBackground' })).status).toBe(200);
  expect((await api('POST', '/clock/advance', { by: '1m' })).status).toBe(200);

  expect((await api('GET', `/recordings/${id}`)).json.steps).toBeGreaterThan(5);
  const stopped = await api('POST', `/recordings/${id}/stop`);
  expect(stopped.json).toMatchObject({ id, status: 'stopped' });
  const scenario = await api('GET', `/recordings/${id}/scenario`);
  expect(scenario.status).toBe(200);
  expect(scenario.headers.get('content-type')).toMatch(/application\/yaml/);
  return { yaml: scenario.text, id, disposition: scenario.headers.get('content-disposition') ?? '' };
}

test('a session over REST and the APNs and FCM wires becomes a scenario file the runner passes, and fails once an expectation changes', async () => {
  const { yaml, disposition } = await recordSession();
  if (process.env.SHOW_YAML) console.log(yaml);
  expect(disposition).toMatch(/^attachment; filename="pushsim-session-.*\.yaml"$/);
  const scenario = parse(yaml) as { devices: unknown[]; apps: unknown[]; steps: Record<string, any>[] };
  expect(scenario.devices).toEqual([
    { id: 'iphone', platform: 'ios', osVersion: '18.0' },
    { id: 'pixel', platform: 'android', osVersion: '14' },
  ]);
  expect(scenario.apps).toContainEqual(expect.objectContaining({ id: 'news', state: 'suspended', sdk: 'native-ios' }));
  const kinds = scenario.steps.map((s) => Object.keys(s)[0]);
  expect(kinds).toEqual(
    expect.arrayContaining(['apns', 'push', 'tap', 'fcm', 'lifecycle', 'conditions', 'advance', 'expect']),
  );
  // No token of this session is in the file: steps name apps, and each run issues its own.
  const news = (await api('GET', '/apps/news')).json as { tokens: { apns: string } };
  expect(yaml).not.toContain(news.tokens.apns);
  const silent = scenario.steps.find((s) => s.apns && s.apns.payload?.sync === 'inbox');
  expect(silent?.apns).toMatchObject({
    app: 'news',
    headers: { 'apns-push-type': 'background', 'apns-priority': '5' },
  });
  const droppedExpect = scenario.steps.find((s) => s.expect?.of === 'p2');
  expect(droppedExpect?.expect).toMatchObject({ fate: 'dropped' });
  expect(droppedExpect?.expect.rules.length).toBeGreaterThan(0);

  const file = join(dir, 'session.yaml');
  writeFileSync(file, yaml);
  const [result] = await runScenario(file);
  expect(result!.failures).toEqual([]);
  expect(result!.status).toBe('passed');
  const cli = await pushsimRun(file);
  expect(cli.output).toMatch(/1 passed/);
  expect(cli.code).toBe(0);

  // One recorded expectation changed: the run must fail on it.
  const changed = yaml.replace(/(of: p2, fate: )dropped/, '$1delivered');
  expect(changed).not.toBe(yaml);
  const broken = join(dir, 'session-changed.yaml');
  writeFileSync(broken, changed);
  const [failed] = await runScenario(broken);
  expect(failed!.status).toBe('failed');
  expect(failed!.failures.map((f) => f.message).join('\n')).toMatch(/expected fate delivered/);
  // A changed rule id fails too: the fate must name the rows that decided it.
  const otherRule = yaml.replace(
    /(of: p2, fate: dropped, rules: \[ )ios\.background\.force-quit/,
    '$1ios.background.wakes',
  );
  expect(otherRule).not.toBe(yaml);
  const wrongRule = await replay(otherRule, 'session-other-rule.yaml');
  expect(wrongRule.failures.map((f) => f.message).join('\n')).toMatch(
    /expected the fate to name rule ios\.background\.wakes; it names ios\.background\.force-quit/,
  );
  const failedCli = await pushsimRun(broken);
  expect(failedCli.code).toBe(1);
  expect(failedCli.output).toMatch(/expected fate delivered/);
});

/** Writes a recorded file and runs it as `pushsim run` does (a fresh simulator, virtual clock). */
async function replay(yaml: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  const [result] = await runScenario(file);
  return result!;
}

test('ZIM sends with their strategies and logins, Push Kit over the wire, faults, an install mid-session and a reset are recorded and replay', async () => {
  await api('POST', '/reset');
  await api('POST', '/devices', { id: 'iphone', platform: 'ios' });
  await api('POST', '/devices/iphone/apps', {
    id: 'chat',
    bundleId: 'com.example.chat',
    sdkProfile: 'zpns-rn',
    state: 'suspended',
  });
  await api('POST', '/zpns/users', { userID: 'bob', appId: 'chat' });
  await api('POST', '/zpns/strategies', { resourcesID: 'silent', preset: 'silent' });
  const hmsApp = (await api('POST', '/hms/apps', { packageName: 'com.example.mail' })).json as {
    appId: string;
    clientSecret: string;
  };
  const hmsToken = await hmsAccessToken(sim.urls.hms!, sim.caPem, hmsApp.appId, hmsApp.clientSecret);

  const ws = new WebSocket(sim.urls.events!);
  const stepEvents: { recordingId: string; steps: number }[] = [];
  ws.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as { type: string; data: { recordingId: string; steps: number } };
    if (message.type === 'recording.step') stepEvents.push(message.data);
  });
  await new Promise((resolve) => ws.once('message', resolve));

  const { id } = (await api('POST', '/recordings')).json as { id: string };
  await api('POST', '/zpns/strategies', { resourcesID: 'alert', preset: 'alert' });
  const zim = await api('POST', '/zpns/messages', {
    fromUserID: 'alice',
    toConversationID: 'bob',
    message: { type: 1, message: 'hi' },
    config: { priority: 2, pushConfig: { resourcesID: 'silent', payload: '{"room":"1"}' } },
  });
  expect(zim.status).toBe(201);
  // A phone and an app created while recording are declared up front; the app's state is reached by a step.
  await api('POST', '/devices', {
    id: 'mate',
    platform: 'android',
    manufacturer: 'huawei',
    conditions: { hasGoogleServices: false },
  });
  const mail = (
    await api('POST', '/devices/mate/apps', {
      id: 'mail',
      bundleId: 'com.example.mail',
      sdkProfile: 'native-android',
      state: 'foreground',
    })
  ).json as { tokens: { hms: string } };
  const hms = await sendHms(sim.urls.hms!, sim.caPem, hmsToken, hmsApp.appId, {
    message: { token: [mail.tokens.hms], data: '{"k":"v"}' },
  });
  expect(hms.code).toBe('80000000');
  // A fault for the next APNs push to the chat app's token.
  const chat = (await api('GET', '/apps/chat')).json as { tokens: { apns: string } };
  expect(
    (await api('POST', '/apns/faults', { token: chat.tokens.apns, reason: 'TooManyRequests', times: 1 })).status,
  ).toBe(201);
  // While recording, the file is a snapshot so far and already replays.
  const snapshot = await api('GET', `/recordings/${id}/scenario`);
  expect(snapshot.text).toContain('zim:');
  expect((await replay(snapshot.text, 'snapshot.yaml')).failures).toEqual([]);

  await api('POST', '/reset');
  // The registry reuses ids after a reset: the new phone gets another name in the file.
  await api('POST', '/devices', { id: 'iphone', platform: 'ios' });
  await api('POST', '/devices/iphone/apps', {
    id: 'chat',
    bundleId: 'com.example.chat',
    sdkProfile: 'native-ios',
    state: 'active',
  });
  const again = (await api('GET', '/apps/chat')).json as { tokens: { apns: string } };
  await api('POST', '/pushes', { token: again.tokens.apns, kind: 'alert' });
  await api('POST', `/recordings/${id}/stop`);
  const { text: yaml } = await api('GET', `/recordings/${id}/scenario`);
  ws.close();
  if (process.env.SHOW_YAML) console.log(yaml);

  const scenario = parse(yaml) as { devices: any[]; apps: any[]; strategies: any[]; steps: Record<string, any>[] };
  expect(scenario.devices.map((d) => d.id)).toEqual(['iphone', 'mate', 'iphone-2']);
  expect(scenario.apps.map((a) => a.id)).toEqual(['chat', 'mail', 'chat-2']);
  expect(scenario.apps[0]).toMatchObject({ zimUser: 'bob', state: 'suspended' });
  expect(scenario.strategies.map((s) => s.resourcesID).sort()).toEqual(['alert', 'silent']);
  expect(scenario.steps).toContainEqual({
    zim: {
      from: 'alice',
      to: 'bob',
      message: { type: 1, message: 'hi' },
      pushConfig: { resourcesID: 'silent', payload: '{"room":"1"}' },
      as: 'p1',
    },
  });
  expect(scenario.steps).toContainEqual({ lifecycle: { app: 'mail', state: 'foreground' } });
  expect(scenario.steps).toContainEqual({
    fault: { provider: 'apns', app: 'chat', reason: 'TooManyRequests', times: 1 },
  });
  expect(scenario.steps.find((s) => s.hms)?.hms).toMatchObject({ app: 'mail', message: { data: '{"k":"v"}' } });
  expect(scenario.steps).toContainEqual({ uninstall: { app: 'chat' } });
  expect(yaml).toMatch(/# reset: the simulator forgot every device, app and push/);
  expect(yaml).not.toMatch(/faults cleared/);
  const steps = (await api('GET', `/recordings/${id}`)).json.steps as number;
  expect(stepEvents.at(-1)).toEqual({ recordingId: id, steps: expect.any(Number) });
  expect(stepEvents.length).toBeGreaterThan(5);
  expect(steps).toBe(scenario.steps.length);

  const result = await replay(yaml, 'zim-hms-reset.yaml');
  expect(result.failures).toEqual([]);
  expect(result.status).toBe('passed');

  expect((await api('DELETE', `/recordings/${id}`)).status).toBe(204);
  const gone = await api('GET', `/recordings/${id}`);
  expect(gone.status).toBe(404);
  expect(gone.json.error).toMatchObject({ code: 'RECORDING_NOT_FOUND', field: 'id' });
});

test('on a real clock the time that passed is written as advances, so timers fire in the replay as they did', async () => {
  // Real time on an injectable host: timers fire as `pass()` moves it, as Node would after that long.
  let now = Date.UTC(2026, 0, 1);
  const timers = new Map<number, { due: number; callback: () => void }>();
  let next = 1;
  const host: TimerHost<number> = {
    set: (callback, delayMs) => {
      timers.set(next, { due: now + delayMs, callback });
      return next++;
    },
    clear: (timer) => timers.delete(timer),
    now: () => now,
  };
  const pass = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers].filter(([, t]) => t.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].due;
      due[1].callback();
    }
    now = end;
  };
  const simulation = new Simulation({ clock: new RealClock(host), silentPushThrottle: { perWindow: 1 } });
  const device = simulation.createDevice({ id: 'iphone', platform: 'ios' });
  const app = simulation.installApp({
    id: 'news',
    deviceId: device.id,
    bundleId: 'com.example.news',
    sdkProfile: 'native-ios',
    state: 'active',
  });
  const recordings = new Recordings(simulation);
  const recording = recordings.start();
  pass(120); // a few ms of handling are not worth an advance
  simulation.lifecycle.request(app.id, 'moveToBackground');
  simulation.send({ token: app.tokens!.apns!, kind: 'background' });
  await Promise.resolve();
  pass(45_000);
  recordings.stop(recording.id);
  const yaml = recordings.scenarioYaml(recording.id);
  if (process.env.SHOW_YAML) console.log(yaml);
  const scenario = parse(yaml) as { settings: unknown; steps: Record<string, any>[] };
  // The simulator's own silent-push budget goes with the file.
  expect(scenario.settings).toEqual({ silentPushThrottle: { perWindow: 1, windowMs: 3_600_000 } });
  expect(scenario.steps.filter((s) => s.advance !== undefined).map((s) => s.advance)).not.toContain('120ms');
  expect(scenario.steps.at(-1)).toEqual({
    expect: { app: 'news', state: simulation.registry.requireApp('news').lifecycle },
  });
  expect(simulation.registry.requireApp('news').lifecycle).toMatch(/^suspended/);
  const result = await replay(yaml, 'real-clock.yaml');
  expect(result.failures).toEqual([]);
});

test("startSimulator's handle records too: sim.recordings, the same recordings as /api/recordings", async () => {
  await api('POST', '/reset');
  const recording = sim.recordings.start();
  expect((await api('GET', `/recordings/${recording.id}`)).json).toMatchObject({
    id: recording.id,
    status: 'recording',
  });
  expect((await api('POST', '/recordings')).json.error).toMatchObject({ code: 'RECORDING_IN_PROGRESS' });
  sim.simulation.createDevice({ id: 'tablet', platform: 'android' });
  sim.recordings.stop(recording.id);
  const yaml = sim.recordings.scenarioYaml(recording.id);
  expect(yaml).toContain('# device tablet created here');
  expect(yaml).toContain('# nothing was done while recording');
  expect((await replay(yaml, 'handle.yaml')).status).toBe('passed');
});

test('FCM topic and condition sends are recorded as sent, with the subscriptions they fan out to', async () => {
  await api('POST', '/reset');
  const account = (await api('POST', '/fcm/service-accounts', {})).json as {
    client_email: string;
    private_key: string;
    private_key_id: string;
  };
  const fcmBearer = { authorization: `Bearer ${await accessToken(sim.urls.fcm!, sim.caPem, account)}` };
  const phones: { tokens: { fcm: string } }[] = [];
  for (const id of ['a', 'b']) {
    await api('POST', '/devices', { id: `pixel-${id}`, platform: 'android' });
    phones.push(
      (
        await api('POST', `/devices/pixel-${id}/apps`, {
          id: `shop-${id}`,
          bundleId: 'com.example.shop',
          sdkProfile: 'native-android',
          state: 'foreground',
        })
      ).json,
    );
  }
  expect((await api('POST', '/fcm/subscriptions', { token: phones[0]!.tokens.fcm, topic: 'deals' })).status).toBe(201);
  const { id } = (await api('POST', '/recordings')).json as { id: string };
  expect((await api('POST', '/fcm/subscriptions', { token: phones[1]!.tokens.fcm, topic: 'deals' })).status).toBe(201);
  const url = `${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`;
  const topic = await post(
    url,
    sim.caPem,
    JSON.stringify({ message: { topic: 'deals', data: { sale: 'now' } } }),
    fcmBearer,
  );
  expect(topic.status).toBe(200);
  const condition = await post(
    url,
    sim.caPem,
    JSON.stringify({
      message: { condition: "'deals' in topics && !('news' in topics)", notification: { title: 'Sale' } },
    }),
    fcmBearer,
  );
  expect(condition.status).toBe(200);
  await api('POST', `/recordings/${id}/stop`);
  const { text: yaml } = await api('GET', `/recordings/${id}/scenario`);
  if (process.env.SHOW_YAML) console.log(yaml);
  const scenario = parse(yaml) as { steps: Record<string, any>[] };
  expect(scenario.steps.slice(0, 2)).toEqual([
    { subscribe: { app: 'shop-a', topic: 'deals' } },
    { subscribe: { app: 'shop-b', topic: 'deals' } },
  ]);
  expect(scenario.steps).toContainEqual({ fcm: { message: { topic: 'deals', data: { sale: 'now' } }, as: 'p1' } });
  expect(scenario.steps).toContainEqual({ expect: { of: 'p1', recipients: ['shop-a', 'shop-b'] } });
  const result = await replay(yaml, 'topics.yaml');
  expect(result.failures).toEqual([]);
  // With one subscription fewer the fan-out differs, and the run says so.
  const fewer = await replay(
    yaml.replace(/ {2}- subscribe: \{ app: shop-b, topic: deals \}\n/, ''),
    'topics-fewer.yaml',
  );
  expect(fewer.failures.map((f) => f.message).join('\n')).toMatch(/expected the push to reach shop-a, shop-b/);
});

test('an app running its own code through the client shim is recorded as a virtual app whose expectations assert the fate only', async () => {
  await api('POST', '/reset');
  const recording = sim.recordings.start();
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: { platform: 'android' },
    app: { bundleId: 'com.example.plain', sdkProfile: 'rn-firebase' },
    main: ({ messaging, AppRegistry }) => {
      messaging().setBackgroundMessageHandler(async () => {});
      AppRegistry.registerComponent('App', () => () => {
        messaging().onMessage(async () => {});
      });
    },
  });
  await app.launch();
  sim.simulation.send({ token: sim.registry.register(app.appId).fcm!, kind: 'data', payload: { data: { k: 'v' } } });
  await app.idle();
  await app.close();
  sim.recordings.stop(recording.id);
  const yaml = sim.recordings.scenarioYaml(recording.id);
  if (process.env.SHOW_YAML) console.log(yaml);
  expect(yaml).toMatch(/ran their own code through the client shim/);
  const scenario = parse(yaml) as { steps: Record<string, any>[] };
  const expectation = scenario.steps.find((s) => s.expect?.of === 'p1')?.expect;
  expect(expectation).toMatchObject({ fate: 'delivered' });
  expect(expectation).not.toHaveProperty('rules');
  expect((await replay(yaml, 'shim-app.yaml')).failures).toEqual([]);
});
