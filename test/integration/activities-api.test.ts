// The control API's Live Activity routes over HTTP: install with liveActivities, start from the app, read, end, the
// push-to-start tokens on the app model, the feed's activity events, and pushsim's errors for bad input.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';

let sim: SimulatorHandle;
let api: string;
let appId: string;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  api = sim.urls.api;
});
afterAll(async () => {
  await sim.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${api}${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

beforeEach(async () => {
  sim.reset();
  const device = await call('POST', '/devices', { platform: 'ios' });
  const app = await call('POST', `/devices/${device.json.id}/apps`, {
    bundleId: 'com.example.delivery',
    sdkProfile: 'native-ios',
    liveActivities: {
      attributeTypes: {
        DeliveryAttributes: { attributes: { orderId: 'string' }, contentState: { status: 'string', eta: 'integer' } },
      },
    },
  });
  expect(app.status).toBe(201);
  appId = app.json.id;
});

const START = {
  attributesType: 'DeliveryAttributes',
  attributes: { orderId: 'A-1' },
  contentState: { status: 'preparing', eta: 20 },
};

test('the app model shows its declaration and a push-to-start token per attributes type', async () => {
  const app = await call('GET', `/apps/${appId}`);
  expect(app.json.liveActivities).toEqual({
    attributeTypes: ['DeliveryAttributes'],
    frequentUpdates: false,
    pushToStartTokens: { DeliveryAttributes: expect.stringMatching(/^[0-9a-f]{64}$/) },
  });
});

test('start, list, read and end an activity; the feed tells each change', async () => {
  const feed = new WebSocket(`${api.replace(/^http/, 'ws')}/events`);
  await new Promise((resolve) => feed.once('open', resolve));
  const changes: string[] = [];
  const ended = new Promise<void>((resolve) =>
    feed.on('message', (raw) => {
      const event = JSON.parse(raw.toString()) as { type: string; data: { change?: string } };
      if (event.type === 'activity.changed') changes.push(event.data.change!);
      if (event.data.change === 'dismissed') resolve();
    }),
  );
  const started = await call('POST', `/apps/${appId}/activities`, START);
  expect(started.status).toBe(201);
  expect(started.json).toMatchObject({
    appId,
    state: 'active',
    pushType: 'token',
    pushToken: expect.stringMatching(/^[0-9a-f]{64}$/),
    startedBy: 'app',
    history: [{ state: 'active', by: 'app', ruleId: 'apns.liveactivity.app.start' }],
  });
  const id = started.json.id as string;
  expect((await call('GET', '/activities')).json.map((a: { id: string }) => a.id)).toEqual([id]);
  expect((await call('GET', `/apps/${appId}/activities`)).json).toHaveLength(1);
  expect((await call('GET', `/activities?app=${appId}`)).json).toHaveLength(1);
  const end = await call('POST', `/activities/${id}/end`, {
    contentState: { status: 'delivered', eta: 0 },
    dismissalPolicy: 'immediate',
  });
  expect(end.json).toMatchObject({ state: 'dismissed', contentState: { status: 'delivered', eta: 0 } });
  expect((await call('GET', `/activities/${id}`)).json.state).toBe('dismissed');
  await ended;
  expect(changes).toEqual(['started', 'ended', 'dismissed']);
  feed.close();
});

test('the app updates an activity over REST: content state, stale date, relevance score and alert, by its row', async () => {
  const id = (await call('POST', `/apps/${appId}/activities`, START)).json.id as string;
  const staleDate = sim.clock.now() + 60_000;
  const updated = await call('POST', `/activities/${id}/update`, {
    contentState: { status: 'on its way', eta: 10 },
    staleDate,
    relevanceScore: 75,
    alert: { title: 'Order A-1', body: 'Your order is on its way', sound: 'default' },
  });
  expect(updated.status).toBe(200);
  expect(updated.json).toMatchObject({
    state: 'active',
    contentState: { status: 'on its way', eta: 10 },
    staleDate,
    relevanceScore: 75,
  });
  expect(updated.json.history.at(-1)).toEqual({
    at: sim.clock.now(),
    state: 'active',
    contentState: { status: 'on its way', eta: 10 },
    by: 'app',
    ruleId: 'apns.liveactivity.app.update',
    alert: { title: 'Order A-1', body: 'Your order is on its way', sound: 'default' },
  });
  // The stale date it set runs on the clock; a later update without one keeps it.
  await sim.simulation.advance('1m');
  expect((await call('GET', `/activities/${id}`)).json.state).toBe('stale');
  const plain = await call('POST', `/activities/${id}/update`, { contentState: { status: 'nearly there', eta: 2 } });
  expect(plain.json).toMatchObject({ state: 'stale', staleDate, contentState: { eta: 2 } });
  expect(plain.json.history.at(-1)).not.toHaveProperty('alert');
});

test("an update that does not decode, is over 4 KB, or reaches an ended activity gets pushsim's error", async () => {
  const id = (await call('POST', `/apps/${appId}/activities`, START)).json.id as string;
  const wrongType = await call('POST', `/activities/${id}/update`, { contentState: { status: 'x', eta: 'soon' } });
  expect(wrongType).toMatchObject({ status: 400, json: { error: { code: 'INVALID_INPUT', field: 'contentState' } } });
  const tooLarge = await call('POST', `/activities/${id}/update`, {
    contentState: { status: 'x'.repeat(4096), eta: 1 },
  });
  expect(tooLarge).toMatchObject({
    status: 400,
    json: { error: { code: 'INVALID_INPUT', field: 'contentState', message: expect.stringMatching(/at most 4096/) } },
  });
  const noState = await call('POST', `/activities/${id}/update`, { staleDate: 1 });
  expect(noState).toMatchObject({ status: 400, json: { error: { code: 'INVALID_INPUT', field: 'contentState' } } });
  const badAlert = await call('POST', `/activities/${id}/update`, {
    contentState: { status: 'x', eta: 1 },
    alert: { title: 'no body' },
  });
  expect(badAlert).toMatchObject({ status: 400, json: { error: { code: 'INVALID_INPUT', field: 'alert.body' } } });
  expect((await call('POST', '/activities/nope/update', { contentState: {} })).status).toBe(404);
  await call('POST', `/activities/${id}/end`, {});
  const ended = await call('POST', `/activities/${id}/update`, { contentState: { status: 'late', eta: 0 } });
  expect(ended).toMatchObject({ status: 409, json: { error: { code: 'ACTIVITY_ENDED' } } });
  expect((await call('GET', `/activities/${id}`)).json.contentState).toEqual(START.contentState);
});

test("bad input gets pushsim's error naming the field, never a 500", async () => {
  const undeclared = await call('POST', `/apps/${appId}/activities`, { ...START, attributesType: 'Pizza' });
  expect(undeclared).toMatchObject({ status: 409, json: { error: { code: 'LIVE_ACTIVITIES_NOT_DECLARED' } } });
  const badState = await call('POST', `/apps/${appId}/activities`, { ...START, contentState: { status: 'x' } });
  expect(badState).toMatchObject({
    status: 400,
    json: { error: { code: 'INVALID_INPUT', field: 'contentState', message: expect.stringMatching(/no "eta"/) } },
  });
  const badPushType = await call('POST', `/apps/${appId}/activities`, { ...START, pushType: 'sometimes' });
  expect(badPushType.status).toBe(400);
  expect((await call('GET', '/activities/nope')).json.error.code).toBe('ACTIVITY_NOT_FOUND');
  expect((await call('POST', '/activities/nope/end', {})).status).toBe(404);
  const badType = await call('POST', '/devices', { platform: 'ios' });
  const wrongField = await call('POST', `/devices/${badType.json.id}/apps`, {
    bundleId: 'com.example.x',
    sdkProfile: 'native-ios',
    liveActivities: { attributeTypes: { T: { attributes: {}, contentState: { a: 'date' } } } },
  });
  expect(wrongField.status).toBe(400);
  expect(wrongField.json.error.field).toMatch(/liveActivities/);
});
