// Huawei Push Kit over the wire: raw HTTPS on loopback through the real endpoints — the client-credentials token
// endpoint, messages:send with every result code pushsim answers, the topic APIs — and what a Huawei phone's app gets,
// as the hms rows of the rules table say (docs/reference/hms.md).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { HMS_RESULT_CODES } from '../../simulator/providers/hms/index.js';
import { post } from '../support/fcm-wire.js';

let sim: SimulatorHandle;
let app: { appId: string; clientSecret: string };

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function registerApp(body: object = {}): Promise<{ appId: string; clientSecret: string }> {
  return (await (
    await fetch(`${sim.urls.api}/hms/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json()) as { appId: string; clientSecret: string };
}
async function tokenFor(a: { appId: string; clientSecret: string }): Promise<string> {
  const answer = await post(
    `${sim.urls.hms}/oauth2/v3/token`,
    sim.caPem,
    form({ grant_type: 'client_credentials', client_id: a.appId, client_secret: a.clientSecret }),
    FORM,
  );
  expect(answer.status).toBe(200);
  return answer.json.access_token as string;
}
function huaweiPhone(state = 'foreground', bundleId = 'com.example.chat'): InstalledApp {
  const device = sim.simulation.createDevice({
    platform: 'android',
    manufacturer: 'huawei',
    conditions: { hasGoogleServices: false },
  });
  return sim.simulation.installApp({ deviceId: device.id, bundleId, sdkProfile: 'native-android', state });
}
async function send(message: object, options: { bearer?: string; appId?: string; validateOnly?: boolean } = {}) {
  const bearer = options.bearer ?? (await tokenFor(app));
  return post(
    `${sim.urls.hms}/v1/${options.appId ?? app.appId}/messages:send`,
    sim.caPem,
    JSON.stringify({ validate_only: options.validateOnly ?? false, message }),
    bearer ? { authorization: `Bearer ${bearer}` } : {},
  );
}
const through = (token: string, extra: object = {}) => ({ data: '{"text":"hi"}', token: [token], ...extra });
const notification = (token: string, android: object = {}) => ({
  notification: { title: 'Hi', body: 'there' },
  android: { notification: { click_action: { type: 3 } }, ...android },
  token: [token],
});

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  sim.reset();
  app = await registerApp();
});

describe('OAuth client credentials (docs/reference/hms.md#oauth-client-credentials)', () => {
  test('an app registered through the control API gets a one-hour Bearer token', async () => {
    const answer = await post(
      `${sim.urls.hms}/oauth2/v3/token`,
      sim.caPem,
      form({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.clientSecret }),
      FORM,
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ expires_in: 3600, token_type: 'Bearer', access_token: expect.any(String) });
  });

  test("a wrong secret, an unknown client and another grant type get Huawei's 1101 error", async () => {
    const wrong = await post(
      `${sim.urls.hms}/oauth2/v3/token`,
      sim.caPem,
      form({ grant_type: 'client_credentials', client_id: app.appId, client_secret: 'nope' }),
      FORM,
    );
    expect(wrong.json).toEqual({ error: 1101, sub_error: 12304, error_description: 'invalid client_secret' });
    const unknown = await post(
      `${sim.urls.hms}/oauth2/v3/token`,
      sim.caPem,
      form({ grant_type: 'client_credentials', client_id: '999', client_secret: 'x' }),
      FORM,
    );
    expect(unknown.json).toMatchObject({ error: 1101, error_description: 'invalid client_id' });
    const grant = await post(
      `${sim.urls.hms}/oauth2/v3/token`,
      sim.caPem,
      form({ grant_type: 'password', client_id: app.appId, client_secret: app.clientSecret }),
      FORM,
    );
    expect(grant.json.error).toBe(1101);
  });

  test("a token expires after an hour on the simulator's clock: 80200003", async () => {
    const phone = huaweiPhone();
    const bearer = await tokenFor(app);
    expect((await send(through(phone.tokens!.hms!), { bearer })).json.code).toBe('80000000');
    await sim.simulation.advance('61m');
    const answer = await send(through(phone.tokens!.hms!), { bearer });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ code: '80200003', requestId: expect.stringMatching(/^\d+$/) });
  });
});

describe("messages:send answers with Huawei's result codes (docs/reference/hms.md#answers-and-result-codes)", () => {
  test('80000000: success, with a request id; the push is in the ledger on the hms channel', async () => {
    const phone = huaweiPhone();
    const answer = await send(through(phone.tokens!.hms!));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ code: '80000000', msg: 'Success', requestId: expect.stringMatching(/^\d+$/) });
    expect(sim.ledger.get(answer.json.requestId)).toMatchObject({
      provider: 'hms',
      appId: phone.id,
      push: { channel: 'hms', kind: 'data' },
    });
  });

  test('80100000: some tokens are invalid, HTTP 200, msg names them', async () => {
    const phone = huaweiPhone();
    const answer = await send({
      data: 'x',
      token: [phone.tokens!.hms!, 'IQAAAACy0notatokenofthisappnotatokenofthisapp'],
    });
    expect(answer.status).toBe(200);
    expect(answer.json.code).toBe('80100000');
    expect(JSON.parse(answer.json.msg)).toEqual({
      success: 1,
      failure: 1,
      illegal_tokens: ['IQAAAACy0notatokenofthisappnotatokenofthisapp'],
    });
  });

  test("no token valid, a token of another package, an uninstalled app's token: 80300007", async () => {
    expect((await send(through('short'))).json.code).toBe('80300007');
    const scoped = await registerApp({ packageName: 'com.example.other' });
    const phone = huaweiPhone();
    const other = await send(through(phone.tokens!.hms!), { bearer: await tokenFor(scoped), appId: scoped.appId });
    expect(other.status).toBe(404);
    expect(other.json.code).toBe('80300007');
    const token = phone.tokens!.hms!;
    sim.simulation.uninstallApp(phone.id);
    expect((await send(through(token))).json.code).toBe('80300007');
  });

  test('80200001: no Authorization header, or a token of another app (an app ID the simulator does not know)', async () => {
    const phone = huaweiPhone();
    const none = await post(
      `${sim.urls.hms}/v1/${app.appId}/messages:send`,
      sim.caPem,
      JSON.stringify({ message: through(phone.tokens!.hms!) }),
    );
    expect(none.status).toBe(401);
    expect(none.json.code).toBe('80200001');
    expect((await send(through(phone.tokens!.hms!), { appId: '123456789' })).json.code).toBe('80200001');
  });

  test('80200003: a bearer the token endpoint never issued', async () => {
    expect((await send(through('x'), { bearer: 'DQEBAforged' })).json.code).toBe('80200003');
  });

  test.each([
    { what: 'message is not an object', body: { message: 'hi' }, code: '80100003' },
    { what: 'data is not a string', body: { message: { data: { a: 1 }, token: ['x'] } }, code: '80100003' },
    { what: 'two targets', body: { message: { data: 'x', token: ['x'], topic: 'news' } }, code: '80100003' },
    { what: 'neither data nor notification', body: { message: { token: ['x'] } }, code: '80100003' },
    {
      what: 'urgency is not HIGH or NORMAL',
      body: { message: { data: 'x', token: ['x'], android: { urgency: 'URGENT' } } },
      code: '80100001',
    },
    {
      what: 'ttl is not a duration',
      body: { message: { data: 'x', token: ['x'], android: { ttl: 'a day' } } },
      code: '80100001',
    },
    {
      what: 'ttl longer than 15 days',
      body: { message: { data: 'x', token: ['x'], android: { ttl: '1296001s' } } },
      code: '80100001',
    },
    {
      what: 'fast_app_target is not 1 or 2',
      body: { message: { data: 'x', token: ['x'], android: { fast_app_target: 3 } } },
      code: '80100001',
    },
    {
      what: 'a notification without click_action',
      body: { message: { token: ['x'], android: { notification: { title: 't' } } } },
      code: '80100001',
    },
    {
      what: 'click_action type 2 without a URL',
      body: { message: { token: ['x'], android: { notification: { title: 't', click_action: { type: 2 } } } } },
      code: '80100001',
    },
    {
      what: 'color not #RRGGBB',
      body: { message: { token: ['x'], android: { notification: { color: 'red', click_action: { type: 3 } } } } },
      code: '80100001',
    },
    {
      what: 'collapse_key 101',
      body: { message: { data: 'x', token: ['x'], android: { collapse_key: 101 } } },
      code: '80100013',
    },
    { what: 'a 5 KB message', body: { message: { data: 'x'.repeat(5000), token: ['x'] } }, code: '80300008' },
    { what: 'no tokens', body: { message: { data: 'x', token: [] } }, code: '80300010' },
    {
      what: '1001 tokens',
      body: { message: { data: 'x', token: Array.from({ length: 1001 }, (_, i) => `t${i}`) } },
      code: '80300010',
    },
    { what: '"message" misspelled', body: { messager: { data: 'x', token: ['x'] } }, code: '80300010' },
  ])('$what → $code', async ({ body, code }) => {
    const bearer = await tokenFor(app);
    const answer = await post(`${sim.urls.hms}/v1/${app.appId}/messages:send`, sim.caPem, JSON.stringify(body), {
      authorization: `Bearer ${bearer}`,
    });
    expect(answer.json.code).toBe(code);
    expect(answer.status).toBe(HMS_RESULT_CODES[code as keyof typeof HMS_RESULT_CODES].status);
    expect(answer.json.requestId).toMatch(/^\d+$/);
    expect(sim.ledger.get(`rejected-${answer.json.requestId}`)?.fate).toMatchObject({
      name: 'rejected',
      ruleIds: ['hms.wire.rejected'],
    });
  });

  test('80300002: an app that may not send', async () => {
    const banned = await registerApp({ canSend: false });
    const answer = await send(through(huaweiPhone().tokens!.hms!), {
      bearer: await tokenFor(banned),
      appId: banned.appId,
    });
    expect(answer).toMatchObject({ status: 403, json: { code: '80300002' } });
  });

  test('flow control: past the per-app rate, HTTP 503 (docs/reference/hms.md#flow-control)', async () => {
    const limited = await startSimulator({ controlPort: 0, clock: 'virtual', hms: { perAppPerSecond: 2 } });
    try {
      const a = (await (
        await fetch(`${limited.urls.api}/hms/apps`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).json()) as { appId: string; clientSecret: string };
      const bearer = (
        await post(
          `${limited.urls.hms}/oauth2/v3/token`,
          limited.caPem,
          form({ grant_type: 'client_credentials', client_id: a.appId, client_secret: a.clientSecret }),
          FORM,
        )
      ).json.access_token as string;
      const device = limited.simulation.createDevice({ platform: 'android', manufacturer: 'huawei' });
      const token = limited.simulation.installApp({
        deviceId: device.id,
        bundleId: 'com.example.chat',
        sdkProfile: 'native-android',
      }).tokens!.hms!;
      const once = () =>
        post(
          `${limited.urls.hms}/v1/${a.appId}/messages:send`,
          limited.caPem,
          JSON.stringify({ message: { data: 'x', token: [token] } }),
          { authorization: `Bearer ${bearer}` },
        );
      expect([(await once()).status, (await once()).status]).toEqual([200, 200]);
      const third = await once();
      expect(third.status).toBe(503);
      expect(third.json.msg).toMatch(/flow control/);
      await limited.simulation.advance('1s');
      expect((await once()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test.each(['80100002', '80100004', '80100016', '80100017', '80300011', '80600003', '81000001'])(
    '%s is reachable through a fault',
    async (code) => {
      const phone = huaweiPhone();
      const fault = await fetch(`${sim.urls.api}/hms/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: code, times: 1 }),
      });
      expect(fault.status).toBe(201);
      const answer = await send(through(phone.tokens!.hms!));
      expect(answer.json.code).toBe(code);
      expect(answer.status).toBe(HMS_RESULT_CODES[code as keyof typeof HMS_RESULT_CODES].status);
      expect((await send(through(phone.tokens!.hms!))).json.code).toBe('80000000');
    },
  );

  test('validate_only checks the message and delivers nothing', async () => {
    const phone = huaweiPhone();
    const answer = await send(through(phone.tokens!.hms!), { validateOnly: true });
    expect(answer.json.code).toBe('80000000');
    expect(sim.ledger.get(answer.json.requestId)).toBeUndefined();
  });

  test('every result code pushsim answers with is listed at GET /api/hms/errors', async () => {
    expect(Object.keys((await (await fetch(`${sim.urls.api}/hms/errors`)).json()) as object)).toEqual(
      Object.keys(HMS_RESULT_CODES),
    );
  });
});

