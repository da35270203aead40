// issue 13 (leftover): the FCM and HMS ports timed out only the HTTP/2 preface; a truncated ClientHello, an idle HTTP/2
// session and an idle HTTP/1.1 keep-alive connection were all held. The timeouts are set short (handshake 200 ms, idle
// 400 ms) through the `pushsim serve` flags' table, and each test waits for the close with a deadline over real sockets
// on port 0, as test/robustness/apns-transport-timeouts.test.ts does for APNs.
import http2, { type ClientHttp2Session } from 'node:http2';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { resolveServeOptions } from '../../simulator/cli/serve-options.js';
import { FCM_TRANSPORT_TIMEOUTS, fcmService } from '../../simulator/providers/fcm/index.js';
import { HMS_TRANSPORT_TIMEOUTS, hmsService } from '../../simulator/providers/hms/index.js';

const HANDSHAKE_MS = 200;
const IDLE_MS = 400;
const DEADLINE_MS = 3000;

let sim: SimulatorHandle;
const clients: (ClientHttp2Session | Socket)[] = [];

beforeAll(async () => {
  const options = resolveServeOptions(
    {
      port: '0',
      fcmIdleTimeout: '400ms',
      fcmHandshakeTimeout: '0.2s',
      hmsIdleTimeout: '400',
      hmsHandshakeTimeout: '200ms',
    },
    {},
  );
  for (const service of ['fcm', 'hms'] as const)
    expect(options[service]).toMatchObject({ idleTimeoutMs: IDLE_MS, handshakeTimeoutMs: HANDSHAKE_MS });
  sim = await startSimulator({ ...options, stateDir: undefined, clock: 'virtual' });
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await sim?.close();
});

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

describe.each(['fcm', 'hms'] as const)('the %s port', (service) => {
  const url = (): string => (sim.urls as unknown as Record<string, string>)[service]!;
  const port = (): number => Number(new URL(url()).port);

  test('closes a connection whose TLS handshake never finishes (a truncated ClientHello)', async () => {
    const socket = connectTcp(port(), '127.0.0.1');
    clients.push(socket);
    socket.on('error', () => {});
    socket.resume(); // read, so the server's close is seen
    await new Promise((resolve) => socket.once('connect', resolve));
    // A TLS record header announcing a 200-byte ClientHello, and then nothing.
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4]));
    expect(await within(socket, 'close', 'truncated ClientHello')).toBeGreaterThanOrEqual(HANDSHAKE_MS - 20);
  });

  test('sends GOAWAY (NO_ERROR) to an idle HTTP/2 connection and closes it', async () => {
    const session = await new Promise<ClientHttp2Session>((resolve, reject) => {
      const s = http2.connect(url(), { ca: sim.caPem });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    clients.push(session);
    session.on('error', () => {});
    // One request first: the idle clock runs from the last stream's close, not only from the connect.
    const status = await new Promise<number>((resolve, reject) => {
      const stream = session.request({ ':method': 'GET', ':path': '/pushsim-idle-probe' });
      stream.on('response', (headers) => resolve(Number(headers[':status'])));
      stream.on('error', reject);
      stream.resume();
      stream.end();
    });
    expect(status).toBeGreaterThanOrEqual(400);
    const goaway = new Promise<number>((resolve) => session.once('goaway', (code: number) => resolve(code)));
    expect(await within(session, 'close', 'idle HTTP/2 connection')).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(await goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
  });

  test('closes an HTTP/1.1 keep-alive connection idle between requests', async () => {
    const socket: TLSSocket = connectTls({
      port: port(),
      host: '127.0.0.1',
      ca: sim.caPem,
      ALPNProtocols: ['http/1.1'],
      servername: 'localhost',
    });
    clients.push(socket);
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    expect(socket.alpnProtocol).toBe('http/1.1');
    let received = '';
    const answered = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        const head = received.indexOf('\r\n\r\n');
        const length = /content-length: *(\d+)/i.exec(received)?.[1];
        if (head >= 0 && length !== undefined && received.length >= head + 4 + Number(length)) resolve();
      });
    });
    socket.write('GET /pushsim-idle-probe HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    await answered;
    expect(received).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(received).not.toMatch(/connection: *close/i);
    // Node's HTTP/1 server arms the socket timer at keepAliveTimeout plus its own 1 s buffer.
    expect(await within(socket, 'close', 'idle HTTP/1.1 keep-alive connection')).toBeGreaterThanOrEqual(IDLE_MS - 50);
  });
});

test('refuses a transport timeout longer than a timer can wait, naming the flag', () => {
  expect(() => resolveServeOptions({ fcmIdleTimeout: '30d' }, {})).toThrow(/--fcm-idle-timeout: .*longer than a timer/);
  expect(() => resolveServeOptions({}, { PUSHSIM_HMS_HANDSHAKE_TIMEOUT: 'soon' })).toThrow(
    /PUSHSIM_HMS_HANDSHAKE_TIMEOUT/,
  );
});

test("defaults: a 10 s handshake and a 10 minute idle timeout on both ports, as the modules' settings declare", () => {
  for (const module of [fcmService, hmsService]) {
    const defaults = Object.fromEntries(
      module.settings.flatMap((setting) => ('defaultMs' in setting ? [[setting.key, setting.defaultMs]] : [])),
    );
    expect(defaults).toEqual({ idleTimeoutMs: 600_000, handshakeTimeoutMs: 10_000 });
  }
  expect(FCM_TRANSPORT_TIMEOUTS).toEqual(HMS_TRANSPORT_TIMEOUTS);
});
