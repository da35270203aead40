// Malformed and hostile input on the APNs endpoint: each gets Apple's answer or a closed stream, the server stays up
// and other clients' pushes are unaffected.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import http2 from 'node:http2';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { connectApns, request, providerToken } from '../support/apns-wire.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let app: InstalledApp;
let bearer: string;

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    apns: { tooManyRequests: { perToken: 0, windowMs: 1000 } },
  });
  key = sim.apns!.keyring.mint();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  const device = sim.simulation.createDevice({ platform: 'ios' });
  app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.app',
    sdkProfile: 'native-ios',
    state: 'active',
  });
  bearer = `bearer ${providerToken(key)}`;
});

const headers = () => ({
  ':path': `/3/device/${app.tokens!.apns}`,
  authorization: bearer,
  'apns-topic': 'com.example.app',
  'apns-push-type': 'alert',
});
const ALERT = JSON.stringify({ aps: { alert: 'hi' } });

/** A PING round trip: the server has read every frame sent before it. */
function pingRoundTrip(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve, reject) => session.ping((error) => (error ? reject(error) : resolve())));
}

/** A second, well-behaved client: its push must still be accepted. */
async function otherClientStillServed(): Promise<void> {
  const session = await connectApns(sim.urls.apns, sim.caPem);
  try {
    expect((await request(session, headers(), ALERT)).status).toBe(200);
  } finally {
    session.close();
  }
}

test.each([
  ['bad JSON', Buffer.from('{"aps": {"alert": "hi"')],
  ['a JSON array', Buffer.from('[1,2,3]')],
  ['non-UTF-8 bytes', Buffer.from([0x7b, 0x22, 0x61, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
])('%s gets 400 PayloadEmpty with the problem in the ledger', async (_what, body) => {
  const session = await connectApns(sim.urls.apns, sim.caPem);
  const answer = await request(session, headers(), body);
  session.close();
  expect(answer).toMatchObject({ status: 400, json: { reason: 'PayloadEmpty' } });
  expect(sim.ledger.list({ fate: 'rejected' }).at(-1)!.fate.reason).toMatch(
    /not valid JSON|not a JSON object|not valid UTF-8/,
  );
  await otherClientStillServed();
});

test('a content-length that does not match the body closes the stream', async () => {
  const session = await connectApns(sim.urls.apns, sim.caPem);
  const outcome = await new Promise<string>((resolve) => {
    const stream = session.request({ ':method': 'POST', ...headers(), 'content-length': '500' });
    stream.on('response', (h) => resolve(`status ${h[':status']}`));
    stream.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    stream.on('close', () => resolve(`closed ${stream.rstCode}`));
    stream.end(ALERT);
  });
  expect(outcome).toMatch(/error|closed|status 400/);
  session.destroy();
  await otherClientStillServed();
});

test('a burst of 1,000 streams reset right after opening leaves the server serving', async () => {
  const session = await connectApns(sim.urls.apns, sim.caPem);
  session.on('error', () => {});
  for (let i = 0; i < 1000; i++) {
    const stream = session.request({ ':method': 'POST', ...headers() });
    stream.on('error', () => {});
    stream.close(http2.constants.NGHTTP2_CANCEL);
  }
  await pingRoundTrip(session);
  session.destroy();
  await otherClientStillServed();
});

test('10,000 streams opened and abandoned without a body leave the server serving', async () => {
  const session = await connectApns(sim.urls.apns, sim.caPem, { peerMaxConcurrentStreams: 20_000 });
  session.on('error', () => {});
  for (let i = 0; i < 10_000; i++) {
    const stream = session.request({ ':method': 'POST', ...headers() }, { endStream: false });
    stream.on('error', () => {});
  }
  await pingRoundTrip(session);
  await otherClientStillServed();
  session.destroy();
  await otherClientStillServed();
});

test("curl --http2 gets Apple's answers", async () => {
  const caFile = join(tmpdir(), `pushsim-ca-${process.pid}.pem`);
  writeFileSync(caFile, sim.caPem);
  const { stdout } = await promisify(execFile)('curl', [
    '-sS',
    '--http2',
    '--cacert',
    caFile,
    '-o',
    '-',
    '-w',
    '\n%{http_code} %{http_version}',
    '-H',
    `authorization: ${bearer}`,
    '-H',
    'apns-topic: com.example.app',
    '-H',
    'apns-push-type: alert',
    '--data',
    ALERT,
    `${sim.urls.apns.replace('127.0.0.1', 'localhost')}/3/device/${app.tokens!.apns}`,
  ]);
  expect(stdout.trim()).toBe('200 2');
  const { stdout: bad } = await promisify(execFile)('curl', [
    '-sS',
    '--http2',
    '--cacert',
    caFile,
    '-w',
    '\n%{http_code}',
    '-H',
    `authorization: ${bearer}`,
    '--data',
    ALERT,
    `${sim.urls.apns}/3/device/${app.tokens!.apns}`,
  ]);
  expect(bad).toBe('{"reason":"MissingTopic"}\n400');
});
