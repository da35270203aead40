// AppProcess.idle() is final: once it resolves, the ledger already shows what the app's JS did with each delivery,
// however late the app's acks reach the simulator. The shim talks to the simulator through a relay that holds the app's
// acks and completions until the app sends anything else, the worst a link that keeps order can do.
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { AddressInfo } from 'node:net';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppProcess } from '../../client-shim/index.js';
import { clearAppLog } from '../fixtures/app-log.js';

let sim: SimulatorHandle;
let relay: WebSocketServer;
let relayUrl: string;

function shimUrlOf(control: string): string {
  const url = new URL(control);
  url.protocol = 'ws:';
  url.pathname = '/api/shim';
  return url.toString();
}

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual', silentPushThrottle: { perWindow: 0 } });
  relay = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => relay.once('listening', () => resolve()));
  relayUrl = `ws://127.0.0.1:${(relay.address() as AddressInfo).port}/api/shim`;
  relay.on('connection', (app) => {
    const upstream = new WebSocket(shimUrlOf(sim.urls.control));
    const held: RawData[] = [];
    const early: RawData[] = [];
    upstream.on('open', () => {
      for (const raw of early.splice(0)) upstream.send(raw.toString());
    });
    upstream.on('message', (raw) => app.send(raw.toString()));
    upstream.on('close', () => app.close());
    app.on('close', () => upstream.close());
    app.on('message', (raw) => {
      const { type } = JSON.parse(raw.toString()) as { type: string };
      if (type === 'ack' || type === 'complete') {
        held.push(raw);
        return;
      }
      const batch = [...held.splice(0), raw];
      if (upstream.readyState !== WebSocket.OPEN) early.push(...batch);
      else for (const message of batch) upstream.send(message.toString());
    });
  });
});
afterAll(async () => {
  for (const client of relay.clients) client.terminate();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  clearAppLog();
});

const ENTRIES = {
  'zpns-app': () => import('../fixtures/zpns-app/index.js'),
  'zpns-app-handler-in-component': () => import('../fixtures/zpns-app-handler-in-component/index.js'),
};

async function killedAndroidApp(fixture: keyof typeof ENTRIES) {
  const app = await AppProcess.start({
    simulator: relayUrl,
    device: { platform: 'android' },
    app: { bundleId: 'com.example.chat', sdkProfile: 'zpns-rn' },
    entry: ENTRIES[fixture],
    resetModules: () => vi.resetModules(),
  });
  await app.launch();
  await app.kill();
  expect(app.errors).toEqual([]);
  return app;
}

function dataPush(app: AppProcess) {
  return sim.simulation.send({
    token: app.tokens.fcm!,
    kind: 'data',
    payload: { data: { title: 'Sync', body: 'new messages' } },
  });
}

describe('idle() on a killed Android app woken headless', () => {
  test('one idle() already shows the drop when the background handler sits in a UI component', async () => {
    const app = await killedAndroidApp('zpns-app-handler-in-component');
    const { entry } = dataPush(app);
    await app.idle();
    const fate = sim.ledger.get(entry.id)!.fate;
    expect(fate.name).toBe('dropped');
    expect(fate.reason).toMatch(/no headless task is registered for "ZPNsRNSDKHeadlessJsTaskService"/);
    expect(fate.reason).toMatch(/UI component/);
    await app.close();
  });

  test('one idle() already shows the receipt when the entry file sets the background handler', async () => {
    const app = await killedAndroidApp('zpns-app');
    const { entry } = dataPush(app);
    await app.idle();
    const ledger = sim.ledger.get(entry.id)!;
    expect(ledger.fate).toMatchObject({ name: 'delivered', callback: 'setBackgroundMessageHandler' });
    expect(ledger.receipts).toHaveLength(1);
    expect(ledger.receipts[0]).toMatchObject({ callback: 'setBackgroundMessageHandler', message: { title: 'Sync' } });
    expect(ledger.notes.map((n) => n.note)).toContain('handler completed (result resolved)');
    await app.close();
  });
});
