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
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { runScenario } from '../../simulator/scenario/index.js';
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

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const response = await fetch(`${sim.urls.api}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

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

  // One recorded expectation changed: the run must fail on it.
  const changed = yaml.replace(/(of: p2, fate: )dropped/, '$1delivered');
  expect(changed).not.toBe(yaml);
  const broken = join(dir, 'session-changed.yaml');
  writeFileSync(broken, changed);
  const [failed] = await runScenario(broken);
  expect(failed!.status).toBe('failed');
  expect(failed!.failures.map((f) => f.message).join('\n')).toMatch(/expected fate delivered/);
});
