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
