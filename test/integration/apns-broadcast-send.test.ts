// Broadcast sends (docs/reference/apns-broadcast.md#broadcast-sends) through the wire: POST /4/broadcasts/apps/<bundle>
// over HTTP/2 + TLS on loopback, delivered to every Live Activity subscribed to the channel; the message storage
// policy on the virtual clock; every reason a broadcast is refused with, each a `rejected` entry of its row.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import type { BroadcastReason } from '../../simulator/providers/apns/broadcast/index.js';
import { providerToken, type WireAnswer } from '../support/apns-wire.js';
import { createChannel, once, scoreUpdate, subscribedActivities } from '../support/broadcast-wire.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let bearer: string;
const produced = new Set<string>();
const APP = 'com.example.scores';
const REQUEST_ID = '5d6f4c1e-9a3b-4e2f-8c7d-1a2b3c4d5e6f';

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    apns: { broadcastTooManyRequests: { perChannel: 10, windowMs: 1000 } },
  });
  key = sim.apns!.keyring.mint({ teamId: 'TEAM000001', keyId: 'KEY0000001' });
});
afterAll(async () => {
  await sim.close();
  const expected: BroadcastReason[] = [
    'MissingChannelId',
    'BadChannelId',
    'ChannelNotRegistered',
    'MissingPushType',
    'InvalidPushType',
    'FeatureNotEnabled',
    'BadPriority',
    'BadExpirationDate',
    'PayloadEmpty',
    'PayloadTooLarge',
    'TooManyRequests',
    'MissingProviderToken',
    'BadPath',
    'MethodNotAllowed',
  ];
  expect(expected.filter((r) => !produced.has(r))).toEqual([]);
});
beforeEach(() => {
  sim.reset();
  sim.apns!.broadcast.setCapability(APP, true);
  bearer = `bearer ${providerToken(key)}`;
});

const broadcast = (
  channelId: string | undefined,
  body: string,
  extra: Record<string, string> = {},
  url = sim.urls.apns,
) =>
  once(
    sim,
    url,
    {
      ':method': 'POST',
      ':path': `/4/broadcasts/apps/${APP}`,
      authorization: bearer,
      'apns-push-type': 'liveactivity',
      'apns-priority': '10',
      ...(channelId ? { 'apns-channel-id': channelId } : {}),
      ...extra,
    },
    body,
  );

