// issue 13, item 5: the project's own corpus of malformed and hostile inputs across the control API, the shim, the
// event feed, FCM and APNs. Each asserts the exact answer (pushsim's error, Apple's reason, google.rpc.Status) and that
// a valid push still goes through afterwards; the counts per category are printed at the end.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { SHIM_PROTOCOL_VERSION } from '../../simulator/shim-protocol/index.js';
import { connectApns, request as apnsRequest } from '../support/apns-wire.js';
import { post as fcmPost } from '../support/fcm-wire.js';
import type { ClientHttp2Session } from 'node:http2';

let sim: SimulatorHandle;
let apnsToken: string;
let fcmToken: string;
let apns: ClientHttp2Session;
const counts: Record<string, { sent: number; expected: number; fivexx: number; hang: number }> = {};
const json = { 'content-type': 'application/json' };

function tally(category: string, status: number, ok: boolean): void {
  const c = (counts[category] ??= { sent: 0, expected: 0, fivexx: 0, hang: 0 });
  c.sent++;
  if (ok) c.expected++;
  if (status >= 500) c.fivexx++;
}

const deep = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    apns: { permissive: true },
    fcm: { permissive: true },
  });
  const ios = sim.simulation.createDevice({ platform: 'ios', id: 'ios-1' });
  apnsToken = sim.simulation.installApp({ deviceId: ios.id, bundleId: 'com.example.ok', sdkProfile: 'native-ios' })
    .tokens!.apns!;
  const android = sim.simulation.createDevice({ platform: 'android', id: 'android-1' });
  fcmToken = sim.simulation.installApp({
    deviceId: android.id,
    bundleId: 'com.example.ok',
    sdkProfile: 'native-android',
  }).tokens!.fcm!;
  apns = await connectApns(sim.urls.apns, sim.caPem);
});
afterAll(async () => {
  apns?.close();
  await sim?.close();
  console.log('robustness corpus (sent, expected error, 5xx, hang):', JSON.stringify(counts));
});

/** A valid push on each wire still answers 200, and the read routes still answer. */
async function stillServes(): Promise<void> {
  const native = await fetch(`${sim.urls.api}/pushes`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ token: apnsToken, kind: 'alert', payload: { aps: { alert: 'ok' } } }),
  });
  expect(native.status).toBe(201);
  expect((await fetch(`${sim.urls.api}/pushes?limit=5`)).status).toBe(200);
}

// ── The control API ─────────────────────────────────────────────────────────────────────────────────────────────────
const badDeviceIds = [
  '../../x',
  'a b',
  '',
  'x'.repeat(65),
  'é',
  'a/b',
  'a?b',
  '%2e%2e',
  'a\u0000b',
  '<script>',
  'a:b',
  'a#b',
  '  ',
  'a\nb',
  '*',
];
const badPlatforms = [
  'windows',
  '',
  'IOS',
  'Android',
  'harmony',
  'ios ',
  1,
  null,
  true,
  [],
  {},
  'web',
  'macos',
  'linux',
  'tvos',
];
const badBundleIds = [
  'com example',
  '',
  '.com',
  'com.',
  'com..x',
  'x'.repeat(156),
  'com/x',
  'com.x!',
  'ç.x',
  'com.x y',
  1,
  null,
  [],
  {},
  'a\tb',
];
const badProfiles = ['evil', '', 'native', 'NATIVE-IOS', 'zpns', 1, null, {}, [], 'rn'];
const badConditions = [
  { online: 'yes' },
  { doze: 1 },
  { standbyBucket: 'sometimes' },
  { unknown: true },
  { notificationPermission: 'maybe' },
  'garbage',
  5,
  [],
  null,
  { online: null },
];
const controlCases: { name: string; path: string; body: string; status: number; code: string; field?: string }[] = [
  ...badDeviceIds.map((id) => ({
    name: `device id ${JSON.stringify(id)}`,
    path: '/devices',
    body: JSON.stringify({ platform: 'ios', id }),
    status: 400,
    code: 'INVALID_INPUT',
    field: 'id',
  })),
  ...badPlatforms.map((platform) => ({
    name: `platform ${JSON.stringify(platform)}`,
    path: '/devices',
    body: JSON.stringify({ platform }),
    status: 400,
    code: 'INVALID_INPUT',
    field: 'platform',
  })),
  ...badConditions.map((conditions) => ({
    name: `conditions ${JSON.stringify(conditions)}`,
    path: '/devices',
    body: JSON.stringify({ platform: 'android', conditions }),
    status: 400,
    code: 'INVALID_INPUT',
  })),
  ...badBundleIds.map((bundleId) => ({
    name: `bundle id ${JSON.stringify(bundleId)}`,
    path: '/devices/ios-1/apps',
    body: JSON.stringify({ bundleId, sdkProfile: 'native-ios' }),
    status: 400,
    code: 'INVALID_INPUT',
    field: 'bundleId',
  })),
  ...badProfiles.map((sdkProfile) => ({
    name: `sdkProfile ${JSON.stringify(sdkProfile)}`,
    path: '/devices/ios-1/apps',
    body: JSON.stringify({ bundleId: 'com.x.y', sdkProfile }),
    status: 400,
    code: 'INVALID_INPUT',
    field: 'sdkProfile',
  })),
  ...[1e308, '30d', '25d', 2 ** 31, '600h'].map((suspendAfter) => ({
    name: `suspendAfter ${suspendAfter}`,
    path: '/devices/ios-1/apps',
    body: JSON.stringify({ bundleId: 'com.x.z', sdkProfile: 'native-ios', suspendAfter }),
    status: 400,
    code: 'INVALID_INPUT',
    field: 'suspendAfter',
  })),
  ...[
    '/pushes',
    '/devices',
    '/devices/ios-1/apps',
    '/zpns/strategies',
    '/zpns/messages',
    '/apns/keys',
    '/fcm/faults',
    '/chaos',
    '/clock/advance',
  ].flatMap((path) =>
    [100, 5000, 20000].map((levels) => ({
      name: `${levels} levels deep to ${path}`,
      path,
      body: deep(levels),
      status: 400,
      code: 'JSON_TOO_DEEP',
    })),
  ),
  ...[
    '/devices/nope/apps',
    '/devices/ios-1/lifecycle',
    '/pushes',
    '/clock/advance',
    '/chaos',
    '/devices/ios-1/apps',
    '/zpns/strategies',
    '/zpns/messages',
    '/apns/keys',
  ].flatMap((path) =>
    ['{', '{"a":', 'nul', '[1,]', '{"a" 1}', "{'a':1}", '{"a":1}}'].map((body) => ({
      name: `malformed ${JSON.stringify(body)} to ${path}`,
      path,
      body,
      status: 400,
      code: 'INVALID_JSON',
    })),
  ),
  ...['{', '{"a":', 'nul', '[1,]', '{"a" 1}', "{'a':1}", '\u0000', '{"a":1}}'].map((body) => ({
    name: `malformed ${JSON.stringify(body)}`,
    path: '/devices',
    body,
    status: 400,
    code: 'INVALID_JSON',
  })),
];

