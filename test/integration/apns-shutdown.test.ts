// A Shutdown on the wire: the in-flight stream is answered 503 {"reason":"Shutdown"} before the GOAWAY, whose
// last-stream-id names that stream and whose debug data carries the reason; a stream sent after it is refused.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import http2 from 'node:http2';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { connectApns, request, providerToken, type WireAnswer } from '../support/apns-wire.js';

let sim: SimulatorHandle;
let app: InstalledApp;
let bearer: string;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  bearer = `bearer ${providerToken(sim.apns!.keyring.mint())}`;
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
});

const headers = () => ({
  ':path': `/3/device/${app.tokens!.apns}`,
  authorization: bearer,
  'apns-topic': 'com.example.app',
  'apns-push-type': 'alert',
});
const ALERT = JSON.stringify({ aps: { alert: 'hi' } });

async function injectShutdown(): Promise<void> {
  const response = await fetch(`${sim.urls.api}/apns/faults`, {
    method: 'POST',
    body: JSON.stringify({ reason: 'Shutdown', times: 1 }),
  });
  expect(response.status).toBe(201);
}

interface Goaway {
  code: number;
  lastStreamId: number;
  data: string;
}

test("regression: the GOAWAY of an injected Shutdown came before the stream's 503; now the 503 comes first and the GOAWAY names its stream", async () => {
  await injectShutdown();
  const session = await connectApns(sim.urls.apns, sim.caPem);
  const order: string[] = [];
  const goaway = new Promise<Goaway>((resolve) =>
    session.once('goaway', (code, lastStreamId, data) => {
      order.push('goaway');
      resolve({ code, lastStreamId, data: data?.toString('utf8') ?? '' });
    }),
  );
  const answer = request(session, headers(), ALERT).then((reply) => {
    order.push('answer');
    return reply;
  });
  const [reply, frame] = await Promise.all([answer, goaway]);
  expect(reply).toMatchObject({ status: 503, json: { reason: 'Shutdown' } });
  expect(order).toEqual(['answer', 'goaway']);
  expect(frame).toEqual({ code: http2.constants.NGHTTP2_NO_ERROR, lastStreamId: 1, data: '{"reason":"Shutdown"}' });
  session.destroy();
  // The next connection is served as usual.
  const next = await connectApns(sim.urls.apns, sim.caPem);
  try {
    expect((await request(next, headers(), ALERT)).status).toBe(200);
  } finally {
    next.close();
  }
});

test('a stream sent after the Shutdown stream on the same connection is refused, never delivered', async () => {
  const session = await connectApns(sim.urls.apns, sim.caPem);
  session.on('error', () => {});
  // A first push verifies the token on this connection, so the next two are handled in the order they were sent.
  expect((await request(session, headers(), ALERT)).status).toBe(200);
  await injectShutdown();
  const settle = (promise: Promise<WireAnswer>) =>
    promise.then(
      (reply) => `${reply.status} ${reply.json?.reason ?? ''}`.trim(),
      (error: { code?: string }) => error.code ?? 'error',
    );
  const first = settle(request(session, headers(), ALERT));
  const second = settle(request(session, headers(), ALERT));
  expect(await first).toBe('503 Shutdown');
  expect(await second).toMatch(/ERR_HTTP2_STREAM_ERROR|ERR_HTTP2_GOAWAY_SESSION/);
  session.destroy();
  const fates = sim.ledger.list({ appId: app.id }).map((entry) => `${entry.fate.name}: ${entry.fate.reason ?? ''}`);
  expect(fates).toEqual([
    'delivered: ',
    expect.stringMatching(/^rejected: Shutdown: injected fault/),
    expect.stringMatching(/^rejected: stream refused \(REFUSED_STREAM\): stream 3 was answered/),
  ]);
});
