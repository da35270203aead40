// Interop: an injected Shutdown reaches the published clients as Apple's reason. APNs answers the stream with 503
// {"reason":"Shutdown"} and then sends GOAWAY; both clients drop the connection on GOAWAY, so the answer must come
// first. A push a client sends on the old connection before it has read the GOAWAY is refused (REFUSED_STREAM), as
// HTTP/2 has it, so each test waits for the client to drop the connection before the next push.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { once } from 'node:events';
import type { ClientHttp2Session } from 'node:http2';
import apn from '@parse/node-apn';
import { ApnsClient, Notification } from 'apns2';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { installRedirect, targetsFromEndpoints } from '../../simulator/redirect/index.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let app: InstalledApp;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  key = (await (await fetch(`${sim.urls.api}/apns/keys`, { method: 'POST', body: '{}' })).json()) as typeof key;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  const device = sim.simulation.createDevice({ platform: 'ios' });
  app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.news',
    sdkProfile: 'native-ios',
    state: 'active',
  });
});

async function injectShutdown(): Promise<void> {
  const response = await fetch(`${sim.urls.api}/apns/faults`, {
    method: 'POST',
    body: JSON.stringify({ reason: 'Shutdown', times: 1 }),
  });
  expect(response.status).toBe(201);
}

describe('apns2 (undici), pointed at pushsim with the redirect', () => {
  let restore: () => void;
  beforeAll(async () => {
    const endpoints = (await (await fetch(`${sim.urls.api}/endpoints`)).json()) as { name: string; url: string }[];
    restore = installRedirect({ targets: targetsFromEndpoints(endpoints), ca: sim.caPem });
  });
  afterAll(() => restore());

  test('regression: GOAWAY came before the 503, so apns2 saw a socket error instead of the reason Shutdown', async () => {
    await injectShutdown();
    const apns = new ApnsClient({
      team: key.teamId,
      keyId: key.keyId,
      signingKey: key.p8,
      defaultTopic: 'com.example.news',
      host: 'api.sandbox.push.apple.com',
    });
    const disconnected = once(apns.client, 'disconnect');
    try {
      const error = (await apns
        .send(new Notification(app.tokens!.apns!, { alert: 'first' }))
        .catch((e: unknown) => e)) as { statusCode?: number; reason?: string };
      expect(error).toMatchObject({ statusCode: 503, reason: 'Shutdown' });
      // The GOAWAY took the connection away; the pool opens a new one and the next push is accepted.
      await disconnected;
      await apns.send(new Notification(app.tokens!.apns!, { alert: 'second' }));
    } finally {
      await apns.close();
    }
    expect(sim.ledger.list({ appId: app.id }).map((entry) => entry.fate.name)).toEqual(['rejected', 'delivered']);
  });
});

describe('@parse/node-apn', () => {
  // node-apn retries a 503 on the same session (retryRequest in lib/client.js), which is already going away; with its
  // default connectionRetryLimit the retry fails with "client session is either closed or destroyed" and the reason is
  // lost. With retries off it reports Apple's answer.
  const provider = () =>
    new apn.Provider({
      token: { key: key.p8, keyId: key.keyId, teamId: key.teamId },
      address: '127.0.0.1',
      port: Number(new URL(sim.urls.apns).port),
      ca: [sim.caPem],
      connectionRetryLimit: 0,
    });

  test('regression: GOAWAY came before the 503, so node-apn never saw the reason Shutdown', async () => {
    await injectShutdown();
    const client = provider();
    const note = new apn.Notification({ alert: 'first', topic: 'com.example.news', pushType: 'alert' });
    try {
      const first = await client.send(note, app.tokens!.apns!);
      // node-apn keeps its HTTP/2 session on provider.client.session (lib/client.js) and closes it on GOAWAY.
      const session = (client as unknown as { client: { session?: ClientHttp2Session } }).client.session!;
      if (!session.destroyed) await once(session, 'close');
      expect(first.sent).toEqual([]);
      expect(first.failed).toEqual([
        expect.objectContaining({ device: app.tokens!.apns, status: 503, response: { reason: 'Shutdown' } }),
      ]);
      // The next send connects anew and is accepted.
      const second = await client.send(note, app.tokens!.apns!);
      expect(second.failed).toEqual([]);
      expect(second.sent).toHaveLength(1);
    } finally {
      client.shutdown();
    }
  });
});
