// issue 13, item 5: nothing was ever timed out on the APNs port (half-open streams, TLS connections without the HTTP/2
// preface, truncated ClientHellos: all held). The timeouts are set short (200 ms; idle 600 ms, so that it does not end
// the other tests' connections first) through the `pushsim serve` flags' table, and each test waits for the close with
// a deadline over real sockets on port 0.
import http2, { type ClientHttp2Session } from 'node:http2';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { resolveServeOptions } from '../../simulator/cli/serve-options.js';
import { connectApns, request } from '../support/apns-wire.js';

const TIMEOUT_MS = 200;
const DEADLINE_MS = 3000;

let sim: SimulatorHandle;
let token: string;
const clients: (ClientHttp2Session | Socket)[] = [];

beforeAll(async () => {
  const options = resolveServeOptions(
    {
      port: '0',
      apnsPermissive: true,
      apnsIdleTimeout: '600ms',
      apnsHandshakeTimeout: '200ms',
      apnsPrefaceTimeout: '200',
      apnsStreamTimeout: '0.2s',
    },
    {},
  );
  expect(options.apns).toMatchObject({
    idleTimeoutMs: 600,
    handshakeTimeoutMs: TIMEOUT_MS,
    prefaceTimeoutMs: TIMEOUT_MS,
    streamTimeoutMs: TIMEOUT_MS,
  });
  sim = await startSimulator({ ...options, stateDir: undefined, clock: 'virtual' });
  const device = sim.simulation.createDevice({ platform: 'ios', id: 'timeouts-ios' });
  token = sim.simulation.installApp({ deviceId: device.id, bundleId: 'com.example.t', sdkProfile: 'native-ios' })
    .tokens!.apns!;
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await sim?.close();
});

const port = (): number => Number(new URL(sim.urls.apns!).port);

/** Resolves with the ms until `emitter` emits `event`; rejects when it has not after DEADLINE_MS. */
function within(emitter: NodeJS.EventEmitter, event: string, what: string): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: still open after ${DEADLINE_MS} ms`)), DEADLINE_MS);
    emitter.once(event, () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

const push = (): Record<string, string> => ({
  ':path': `/3/device/${token}`,
  'apns-topic': 'com.example.t',
  'apns-push-type': 'alert',
});

test('closes a connection whose TLS handshake never finishes (a truncated ClientHello)', async () => {
  const socket = connectTcp(port(), '127.0.0.1');
  clients.push(socket);
  socket.on('error', () => {});
  socket.resume(); // read, so the server's close is seen
  await new Promise((resolve) => socket.once('connect', resolve));
  // A TLS record header announcing a 200-byte ClientHello, and then nothing.
  socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4]));
  expect(await within(socket, 'close', 'truncated ClientHello')).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
});

test('closes a TLS connection that never sends the HTTP/2 preface, and keeps one that did', async () => {
  const live = await connectApns(sim.urls.apns!, sim.caPem);
  clients.push(live);
  const silent = connectTls({
    port: port(),
    host: '127.0.0.1',
    ca: sim.caPem,
    ALPNProtocols: ['h2'],
    servername: 'localhost',
  });
  clients.push(silent);
  silent.on('error', () => {});
  silent.resume(); // read (the server's SETTINGS, its close), so the close is seen
  await new Promise((resolve) => silent.once('secureConnect', resolve));
  expect(silent.alpnProtocol).toBe('h2');
  expect(await within(silent, 'close', 'TLS connection without a preface')).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
  // The connection that sent its preface at the same time is still there, and serves.
  expect(live.closed || live.destroyed).toBe(false);
  const answer = await request(live, push(), JSON.stringify({ aps: { alert: 'still here' } }));
  expect(answer.status).toBe(200);
  live.destroy();
});

test('resets a stream whose body never ends (RST_STREAM CANCEL) and notes it; the connection serves on', async () => {
  const session = await connectApns(sim.urls.apns!, sim.caPem);
  clients.push(session);
  const stream = session.request({ ':method': 'POST', ...push(), 'apns-id': '0e6c6c0a-7d7e-4f3a-9a54-6d6a7e2b1c01' });
  stream.on('error', () => {});
  stream.write('{"aps":{"alert":');
  await within(stream, 'close', 'half-open stream');
  expect(stream.rstCode).toBe(http2.constants.NGHTTP2_CANCEL);
  const fate = sim.ledger.get('0e6c6c0a-7d7e-4f3a-9a54-6d6a7e2b1c01')?.fate as { name: string; reason?: string };
  expect(fate).toMatchObject({ name: 'rejected', reason: expect.stringMatching(/did not end within 200 ms/) });
  const answer = await request(session, push(), JSON.stringify({ aps: { alert: 'whole' } }));
  expect(answer.status).toBe(200);
  session.destroy();
});

test('sends GOAWAY {"reason":"IdleTimeout"} to an idle connection and closes it, a half-open stream included', async () => {
  const session = await connectApns(sim.urls.apns!, sim.caPem);
  clients.push(session);
  expect((await request(session, push(), JSON.stringify({ aps: { alert: 'one' } }))).status).toBe(200);
  const stream = session.request({ ':method': 'POST', ...push() });
  stream.on('error', () => {});
  stream.write('{');
  const goaway = new Promise<Buffer>((resolve) =>
    session.once('goaway', (_code, _last, data: Buffer) => resolve(data)),
  );
  await within(session, 'close', 'idle connection');
  expect(JSON.parse((await goaway).toString())).toEqual({ reason: 'IdleTimeout' });
});

test('refuses a transport timeout longer than a timer can wait, naming the flag', () => {
  expect(() => resolveServeOptions({ apnsIdleTimeout: '30d' }, {})).toThrow(
    /--apns-idle-timeout: .*longer than a timer/,
  );
  expect(() => resolveServeOptions({}, { PUSHSIM_APNS_STREAM_TIMEOUT: 'soon' })).toThrow(/PUSHSIM_APNS_STREAM_TIMEOUT/);
});