describe('control API corpus', () => {
  test.each(controlCases)('$name → $status $code', async ({ path, body, status, code, field }) => {
    const answer = await fetch(`${sim.urls.api}${path}`, { method: 'POST', headers: json, body });
    const parsed = (await answer.json()) as { error: { code: string; message: string; field?: string } };
    const ok =
      answer.status === status && parsed.error.code === code && (field === undefined || parsed.error.field === field);
    tally('control', answer.status, ok);
    expect(answer.status).toBe(status);
    expect(parsed.error.code).toBe(code);
    if (field) expect(parsed.error.field).toBe(field);
    expect(parsed.error.message).not.toMatch(/at .*\.ts:\d+/);
    await stillServes();
  });
});

// ── The shim ─────────────────────────────────────────────────────────────────────────────────────────────────────────
function shimAnswer(message: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(sim.urls.shim);
    const timer = setTimeout(() => reject(new Error('no answer in 2 s')), 2000);
    ws.once('open', () => ws.send(message));
    ws.once('message', (raw) => {
      clearTimeout(timer);
      ws.close();
      resolve(JSON.parse(raw.toString()) as Record<string, unknown>);
    });
    ws.once('error', reject);
  });
}
const hello = (device: unknown, app: unknown) =>
  JSON.stringify({ type: 'hello', protocol: SHIM_PROTOCOL_VERSION, device, app });
