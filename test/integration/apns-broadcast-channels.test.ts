// The channel management API (docs/reference/apns-broadcast.md#channel-management-api) through the wire: HTTP/2 over
// TLS on loopback to the sandbox and production management ports; every reason it answers with, produced here.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import type { BroadcastReason } from '../../simulator/providers/apns/broadcast/index.js';
import { connectApns, providerToken, request, type WireAnswer } from '../support/apns-wire.js';
import { createChannel, once, subscribedActivities } from '../support/broadcast-wire.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let bearer: string;
const produced = new Set<string>();
const APP = 'com.example.scores';
const REQUEST_ID = '0309f412-aa57-46a8-9ac6-b5aeca8c4594';

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    apns: { maxChannelsPerApp: 3, channelTooManyRequests: { perApp: 20, windowMs: 1000 } },
  });
  key = sim.apns!.keyring.mint({ teamId: 'TEAM000001', keyId: 'KEY0000001' });
});
afterAll(async () => {
  await sim.close();
  const expected: BroadcastReason[] = [
    'BadChannelId',
    'CannotCreateChannelConfig',
    'ChannelNotRegistered',
    'FeatureNotEnabled',
    'InvalidPushType',
    'MissingChannelId',
    'MissingPushType',
    'TooManyRequests',
    'MissingProviderToken',
    'InvalidProviderToken',
    'TopicDisallowed',
    'BadPath',
    'MethodNotAllowed',
    'PayloadTooLarge',
    'BadTopic',
  ];
  expect(expected.filter((r) => !produced.has(r))).toEqual([]);
});
beforeEach(() => {
  sim.reset();
  sim.apns!.broadcast.setCapability(APP, true);
  bearer = `bearer ${providerToken(key)}`;
});

const channels = (bundleId = APP) => `/1/apps/${bundleId}/channels`;
const manage = (headers: Record<string, string>, body?: string, url = sim.urls.apnsChannels) =>
  once(sim, url, { authorization: bearer, ...headers }, body);
const CREATE = JSON.stringify({ 'message-storage-policy': 1, 'push-type': 'LiveActivity' });

