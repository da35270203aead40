// The shim transport itself: binding, a disconnect mid-delivery, and an unreachable app, with a correct ledger throughout.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { ShimConnection } from '../../client-shim/index.js';

let sim: SimulatorHandle;
beforeAll(async () => { sim = await startSimulator({ controlPort: 0, clock: 'virtual' }); });
afterAll(async () => { await sim.close(); });
beforeEach(() => sim.reset());

async function connectedApp() {
  const connection = await ShimConnection.connect(sim.urls.shim, {
    device: { platform: 'android' }, app: { bundleId: 'com.example.flaky', sdkProfile: 'rn-firebase' },
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
  const delivered = new Promise((resolve) => connection.once('deliver', resolve));
  const { entry } = sim.simulation.send({ token: tokens.fcm!, kind: 'data', priority: 'high' });
  await delivered;
  expect(entry.fate.name).toBe('delivered');
  const detached = new Promise((resolve) => sim.simulation.bus.on('app.detached', resolve));
  await connection.close();
  await detached;
  expect(entry.fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/disconnected before the app acknowledged/) });
  expect(entry.history.map((f) => f.name)).toEqual(['accepted', 'delivered', 'dropped']);

  const later = sim.simulation.send({ token: tokens.fcm!, kind: 'data', priority: 'high' }).entry;
  expect(later.fate).toMatchObject({ name: 'dropped', reason: expect.stringMatching(/client shim is disconnected/) });
  expect(((await (await fetch(`${sim.urls.api}/apps/${appId}`)).json()) as { attached: boolean }).attached).toBe(false);
});

test('an acknowledged delivery keeps its fate when the connection drops afterwards', async () => {
  const { connection, tokens } = await connectedApp();
  connection.on('deliver', (d) => connection.ack({ pushId: d.pushId, ran: true, callback: 'onMessage', message: { ok: true } }));
  const { entry } = sim.simulation.send({ token: tokens.fcm!, kind: 'data', priority: 'high' });
  await connection.sync();
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(entry.receipts).toEqual([expect.objectContaining({ callback: 'onMessage', message: { ok: true } })]);
  await connection.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(entry.fate.name).toBe('delivered');
});

test('a shim speaking another protocol version is refused with a message saying so', async () => {
  const { WebSocket } = await import('ws');
  const ws = new WebSocket(sim.urls.shim);
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'hello', protocol: 99, appId: 'x' }));
  const reply = JSON.parse((await new Promise<Buffer>((resolve) => ws.once('message', resolve))).toString());
  expect(reply).toMatchObject({ type: 'error', code: 'PROTOCOL_MISMATCH' });
  ws.close();
});
