// What the control API returns against the public model (simulator/model/): an answer of each main route parses with
// its model schema (strict: a member the model does not declare fails, so internal objects cannot leak out), validates
// against the response schema GET /api/openapi.json documents for it, and the shim's bad input gets catalogue codes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { z } from 'zod';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import {
  AppSchema,
  AppStateChangeSchema,
  AppTransitionSchema,
  ChaosSchema,
  ClockSchema,
  DeviceSchema,
  EndpointSchema,
  ErrorCodeEntrySchema,
  ErrorSchema,
  HealthSchema,
  LedgerEntrySchema,
  LifecycleSchema,
  RegistrationSchema,
  RulesTableSchema,
  SentPushSchema,
} from '../../simulator/model/index.js';
import { SHIM_PROTOCOL_VERSION } from '../../simulator/shim-protocol/index.js';

let sim: SimulatorHandle;
let doc: {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
};
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  doc = (await (await fetch(`${sim.urls.api}/openapi.json`)).json()) as typeof doc;
});
afterAll(async () => {
  await sim.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sim.urls.api}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** The documented success schema of `METHOD /api/path`, compiled with the document's components. */
function documented(method: string, path: string, status: number) {
  const schema = doc.paths[path]![method]!.responses[String(status)]!.content!['application/json']!.schema;
  expect(schema, `${method} ${path} documents no response schema`).toBeDefined();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // The response schema as the root of a document that holds the components, so `#/components/schemas/…` resolves.
  return ajv.compile({ ...(schema as object), components: doc.components });
}

function check(schema: z.ZodType, method: string, docPath: string, answer: { status: number; body: unknown }): void {
  const parsed = schema.safeParse(answer.body);
  expect(
    parsed.success,
    `${method} ${docPath}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))}`,
  ).toBe(true);
  const validate = documented(method, docPath, answer.status);
  expect(validate(answer.body), `${method} ${docPath}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
}

describe('every main route answers its model', () => {
  let token: string;
  let pushId: string;
  beforeAll(async () => {
    await api('POST', '/devices', { platform: 'ios', id: 'model-phone' });
    const app = await api('POST', '/devices/model-phone/apps', {
      bundleId: 'com.example.model',
      sdkProfile: 'native-ios',
      id: 'model-app',
      fidelity: { zpnsPayloadInAps: true },
    });
    token = (app.body as { tokens: { apns: string } }).tokens.apns;
  });

  test('service routes', async () => {
    check(HealthSchema, 'get', '/api/health', await api('GET', '/health'));
    check(EndpointSchema.array(), 'get', '/api/endpoints', await api('GET', '/endpoints'));
    check(RulesTableSchema, 'get', '/api/rules', await api('GET', '/rules'));
    check(LifecycleSchema, 'get', '/api/lifecycle', await api('GET', '/lifecycle'));
    check(ClockSchema, 'get', '/api/clock', await api('GET', '/clock'));
    check(ClockSchema, 'post', '/api/clock/advance', await api('POST', '/clock/advance', { by: '1s' }));
    check(ChaosSchema, 'get', '/api/chaos', await api('GET', '/chaos'));
    check(ErrorCodeEntrySchema.array(), 'get', '/api/errors', await api('GET', '/errors'));
  });

  test('devices and apps', async () => {
    check(DeviceSchema, 'get', '/api/devices/{id}', await api('GET', '/devices/model-phone'));
    check(DeviceSchema.array(), 'get', '/api/devices', await api('GET', '/devices'));
    check(
      DeviceSchema,
      'patch',
      '/api/devices/{id}/conditions',
      await api('PATCH', '/devices/model-phone/conditions', { lowPowerMode: false }),
    );
    check(AppSchema, 'get', '/api/apps/{id}', await api('GET', '/apps/model-app'));
    check(AppSchema.array(), 'get', '/api/apps', await api('GET', '/apps'));
    check(RegistrationSchema, 'post', '/api/apps/{id}/register', await api('POST', '/apps/model-app/register'));
    check(
      AppTransitionSchema,
      'post',
      '/api/apps/{id}/lifecycle',
      await api('POST', '/apps/model-app/lifecycle', { event: 'launch' }),
    );
    check(
      AppStateChangeSchema,
      'put',
      '/api/apps/{id}/state',
      await api('PUT', '/apps/model-app/state', { state: 'background' }),
    );
  });

  test('pushes and the ledger', async () => {
    const sent = await api('POST', '/pushes', { token, kind: 'alert', payload: { aps: { alert: 'hi' } } });
    expect(sent.status).toBe(201);
    check(SentPushSchema, 'post', '/api/pushes', sent);
    pushId = (sent.body as { id: string }).id;
    check(LedgerEntrySchema, 'get', '/api/pushes/{id}', await api('GET', `/pushes/${pushId}`));
    check(LedgerEntrySchema.array(), 'get', '/api/pushes', await api('GET', '/pushes'));
  });

  test('an error answers the Error model with a catalogue code and its status', async () => {
    const missing = await api('GET', '/devices/nope');
    expect(missing.status).toBe(404);
    expect(ErrorSchema.parse(missing.body).error).toMatchObject({ code: 'DEVICE_NOT_FOUND', field: 'deviceId' });
    const real = await startSimulator({ controlPort: 0 });
    try {
      const res = await fetch(`${real.urls.api}/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"by":"1s"}',
      });
      expect(res.status).toBe(409);
      expect(ErrorSchema.parse(await res.json()).error).toMatchObject({ code: 'CLOCK_NOT_VIRTUAL', field: 'by' });
    } finally {
      await real.close();
    }
  });
});

