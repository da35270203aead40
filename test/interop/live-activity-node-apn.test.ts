// Interop: the published @parse/node-apn, unmodified, starts (push-to-start), updates and ends a Live Activity on a
// simulated iPhone over real TLS HTTP/2 on loopback; the app's ActivityKit (client shim) sees each step.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import apn from '@parse/node-apn';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { DELIVERY_TOPIC, deliveryApp, next, nextValues } from '../support/live-activity-app.js';

let sim: SimulatorHandle;
let key: { teamId: string; keyId: string; p8: string };
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  key = (await (await fetch(`${sim.urls.api}/apns/keys`, { method: 'POST', body: '{}' })).json()) as typeof key;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

const provider = () =>
  new apn.Provider({
    token: { key: key.p8, keyId: key.keyId, teamId: key.teamId },
    address: '127.0.0.1',
    port: Number(new URL(sim.urls.apns).port),
    ca: [sim.caPem],
    production: false,
  });
const seconds = () => Math.floor(sim.clock.now() / 1000);

function liveActivity(fields: Record<string, unknown>): apn.Notification {
  const note = new apn.Notification();
  note.topic = DELIVERY_TOPIC;
  note.pushType = 'liveactivity';
  note.priority = 10;
  Object.assign(note, fields);
  return note;
}

test('push-to-start, update and end through node-apn reach the activity and the app sees them', async () => {
  const { app, kit } = await deliveryApp(sim);
  const client = provider();
  const startToken = await next(kit.pushToStartTokenUpdates('DeliveryAttributes'));

  const started = next(kit.activityUpdates);
  const start = liveActivity({
    timestamp: seconds(),
    event: 'start',
    attributesType: 'DeliveryAttributes',
    attributes: { orderId: 'N-1' },
    contentState: { status: 'ordered', eta: 30 },
    alert: { title: 'Order placed', body: 'Arriving in 30 min' },
    inputPushToken: 1,
  });
  const startResult = await client.send(start, startToken);
  expect(startResult.failed).toEqual([]);
  const activity = await started;
  expect(activity.attributes).toEqual({ orderId: 'N-1' });
  const token = await next(activity.pushTokenUpdates);

  const content = next(activity.contentUpdates);
  await sim.advance('1s');
  const update = await client.send(
    liveActivity({ timestamp: seconds(), event: 'update', contentState: { status: 'on the way', eta: 10 } }),
    token,
  );
  expect(update.sent).toHaveLength(1);
  expect((await content).state).toEqual({ status: 'on the way', eta: 10 });

  const states = nextValues(activity.activityStateUpdates, 1);
  await sim.advance('1s');
  const end = await client.send(
    liveActivity({
      timestamp: seconds(),
      event: 'end',
      contentState: { status: 'delivered', eta: 0 },
      dismissalDate: seconds() + 60,
    }),
    token,
  );
  expect(end.sent).toHaveLength(1);
  expect(await states).toEqual(['ended']);
  expect(activity.content.state).toEqual({ status: 'delivered', eta: 0 });

  const ledger = sim.ledger.list({ appId: app.appId }).map((e) => e.fate.ruleIds!.at(-1));
  expect(ledger).toEqual([
    'apns.liveactivity.start.started',
    'apns.liveactivity.update.applied',
    'apns.liveactivity.end.applied',
  ]);

  await sim.advance('1m');
  const gone = await client.send(
    liveActivity({ timestamp: seconds(), event: 'update', contentState: { status: 'x', eta: 1 } }),
    token,
  );
  expect(gone.failed).toEqual([
    expect.objectContaining({ status: 410, response: expect.objectContaining({ reason: 'Unregistered' }) }),
  ]);
  client.shutdown();
  await app.close();
});
