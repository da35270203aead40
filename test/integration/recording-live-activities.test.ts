// Session recording knows Live Activities and broadcast channels: a session driven over the real wire (APNs over HTTP/2
// with a JWT signed by a key minted over REST, the channel management port, FCM with an OAuth token) and REST (the
// app's Activity.request, activity.update, activity.end) becomes a scenario file — `activity` steps, `apns` steps with
// liveActivity / pushToStart / channel / broadcast, an `fcm` step naming the activity, each followed by the activity
// state and content state observed — that the runner and `pushsim run` pass, and that fails once an expectation changes.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientHttp2Session } from 'node:http2';
import { parse } from 'yaml';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { runScenario } from '../../simulator/scenario/index.js';
import { controlApi, pushsimRun } from '../support/control-api.js';
import { connectApns, providerToken, request } from '../support/apns-wire.js';
import { once } from '../support/broadcast-wire.js';
import { accessToken, post } from '../support/fcm-wire.js';

let sim: SimulatorHandle;
let apns: ClientHttp2Session;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  apns = await connectApns(sim.urls.apns!, sim.caPem);
  dir = mkdtempSync(join(tmpdir(), 'pushsim-recording-la-'));
});
afterAll(async () => {
  apns?.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const api = controlApi(() => sim.urls.api);

const DELIVERY = {
  attributeTypes: {
    DeliveryAttributes: { attributes: { orderId: 'string' }, contentState: { status: 'string', eta: 'integer' } },
  },
};
const SCORES = {
  attributeTypes: { ScoreAttributes: { attributes: { match: 'string' }, contentState: { score: 'integer' } } },
  frequentUpdates: true,
};
const seconds = () => Math.floor(sim.clock.now() / 1000);

async function recordSession(): Promise<string> {
  await api('POST', '/reset');
  expect((await api('POST', '/devices', { id: 'iphone', platform: 'ios' })).status).toBe(201);
  // RN Firebase: an iOS app with an FCM registration token too (FCM's route to its activities).
  const delivery = await api('POST', '/devices/iphone/apps', {
    id: 'delivery',
    bundleId: 'com.example.delivery',
    sdkProfile: 'rn-firebase',
    state: 'suspended',
    liveActivities: DELIVERY,
  });
  expect(delivery.status).toBe(201);
  expect((await api('POST', '/devices', { id: 'ipad', platform: 'ios' })).status).toBe(201);
  const scores = await api('POST', '/devices/ipad/apps', {
    id: 'scores',
    bundleId: 'com.example.scores',
    sdkProfile: 'native-ios',
    liveActivities: SCORES,
  });
  expect(scores.status).toBe(201);
  const key = (await api('POST', '/apns/keys', {})).json as { teamId: string; keyId: string; p8: string };
  const bearer = `bearer ${providerToken(key, sim.clock.now())}`;
  const account = (await api('POST', '/fcm/service-accounts', {})).json as {
    client_email: string;
    private_key: string;
    private_key_id: string;
  };
  const fcmBearer = { authorization: `Bearer ${await accessToken(sim.urls.fcm!, sim.caPem, account)}` };

  // Before the recording: a channel and an activity subscribed to it, and an activity with its own token.
  const channel = async (policy: 0 | 1) => {
    const answer = await once(
      sim,
      sim.urls.apnsChannels!,
      { ':method': 'POST', ':path': '/1/apps/com.example.scores/channels', authorization: bearer },
      JSON.stringify({ 'message-storage-policy': policy, 'push-type': 'LiveActivity' }),
    );
    expect(answer.status).toBe(201);
    return String(answer.headers['apns-channel-id']);
  };
  const match = (id: string, channelId: string) =>
    api('POST', '/apps/scores/activities', {
      attributesType: 'ScoreAttributes',
      attributes: { match: id },
      contentState: { score: 0 },
      pushType: { channel: channelId },
    });
  const earlier = await channel(1);
  expect((await match('earlier', earlier)).status).toBe(201);
  const before = await api('POST', '/apps/delivery/activities', {
    attributesType: 'DeliveryAttributes',
    attributes: { orderId: 'A-0' },
    contentState: { status: 'preparing', eta: 30 },
    staleDate: sim.clock.now() + 3_600_000,
  });
  expect(before.status).toBe(201);

  const started = await api('POST', '/recordings');
  expect(started.status).toBe(201);
  const id = started.json.id as string;

  // The app starts an activity (Activity.request); APNs updates it over the wire; an older timestamp is ignored.
  const order = (
    await api('POST', '/apps/delivery/activities', {
      attributesType: 'DeliveryAttributes',
      attributes: { orderId: 'A-1' },
      contentState: { status: 'ordered', eta: 25 },
    })
  ).json as { id: string; pushToken: string };
  const liveActivity = (token: string, aps: Record<string, unknown>, priority = '10') =>
    request(
      apns,
      {
        ':path': `/3/device/${token}`,
        authorization: bearer,
        'apns-topic': 'com.example.delivery.push-type.liveactivity',
        'apns-push-type': 'liveactivity',
        'apns-priority': priority,
      },
      JSON.stringify({ aps }),
    );
  const t = seconds();
  expect(
    (
      await liveActivity(order.pushToken, {
        timestamp: t + 1,
        event: 'update',
        'content-state': { status: 'cooking', eta: 20 },
        'stale-date': t + 600,
        alert: { title: 'Order A-1', body: 'Cooking', sound: 'default' },
      })
    ).status,
  ).toBe(200);
  expect(
    (await liveActivity(order.pushToken, { timestamp: t, event: 'update', 'content-state': { status: 'x', eta: 0 } }))
      .status,
  ).toBe(200);
  // The app updates it itself, with an alert (activity.update(_:alertConfiguration:)).
  expect(
    (
      await api('POST', `/activities/${order.id}/update`, {
        contentState: { status: 'on its way', eta: 10 },
        alert: { title: 'Order A-1', body: 'On its way' },
      })
    ).status,
  ).toBe(200);
  // FCM's route: apns.live_activity_token.
  const fcm = await post(
    `${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`,
    sim.caPem,
    JSON.stringify({
      message: {
        token: delivery.json.tokens.fcm,
        apns: {
          live_activity_token: order.pushToken,
          headers: { 'apns-priority': '5' },
          payload: {
            aps: { timestamp: t + 5, event: 'update', 'content-state': { status: 'around the corner', eta: 2 } },
          },
        },
      },
    }),
    fcmBearer,
  );
  expect(fcm.status).toBe(200);
  // Push-to-start, then an update to the token it gave the new activity, then an end with a dismissal date.
  const startToken = (await api('GET', '/apps/delivery')).json.liveActivities.pushToStartTokens.DeliveryAttributes;
  expect(
    (
      await liveActivity(startToken, {
        timestamp: t + 2,
        event: 'start',
        'attributes-type': 'DeliveryAttributes',
        attributes: { orderId: 'B-7' },
        'content-state': { status: 'ordered', eta: 40 },
        'input-push-token': 1,
      })
    ).status,
  ).toBe(200);
  const pushed = (await api('GET', '/apps/delivery/activities')).json.find(
    (a: { attributes: { orderId: string } }) => a.attributes.orderId === 'B-7',
  ) as { id: string; pushToken: string };
  expect(
    (
      await liveActivity(
        pushed.pushToken,
        { timestamp: t + 3, event: 'update', 'content-state': { status: 'cooking', eta: 35 } },
        '5',
      )
    ).status,
  ).toBe(200);
  // A channel created while recording, three activities subscribed to it, a broadcast reaching all three, one to a
  // channel that does not exist, a read and a delete.
  const game = await channel(0);
  for (const name of ['m1', 'm2', 'm3']) expect((await match(name, game)).status).toBe(201);
  const broadcast = (channelId: string, score: number) =>
    once(
      sim,
      sim.urls.apns!,
      {
        ':method': 'POST',
        ':path': '/4/broadcasts/apps/com.example.scores',
        authorization: bearer,
        'apns-channel-id': channelId,
        'apns-push-type': 'liveactivity',
      },
      JSON.stringify({ aps: { timestamp: seconds(), event: 'update', 'content-state': { score } } }),
    );
  expect((await broadcast(game, 1)).status).toBe(200);
  expect((await broadcast('dGhpcyBjaGFubmVsIGlzIG5vdCB0aGVyZQ==', 2)).status).toBe(400);
  expect((await broadcast(earlier, 3)).status).toBe(200);
  const read = await once(sim, sim.urls.apnsChannels!, {
    ':method': 'GET',
    ':path': '/1/apps/com.example.scores/channels',
    authorization: bearer,
    'apns-channel-id': game,
  });
  expect(read.status).toBe(200);
  // The app ends its first activity at once; APNs ends the pushed one, dismissed in 10 minutes; an hour passes.
  expect(
    (
      await api('POST', `/activities/${order.id}/end`, {
        contentState: { status: 'delivered', eta: 0 },
        dismissalPolicy: 'immediate',
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await liveActivity(pushed.pushToken, {
        timestamp: t + 4,
        event: 'end',
        'content-state': { status: 'delivered', eta: 0 },
        'dismissal-date': seconds() + 600,
      })
    ).status,
  ).toBe(200);
  expect((await api('POST', '/clock/advance', { by: '1h' })).status).toBe(200);
  const deleted = await once(sim, sim.urls.apnsChannels!, {
    ':method': 'DELETE',
    ':path': '/1/apps/com.example.scores/channels',
    authorization: bearer,
    'apns-channel-id': game,
  });
  expect(deleted.status).toBe(204);

  expect((await api('POST', `/recordings/${id}/stop`)).json).toMatchObject({ status: 'stopped' });
  const scenario = await api('GET', `/recordings/${id}/scenario`);
  expect(scenario.status).toBe(200);
  return scenario.text;
}

async function replay(yaml: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  const [result] = await runScenario(file);
  return { result: result!, file };
}

test('Live Activities, push-to-start, FCM, channels and broadcasts are recorded as steps with their activity states, and replay', async () => {
  const yaml = await recordSession();
  if (process.env.SHOW_YAML) console.log(yaml);
  const scenario = parse(yaml) as { apps: Record<string, any>[]; steps: Record<string, any>[] };
  // The apps keep their attributes types (and the frequent-updates opt-in).
  expect(scenario.apps.find((a) => a.id === 'delivery')?.liveActivities).toEqual({
    attributeTypes: DELIVERY.attributeTypes,
  });
  expect(scenario.apps.find((a) => a.id === 'scores')?.liveActivities).toEqual(SCORES);
  const steps = scenario.steps;
  // What existed when the recording started is set up first: the channel, then both activities.
  expect(steps[0]).toEqual({ apns: { app: 'scores', channel: { create: 1 }, as: 'c1' } });
  expect(steps[1]?.activity).toMatchObject({ app: 'scores', start: { pushType: { channel: 'c1' } }, as: 'a1' });
  expect(steps[2]?.activity).toMatchObject({
    app: 'delivery',
    start: { attributes: { orderId: 'A-0' }, staleIn: '1h' },
    as: 'a2',
  });
  // No token or channel id of this session is in the file.
  const order = (await api('GET', '/apps/delivery/activities')).json as { pushToken?: string }[];
  for (const a of order) if (a.pushToken) expect(yaml).not.toContain(a.pushToken);
  expect(yaml).not.toMatch(/apns-channel-id: [A-Za-z0-9+/]{20,}/);
  const find = (predicate: (s: Record<string, any>) => boolean) => steps.find(predicate);
  const update = find((s) => s.apns?.liveActivity === 'a3' && s.apns.payload.aps['content-state'].status === 'cooking');
  expect(update?.apns).toMatchObject({ liveActivity: 'a3', headers: { 'apns-priority': '10' }, staleIn: '10m' });
  expect(update?.apns.payload.aps).not.toHaveProperty('stale-date');
  expect(find((s) => s.activity?.update === 'a3')?.activity).toEqual({
    update: 'a3',
    contentState: { status: 'on its way', eta: 10 },
    alert: { title: 'Order A-1', body: 'On its way' },
  });
  expect(find((s) => s.fcm?.liveActivity === 'a3')?.fcm).toMatchObject({ app: 'delivery', liveActivity: 'a3' });
  const start = find((s) => s.apns?.pushToStart === 'DeliveryAttributes');
  expect(start?.apns).toMatchObject({ app: 'delivery', pushToStart: 'DeliveryAttributes' });
  const pushed = start!.apns.as as string;
  expect(find((s) => s.expect?.activity === pushed)?.expect).toMatchObject({ activityState: 'active' });
  expect(find((s) => s.apns?.liveActivity === pushed && s.apns.payload.aps.event === 'end')?.apns).toMatchObject({
    dismissIn: '10m',
  });
  expect(find((s) => s.apns?.channel?.create === 0)?.apns).toMatchObject({ app: 'scores', as: 'c2' });
  const sent = find((s) => s.apns?.broadcast === 'c2');
  expect(find((s) => s.expect?.of === sent?.apns.as && s.expect.recipients)?.expect.recipients).toEqual([
    'scores',
    'scores',
    'scores',
  ]);
  expect(steps.filter((s) => s.expect?.activityState !== undefined && s.expect.contentState?.score === 1)).toHaveLength(
    3,
  );
  expect(find((s) => s.expect?.reason === 'ChannelNotRegistered')).toBeDefined();
  expect(find((s) => s.apns?.channel?.read === 'c2')).toBeDefined();
  expect(find((s) => s.apns?.channel?.delete === 'c2')).toBeDefined();
  expect(find((s) => s.activity?.end === 'a3')?.activity).toMatchObject({ dismissal: 'immediate' });
  expect(find((s) => s.expect?.activity === 'a3' && s.expect.activityState === 'dismissed')).toBeDefined();

  const { result, file } = await replay(yaml, 'la-session.yaml');
  expect(result.failures).toEqual([]);
  expect(result.status).toBe('passed');
  const cli = await pushsimRun(file);
  expect(cli.output).toMatch(/1 passed/);
  expect(cli.code).toBe(0);

  // One recorded activity expectation changed: the run fails on it.
  const changed = yaml.replace(
    /(activity: a3, activityState: active, contentState: \{ status: on its way), eta: 10/,
    '$1, eta: 11',
  );
  expect(changed).not.toBe(yaml);
  const broken = await replay(changed, 'la-session-changed.yaml');
  expect(broken.result.status).toBe('failed');
  expect(broken.result.failures.map((f) => f.message).join('\n')).toMatch(/expected the Live Activity to show/);
  const failedCli = await pushsimRun(broken.file);
  expect(failedCli.code).toBe(1);
});