async function expectRejected(answer: WireAnswer, reason: BroadcastReason, status: number): Promise<void> {
  expect({ status: answer.status, reason: answer.json?.reason }).toEqual({ status, reason });
  expect(answer.headers['apns-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  const entry = sim.ledger.list().find((e) => e.fate.reason?.startsWith(`${reason}:`));
  expect(entry?.fate).toMatchObject({ name: 'rejected', ruleIds: ['apns.broadcast.rejected'] });
  produced.add(reason);
}

describe('a broadcast reaches the activities subscribed to its channel', () => {
  test('three activities subscribed to one channel each receive one broadcast; one on another channel does not', async () => {
    const game = await createChannel(sim, bearer, APP, 0);
    const otherGame = await createChannel(sim, bearer, APP, 0);
    const subscribed = [
      ...subscribedActivities(sim, APP, [game]),
      ...subscribedActivities(sim, APP, [game]),
      ...subscribedActivities(sim, APP, [game]),
    ];
    const [elsewhere] = subscribedActivities(sim, APP, [otherGame]);
    const answer = await broadcast(game, scoreUpdate(sim, 3), { 'apns-request-id': REQUEST_ID });
    expect(answer.status).toBe(200);
    expect(answer.headers['apns-request-id']).toBe(REQUEST_ID);
    expect(answer.headers['apns-unique-id']).toMatch(/^[0-9a-f-]{36}$/);
    for (const activity of subscribed) {
      expect(sim.simulation.liveActivities.get(activity.id)!.contentState).toEqual({ score: 3 });
      const pushes = sim.ledger.list({ appId: activity.appId });
      expect(pushes).toHaveLength(1);
      expect(pushes[0]!.fate.name).toBe('displayed');
      expect(pushes[0]!.push.headers).toMatchObject({ 'apns-channel-id': game, 'apns-request-id': REQUEST_ID });
    }
    expect(sim.simulation.liveActivities.get(elsewhere!.id)!.contentState).toEqual({ score: 0 });
    expect(sim.ledger.list({ appId: elsewhere!.appId })).toHaveLength(0);
  });

  test('a production channel reaches production apps only, sent on the production port', async () => {
    const game = await createChannel(sim, bearer, APP, 0, sim.urls.apnsChannelsProduction);
    const [sandboxActivity] = subscribedActivities(sim, APP, [game]);
    expect((await broadcast(game, scoreUpdate(sim, 1))).json?.reason).toBe('ChannelNotRegistered');
    const answer = await broadcast(game, scoreUpdate(sim, 1), {}, sim.urls.apnsProduction);
    expect(answer.status).toBe(200);
    expect(answer.headers['apns-unique-id']).toBeUndefined();
    expect(sim.simulation.liveActivities.get(sandboxActivity!.id)!.contentState).toEqual({ score: 0 });
  });
});

describe('the message storage policy', () => {
  test('0 (no message stored): a broadcast no activity hears is dropped, and a later subscriber gets nothing', async () => {
    const game = await createChannel(sim, bearer, APP, 0);
    expect((await broadcast(game, scoreUpdate(sim, 2))).status).toBe(200);
    const [entry] = sim.ledger.list();
    expect(entry!.fate).toMatchObject({ name: 'dropped', ruleIds: ['apns.broadcast.no-subscribers'] });
    const [late] = subscribedActivities(sim, APP, [game]);
    expect(sim.simulation.liveActivities.get(late!.id)!.contentState).toEqual({ score: 0 });
  });

  test('1 (most recent stored): a later subscriber gets the newest broadcast; the one it replaced is collapsed', async () => {
    const game = await createChannel(sim, bearer, APP, 1);
    await broadcast(game, scoreUpdate(sim, 1));
    await sim.simulation.advance('1s');
    await broadcast(game, scoreUpdate(sim, 2));
    const [older, newer] = [...sim.ledger.list()].sort((a, b) => a.push.acceptedAt - b.push.acceptedAt);
    expect(older!.fate).toMatchObject({ name: 'collapsed', ruleIds: ['apns.broadcast.stored-replaced'] });
    expect(newer!.fate).toMatchObject({ name: 'stored', ruleIds: ['apns.broadcast.stored'] });
    const [late] = subscribedActivities(sim, APP, [game]);
    expect(sim.simulation.liveActivities.get(late!.id)!.contentState).toEqual({ score: 2 });
    const channels = (await (await fetch(`${sim.urls.api}/apns/channels`)).json()) as { hasStoredMessage: boolean }[];
    expect(channels[0]!.hasStoredMessage).toBe(true);
  });

  test('1: a stored broadcast past its apns-expiration is not given to a later subscriber', async () => {
    const game = await createChannel(sim, bearer, APP, 1);
    const expiry = String(Math.floor(sim.clock.now() / 1000) + 60);
    await broadcast(game, scoreUpdate(sim, 5), { 'apns-expiration': expiry });
    await sim.simulation.advance('59s');
    expect(sim.ledger.list()[0]!.fate).toMatchObject({ name: 'stored', ruleIds: ['apns.broadcast.stored'] });
    await sim.simulation.advance('1s');
    // Settled on the clock at its apns-expiration, by its row (docs/reference/apns-broadcast.md#message-storage-policy).
    expect(sim.ledger.list()[0]!.fate).toMatchObject({ name: 'expired', ruleIds: ['apns.broadcast.stored-expired'] });
    await sim.simulation.advance('1m');
    const [late] = subscribedActivities(sim, APP, [game]);
    expect(sim.simulation.liveActivities.get(late!.id)!.contentState).toEqual({ score: 0 });
    expect(sim.ledger.list()).toHaveLength(1);
  });

  test('1: a broadcast with apns-expiration 0 that reaches no activity is never stored: it expires at once', async () => {
    const game = await createChannel(sim, bearer, APP, 1);
    await broadcast(game, scoreUpdate(sim, 6), { 'apns-expiration': '0' });
    expect(sim.ledger.list()[0]!.fate).toMatchObject({ name: 'expired', ruleIds: ['apns.broadcast.stored-expired'] });
    const [late] = subscribedActivities(sim, APP, [game]);
    expect(sim.simulation.liveActivities.get(late!.id)!.contentState).toEqual({ score: 0 });
  });

  test('1: a stored broadcast replaced before its apns-expiration stays collapsed when that time comes', async () => {
    const game = await createChannel(sim, bearer, APP, 1);
    const expiry = String(Math.floor(sim.clock.now() / 1000) + 60);
    await broadcast(game, scoreUpdate(sim, 1), { 'apns-expiration': expiry });
    await sim.simulation.advance('1s');
    await broadcast(game, scoreUpdate(sim, 2));
    await sim.simulation.advance('2m');
    const [older, newer] = [...sim.ledger.list()].sort((a, b) => a.push.acceptedAt - b.push.acceptedAt);
    expect(older!.fate).toMatchObject({ name: 'collapsed', ruleIds: ['apns.broadcast.stored-replaced'] });
    expect(newer!.fate).toMatchObject({ name: 'stored' });
  });

  test('1: deleting the channel drops the broadcast it stored', async () => {
    const game = await createChannel(sim, bearer, APP, 1);
    await broadcast(game, scoreUpdate(sim, 4));
    const deleted = await once(sim, sim.urls.apnsChannels, {
      ':method': 'DELETE',
      ':path': `/1/apps/${APP}/channels`,
      'apns-channel-id': game,
      authorization: bearer,
    });
    expect(deleted.status).toBe(204);
    expect(sim.ledger.list()[0]!.fate).toMatchObject({ name: 'dropped', ruleIds: ['apns.broadcast.channel-deleted'] });
  });
});

describe('the reasons a broadcast is refused with', () => {
  test('MissingChannelId, BadChannelId, ChannelNotRegistered: the apns-channel-id header', async () => {
    await expectRejected(await broadcast(undefined, scoreUpdate(sim, 1)), 'MissingChannelId', 400);
    await expectRejected(await broadcast('%%%', scoreUpdate(sim, 1)), 'BadChannelId', 400);
    await expectRejected(await broadcast('c29tZUNoYW5uZWw=', scoreUpdate(sim, 1)), 'ChannelNotRegistered', 400);
  });

  test('MissingPushType, InvalidPushType: a broadcast is apns-push-type liveactivity', async () => {
    const game = await createChannel(sim, bearer, APP, 0);
    const answer = await once(
      sim,
      sim.urls.apns,
      { ':method': 'POST', ':path': `/4/broadcasts/apps/${APP}`, authorization: bearer, 'apns-channel-id': game },
      scoreUpdate(sim, 1),
    );
    await expectRejected(answer, 'MissingPushType', 400);
    await expectRejected(
      await broadcast(game, scoreUpdate(sim, 1), { 'apns-push-type': 'alert' }),
      'InvalidPushType',
      400,
    );
  });

  test('FeatureNotEnabled: an app without the broadcast capability', async () => {
    const game = await createChannel(sim, bearer, APP, 0);
    sim.apns!.broadcast.setCapability(APP, false);
    await expectRejected(await broadcast(game, scoreUpdate(sim, 1)), 'FeatureNotEnabled', 400);
  });

  test('BadPriority, BadExpirationDate: the apns-priority and apns-expiration headers', async () => {
    const game = await createChannel(sim, bearer, APP, 0);
    await expectRejected(await broadcast(game, scoreUpdate(sim, 1), { 'apns-priority': '7' }), 'BadPriority', 400);
    await expectRejected(
      await broadcast(game, scoreUpdate(sim, 1), { 'apns-expiration': 'soon' }),
      'BadExpirationDate',
      400,
    );
  });

  test('PayloadEmpty, PayloadTooLarge: the body', async () => {
    const game = await createChannel(sim, bearer, APP, 0);
    await expectRejected(await broadcast(game, ''), 'PayloadEmpty', 400);
    const big = JSON.stringify({
      aps: { timestamp: 1, event: 'update', 'content-state': { score: 1 } },
      pad: 'x'.repeat(5200),
    });
    await expectRejected(await broadcast(game, big), 'PayloadTooLarge', 413);
  });

  test('TooManyRequests: more broadcasts on one channel than the window allows', async () => {
    const game = await createChannel(sim, bearer, APP, 0);
    for (let i = 0; i < 10; i++) expect((await broadcast(game, scoreUpdate(sim, i))).status).toBe(200);
    await expectRejected(await broadcast(game, scoreUpdate(sim, 11)), 'TooManyRequests', 429);
  });

  test('MissingProviderToken, BadPath, MethodNotAllowed: auth, the path and the method', async () => {
    const game = await createChannel(sim, bearer, APP, 0);
    await expectRejected(
      await broadcast(game, scoreUpdate(sim, 1), { authorization: '' }),
      'MissingProviderToken',
      403,
    );
    await expectRejected(await broadcast(game, scoreUpdate(sim, 1), { ':path': '/4/broadcasts/apps' }), 'BadPath', 404);
    await expectRejected(await broadcast(game, scoreUpdate(sim, 1), { ':method': 'PUT' }), 'MethodNotAllowed', 405);
  });
});