describe('topics (docs/reference/hms.md#topics)', () => {
  test('subscribe, list, send to the topic and to a condition, unsubscribe', async () => {
    const bearer = await tokenFor(app);
    const a = huaweiPhone();
    const b = huaweiPhone();
    const call = (verb: string, body: object) =>
      post(`${sim.urls.hms}/v1/${app.appId}/topic:${verb}`, sim.caPem, JSON.stringify(body), {
        authorization: `Bearer ${bearer}`,
      });
    const subscribed = await call('subscribe', {
      topic: 'news',
      tokenArray: [a.tokens!.hms!, b.tokens!.hms!, 'bogus'],
    });
    expect(subscribed.json).toMatchObject({
      code: '80100000',
      successCount: 2,
      failureCount: 1,
      errors: [{ index: 2 }],
    });
    await call('subscribe', { topic: 'sports', tokenArray: [a.tokens!.hms!] });
    expect((await call('list', { token: a.tokens!.hms! })).json).toMatchObject({
      code: '80000000',
      topics: [{ name: 'news', addDate: expect.any(String) }, { name: 'sports' }],
    });

    const topicSend = await send({ data: 'x', topic: 'news' }, { bearer });
    expect(topicSend.json.code).toBe('80000000');
    expect(
      sim.ledger
        .list()
        .filter((e) => e.id.startsWith(`${topicSend.json.requestId}#`))
        .map((e) => e.appId)
        .sort(),
    ).toEqual([a.id, b.id].sort());
    const conditionSend = await send({ data: 'x', condition: "'news' in topics && 'sports' in topics" }, { bearer });
    expect(
      sim.ledger
        .list()
        .filter((e) => e.id.startsWith(conditionSend.json.requestId))
        .map((e) => e.appId),
    ).toEqual([a.id]);

    expect((await call('unsubscribe', { topic: 'news', tokenArray: [b.tokens!.hms!] })).json).toMatchObject({
      code: '80000000',
      successCount: 1,
    });
    expect((await call('list', { token: b.tokens!.hms! })).json.topics).toEqual([]);
    expect((await call('subscribe', { topic: 'bad topic!', tokenArray: [a.tokens!.hms!] })).json.code).toBe('80100001');
  });
});

