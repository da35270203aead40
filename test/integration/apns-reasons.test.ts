// Every reason in Apple's table, produced through the wire (HTTP/2 over TLS on loopback) at least once.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import http2 from 'node:http2';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { APNS_REASONS, type ApnsReason } from '../../simulator/providers/apns/index.js';
import { loadCertificateAuthority } from '../../simulator/providers/tls/certificate-authority.js';
import { connectApns, request, providerToken, type WireAnswer } from '../support/apns-wire.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let app: InstalledApp;
const produced = new Set<string>();

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    apns: { tooManyRequests: { perToken: 3, windowMs: 1000 } },
  });
  key = sim.apns!.keyring.mint({ teamId: 'TEAM000001', keyId: 'KEY0000001' });
});
afterAll(async () => {
  await sim.close();
  // The catalogue: every reason Apple lists was answered by at least one test in this file.
  expect([...APNS_REASONS].filter((r) => !produced.has(r))).toEqual([]);
});
let bearer: string;
beforeEach(() => {
  sim.reset();
  bearer = `bearer ${providerToken(key)}`;
  const device = sim.simulation.createDevice({ platform: 'ios' });
  app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.app',
    sdkProfile: 'native-ios',
    state: 'active',
  });
});

const token = () => app.tokens!.apns!;
const path = (t = token()) => `/3/device/${t}`;
const good = (extra: Record<string, string | string[]> = {}) => ({
  ':path': path(),
  authorization: bearer,
  'apns-topic': 'com.example.app',
  'apns-push-type': 'alert',
  ...extra,
});
const ALERT = JSON.stringify({ aps: { alert: 'hi' } });

async function expectReason(answer: WireAnswer, reason: ApnsReason, status: number): Promise<void> {
  expect({ status: answer.status, reason: answer.json?.reason }).toEqual({ status, reason });
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.headers['apns-id']).toMatch(/^[0-9a-f-]{36}$/);
  produced.add(reason);
}

async function send(headers: Record<string, string | string[]>, body: string | Buffer = ALERT, url = sim.urls.apns) {
  const session = await connectApns(url, sim.caPem);
  try {
    return await request(session, headers, body);
  } finally {
    session.close();
  }
}