describe('the shim answers bad input with catalogue codes, not INTERNAL', () => {
  async function shim(): Promise<{ send: (m: unknown) => Promise<Record<string, unknown>>; close: () => void }> {
    const ws = new WebSocket(sim.urls.shim);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const send = (message: unknown) =>
      new Promise<Record<string, unknown>>((resolve) => {
        ws.once('message', (raw) => resolve(JSON.parse(raw.toString()) as Record<string, unknown>));
        ws.send(typeof message === 'string' ? message : JSON.stringify(message));
      });
    return { send, close: () => ws.close() };
  }

  test('before and at hello', async () => {
    const { send, close } = await shim();
    expect(await send('not json')).toMatchObject({ type: 'error', code: 'INVALID_JSON' });
    expect(await send({ type: 'teleport' })).toMatchObject({ type: 'error', code: 'UNKNOWN_MESSAGE', field: 'type' });
    expect(
      await send({
        type: 'hello',
        protocol: SHIM_PROTOCOL_VERSION,
        device: { platform: 'windows' },
        app: { bundleId: 'com.x', sdkProfile: 'zpns-rn' },
      }),
    ).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE', field: 'device.platform' });
    expect(await send({ type: 'hello', protocol: SHIM_PROTOCOL_VERSION })).toMatchObject({
      type: 'error',
      code: 'INVALID_HELLO',
    });
    expect(await send({ type: 'register', requestId: 'r1' })).toMatchObject({
      type: 'reply',
      requestId: 'r1',
      ok: false,
      error: { code: 'NOT_BOUND' },
    });
    close();
  });

  test('after hello: a request missing a field gets a failed reply naming it', async () => {
    const { send, close } = await shim();
    expect(
      await send({
        type: 'hello',
        protocol: SHIM_PROTOCOL_VERSION,
        device: { platform: 'android' },
        app: { bundleId: 'com.example.shimcheck', sdkProfile: 'rn-firebase' },
      }),
    ).toMatchObject({ type: 'welcome' });
    expect(await send({ type: 'lifecycle', requestId: 'r2' })).toMatchObject({
      type: 'reply',
      requestId: 'r2',
      ok: false,
      error: { code: 'INVALID_MESSAGE', field: 'event' },
    });
    expect(await send({ type: 'tap', requestId: 'r3', pushId: 42 })).toMatchObject({
      type: 'reply',
      ok: false,
      error: { code: 'INVALID_MESSAGE', field: 'pushId' },
    });
    expect(await send({ type: 'ack', pushId: 'p' })).toMatchObject({
      type: 'error',
      code: 'INVALID_MESSAGE',
      field: 'ran',
    });
    expect(await send({ type: 'lifecycle', requestId: 'r4', event: 'fly' })).toMatchObject({
      type: 'reply',
      ok: false,
      error: { code: 'UNKNOWN_LIFECYCLE_EVENT', field: 'event' },
    });
    close();
  });
});
