// Interop: the published apns2 client, unmodified (pointed at pushsim with the redirect), starts (push-to-start),
// updates and ends a Live Activity on a simulated iPhone; the app's ActivityKit (client shim) sees each step.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { ApnsClient, Notification, PushType, Priority } from 'apns2';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { installRedirect, targetsFromEndpoints } from '../../simulator/redirect/index.js';
import { DELIVERY_TOPIC, deliveryApp, next, nextValues } from '../support/live-activity-app.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
let restore: () => void;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  key = (await (await fetch(`${sim.urls.api}/apns/keys`, { method: 'POST', body: '{}' })).json()) as typeof key;
  const endpoints = (await (await fetch(`${sim.urls.api}/endpoints`)).json()) as { name: string; url: string }[];
  restore = installRedirect({ targets: targetsFromEndpoints(endpoints), ca: sim.caPem });
});
afterAll(async () => {
  restore();
  await sim.close();
});
beforeEach(() => sim.reset());

const client = () =>
  new ApnsClient({
    team: key.teamId,
    keyId: key.keyId,
    signingKey: key.p8,
    defaultTopic: DELIVERY_TOPIC,
    host: 'api.sandbox.push.apple.com',
    keepAlive: false,
  });
const seconds = () => Math.floor(sim.clock.now() / 1000);
const liveActivity = (
  token: string,
  aps: Record<string, unknown>,
  priority: (typeof Priority)[keyof typeof Priority] = Priority.immediate,
) => new Notification(token, { type: PushType.liveactivity, topic: DELIVERY_TOPIC, priority, aps });

test('push-to-start, update and end through apns2 reach the activity and the app sees them', async () => {
  const { app, kit } = await deliveryApp(sim);
  const apns = client();
  const startToken = await next(kit.pushToStartTokenUpdates('DeliveryAttributes'));

  const started = next(kit.activityUpdates);
  await apns.send(
    liveActivity(startToken, {
      timestamp: seconds(),
      event: 'start',
      'attributes-type': 'DeliveryAttributes',
      attributes: { orderId: 'A-2' },
      'content-state': { status: 'ordered', eta: 25 },
      alert: { title: 'Order placed', body: 'Arriving in 25 min' },
      'input-push-token': 1,
    }),
  );
  const activity = await started;
  const token = await next(activity.pushTokenUpdates);

  const content = next(activity.contentUpdates);
  await sim.advance('1s');
  await apns.send(
    liveActivity(
      token,
      { timestamp: seconds(), event: 'update', 'content-state': { status: 'cooking', eta: 20 } },
      Priority.throttled,
    ),
  );
  expect((await content).state).toEqual({ status: 'cooking', eta: 20 });
  const entry = sim.ledger.list({ appId: app.appId }).at(-1)!;
  expect(entry.fate.ruleIds).toEqual(['apns.liveactivity.budget.not-counted', 'apns.liveactivity.update.applied']);

  const states = nextValues(activity.activityStateUpdates, 2);
  await sim.advance('1s');
  await apns.send(
    liveActivity(token, {
      timestamp: seconds(),
      event: 'end',
      'content-state': { status: 'delivered', eta: 0 },
      'dismissal-date': seconds() - 1,
    }),
  );
  expect(await states).toEqual(['ended', 'dismissed']);

  const error = (await apns
    .send(liveActivity(token, { timestamp: seconds() + 1, event: 'update', 'content-state': { status: 'x', eta: 1 } }))
    .catch((e: unknown) => e)) as { statusCode: number; reason: string };
  expect({ statusCode: error.statusCode, reason: error.reason }).toEqual({ statusCode: 410, reason: 'Unregistered' });
  await apns.close();
  await app.close();
});