test('200 with apns-id echoed and apns-unique-id in sandbox', async () => {
  const id = '0e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
  const answer = await send(good({ 'apns-id': id }));
  expect(answer.status).toBe(200);
  expect(answer.headers['apns-id']).toBe(id);
  expect(answer.headers['apns-unique-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.body).toBe('');
});

test.each([
  ['BadCollapseId', { 'apns-collapse-id': 'x'.repeat(65) }],
  ['BadExpirationDate', { 'apns-expiration': 'tomorrow' }],
  ['BadMessageId', { 'apns-id': 'not-a-uuid' }],
  ['BadPriority', { 'apns-priority': '7' }],
  ['BadTopic', { 'apns-push-type': 'voip' }],
  ['InvalidPushType', { 'apns-push-type': 'shout' }],
  ['DuplicateHeaders', { 'apns-topic': ['com.example.app', 'com.example.app'] }],
] as const)('400 %s', async (reason, extra) => {
  await expectReason(await send(good(extra as Record<string, string | string[]>)), reason, 400);
});

test('400 BadDeviceToken for a malformed token, an unknown token and a token of the other environment', async () => {
  await expectReason(await send(good({ ':path': path('xyz') })), 'BadDeviceToken', 400);
  await expectReason(await send(good({ ':path': path('ab'.repeat(32)) })), 'BadDeviceToken', 400);
  await expectReason(await send(good(), ALERT, sim.urls.apnsProduction), 'BadDeviceToken', 400);
});

test('400 DeviceTokenNotForTopic, MissingTopic, MissingDeviceToken, PayloadEmpty', async () => {
  await expectReason(await send(good({ 'apns-topic': 'com.example.other' })), 'DeviceTokenNotForTopic', 400);
  const { 'apns-topic': _t, ...noTopic } = good();
  await expectReason(await send(noTopic), 'MissingTopic', 400);
  await expectReason(await send(good({ ':path': '/3/device/' })), 'MissingDeviceToken', 400);
  await expectReason(await send(good(), ''), 'PayloadEmpty', 400);
});

test('400 TopicDisallowed for a topic-specific key', async () => {
  const topicKey = sim.apns!.keyring.mint({ teamId: 'TEAM000001', topics: ['com.example.elsewhere'] });
  await expectReason(await send(good({ authorization: `bearer ${providerToken(topicKey)}` })), 'TopicDisallowed', 400);
});

test('400 IdleTimeout arrives in a GOAWAY when a connection stays idle', async () => {
  const idle = await startSimulator({ controlPort: 0, apns: { idleTimeoutMs: 150 } });
  try {
    const session = await connectApns(idle.urls.apns, idle.caPem);
    const [, , data] = await new Promise<[number, number, Buffer]>((resolve) =>
      session.once('goaway', (...args) => resolve(args as [number, number, Buffer])),
    );
    expect(JSON.parse(data.toString())).toEqual({ reason: 'IdleTimeout' });
    produced.add('IdleTimeout');
    session.destroy();
  } finally {
    await idle.close();
  }
});

test('403 token-auth reasons', async () => {
  const { authorization: _a, ...noAuth } = good();
  await expectReason(await send(noAuth), 'MissingProviderToken', 403);
  await expectReason(await send(good({ authorization: 'bearer not.a.jwt' })), 'InvalidProviderToken', 403);
  await expectReason(
    await send(good({ authorization: `bearer ${providerToken(key, Date.now() - 2 * 3600_000)}` })),
    'ExpiredProviderToken',
    403,
  );
  const productionKey = sim.apns!.keyring.mint({ teamId: 'TEAM000001', environment: 'production' });
  await expectReason(
    await send(good({ authorization: `bearer ${providerToken(productionKey)}` })),
    'BadEnvironmentKeyIdInToken',
    403,
  );
});

test('403 UnrelatedKeyIdInToken and 429 TooManyProviderTokenUpdates on one connection', async () => {
  const session = await connectApns(sim.urls.apns, sim.caPem);
  try {
    expect((await request(session, good(), ALERT)).status).toBe(200);
    const other = sim.apns!.keyring.mint({ teamId: 'TEAM000001' });
    await expectReason(
      await request(session, good({ authorization: `bearer ${providerToken(other)}` }), ALERT),
      'UnrelatedKeyIdInToken',
      403,
    );
    const newer = providerToken(key, Date.now() + 1000);
    await expectReason(
      await request(session, good({ authorization: `bearer ${newer}` }), ALERT),
      'TooManyProviderTokenUpdates',
      429,
    );
    await sim.advance('20m');
    expect((await request(session, good({ authorization: `bearer ${newer}` }), ALERT)).status).toBe(200);
  } finally {
    session.close();
  }
});

test('403 certificate reasons: a certificate from another CA, and one for the other environment', async () => {
  const foreign = loadCertificateAuthority('/tmp/pushsim-foreign-ca-for-tests').issueClientCertificate(
    'com.example.app',
    'sandbox',
  );
  const { authorization: _a, ...headers } = good();
  const bad = await connectApns(sim.urls.apns, sim.caPem, { cert: foreign.cert, key: foreign.key });
  await expectReason(await request(bad, headers, ALERT), 'BadCertificate', 403);
  bad.close();
  const production = (await (
    await fetch(`${sim.urls.api}/apns/certificates`, {
      method: 'POST',
      body: JSON.stringify({ topic: 'com.example.app', environment: 'production' }),
    })
  ).json()) as { cert: string; key: string };
  const wrongEnv = await connectApns(sim.urls.apns, sim.caPem, { cert: production.cert, key: production.key });
  await expectReason(await request(wrongEnv, headers, ALERT), 'BadCertificateEnvironment', 403);
  wrongEnv.close();
  const sandbox = (await (
    await fetch(`${sim.urls.api}/apns/certificates`, {
      method: 'POST',
      body: JSON.stringify({ topic: 'com.example.app' }),
    })
  ).json()) as { cert: string; key: string };
  const ok = await connectApns(sim.urls.apns, sim.caPem, { cert: sandbox.cert, key: sandbox.key });
  expect((await request(ok, headers, ALERT)).status).toBe(200);
  ok.close();
});

test('404 BadPath, 405 MethodNotAllowed', async () => {
  await expectReason(await send(good({ ':path': '/4/device/abc' })), 'BadPath', 404);
  await expectReason(await send(good({ ':method': 'GET' })), 'MethodNotAllowed', 405);
});

test('410 Unregistered with a millisecond timestamp after uninstall', async () => {
  const t = token();
  await sim.advance('1s');
  const uninstalledAt = sim.clock.now();
  sim.simulation.uninstallApp(app.id);
  const answer = await send(good({ ':path': path(t) }));
  await expectReason(answer, 'Unregistered', 410);
  expect(answer.json!.timestamp).toBe(uninstalledAt);
});

test('413 PayloadTooLarge over 4096 bytes (5120 for VoIP)', async () => {
  const big = JSON.stringify({ aps: { alert: 'x'.repeat(4100) } });
  await expectReason(await send(good(), big), 'PayloadTooLarge', 413);
  const voipDevice = sim.simulation.createDevice({ platform: 'ios' });
  const voipApp = sim.simulation.installApp({
    deviceId: voipDevice.id,
    bundleId: 'com.example.call',
    sdkProfile: 'native-ios',
  });
  const voip = {
    ':path': path(voipApp.tokens!.apns!),
    authorization: `bearer ${providerToken(key)}`,
    'apns-topic': 'com.example.call.voip',
    'apns-push-type': 'voip',
  };
  expect((await send(voip, JSON.stringify({ aps: {}, pad: 'x'.repeat(4500) }))).status).toBe(200);
});

test('429 TooManyRequests for the same device token too fast', async () => {
  const session = await connectApns(sim.urls.apns, sim.caPem);
  try {
    for (let i = 0; i < 3; i++) expect((await request(session, good(), ALERT)).json, `push ${i + 1}`).toBeUndefined();
    await expectReason(await request(session, good(), ALERT), 'TooManyRequests', 429);
  } finally {
    session.close();
  }
});

test.each([
  ['InternalServerError', 500],
  ['ServiceUnavailable', 503],
  ['Shutdown', 503],
  ['Forbidden', 403],
  ['ExpiredToken', 410],
] as const)('%s by fault injection', async (reason, status) => {
  const created = (await (
    await fetch(`${sim.urls.api}/apns/faults`, {
      method: 'POST',
      body: JSON.stringify({ token: token(), reason, times: 1 }),
    })
  ).json()) as { id: string };
  expect(created.id).toBeTruthy();
  const answer = await send(good());
  await expectReason(answer, reason, status);
  if (status === 410) expect(answer.json!.timestamp).toEqual(expect.any(Number));
  expect((await send(good())).status).toBe(200);
  const entry = sim.ledger.list({ fate: 'rejected' }).at(-1)!;
  expect(entry.fate.reason).toMatch(new RegExp(`^${reason}: injected fault`));
});

test('the BadEnvironmentKeyIdInToken spelling is configurable', async () => {
  const other = await startSimulator({
    controlPort: 0,
    apns: { reasonSpelling: { BadEnvironmentKeyIdInToken: 'BadEnvironmentKeyInToken' } },
  });
  try {
    const productionKey = other.apns!.keyring.mint({ environment: 'production' });
    const device = other.simulation.createDevice({ platform: 'ios' });
    const a = other.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.app',
      sdkProfile: 'native-ios',
    });
    const session = await connectApns(other.urls.apns, other.caPem);
    const answer = await request(
      session,
      {
        ':path': `/3/device/${a.tokens!.apns}`,
        authorization: `bearer ${providerToken(productionKey)}`,
        'apns-topic': 'com.example.app',
      },
      ALERT,
    );
    expect(answer.json).toEqual({ reason: 'BadEnvironmentKeyInToken' });
    session.close();
  } finally {
    await other.close();
  }
});

test("a client without ALPN (HTTP/2 prior knowledge over TLS, Pushy's default) gets answers", async () => {
  const session = http2.connect(sim.urls.apns, { ca: sim.caPem, ALPNProtocols: [] });
  await new Promise((resolve, reject) => {
    session.once('connect', resolve);
    session.once('error', reject);
  });
  expect((await request(session, good(), ALERT)).status).toBe(200);
  session.close();
});
