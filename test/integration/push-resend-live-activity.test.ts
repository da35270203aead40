// POST /api/pushes/{id}/resend for ActivityKit pushes sent through the real APNs and FCM wires (HTTP/2 + TLS on
// loopback, virtual clock): a push to an activity's token goes to the activity again through the Live Activity rows, a
// push-to-start starts another activity, and a broadcast or an FCM-routed Live Activity push is refused with the reason.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startSimulator, type InstalledApp, type SimulatorHandle } from '../../simulator/index.js';
import { once, createChannel, scoreUpdate, subscribedActivities } from '../support/broadcast-wire.js';
import { providerToken } from '../support/apns-wire.js';
import { accessToken, post } from '../support/fcm-wire.js';
import { ResendSchema } from '../../simulator/model/index.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let fcmBearer: Record<string, string>;
let app: InstalledApp;
const BUNDLE = 'com.example.delivery';
const HOUR = 60 * 60 * 1000;

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    liveActivities: { budget: { perWindow: 1, windowMs: HOUR } },
  });
  key = sim.apns!.keyring.mint({ teamId: 'TEAM000001', keyId: 'KEY0000001' });
  const account = (await (
    await fetch(`${sim.urls.api}/fcm/service-accounts`, { method: 'POST', body: '{}' })
  ).json()) as { client_email: string; private_key: string; private_key_id: string };
  fcmBearer = { authorization: `Bearer ${await accessToken(sim.urls.fcm, sim.caPem, account)}` };
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  const device = sim.simulation.createDevice({ platform: 'ios' });
  app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: BUNDLE,
    // An iOS app with an FCM registration token too, for the FCM route.
    sdkProfile: 'rn-firebase',
    state: 'background',
    liveActivities: {
      attributeTypes: {
        DeliveryAttributes: { attributes: { orderId: 'string' }, contentState: { status: 'string' } },
      },
      frequentUpdates: false,
    },
  });
});

const seconds = () => Math.floor(sim.clock.now() / 1000);
const bearer = () => `bearer ${providerToken(key, sim.clock.now())}`;

/** An ActivityKit push to `token` on the APNs sandbox wire; its apns-id. */
async function sendActivityPush(token: string, aps: Record<string, unknown>): Promise<string> {
  const apnsId = randomUUID();
  const answer = await once(
    sim,
    sim.urls.apns!,
    {
      ':path': `/3/device/${token}`,
      authorization: bearer(),
      'apns-topic': `${BUNDLE}.push-type.liveactivity`,
      'apns-push-type': 'liveactivity',
      'apns-priority': '10',
      'apns-id': apnsId,
    },
    JSON.stringify({ aps }),
  );
  expect(answer.status).toBe(200);
  return apnsId;
}

