// FCM's route to Live Activities over the wire: `apns.live_activity_token` in an FCM Message reaches the activity
// through the same Live Activity rows as a push sent to APNs (docs/reference/live-activities.md#fcm-live-activity-token).
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { post, accessToken } from '../support/fcm-wire.js';

let sim: SimulatorHandle;
let bearer: Record<string, string>;
let sendUrl: string;
let app: InstalledApp;

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  const account = (await (
    await fetch(`${sim.urls.api}/fcm/service-accounts`, { method: 'POST', body: '{}' })
  ).json()) as { client_email: string; private_key: string; private_key_id: string };
  bearer = { authorization: `Bearer ${await accessToken(sim.urls.fcm, sim.caPem, account)}` };
  sendUrl = `${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  const device = sim.simulation.createDevice({ platform: 'ios' });
  app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.rides',
    // RN Firebase: an iOS app with an FCM registration token.
    sdkProfile: 'rn-firebase',
    state: 'background',
    liveActivities: {
      attributeTypes: { RideAttributes: { attributes: { rideId: 'string' }, contentState: { minutes: 'integer' } } },
      frequentUpdates: false,
    },
  });
});
const send = (message: object) => post(sendUrl, sim.caPem, JSON.stringify({ message }), bearer);
const seconds = () => Math.floor(sim.clock.now() / 1000);

function start() {
  return sim.simulation.liveActivities.request(app.id, {
    attributesType: 'RideAttributes',
    attributes: { rideId: 'r-1' },
    contentState: { minutes: 9 },
    pushType: 'token',
  });
}

test('an FCM message with apns.live_activity_token updates the activity through the APNs rows', async () => {
  const activity = start();
  const answer = await send({
    token: app.tokens!.fcm,
    apns: {
      live_activity_token: activity.pushToken,
      headers: { 'apns-priority': '10' },
      payload: { aps: { timestamp: seconds(), event: 'update', 'content-state': { minutes: 4 } } },
    },
  });
  expect(answer.status).toBe(200);
  expect(activity.contentState).toEqual({ minutes: 4 });
  const [entry] = sim.ledger.list({ provider: 'fcm' });
  expect(entry).toMatchObject({ appId: app.id, push: { kind: 'liveactivity' } });
  expect(entry!.fate.ruleIds).toEqual(['apns.liveactivity.budget.counted', 'apns.liveactivity.update.applied']);
});

test('the same rows decide it: an undecodable content state leaves the activity as it was', async () => {
  const activity = start();
  await send({
    token: app.tokens!.fcm,
    apns: {
      live_activity_token: activity.pushToken,
      payload: { aps: { timestamp: seconds(), event: 'update', 'content-state': { minutes: 'four' } } },
    },
  });
  expect(activity.contentState).toEqual({ minutes: 9 });
  expect(sim.ledger.list({ provider: 'fcm' })[0]!.fate.ruleIds).toContain(
    'apns.liveactivity.content-state.undecodable',
  );
});

test('a push-to-start token as live_activity_token starts an activity', async () => {
  const token = sim.simulation.liveActivities.pushToStartTokens(app.id).RideAttributes!;
  await send({
    token: app.tokens!.fcm,
    apns: {
      live_activity_token: token,
      payload: {
        aps: {
          timestamp: seconds(),
          event: 'start',
          'attributes-type': 'RideAttributes',
          attributes: { rideId: 'r-2' },
          'content-state': { minutes: 12 },
          alert: { title: 'Your ride', body: 'is on its way' },
        },
      },
    },
  });
  expect(sim.simulation.liveActivities.list({ appId: app.id })).toMatchObject([
    { startedBy: 'push-to-start', attributes: { rideId: 'r-2' } },
  ]);
});

test('a live_activity_token no activity of the app has is INVALID_ARGUMENT naming the field; a dismissed one UNREGISTERED', async () => {
  const bad = await send({ token: app.tokens!.fcm, apns: { live_activity_token: 'ab'.repeat(32), payload: {} } });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.json)).toMatch(/live_activity_token/);
  const notHex = await send({ token: app.tokens!.fcm, apns: { live_activity_token: 'not hex', payload: {} } });
  expect(notHex.status).toBe(400);
  const activity = start();
  sim.simulation.liveActivities.end(activity.id, undefined, 'immediate');
  const gone = await send({ token: app.tokens!.fcm, apns: { live_activity_token: activity.pushToken, payload: {} } });
  expect(gone.status).toBe(404);
  expect(gone.json.error.details[0].errorCode).toBe('UNREGISTERED');
});
