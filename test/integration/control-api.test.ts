// The control plane over real HTTP on a random port with a virtual clock: only the REST API, as a user's test would drive it.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';

let sim: SimulatorHandle;
beforeAll(async () => { sim = await startSimulator({ controlPort: 0, clock: 'virtual' }); });
afterAll(async () => { await sim.close(); });
beforeEach(async () => { await api('POST', '/reset'); });

async function api(method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.api}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function zpnsApp(platform: 'ios' | 'android', state: string) {
  const device = await api('POST', '/devices', { platform });
  expect(device.status).toBe(201);
  const app = await api('POST', `/devices/${device.body.id}/apps`, { bundleId: 'com.example.chat', sdkProfile: 'zpns-rn', sdkVersion: '2.8.3', state });
  expect(app.status).toBe(201);
  expect(app.body.state).toBe(state);
  return app.body;
}

async function sendSilent(app: any) {
  const token = app.platform === 'ios' ? app.tokens.apns : app.tokens.fcm;
  const sent = await api('POST', '/pushes', { token, kind: app.platform === 'ios' ? 'background' : 'data' });
  expect(sent.status).toBe(201);
  return (await api('GET', `/pushes/${sent.body.id}`)).body;
}

describe('a silent push to a zpns-rn app, through the REST API alone', () => {
  test.each([
    ['ios', 'active', 'throughMessageReceived'],
    ['ios', 'background', 'throughMessageReceived'],
    ['ios', 'suspended', 'throughMessageReceived'],
    ['android', 'foreground', 'throughMessageReceived'],
    ['android', 'background', 'setBackgroundMessageHandler'],
    ['android', 'killed', 'setBackgroundMessageHandler'],
  ] as const)('on %s in state %s fires %s', async (platform, state, callback) => {
    const app = await zpnsApp(platform, state);
    const entry = await sendSilent(app);
    expect(entry.fate).toMatchObject({ name: 'delivered', callback });
    expect(entry.history.map((f: any) => f.name)).toEqual(['accepted', 'delivered']);
  });

  test.each([
    ['ios', 'notRunning', /not running/],
    ['ios', 'forceQuit', /force-quit/],
    ['android', 'forceStopped', /force-stopped/],
  ] as const)('on %s in state %s fires nothing and the ledger says why', async (platform, state, reason) => {
    const app = await zpnsApp(platform, state);
    const entry = await sendSilent(app);
    expect(entry.fate.name).toBe('dropped');
    expect(entry.fate.callback).toBeUndefined();
    expect(entry.fate.reason).toMatch(reason);
  });

  test('a suspended iOS app is back in suspended 30 s of virtual time after the wake', async () => {
    const app = await zpnsApp('ios', 'suspended');
    await api('POST', '/pushes', { token: app.tokens.apns, kind: 'background' });
    expect((await api('GET', `/apps/${app.id}`)).body.lifecycle).toBe('suspended');
    await api('POST', '/clock/advance', { by: '30s' });
    expect((await api('GET', `/apps/${app.id}`)).body.state).toBe('suspended');
  });

  test('lists pushes filtered by app and fate', async () => {
    const ios = await zpnsApp('ios', 'active');
    const android = await zpnsApp('android', 'forceStopped');
    await sendSilent(ios);
    await sendSilent(android);
    const delivered = await api('GET', `/pushes?fate=delivered`);
    expect(delivered.body.map((e: any) => e.appId)).toEqual([ios.id]);
    const forAndroid = await api('GET', `/pushes?app=${android.id}`);
    expect(forAndroid.body).toHaveLength(1);
    expect(forAndroid.body[0].fate.name).toBe('dropped');
  });
});

