// issue 13, item 9 with "reset clears everything it claims to": POST /api/reset forgets the shim takeover secrets with
// the apps they guarded, so the next test's shim gets the app (app ids start again) and a connection bound before the
// reset no longer speaks for anything.
import { afterEach, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { SHIM_PROTOCOL_VERSION } from '../../simulator/shim-protocol/index.js';

let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const hello = JSON.stringify({
  type: 'hello',
  protocol: SHIM_PROTOCOL_VERSION,
  device: { id: 'phone-r', platform: 'ios' },
  app: { bundleId: 'com.example.r', sdkProfile: 'native-ios' },
});

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function next(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no shim message within 2 s')), 2000);
    ws.once('message', (raw) => {
      clearTimeout(timer);
      resolve(JSON.parse(raw.toString()) as Record<string, unknown>);
    });
  });
}

test('after a reset a new shim gets the app a connection of before the reset held, and that one must hello again', async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  const before = await open(sim.urls.shim);
  before.send(hello);
  const first = await next(before);
  expect(first.type).toBe('welcome');

  const reset = await fetch(`${sim.urls.api}/reset`, { method: 'POST' });
  expect(reset.status).toBe(200);

  const after = await open(sim.urls.shim);
  after.send(hello);
  const second = await next(after);
  expect(second).toMatchObject({ type: 'welcome', appId: first.appId });
  expect(second.takeoverSecret).not.toBe(first.takeoverSecret);

  before.send(JSON.stringify({ type: 'sync', requestId: 's1' }));
  expect(await next(before)).toMatchObject({ type: 'reply', requestId: 's1', ok: false, error: { code: 'NOT_BOUND' } });
  before.close();
  after.close();
});
