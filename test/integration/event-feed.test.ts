// The ws event feed delivers pushes, fates and state changes as they happen.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});

function collect(ws: WebSocket, until: (types: string[]) => boolean): Promise<{ type: string; data: any }[]> {
  const messages: { type: string; data: any }[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`feed gave only ${messages.map((m) => m.type).join(', ')}`)),
      5_000,
    );
    ws.on('message', (raw) => {
      messages.push(JSON.parse(raw.toString()));
      if (until(messages.map((m) => m.type))) {
        clearTimeout(timer);
        resolve(messages);
      }
    });
  });
}

test('streams device, app, token, push and fate events in order', async () => {
  const ws = new WebSocket(sim.urls.events);
  const hello = new Promise((resolve) => ws.once('message', resolve));
  const done = collect(ws, (types) => types.includes('push.fate'));
  await hello;
  const device = sim.simulation.createDevice({ platform: 'android' });
  const app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.feed',
    sdkProfile: 'rn-firebase',
    state: 'foreground',
  });
  sim.simulation.send({ token: app.tokens!.fcm!, kind: 'data', priority: 'high' });
  const types = (await done).map((m) => m.type);
  expect(types).toEqual([
    'feed.hello',
    'device.created',
    'app.installed',
    'token.issued',
    'app.state-changed',
    'app.state-requested',
    'push.accepted',
    'push.fate',
  ]);
  ws.close();
});
