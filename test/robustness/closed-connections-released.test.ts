// issue 13, "RSS returns once entries leave the window": every APNs connection a client had closed stayed in the heap
// (with its TLS socket) until its idle timer fired, an hour later by default: on Node 20 `session.setTimeout()` is never
// cleared once a session is destroyed. The soak kills its connections every 5 s, so they piled up past any reset.
import http2, { type Http2Session } from 'node:http2';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { connectApns, request } from '../support/apns-wire.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let sim: SimulatorHandle;
let token: string;
let ServerSession: new (...args: never[]) => Http2Session;

beforeAll(async () => {
  // The idle timeout at its default (an hour): the connections must go when their clients close them, not when it fires.
  sim = await startSimulator({ controlPort: 0, apns: { permissive: true }, stateDir: undefined, clock: 'virtual' });
  const device = sim.simulation.createDevice({ platform: 'ios', id: 'released-ios' });
  token = sim.simulation.installApp({ deviceId: device.id, bundleId: 'com.example.r', sdkProfile: 'native-ios' })
    .tokens!.apns!;
  ServerSession = await serverSessionClass();
});
afterAll(async () => {
  await sim?.close();
});

/** Node does not export ServerHttp2Session; a throwaway server hands over one instance's class. */
async function serverSessionClass(): Promise<new (...args: never[]) => Http2Session> {
  const server = http2.createServer();
  const taken = new Promise<Http2Session>((resolve) => server.once('session', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = http2.connect(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
  const session = await taken;
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return session.constructor as new (
    ...args: never[]
  ) => Http2Session;
}

const liveServerSessions = (): number => {
  gc();
  return v8.queryObjects(ServerSession, { format: 'count' }) as number;
};

/** Waits (at most 3 s) until the server's sessions are back to `count`; returns how many there are then. */
async function settlesAt(count: number): Promise<number> {
  const deadline = Date.now() + 3000;
  let live = liveServerSessions();
  while (live > count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    live = liveServerSessions();
  }
  return live;
}

test('lets go of an APNs connection once its client has closed it, with the idle timeout at its default', async () => {
  const before = await settlesAt(0);
  for (let i = 0; i < 10; i++) {
    const session = await connectApns(sim.urls.apns!, sim.caPem);
    const answer = await request(
      session,
      { ':path': `/3/device/${token}`, 'apns-topic': 'com.example.r', 'apns-push-type': 'alert' },
      JSON.stringify({ aps: { alert: `push ${i}` } }),
    );
    expect(answer.status).toBe(200);
    await new Promise<void>((resolve) => session.close(() => resolve()));
  }
  expect(await settlesAt(before)).toBe(before);
});