describe('delivery to a Huawei phone, by the hms rows (docs/reference/hms.md#data-and-notification-messages-on-the-device)', () => {
  test('only apps on Huawei phones get an HMS token, with or without Google services', () => {
    expect(huaweiPhone().tokens!.hms).toMatch(/^IQAAAACy0/);
    const pixel = sim.simulation.createDevice({ platform: 'android', manufacturer: 'google' });
    expect(
      sim.simulation.installApp({ deviceId: pixel.id, bundleId: 'com.example.chat', sdkProfile: 'native-android' })
        .tokens!.hms,
    ).toBeUndefined();
  });

  test('a Huawei phone without HMS Core gets no HMS token: registration fails with 907135003, as getToken() does', async () => {
    const device = await fetch(`${sim.urls.api}/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'android', manufacturer: 'huawei', conditions: { hasHmsCore: false } }),
    });
    const created = (await device.json()) as { id: string; conditions: { hasHmsCore: boolean } };
    expect(created.conditions.hasHmsCore).toBe(false);
    const installed = await fetch(`${sim.urls.api}/devices/${created.id}/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bundleId: 'com.example.chat', sdkProfile: 'native-android' }),
    });
    const body = (await installed.json()) as { tokens: Record<string, string>; registrationErrors?: object };
    expect(body.tokens.hms).toBeUndefined();
    expect(body.tokens.fcm).toBeDefined();
    expect(body.registrationErrors).toEqual({ hms: '907135003' });
  });

  test("HMS Core defaults to present on a Huawei phone only; installed on another maker's phone it gets a token", () => {
    const mate = sim.simulation.createDevice({ platform: 'android', manufacturer: 'huawei' });
    const pixel = sim.simulation.createDevice({ platform: 'android', manufacturer: 'google' });
    expect(mate.conditions.hasHmsCore).toBe(true);
    expect(pixel.conditions.hasHmsCore).toBe(false);
    const xiaomi = sim.simulation.createDevice({
      platform: 'android',
      manufacturer: 'xiaomi',
      conditions: { hasHmsCore: true },
    });
    const app = sim.simulation.installApp({
      deviceId: xiaomi.id,
      bundleId: 'com.example.chat',
      sdkProfile: 'native-android',
    });
    expect(app.tokens!.hms).toMatch(/^IQAAAACy0/);
  });

  test('HMS Core installed later: registering again issues the token', () => {
    const device = sim.simulation.createDevice({
      platform: 'android',
      manufacturer: 'huawei',
      conditions: { hasHmsCore: false },
    });
    const app = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.chat',
      sdkProfile: 'native-android',
    });
    expect(app.registrationErrors).toEqual({ hms: '907135003' });
    sim.simulation.registry.setConditions(device.id, { hasHmsCore: true });
    expect(sim.simulation.registry.register(app.id).hms).toMatch(/^IQAAAACy0/);
    expect(sim.simulation.registry.requireApp(app.id).registrationErrors).toBeUndefined();
  });

  test('a data message to a running app goes to HmsMessageService.onMessageReceived', async () => {
    const phone = huaweiPhone('background');
    const answer = await send(through(phone.tokens!.hms!));
    expect(sim.ledger.get(answer.json.requestId)!.fate).toMatchObject({
      name: 'delivered',
      callback: 'HmsMessageService.onMessageReceived',
      ruleIds: ['hms.data.running'],
    });
  });

  test('a notification message is shown by the system, in the foreground too', async () => {
    const phone = huaweiPhone('foreground');
    const answer = await send(notification(phone.tokens!.hms!));
    expect(sim.ledger.get(answer.json.requestId)!.fate).toMatchObject({
      name: 'displayed',
      displayed: true,
      ruleIds: ['hms.notification.tray'],
    });
  });

  test('a killed app: NORMAL data is not delivered, HIGH without the permission is handled as NORMAL, HIGH with it starts the app', async () => {
    const phone = huaweiPhone('killed');
    const normal = await send(through(phone.tokens!.hms!));
    expect(sim.ledger.get(normal.json.requestId)!.fate).toMatchObject({
      name: 'dropped',
      ruleIds: ['hms.data.killed-normal-urgency'],
    });
    const highNoPermission = await send(through(phone.tokens!.hms!, { android: { urgency: 'HIGH' } }));
    const entry = sim.ledger.get(highNoPermission.json.requestId)!;
    expect(entry.fate.ruleIds).toContain('hms.data.killed-normal-urgency');
    expect(entry.history.map((h) => h.reason ?? '').join(' ') + JSON.stringify(entry)).toMatch(/handled as NORMAL/);
    const granted = await registerApp({ highPriorityDataMessages: true });
    const high = await send(through(phone.tokens!.hms!, { android: { urgency: 'HIGH' } }), {
      bearer: await tokenFor(granted),
      appId: granted.appId,
    });
    expect(sim.ledger.get(high.json.requestId)!.fate).toMatchObject({
      name: 'delivered',
      callback: 'HmsMessageService.onMessageReceived',
      ruleIds: ['hms.data.killed-high-urgency'],
    });
  });

  test('offline: collapse_key -1 keeps every message, 1–100 the newest of each group, 0 only the newest', async () => {
    const phone = huaweiPhone('background');
    sim.simulation.registry.setConditions(phone.deviceId, { online: false });
    const ids: string[] = [];
    for (const key of [-1, -1, 5, 5, 7])
      ids.push((await send(through(phone.tokens!.hms!, { android: { collapse_key: key } }))).json.requestId);
    expect(ids.map((id) => sim.ledger.get(id)!.fate.name)).toEqual([
      'stored',
      'stored',
      'collapsed',
      'stored',
      'stored',
    ]);
    expect(sim.ledger.get(ids[2]!)!.fate.ruleIds).toEqual(['store.hms.collapse-key']);
    const newest = (await send(through(phone.tokens!.hms!, { android: { collapse_key: 0 } }))).json.requestId;
    expect(ids.filter((id) => sim.ledger.get(id)!.fate.name === 'collapsed')).toHaveLength(5);
    expect(sim.ledger.get(ids[0]!)!.fate.ruleIds).toEqual(['store.hms.collapse-key-newest']);
    sim.simulation.registry.setConditions(phone.deviceId, { online: true });
    expect(sim.ledger.get(newest)!.fate).toMatchObject({ name: 'delivered', ruleIds: ['hms.data.running'] });
  });

  test('ttl: a message held past its ttl expires', async () => {
    const phone = huaweiPhone('background');
    sim.simulation.registry.setConditions(phone.deviceId, { online: false });
    const id = (await send(through(phone.tokens!.hms!, { android: { ttl: '60s' } }))).json.requestId;
    await sim.simulation.advance('61s');
    expect(sim.ledger.get(id)!.fate).toMatchObject({
      name: 'expired',
      ruleIds: ['store.offline.held', 'pipeline.expiry.while-held'],
    });
  });
});
