// Interop: @parse/node-apn's channel management (manageChannels) and broadcast, unmodified, against pushsim over real
// TLS HTTP/2 on loopback: dialling Apple's own hosts (api-manage-broadcast.sandbox.push.apple.com:2195,
// api.sandbox.push.apple.com:443) through the redirect, as an unmodified backend would. apns2 has no channel API.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import apn from '@parse/node-apn';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { installRedirect, targetsFromEndpoints } from '../../simulator/redirect/index.js';
import { subscribedActivities } from '../support/broadcast-wire.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let restore: () => void;
const APP = 'com.example.scores';

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  key = (await (await fetch(`${sim.urls.api}/apns/keys`, { method: 'POST', body: '{}' })).json()) as typeof key;
  const endpoints = (await (await fetch(`${sim.urls.api}/endpoints`)).json()) as Parameters<
    typeof targetsFromEndpoints
  >[0];
  restore = installRedirect({ targets: targetsFromEndpoints(endpoints), ca: sim.caPem });
});
afterAll(async () => {
  restore();
  await sim.close();
});
beforeEach(() => sim.reset());

const provider = () =>
  new apn.Provider({ token: { key: key.p8, keyId: key.keyId, teamId: key.teamId }, production: false });

test("node-apn creates, reads, lists and deletes a channel on Apple's sandbox management host", async () => {
  const client = provider();
  try {
    const create = new apn.Notification();
    create.payload = { 'message-storage-policy': '1', 'push-type': 'liveactivity' };
    const created = await client.manageChannels(create, APP, 'create');
    expect(created.failed).toEqual([]);
    const channelId = (created.sent[0] as { 'apns-channel-id'?: string })['apns-channel-id']!;
    expect(channelId).toMatch(/^[A-Za-z0-9+/]+=*$/);

    const read = new apn.Notification();
    read.channelId = channelId;
    const readResult = await client.manageChannels(read, APP, 'read');
    expect(readResult.sent[0]).toMatchObject({ 'message-storage-policy': 1, 'push-type': 'LiveActivity' });

    const all = await client.manageChannels(new apn.Notification(), APP, 'readAll');
    expect(all.sent[0]).toMatchObject({ channels: [channelId] });

    const remove = new apn.Notification();
    remove.channelId = channelId;
    expect((await client.manageChannels(remove, APP, 'delete')).failed).toEqual([]);
    const again = new apn.Notification();
    again.channelId = channelId;
    const gone = await client.manageChannels(again, APP, 'read');
    expect(gone.failed[0]).toMatchObject({ status: 400, response: { reason: 'ChannelNotRegistered' } });
  } finally {
    client.shutdown();
  }
});

test('a node-apn broadcast reaches three subscribed activities and not one on another channel', async () => {
  const client = provider();
  try {
    const channelIdOf = async (): Promise<string> => {
      const note = new apn.Notification();
      note.payload = { 'message-storage-policy': 0, 'push-type': 'LiveActivity' };
      const created = await client.manageChannels(note, APP, 'create');
      return (created.sent[0] as { 'apns-channel-id': string })['apns-channel-id'];
    };
    const game = await channelIdOf();
    const other = await channelIdOf();
    const subscribed = [
      ...subscribedActivities(sim, APP, [game]),
      ...subscribedActivities(sim, APP, [game]),
      ...subscribedActivities(sim, APP, [game]),
    ];
    const [elsewhere] = subscribedActivities(sim, APP, [other]);

    const note = new apn.Notification();
    note.channelId = game;
    note.pushType = 'liveactivity';
    note.priority = 10;
    note.expiry = Math.floor(sim.clock.now() / 1000) + 3600;
    // node-apn's typings lack its Live Activity setters (aps.timestamp, event, content-state); its code has them.
    Object.assign(note, { timestamp: Math.floor(sim.clock.now() / 1000), event: 'update', contentState: { score: 7 } });
    const result = await client.broadcast(note, APP);
    expect(result.failed).toEqual([]);
    expect(result.sent[0]).toMatchObject({ bundleId: APP });
    expect((result.sent[0] as { 'apns-request-id'?: string })['apns-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    for (const activity of subscribed)
      expect(sim.simulation.liveActivities.get(activity.id)!.contentState).toEqual({ score: 7 });
    expect(sim.simulation.liveActivities.get(elsewhere!.id)!.contentState).toEqual({ score: 0 });
  } finally {
    client.shutdown();
  }
});
