// The control plane over real HTTP on a random port with a virtual clock: only the REST API, as a user's test would
// drive it.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await api('POST', '/reset');
});

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
  const app = await api('POST', `/devices/${device.body.id}/apps`, {
    bundleId: 'com.example.chat',
    sdkProfile: 'zpns-rn',
    sdkVersion: '2.8.3',
    state,
  });
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

  test('GET /pushes?limit=N returns the newest N (not the oldest), newest first, with a cursor that pages through the rest', async () => {
    const app = await zpnsApp('ios', 'active');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sendSilent(app)).id);
    const first = await fetch(`${sim.urls.api}/pushes?app=${app.id}&limit=2`);
    expect(((await first.json()) as any[]).map((e) => e.id)).toEqual([ids[4], ids[3]]);
    const cursor = first.headers.get('pushsim-next-cursor')!;
    expect(first.headers.get('link')).toBe(`</api/pushes?app=${app.id}&limit=2&before=${cursor}>; rel="next"`);
    await sendSilent(app); // a newer push does not shift the pages already handed out
    const second = await fetch(`${sim.urls.api}/pushes?app=${app.id}&limit=2&before=${cursor}`);
    expect(((await second.json()) as any[]).map((e) => e.id)).toEqual([ids[2], ids[1]]);
    const last = await fetch(
      new URL(second.headers.get('link')!.slice(1, second.headers.get('link')!.indexOf('>')), sim.urls.api),
    );
    expect(((await last.json()) as any[]).map((e) => e.id)).toEqual([ids[0]]);
    expect(last.headers.get('link')).toBeNull();
    expect(last.headers.get('pushsim-next-cursor')).toBeNull();
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
    expect(moved.body.transition).toEqual({
      event: 'moveToBackground',
      from: 'active',
      to: 'background.running',
      changed: true,
    });
    await api('POST', '/clock/advance', { by: '10s' });
    expect((await api('GET', `/apps/${app.id}`)).body.lifecycle).toBe('suspended');
  });

  test('terminateBySystem on an active iOS app is refused with a 409 that says why, instead of a silent 200 "changed: false"', async () => {
    const app = await zpnsApp('ios', 'active');
    const refused = await api('POST', `/apps/${app.id}/lifecycle`, { event: 'terminateBySystem' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'EVENT_NOT_APPLICABLE', field: 'event' });
    expect(refused.body.error.message).toMatch(
      /iOS does not terminate the foreground app.*move it to the background first/,
    );
    expect(refused.body.error.message).toMatch(
      /events it takes now: resignActive, moveToBackground, forceQuit, reboot$/,
    );
    expect((await api('GET', `/apps/${app.id}`)).body.lifecycle).toBe('active');
    await api('POST', `/apps/${app.id}/lifecycle`, { event: 'moveToBackground' });
    const terminated = await api('POST', `/apps/${app.id}/lifecycle`, { event: 'terminateBySystem' });
    expect(terminated.body.transition).toEqual({
      event: 'terminateBySystem',
      from: 'background.running',
      to: 'notRunning',
      changed: true,
    });
  });

  test.each([
    [
      'ios',
      'notRunning',
      'suspend',
      /"suspend" does not apply to an iOS app in "notRunning"; events it takes now: launch, tapNotification, reboot, wakeForPush$/,
    ],
    ['ios', 'forceQuit', 'wakeForPush', /the system does not launch a force-quit app/],
    [
      'android',
      'killed',
      'moveToBackground',
      /"moveToBackground" does not apply to an Android app in "killed"; events it takes now: launch, tapNotification, wakeForPush$/,
    ],
    ['android', 'forceStopped', 'wakeForPush', /a force-stopped app receives no broadcasts/],
  ] as const)(
    'every event the state does not take is refused with the events it does (%s %s, %s)',
    async (platform, state, event, message) => {
      const app = await zpnsApp(platform, state);
      const refused = await api('POST', `/apps/${app.id}/lifecycle`, { event });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(message);
    },
  );

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
    const again = await api('POST', `/devices/${app.deviceId}/apps`, {
      bundleId: 'com.example.chat',
      sdkProfile: 'zpns-rn',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe('bundleId');
  });
});