function expectReason(answer: WireAnswer, reason: BroadcastReason, status: number): void {
  expect({ status: answer.status, reason: answer.json?.reason }).toEqual({ status, reason });
  expect(answer.headers['apns-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  produced.add(reason);
}

describe('a channel through its life', () => {
  test('is created with 201 and its apns-channel-id, echoing the apns-request-id sent', async () => {
    const answer = await manage({ ':method': 'POST', ':path': channels(), 'apns-request-id': REQUEST_ID }, CREATE);
    expect(answer.status).toBe(201);
    expect(answer.headers['apns-request-id']).toBe(REQUEST_ID);
    expect(String(answer.headers['apns-channel-id'])).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(answer.body).toBe('');
  });

  test('is read back with its storage policy and push type, listed, deleted with 204, then unknown', async () => {
    const id = await createChannel(sim, bearer, APP, 1);
    const other = await createChannel(sim, bearer, APP, 0);
    const read = await manage({ ':method': 'GET', ':path': channels(), 'apns-channel-id': id });
    expect(read.status).toBe(200);
    expect(read.json).toEqual({ 'message-storage-policy': 1, 'push-type': 'LiveActivity' });
    expect(read.headers['apns-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const list = await manage({ ':method': 'GET', ':path': `/1/apps/${APP}/all-channels` });
    expect({ status: list.status, json: list.json }).toEqual({ status: 200, json: { channels: [id, other] } });
    const deleted = await manage({ ':method': 'DELETE', ':path': channels(), 'apns-channel-id': id });
    expect({ status: deleted.status, body: deleted.body }).toEqual({ status: 204, body: '' });
    expectReason(
      await manage({ ':method': 'GET', ':path': channels(), 'apns-channel-id': id }),
      'ChannelNotRegistered',
      400,
    );
    expect((await manage({ ':method': 'GET', ':path': `/1/apps/${APP}/all-channels` })).json).toEqual({
      channels: [other],
    });
  });

  test('takes node-apn\'s spellings of the body ("1", liveactivity)', async () => {
    const answer = await manage(
      { ':method': 'POST', ':path': channels() },
      JSON.stringify({ 'message-storage-policy': '1', 'push-type': 'liveactivity' }),
    );
    expect(answer.status).toBe(201);
  });

  test('belongs to its environment: a sandbox channel is not registered on production', async () => {
    const id = await createChannel(sim, bearer, APP, 0);
    expectReason(
      await manage(
        { ':method': 'GET', ':path': channels(), 'apns-channel-id': id },
        undefined,
        sim.urls.apnsChannelsProduction,
      ),
      'ChannelNotRegistered',
      400,
    );
    expect(
      (
        await manage(
          { ':method': 'GET', ':path': `/1/apps/${APP}/all-channels` },
          undefined,
          sim.urls.apnsChannelsProduction,
        )
      ).json,
    ).toEqual({ channels: [] });
  });

  test('is listed by GET /api/apns/channels with how many activities subscribe to it', async () => {
    const id = await createChannel(sim, bearer, APP, 1);
    subscribedActivities(sim, APP, [id, id]);
    const listed = await (await fetch(`${sim.urls.api}/apns/channels?bundleId=${APP}`)).json();
    expect(listed).toEqual([
      {
        channelId: id,
        bundleId: APP,
        environment: 'sandbox',
        messageStoragePolicy: 1,
        pushType: 'LiveActivity',
        createdAt: sim.clock.now(),
        subscribers: 2,
        hasStoredMessage: false,
      },
    ]);
  });
});

describe('the reasons a management request is refused with', () => {
  test('MissingChannelId: a read or a delete without apns-channel-id', async () => {
    expectReason(await manage({ ':method': 'GET', ':path': channels() }), 'MissingChannelId', 400);
    expectReason(await manage({ ':method': 'DELETE', ':path': channels() }), 'MissingChannelId', 400);
  });

  test('BadChannelId: an apns-channel-id that is not a base64 channel id', async () => {
    expectReason(
      await manage({ ':method': 'GET', ':path': channels(), 'apns-channel-id': 'not a channel!' }),
      'BadChannelId',
      400,
    );
    expectReason(
      await manage({ ':method': 'DELETE', ':path': channels(), 'apns-channel-id': 'QUFB'.repeat(40) }),
      'BadChannelId',
      400,
    );
  });

  test('ChannelNotRegistered: a well-formed id no channel of this app has', async () => {
    const id = await createChannel(sim, bearer, APP, 0);
    expectReason(
      await manage({ ':method': 'DELETE', ':path': channels('com.example.other'), 'apns-channel-id': id }),
      'ChannelNotRegistered',
      400,
    );
  });

  test('CannotCreateChannelConfig: past the per-app channel limit, or with a storage policy other than 0 and 1', async () => {
    for (let i = 0; i < 3; i++) await createChannel(sim, bearer, APP, 0);
    expectReason(await manage({ ':method': 'POST', ':path': channels() }, CREATE), 'CannotCreateChannelConfig', 400);
    // The production environment counts its own channels.
    expect(
      (await manage({ ':method': 'POST', ':path': channels() }, CREATE, sim.urls.apnsChannelsProduction)).status,
    ).toBe(201);
    const bad = JSON.stringify({ 'message-storage-policy': 2, 'push-type': 'LiveActivity' });
    expectReason(
      await manage({ ':method': 'POST', ':path': channels('com.example.b') }, bad),
      'CannotCreateChannelConfig',
      400,
    );
    expectReason(
      await manage({ ':method': 'POST', ':path': channels('com.example.b') }, 'nope'),
      'CannotCreateChannelConfig',
      400,
    );
  });

  test('InvalidPushType and MissingPushType: a create body whose push-type is not LiveActivity, or absent', async () => {
    const alert = JSON.stringify({ 'message-storage-policy': 0, 'push-type': 'alert' });
    expectReason(await manage({ ':method': 'POST', ':path': channels() }, alert), 'InvalidPushType', 400);
    const none = JSON.stringify({ 'message-storage-policy': 0 });
    expectReason(await manage({ ':method': 'POST', ':path': channels() }, none), 'MissingPushType', 400);
  });

  test('FeatureNotEnabled: an app without the broadcast capability (PUT /api/apns/broadcast-capability)', async () => {
    const off = await fetch(`${sim.urls.api}/apns/broadcast-capability/${APP}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(await off.json()).toEqual({ bundleId: APP, enabled: false });
    expectReason(await manage({ ':method': 'POST', ':path': channels() }, CREATE), 'FeatureNotEnabled', 400);
    expectReason(await manage({ ':method': 'GET', ':path': `/1/apps/${APP}/all-channels` }), 'FeatureNotEnabled', 400);
  });

  test('TooManyRequests: more management requests for one app than the window allows', async () => {
    const answers: WireAnswer[] = [];
    for (let i = 0; i < 21; i++)
      answers.push(await manage({ ':method': 'GET', ':path': `/1/apps/${APP}/all-channels` }));
    expect(answers.slice(0, 20).every((a) => a.status === 200)).toBe(true);
    expectReason(answers[20]!, 'TooManyRequests', 429);
  });

  test('MissingProviderToken, InvalidProviderToken, TopicDisallowed: authenticated as APNs is', async () => {
    expectReason(
      await once(sim, sim.urls.apnsChannels, { ':method': 'POST', ':path': channels() }, CREATE),
      'MissingProviderToken',
      403,
    );
    expectReason(
      await once(
        sim,
        sim.urls.apnsChannels,
        { ':method': 'POST', ':path': channels(), authorization: 'bearer x.y.z' },
        CREATE,
      ),
      'InvalidProviderToken',
      403,
    );
    const limited = sim.apns!.keyring.mint({ teamId: 'TEAM000002', keyId: 'KEY0000002', topics: ['com.example.mail'] });
    expectReason(
      await once(
        sim,
        sim.urls.apnsChannels,
        { ':method': 'POST', ':path': channels(), authorization: `bearer ${providerToken(limited)}` },
        CREATE,
      ),
      'TopicDisallowed',
      400,
    );
  });

  test('BadPath, MethodNotAllowed, PayloadTooLarge: the path, the method, the body size', async () => {
    expectReason(await manage({ ':method': 'GET', ':path': '/1/apps/com.example.scores' }), 'BadPath', 404);
    expectReason(await manage({ ':method': 'PUT', ':path': channels() }, CREATE), 'MethodNotAllowed', 405);
    expectReason(
      await manage({ ':method': 'POST', ':path': `/1/apps/${APP}/all-channels` }, CREATE),
      'MethodNotAllowed',
      405,
    );
    expectReason(await manage({ ':method': 'POST', ':path': channels() }, ' '.repeat(5000)), 'PayloadTooLarge', 413);
  });
});

test('a client certificate for the app authenticates on its own; one for another app is BadTopic', async () => {
  const response = await fetch(`${sim.urls.api}/apns/certificates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic: APP }),
  });
  const issued = (await response.json()) as { cert: string; key: string };
  const session = await connectApns(sim.urls.apnsChannels, sim.caPem, { cert: issued.cert, key: issued.key });
  try {
    const created = await request(session, { ':method': 'POST', ':path': channels() }, CREATE);
    expect(created.status).toBe(201);
    expectReason(
      await request(session, { ':method': 'POST', ':path': channels('com.example.mail') }, CREATE),
      'BadTopic',
      400,
    );
  } finally {
    session.close();
  }
});

test('the endpoints list names the management ports with the hosts they stand in for', async () => {
  const endpoints = (await (await fetch(`${sim.urls.api}/endpoints`)).json()) as { name: string; hosts?: string[] }[];
  expect(endpoints.find((e) => e.name === 'apns-channels')?.hosts).toEqual([
    'api-manage-broadcast.sandbox.push.apple.com',
  ]);
  expect(endpoints.find((e) => e.name === 'apns-channels-production')?.hosts).toEqual([
    'api-manage-broadcast.push.apple.com',
  ]);
});
