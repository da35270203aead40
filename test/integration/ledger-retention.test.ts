// The ledger's retention seen through the wire: by count (ledgerLimit, 0 included) and by age (ledgerMaxAge).
import { afterEach, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { connectApns, request, providerToken } from '../support/apns-wire.js';

let sim: SimulatorHandle | undefined;
const NO_RATE_LIMIT = { tooManyRequests: { perToken: 0, windowMs: 1000 } };
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function sendAlerts(handle: SimulatorHandle, count: number): Promise<number[]> {
  const key = handle.apns!.keyring.mint();
  const device = handle.simulation.createDevice({ platform: 'ios' });
  const app = handle.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.app',
    sdkProfile: 'native-ios',
    state: 'active',
  });
  const bearer = `bearer ${providerToken(key)}`;
  const session = await connectApns(handle.urls.apns, handle.caPem);
  try {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const answer = await request(
        session,
        {
          ':path': `/3/device/${app.tokens!.apns}`,
          authorization: bearer,
          'apns-topic': 'com.example.app',
          'apns-push-type': 'alert',
        },
        JSON.stringify({ aps: { alert: `push ${i}` } }),
      );
      statuses.push(answer.status);
    }
    return statuses;
  } finally {
    session.close();
  }
}

test('answers 200 to every push with ledgerLimit 0 (the entry used to be evicted before it was settled: a 500)', async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual', ledgerLimit: 0, apns: NO_RATE_LIMIT });
  expect(await sendAlerts(sim, 3)).toEqual([200, 200, 200]);
  expect(sim.ledger.size).toBeLessThanOrEqual(1);
});

test('keeps the newest ledgerLimit pushes and forgets those older than ledgerMaxAge', async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    ledgerLimit: 2,
    ledgerMaxAge: '1m',
    apns: NO_RATE_LIMIT,
  });
  expect(await sendAlerts(sim, 3)).toEqual([200, 200, 200]);
  const kept = sim.ledger.list();
  expect(kept.map((e) => (e.push.payload.aps as { alert: string }).alert)).toEqual(['push 1', 'push 2']);
  expect(kept.map((e) => e.fate.name)).toEqual(['delivered', 'delivered']);
  await sim.clock.advance(61_000);
  expect(sim.ledger.size).toBe(0);
  expect(sim.ledger.get(kept[0]!.id)).toBeUndefined();
});