describe('devices, apps and lifecycle', () => {
  test('changes device conditions, and an offline device gets the push stored then delivered on reconnect', async () => {
    const app = await zpnsApp('ios', 'active');
    await api('PATCH', `/devices/${app.deviceId}/conditions`, { online: false });
    const stored = await sendSilent(app);
    expect(stored.fate.name).toBe('stored');
    await api('PATCH', `/devices/${app.deviceId}/conditions`, { online: true });
    const after = (await api('GET', `/pushes/${stored.id}`)).body;
    expect(after.history.map((f: any) => f.name)).toEqual(['accepted', 'stored', 'delivered']);
  });

  test('applies lifecycle events one at a time and reports the transition', async () => {
    const app = await zpnsApp('ios', 'active');
    const moved = await api('POST', `/apps/${app.id}/lifecycle`, { event: 'moveToBackground' });
    expect(moved.body.transition).toEqual({ event: 'moveToBackground', from: 'active', to: 'background.running', changed: true });
    await api('POST', '/clock/advance', { by: '10s' });
    expect((await api('GET', `/apps/${app.id}`)).body.lifecycle).toBe('suspended');
  });

  test('keeps tokens across lifecycle changes and rejects them after uninstall with 410', async () => {
    const app = await zpnsApp('ios', 'active');
    await api('PUT', `/apps/${app.id}/state`, { state: 'forceQuit' });
    expect((await api('GET', `/apps/${app.id}`)).body.tokens).toEqual(app.tokens);
    expect((await api('DELETE', `/apps/${app.id}`)).status).toBe(204);
    const gone = await api('POST', '/pushes', { token: app.tokens.apns, kind: 'background' });
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('TOKEN_UNREGISTERED');
  });

  test('serves the rules table, the lifecycle states and every endpoint', async () => {
    const rules = await api('GET', '/rules');
    expect(rules.body.platformRules.length).toBeGreaterThan(10);
    expect(rules.body.platformRules.every((r: any) => r.source.length > 0)).toBe(true);
    expect((await api('GET', '/lifecycle')).body.ios.states).toContain('forceQuit');
    const endpoints = (await api('GET', '/endpoints')).body;
    expect(endpoints.map((e: any) => e.name)).toEqual(expect.arrayContaining(['control', 'events', 'apns', 'fcm']));
  });
});

describe('bad requests get a 400/404 with a JSON error naming the problem, and the server keeps serving', () => {
  test.each([
    ['POST', '/devices', { platform: 'windows' }, 400, 'platform'],
    ['POST', '/devices', { platform: 'ios', colour: 'red' }, 400, 'colour'],
    ['POST', '/devices', { platform: 'ios', conditions: { online: 'yes' } }, 400, 'conditions.online'],
    ['GET', '/devices/nope', undefined, 404, 'deviceId'],
    ['PATCH', '/devices/nope/conditions', { online: false }, 404, 'deviceId'],
    ['POST', '/devices/nope/reboot', undefined, 404, 'deviceId'],
    ['DELETE', '/devices/nope', undefined, 404, 'deviceId'],
    ['POST', '/devices/nope/apps', { bundleId: 'com.a', sdkProfile: 'zpns-rn' }, 404, 'deviceId'],
    ['GET', '/apps/nope', undefined, 404, 'appId'],
    ['POST', '/apps/nope/register', undefined, 404, 'appId'],
    ['POST', '/apps/nope/lifecycle', { event: 'launch' }, 404, 'appId'],
    ['PUT', '/apps/nope/state', { state: 'active' }, 404, 'appId'],
    ['POST', '/apps/nope/complete', { pushId: 'x' }, 404, 'appId'],
    ['DELETE', '/apps/nope', undefined, 404, 'appId'],
    ['POST', '/pushes', { kind: 'background' }, 400, 'token'],
    ['POST', '/pushes', { token: 'abc', kind: 'loud' }, 400, 'kind'],
    ['POST', '/pushes', { token: 'abc', kind: 'background' }, 404, 'token'],
    ['GET', '/pushes?fate=vanished', undefined, 400, 'fate'],
    ['GET', '/pushes/nope', undefined, 404, 'id'],
    ['POST', '/clock/advance', { by: 'a while' }, 400, 'by'],
  ] as const)('%s %s', async (method, path, body, status, field) => {
    const res = await api(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    expect((await api('GET', '/health')).body.status).toBe('ok');
  });

  test('malformed JSON is a 400 naming the problem', async () => {
    const res = await api('POST', '/devices', undefined, '{"platform": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });

  test('an unknown lifecycle event names the events that exist', async () => {
    const app = await zpnsApp('android', 'foreground');
    const res = await api('POST', `/apps/${app.id}/lifecycle`, { event: 'swipe' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/forceStop/);
  });

  test('an unknown route is a 404 pointing at /api/endpoints', async () => {
    const res = await api('GET', '/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/endpoints/);
  });

  test('installing the same bundle twice on a device is a 409', async () => {
    const app = await zpnsApp('ios', 'active');
    const again = await api('POST', `/devices/${app.deviceId}/apps`, { bundleId: 'com.example.chat', sdkProfile: 'zpns-rn' });
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe('bundleId');
  });
});