async function resend(id: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.api}/pushes/${encodeURIComponent(id)}/resend`, { method: 'POST' });
  return { status: res.status, body: await res.json() };
}

function startActivity() {
  return sim.simulation.liveActivities.request(app.id, {
    attributesType: 'DeliveryAttributes',
    attributes: { orderId: 'A-1' },
    contentState: { status: 'preparing' },
    pushType: 'token',
  });
}

// First: the access token minted in beforeAll lasts an hour of the virtual clock, which the later tests move on.
test('a Live Activity push sent through FCM is 409 PUSH_NOT_RESENDABLE, naming the FCM route', async () => {
  const activity = startActivity();
  const sent = await post(
    `${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`,
    sim.caPem,
    JSON.stringify({
      message: {
        token: app.tokens!.fcm,
        apns: {
          live_activity_token: activity.pushToken,
          payload: { aps: { timestamp: seconds(), event: 'update', 'content-state': { status: 'cooking' } } },
        },
      },
    }),
    fcmBearer,
  );
  expect(sent.status).toBe(200);
  const id = (sent.json.name as string).split('/messages/')[1]!;
  expect(sim.ledger.get(id)!.push.kind).toBe('liveactivity');
  const { status, body } = await resend(id);
  expect(status).toBe(409);
  expect(body.error).toMatchObject({ code: 'PUSH_NOT_RESENDABLE', field: 'id' });
  expect(body.error.message).toMatch(/sent through FCM.*live_activity_token/);
  expect(sim.ledger.list({ provider: 'fcm' })).toHaveLength(1);
});

test('an update the budget throttled, resent an hour later, reaches the activity: a new entry of its Live Activity rows', async () => {
  const activity = startActivity();
  const first = await sendActivityPush(activity.pushToken!, {
    timestamp: seconds(),
    event: 'update',
    'content-state': { status: 'cooking' },
  });
  await sim.advance('1s');
  const throttled = await sendActivityPush(activity.pushToken!, {
    timestamp: seconds(),
    event: 'update',
    'content-state': { status: 'ready' },
  });
  expect(sim.ledger.get(throttled)!.fate.ruleIds).toEqual(['apns.liveactivity.budget.exceeded']);
  expect(activity.contentState).toEqual({ status: 'cooking' });
  await sim.advance('1h');
  const { status, body } = await resend(throttled);
  expect(status).toBe(200);
  ResendSchema.parse(body);
  expect(body).toMatchObject({ resentFrom: throttled, status: 200, answer: { 'apns-id': body.pushId } });
  expect(body.pushId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
  expect(body.pushId).not.toBe(throttled);
  const again = sim.ledger.get(body.pushId)!;
  expect(again).toMatchObject({ provider: 'apns', appId: app.id, push: { kind: 'liveactivity' } });
  expect(again.push.token).toBe(activity.pushToken);
  expect(again.push.headers?.['apns-id']).toBe(body.pushId);
  expect(again.fate).toMatchObject({
    name: 'displayed',
    ruleIds: ['apns.liveactivity.budget.counted', 'apns.liveactivity.update.applied'],
  });
  expect(again.notes.map((n) => n.note)).toContain(`resent from push ${throttled}`);
  expect(sim.simulation.liveActivities.get(activity.id)!.contentState).toEqual({ status: 'ready' });
  // The first update, resent once the budget is back, is older than what the activity shows: the timestamp row drops it.
  await sim.advance('1h');
  const older = await resend(first);
  expect(sim.ledger.get(older.body.pushId)!.fate.ruleIds).toContain('apns.liveactivity.timestamp.older');
  expect(sim.simulation.liveActivities.get(activity.id)!.contentState).toEqual({ status: 'ready' });
});

test('a resend to a dismissed activity answers 410 Unregistered, one to a forgotten token 400 BadDeviceToken', async () => {
  const activity = startActivity();
  const sent = await sendActivityPush(activity.pushToken!, {
    timestamp: seconds(),
    event: 'update',
    'content-state': { status: 'cooking' },
  });
  sim.simulation.liveActivities.end(activity.id, undefined, 'immediate');
  await sim.advance('1s');
  expect(sim.simulation.liveActivities.get(activity.id)?.state).toBe('dismissed');
  const before = sim.ledger.size;
  const gone = await resend(sent);
  expect(gone.status).toBe(200);
  expect(gone.body).toMatchObject({ status: 410, answer: { reason: 'Unregistered' } });
  expect(typeof gone.body.answer.timestamp).toBe('number');
  expect(gone.body.pushId).toBeUndefined();
  sim.simulation.uninstallApp(app.id);
  const unknown = await resend(sent);
  expect(unknown.body).toMatchObject({ status: 400, answer: { reason: 'BadDeviceToken' } });
  expect(sim.ledger.size).toBe(before);
});

test('a push-to-start, resent, starts another activity by the push-to-start row', async () => {
  const token = sim.simulation.liveActivities.pushToStartTokens(app.id).DeliveryAttributes!;
  const sent = await sendActivityPush(token, {
    timestamp: seconds(),
    event: 'start',
    'attributes-type': 'DeliveryAttributes',
    attributes: { orderId: 'B-7' },
    'content-state': { status: 'ordered' },
    'input-push-token': 1,
  });
  expect(sim.simulation.liveActivities.list({ appId: app.id })).toHaveLength(1);
  const { body } = await resend(sent);
  expect(body).toMatchObject({ status: 200, answer: { 'apns-id': body.pushId } });
  expect(sim.ledger.get(body.pushId)!.fate).toMatchObject({
    name: 'displayed',
    ruleIds: ['apns.liveactivity.start.started'],
  });
  const activities = sim.simulation.liveActivities.list({ appId: app.id });
  expect(activities).toHaveLength(2);
  expect(activities.map((a) => a.attributes)).toEqual([{ orderId: 'B-7' }, { orderId: 'B-7' }]);
});

test('a broadcast (delivered, or heard by no one) is 409 PUSH_NOT_RESENDABLE: it is resent to its channel', async () => {
  const SCORES = 'com.example.scores';
  sim.apns!.broadcast.setCapability(SCORES, true);
  const channel = await createChannel(sim, bearer(), SCORES, 0);
  const [activity] = subscribedActivities(sim, SCORES, [channel]);
  const broadcast = () =>
    once(
      sim,
      sim.urls.apns!,
      {
        ':method': 'POST',
        ':path': `/4/broadcasts/apps/${SCORES}`,
        authorization: bearer(),
        'apns-push-type': 'liveactivity',
        'apns-priority': '10',
        'apns-channel-id': channel,
      },
      scoreUpdate(sim, 2),
    );
  expect((await broadcast()).status).toBe(200);
  const delivered = sim.ledger.list({ appId: activity!.appId })[0]!;
  expect(delivered.fate.name).toBe('displayed');
  sim.simulation.liveActivities.end(activity!.id, undefined, 'immediate');
  await sim.advance('1s');
  expect((await broadcast()).status).toBe(200);
  const unheard = sim.ledger.list().find((e) => e.id !== delivered.id && e.push.token === channel)!;
  const before = sim.ledger.size;
  for (const entry of [delivered, unheard]) {
    const { status, body } = await resend(entry.id);
    expect(status).toBe(409);
    expect(body.error).toMatchObject({ code: 'PUSH_NOT_RESENDABLE', field: 'id' });
    expect(body.error.message).toContain(`broadcast on channel ${channel}`);
    expect(body.error.message).toMatch(/resent by sending it to its channel again/);
  }
  expect(sim.ledger.size).toBe(before);
});
