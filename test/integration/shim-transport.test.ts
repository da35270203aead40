// The shim transport itself: binding, a disconnect mid-delivery, and an unreachable app, with a correct ledger
// throughout.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { ShimConnection } from '../../client-shim/index.js';
import type { SimulatorEvents } from '../../simulator/index.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

/** The next simulator event of a type that matches, or a failure after `timeoutMs`: waiting without sleeping. */
function nextEvent<K extends keyof SimulatorEvents>(
  type: K,
  match: (data: SimulatorEvents[K]) => boolean = () => true,
  timeoutMs = 2_000,
) {
  return new Promise<SimulatorEvents[K]>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${String(type)} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = sim.simulation.bus.on(type, (data) => {
      if (match(data)) {
        clearTimeout(timer);
        off();
        resolve(data);
      }
    });
  });
}

/** The next push the simulator hands the app over its shim connection, or a failure after `timeoutMs`. */
function nextDelivery(connection: ShimConnection, timeoutMs = 2_000) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the shim connection got no deliver message within ${timeoutMs} ms`)),
      timeoutMs,
    );
    connection.once('deliver', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function connectedApp() {
  const connection = await ShimConnection.connect(sim.urls.shim, {
    device: { platform: 'android' },
    app: { bundleId: 'com.example.flaky', sdkProfile: 'rn-firebase' },
  });
  const tokens = await connection.register();
  await connection.lifecycle('launch');
  return { connection, tokens, appId: connection.welcome.appId };
}

test('a hello binds the connection to a new install and the simulator reports it attached', async () => {
  const { connection, appId } = await connectedApp();
  expect(((await (await fetch(`${sim.urls.api}/apps/${appId}`)).json()) as { attached: boolean }).attached).toBe(true);
  await connection.close();
});

test('a disconnect mid-delivery settles the push as dropped, and later pushes say the app is unreachable', async () => {
  const { connection, tokens, appId } = await connectedApp();
  const delivered = nextDelivery(connection);
  const { entry } = sim.simulation.send({ token: tokens.fcm!, kind: 'data', priority: 'high' });
  await delivered;
  expect(entry.fate.name).toBe('delivered');
  const detached = nextEvent('app.detached', (e) => e.appId === appId);
  await connection.close();
  await detached;
  expect(sim.ledger.get(entry.id)!.fate).toMatchObject({
    name: 'dropped',
    reason: expect.stringMatching(/disconnected before the app acknowledged/),
  });
  expect(sim.ledger.get(entry.id)!.history.map((f) => f.name)).toEqual(['accepted', 'delivered', 'dropped']);

  const later = sim.simulation.send({ token: tokens.fcm!, kind: 'data', priority: 'high' }).entry;
  expect(later.fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/client shim is disconnected/) });
  expect(((await (await fetch(`${sim.urls.api}/apps/${appId}`)).json()) as { attached: boolean }).attached).toBe(false);
});

test('an acknowledged delivery keeps its fate when the connection drops afterwards', async () => {
  const { connection, tokens, appId } = await connectedApp();
  connection.on('deliver', (d) =>
    connection.ack({ pushId: d.pushId, ran: true, callback: 'onMessage', message: { ok: true } }),
  );
  const received = nextEvent('push.received');
  const { entry } = sim.simulation.send({ token: tokens.fcm!, kind: 'data', priority: 'high' });
  expect((await received).id).toBe(entry.id);
  expect(sim.ledger.get(entry.id)!.receipts).toEqual([
    expect.objectContaining({ callback: 'onMessage', message: { ok: true } }),
  ]);
  const detached = nextEvent('app.detached', (e) => e.appId === appId);
  await connection.close();
  await detached;
  expect(sim.ledger.get(entry.id)!.fate.name).toBe('delivered');
  expect(sim.ledger.get(entry.id)!.history.map((f) => f.name)).toEqual(['accepted', 'delivered']);
});

test('a shim speaking another protocol version is refused with a message saying so', async () => {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(sim.urls.shim);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const message = new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the shim gateway sent no reply within 2000 ms')), 2_000);
    ws.once('message', (data: Buffer) => {
      clearTimeout(timer);
      resolve(data);
    });
  });
  ws.send(JSON.stringify({ type: 'hello', protocol: 99, appId: 'x' }));
  const reply = JSON.parse((await message).toString());
  expect(reply).toMatchObject({ type: 'error', code: 'PROTOCOL_MISMATCH' });
  ws.close();
});
