// An Android phone without Google Play services: FCM registration fails there as on a real phone (no FCM token; RN
// Firebase's getToken() rejects), ZPNs still issues its pushID, and ZEGO's offline pushes go through the maker's
// channel.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppProcess } from '../../client-shim/index.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  for (const s of sim.zpns!.strategies.list()) sim.zpns!.strategies.remove(s.resourcesID);
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.api}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('registration', () => {
  test('issues no FCM token on an Android device with hasGoogleServices: false, and says why', async () => {
    const device = await api('POST', '/devices', { platform: 'android', conditions: { hasGoogleServices: false } });
    const native = await api('POST', `/devices/${device.body.id}/apps`, {
      bundleId: 'com.example.shop',
      sdkProfile: 'native-android',
    });
    expect(native.body.tokens).toEqual({});
    expect(native.body.registrationErrors).toEqual({ fcm: 'SERVICE_NOT_AVAILABLE' });
    const register = await api('POST', `/apps/${native.body.id}/register`);
    expect(register.body).toEqual({ appId: native.body.id, tokens: {}, errors: { fcm: 'SERVICE_NOT_AVAILABLE' } });
  });

  test('a ZPNs app still gets its pushID, without an FCM token', async () => {
    const device = await api('POST', '/devices', {
      platform: 'android',
      manufacturer: 'huawei',
      conditions: { hasGoogleServices: false },
    });
    const app = await api('POST', `/devices/${device.body.id}/apps`, {
      bundleId: 'com.example.chat',
      sdkProfile: 'zpns-rn',
    });
    expect(Object.keys(app.body.tokens)).toEqual(['zpns']);
    expect(app.body.registrationErrors).toEqual({ fcm: 'SERVICE_NOT_AVAILABLE' });
  });

  test('registering again once Google services are there issues the FCM token and keeps the others', async () => {
    const device = await api('POST', '/devices', { platform: 'android', conditions: { hasGoogleServices: false } });
    const app = await api('POST', `/devices/${device.body.id}/apps`, {
      bundleId: 'com.example.chat',
      sdkProfile: 'zpns-rn',
    });
    await api('PATCH', `/devices/${device.body.id}/conditions`, { hasGoogleServices: true });
    const again = await api('POST', `/apps/${app.body.id}/register`);
    expect(again.body.tokens).toEqual({ zpns: app.body.tokens.zpns, fcm: expect.stringMatching(/:APA91b/) });
    expect(again.body.errors).toBeUndefined();
  });

  test('RN Firebase getToken() rejects with messaging/unknown and SERVICE_NOT_AVAILABLE, as on a real phone', async () => {
    let rejection: (Error & { code?: string }) | undefined;
    const app = await AppProcess.start({
      simulator: sim.urls.control,
      device: { platform: 'android', conditions: { hasGoogleServices: false } },
      app: { bundleId: 'com.example.shop', sdkProfile: 'rn-firebase' },
      main: async (rn) => {
        await rn
          .messaging()
          .getToken()
          .catch((error: Error & { code?: string }) => {
            rejection = error;
          });
      },
    });
    await app.launch();
    expect(rejection?.code).toBe('messaging/unknown');
    expect(rejection?.message).toBe(
      '[messaging/unknown] java.io.IOException: java.util.concurrent.ExecutionException: java.io.IOException: SERVICE_NOT_AVAILABLE',
    );
    expect(app.tokens.fcm).toBeUndefined();
    await app.close();
  });
});

describe('ZEGO offline pushes to a phone without Google services', () => {
  async function huaweiReceiver() {
    const device = sim.simulation.createDevice({
      platform: 'android',
      manufacturer: 'huawei',
      conditions: { hasGoogleServices: false },
    });
    const app = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.chat',
      sdkProfile: 'zpns-rn',
      state: 'background',
    });
    await api('POST', '/zpns/users', { userID: 'bob', appId: app.id, connection: 'down' });
    return app;
  }
  const send = (resourcesID: string) =>
    api('POST', '/zpns/messages', {
      fromUserID: 'alice',
      toConversationID: 'bob',
      conversationType: 0,
      message: { type: 1, message: 'hi' },
      config: { priority: 2, pushConfig: { resourcesID, title: 'Alice', content: 'hi' } },
    });

  test("a resourcesID without a Huawei configuration gets the default notification through Huawei's channel, as docs/zpns-fidelity.md says", async () => {
    await huaweiReceiver();
    await api('POST', '/zpns/strategies', { resourcesID: 'silent', preset: 'silent' });
    const sent = await send('silent');
    const [result] = sent.body.results;
    expect(result).toMatchObject({ delivery: 'offline-push', channel: 'huawei' });
    const entry = sim.ledger.get(result.pushId)!;
    expect(entry.push.kind).toBe('notification');
    expect(entry.fate).toMatchObject({ name: 'displayed', displayed: true, ruleId: 'vendor.notification.tray' });
    expect(entry.push.notes).toContainEqual(
      expect.stringMatching(
        /has no huawei configuration; pushsim sent ZEGO's default notification through the huawei channel/,
      ),
    );
  });

  test('a phone of a maker without a vendor channel has none: dropped, with the reason', async () => {
    const device = sim.simulation.createDevice({
      platform: 'android',
      manufacturer: 'samsung',
      conditions: { hasGoogleServices: false },
    });
    const app = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.chat',
      sdkProfile: 'zpns-rn',
      state: 'background',
    });
    await api('POST', '/zpns/users', { userID: 'bob', appId: app.id, connection: 'down' });
    const [result] = (await send('')).body.results;
    expect(sim.ledger.get(result.pushId)!.fate).toMatchObject({
      name: 'dropped',
      reason: expect.stringMatching(/no Google services and is not a Huawei/),
    });
  });
});