const shimCases: { name: string; message: string; code: string }[] = [
  ...badPlatforms.map((platform) => ({
    name: `hello platform ${JSON.stringify(platform)}`,
    message: hello({ platform }, { bundleId: 'com.x.s', sdkProfile: 'native-ios' }),
    code: 'INVALID_MESSAGE',
  })),
  ...badDeviceIds.map((id) => ({
    name: `hello device id ${JSON.stringify(id)}`,
    message: hello({ platform: 'ios', id }, { bundleId: 'com.x.s', sdkProfile: 'native-ios' }),
    code: 'INVALID_MESSAGE',
  })),
  ...badBundleIds.map((bundleId) => ({
    name: `hello bundle id ${JSON.stringify(bundleId)}`,
    message: hello({ platform: 'ios' }, { bundleId, sdkProfile: 'native-ios' }),
    code: 'INVALID_MESSAGE',
  })),
  ...badProfiles.map((sdkProfile) => ({
    name: `hello sdkProfile ${JSON.stringify(sdkProfile)}`,
    message: hello({ platform: 'ios' }, { bundleId: 'com.x.s', sdkProfile }),
    code: 'INVALID_MESSAGE',
  })),
  ...badConditions.map((conditions) => ({
    name: `hello conditions ${JSON.stringify(conditions)}`,
    message: hello({ platform: 'android', conditions }, { bundleId: 'com.x.s', sdkProfile: 'native-android' }),
    code: 'INVALID_MESSAGE',
  })),
  {
    name: 'hello app.deviceId',
    message: hello({ platform: 'ios' }, { bundleId: 'com.x.s', sdkProfile: 'native-ios', deviceId: 'android-1' }),
    code: 'INVALID_MESSAGE',
  },
  ...[null, 1, 'x', [], true].map((v) => ({
    name: `message ${JSON.stringify(v)}`,
    message: JSON.stringify(v),
    code: 'INVALID_MESSAGE',
  })),
  ...['nope', '', 'HELLO', 'welcome', 'deliver'].map((type) => ({
    name: `type ${type}`,
    message: JSON.stringify({ type }),
    code: 'UNKNOWN_MESSAGE',
  })),
  ...['{', 'not json', '{"type":'].map((m) => ({ name: `garbage ${m}`, message: m, code: 'INVALID_JSON' })),
  { name: 'deep hello', message: `{"type":"hello","protocol":1,"device":${deep(5000)}}`, code: 'JSON_TOO_DEEP' },
  { name: 'register before hello', message: JSON.stringify({ type: 'register', requestId: '1' }), code: 'NOT_BOUND' },
];

describe('shim corpus', () => {
  test.each(shimCases)('$name → $code', async ({ message, code }) => {
    const answer = await shimAnswer(message);
    const got = (answer.code ?? (answer.error as { code?: string } | undefined)?.code) as string;
    tally('shim', got === 'INTERNAL' ? 500 : 400, got === code);
    expect(got).toBe(code);
    expect((await fetch(`${sim.urls.api}/apps`)).status).toBe(200);
    await stillServes();
  });
});

// ── The event feed ──────────────────────────────────────────────────────────────────────────────────────────────────
describe('event feed corpus', () => {
  test.each(['hello', '{}', deep(100), 'x'.repeat(3000), '\u0000'])('ignores a client frame %#', async (frame) => {
    const ws = new WebSocket(sim.urls.events);
    await new Promise((resolve) => ws.once('message', resolve));
    ws.send(frame);
    const event = new Promise((resolve) => ws.once('message', resolve));
    await stillServes();
    await event;
    tally('events', 101, true);
    ws.close();
  });
});

// ── FCM ──────────────────────────────────────────────────────────────────────────────────────────────────────────────
const fcmPaths = [
  '/v1/projects/%zz/messages:send',
  '/v1/projects/%/messages:send',
  '/v1/projects/%E0%A4%A/messages:send',
  '/v1/projects/pushsim-project/registrations/%zz/topicSubscriptions',
  '/v1/projects/pushsim-project/registrations/x/topicSubscriptions/%zz',
];
const fcmBodies: { name: string; body: string; status: number; status2: string }[] = [
  {
    name: 'deep message',
    body: JSON.stringify({ message: JSON.parse(deep(40)) }),
    status: 400,
    status2: 'INVALID_ARGUMENT',
  },
  {
    name: 'data __proto__',
    body: `{"message":{"token":"${'x'}","data":{"__proto__":"x"}}}`,
    status: 400,
    status2: 'INVALID_ARGUMENT',
  },
  ...[null, 1, 'x', [], true, {}].map((message) => ({
    name: `message ${JSON.stringify(message)}`,
    body: JSON.stringify({ message }),
    status: 400,
    status2: 'INVALID_ARGUMENT',
  })),
  ...['{', '', 'nul', '[]'].map((body) => ({
    name: `body ${JSON.stringify(body)}`,
    body,
    status: 400,
    status2: 'INVALID_ARGUMENT',
  })),
];

describe('FCM corpus', () => {
  test.each(fcmPaths)('malformed percent-encoding %s → 400 INVALID_ARGUMENT', async (path) => {
    const answer = await fcmPost(`${sim.urls.fcm}${path}`, sim.caPem, '{}');
    tally('fcm', answer.status, answer.status === 400);
    expect(answer.status).toBe(400);
    expect(answer.json.error.status).toBe('INVALID_ARGUMENT');
    await stillServes();
  });
  test.each(['null', '1', '"x"', '[]', 'true'])('batchAdd body %s → 400', async (body) => {
    const answer = await fcmPost(`${sim.urls.fcm}/iid/v1:batchAdd`, sim.caPem, body);
    tally('fcm', answer.status, answer.status === 400);
    expect(answer.status).toBe(400);
    await stillServes();
  });
  test.each(fcmBodies)('$name → $status $status2', async ({ body, status, status2 }) => {
    const answer = await fcmPost(
      `${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`,
      sim.caPem,
      body.replace('"x"', `"${fcmToken}"`),
    );
    tally('fcm', answer.status, answer.status === status);
    expect(answer.status).toBe(status);
    expect(answer.json.error.status).toBe(status2);
    await stillServes();
  });
});

