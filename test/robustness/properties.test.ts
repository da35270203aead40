// issue 13, item 5, the property part: generated request headers and JSON bodies against the control API, FCM and
// APNs never get a 5xx and always an answer (each request has a deadline), and a valid push still goes through.
import fc from 'fast-check';
import type { ClientHttp2Session } from 'node:http2';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { connectApns, request as apnsRequest } from '../support/apns-wire.js';
import { post as fcmPost } from '../support/fcm-wire.js';

let sim: SimulatorHandle;
let apns: ClientHttp2Session;
let apnsToken: string;

beforeAll(async () => {
  sim = await startSimulator({
    controlPort: 0,
    clock: 'virtual',
    apns: { permissive: true },
    fcm: { permissive: true },
  });
  const device = sim.simulation.createDevice({ platform: 'ios', id: 'p-ios' });
  apnsToken = sim.simulation.installApp({ deviceId: device.id, bundleId: 'com.example.p', sdkProfile: 'native-ios' })
    .tokens!.apns!;
  apns = await connectApns(sim.urls.apns, sim.caPem);
});
afterAll(async () => {
  apns?.close();
  await sim?.close();
});

function within<T>(promise: Promise<T>, what: string, ms = 3000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)),
  ]);
}

const jsonBody = fc.oneof(fc.jsonValue({ maxDepth: 6 }), fc.object({ maxDepth: 4 }));
const headerName = fc.constantFrom(
  'apns-priority',
  'apns-expiration',
  'apns-collapse-id',
  'apns-push-type',
  'apns-id',
  'apns-topic',
);
const headerValue = fc.string({ maxLength: 80 }).map((v) => v.replace(/[^\x20-\x7e]/g, 'x'));
const controlPath = fc.constantFrom(
  '/devices',
  '/devices/p-ios/apps',
  '/pushes',
  '/clock/advance',
  '/chaos',
  '/zpns/strategies',
  '/zpns/messages',
  '/apns/keys',
  '/fcm/faults',
  '/apns/faults',
);

test('generated JSON bodies to the control API never get a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(controlPath, jsonBody, async (path, body) => {
      const answer = await within(
        fetch(`${sim.urls.api}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        path,
      );
      expect(answer.status).toBeLessThan(500);
      await answer.arrayBuffer();
    }),
    { numRuns: 150 },
  );
  sim.reset();
});

test('generated FCM message bodies never get a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(jsonBody, async (message) => {
      const answer = await within(
        fcmPost(`${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`, sim.caPem, JSON.stringify({ message })),
        'fcm',
      );
      expect(answer.status).toBeLessThan(500);
    }),
    { numRuns: 100 },
  );
});

test('generated APNs headers and bodies never get a 5xx', async () => {
  const device = sim.simulation.createDevice({ platform: 'ios' });
  apnsToken = sim.simulation.installApp({ deviceId: device.id, bundleId: 'com.example.p', sdkProfile: 'native-ios' })
    .tokens!.apns!;
  await fc.assert(
    fc.asyncProperty(fc.dictionary(headerName, headerValue, { maxKeys: 4 }), jsonBody, async (headers, body) => {
      const answer = await within(
        apnsRequest(
          apns,
          { ':path': `/3/device/${apnsToken}`, 'apns-topic': 'com.example.p', ...headers },
          JSON.stringify(body),
        ),
        'apns',
      );
      expect(answer.status).toBeLessThan(500);
    }),
    { numRuns: 150 },
  );
  const ok = await apnsRequest(
    apns,
    { ':path': `/3/device/${apnsToken}`, 'apns-topic': 'com.example.p' },
    '{"aps":{"alert":"ok"}}',
  );
  expect(ok.status).toBe(200);
  expect((await fetch(`${sim.urls.api}/pushes`)).status).toBe(200);
});
