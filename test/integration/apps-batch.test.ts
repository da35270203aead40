// POST /api/apps/batch and Simulation.installApps: many apps in one call, each on a device that exists or a new one,
// all or none.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});

async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.control}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

test('installs a batch on new and existing devices, each with its tokens, in the order given', async () => {
  const phone = sim.simulation.createDevice({ platform: 'ios', id: 'batch-phone' });
  const { status, body } = await post('/api/apps/batch', {
    apps: [
      { device: { platform: 'android' }, bundleId: 'com.example.load', sdkProfile: 'native-android' },
      { deviceId: phone.id, bundleId: 'com.example.load', sdkProfile: 'native-ios', state: 'background' },
    ],
  });
  expect(status).toBe(201);
  expect(body.map((app: { sdkProfile: string }) => app.sdkProfile)).toEqual(['native-android', 'native-ios']);
  expect(body[0].tokens.fcm).toMatch(/^.{22}:APA91b/);
  expect(body[1]).toMatchObject({ deviceId: 'batch-phone', state: 'background' });
  expect(sim.simulation.registry.resolveToken(body[1].tokens.apns)?.app.id).toBe(body[1].id);
});

test('installs nothing when one entry is refused, and names the entry', async () => {
  const before = sim.simulation.registry.appCount;
  const devices = sim.simulation.registry.listDevices().length;
  const { status, body } = await post('/api/apps/batch', {
    apps: [
      { device: { platform: 'ios' }, bundleId: 'com.example.ok', sdkProfile: 'native-ios' },
      { device: { platform: 'android' }, bundleId: 'com.example.bad', sdkProfile: 'native-ios' },
    ],
  });
  expect(status).toBe(400);
  expect(body.error).toMatchObject({ code: 'PROFILE_PLATFORM_MISMATCH', field: 'apps[1].sdkProfile' });
  expect(sim.simulation.registry.appCount).toBe(before);
  expect(sim.simulation.registry.listDevices()).toHaveLength(devices);
});

test('refuses an entry with both a device and a deviceId', async () => {
  const { status, body } = await post('/api/apps/batch', {
    apps: [{ deviceId: 'batch-phone', device: { platform: 'ios' }, bundleId: 'b', sdkProfile: 'native-ios' }],
  });
  expect(status).toBe(400);
  expect(body.error.code).toBe('INVALID_INPUT');
});