// ── APNs ─────────────────────────────────────────────────────────────────────────────────────────────────────────────
const apnsCases: { name: string; headers: Record<string, string>; body: string; status: number; reason: string }[] = [
  ...['0', '11', 'x', '-1', '10.0', '2', '99999', '1e1', '010'].map((p) => ({
    name: `apns-priority ${p}`,
    headers: { 'apns-priority': p },
    body: '{"aps":{"alert":"x"}}',
    status: 400,
    reason: 'BadPriority',
  })),
  ...['x', '-1', '1e9', '1.5', '0x10', '9999999999999'].map((e) => ({
    name: `apns-expiration ${e}`,
    headers: { 'apns-expiration': e },
    body: '{"aps":{"alert":"x"}}',
    status: 400,
    reason: 'BadExpirationDate',
  })),
  ...[65, 100, 1000].map((n) => ({
    name: `apns-collapse-id ${n} bytes`,
    headers: { 'apns-collapse-id': 'c'.repeat(n) },
    body: '{"aps":{"alert":"x"}}',
    status: 400,
    reason: 'BadCollapseId',
  })),
  ...['', '[]', '1', 'null', '"x"', '{', 'nul'].map((body) => ({
    name: `body ${JSON.stringify(body)}`,
    headers: {},
    body,
    status: 400,
    reason: 'PayloadEmpty',
  })),
  { name: 'deep 6000-level body', headers: {}, body: deep(6000), status: 413, reason: 'PayloadTooLarge' },
  {
    name: '5000-byte body',
    headers: {},
    body: JSON.stringify({ aps: { alert: 'x'.repeat(5000) } }),
    status: 413,
    reason: 'PayloadTooLarge',
  },
];

describe('APNs corpus', () => {
  test.each(apnsCases)('$name → $status $reason', async ({ headers, body, status, reason }) => {
    const answer = await apnsRequest(
      apns,
      { ':path': `/3/device/${apnsToken}`, 'apns-topic': 'com.example.ok', ...headers },
      body,
    );
    tally('apns', answer.status, answer.status === status && answer.json?.reason === reason);
    expect(answer.status).toBe(status);
    expect(answer.json?.reason).toBe(reason);
    await stillServes();
  });
  test('a 63-byte UTF-8 apns-collapse-id (21 × ✓) is accepted', async () => {
    const answer = await apnsRequest(
      apns,
      {
        ':path': `/3/device/${apnsToken}`,
        'apns-topic': 'com.example.ok',
        'apns-collapse-id': Buffer.from('✓'.repeat(21)).toString('latin1'),
      },
      '{"aps":{"alert":"x"}}',
    );
    tally('apns', answer.status, answer.status === 200);
    expect(answer.status).toBe(200);
  });
  test.each(['bad', 'zz'.repeat(40), '0'.repeat(10)])('device token %s → 400 BadDeviceToken', async (token) => {
    const answer = await apnsRequest(
      apns,
      { ':path': `/3/device/${token}`, 'apns-topic': 'com.example.ok' },
      '{"aps":{"alert":"x"}}',
    );
    tally('apns', answer.status, answer.json?.reason === 'BadDeviceToken');
    expect(answer.json?.reason).toBe('BadDeviceToken');
    await stillServes();
  });
});

const badQueries = [
  'limit=-1',
  'limit=x',
  'limit=0',
  'limit=1e9',
  'fate=nope',
  'provider=x',
  'before=-1',
  'before=x',
  'unknown=1',
  'limit=1.5',
];
describe('control API query corpus', () => {
  test.each(badQueries)('GET /api/pushes?%s → 400 INVALID_INPUT', async (query) => {
    const answer = await fetch(`${sim.urls.api}/pushes?${query}`);
    const parsed = (await answer.json()) as { error: { code: string } };
    tally('control', answer.status, answer.status === 400 && parsed.error.code === 'INVALID_INPUT');
    expect(answer.status).toBe(400);
    expect(parsed.error.code).toBe('INVALID_INPUT');
    await stillServes();
  });
});

// Runs last (vitest keeps a file's order): every input above was sent and answered as expected, none with a 5xx.
test('the corpus sent at least 300 inputs, each answered as expected, none with a 5xx', () => {
  const all = Object.values(counts);
  expect(all.reduce((n, c) => n + c.sent, 0)).toBeGreaterThanOrEqual(300);
  expect(all.reduce((n, c) => n + c.fivexx + c.hang, 0)).toBe(0);
});
