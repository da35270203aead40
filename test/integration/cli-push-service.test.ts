// `pushsim push --service hms|fcm` in-process against a simulator on free ports: the token found by package, the
// credentials minted on the simulator (or given), the service's answer printed and the push's fate from the ledger.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { runCli } from '../../simulator/cli/main.js';
import type { CliOutput } from '../../simulator/cli/cli-output.js';

let sim: SimulatorHandle;
const savedEnv = { url: process.env.PUSHSIM_URL, token: process.env.PUSHSIM_TOKEN };

beforeAll(async () => {
  delete process.env.PUSHSIM_URL;
  delete process.env.PUSHSIM_TOKEN;
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  if (savedEnv.url !== undefined) process.env.PUSHSIM_URL = savedEnv.url;
  if (savedEnv.token !== undefined) process.env.PUSHSIM_TOKEN = savedEnv.token;
  await sim?.close();
});
beforeEach(() => {
  sim.reset();
});

async function push(args: string[]): Promise<{ code: number | undefined; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: CliOutput = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await runCli(['push', '--control', sim.urls.control, ...args], output);
  process.exitCode = undefined; // runCli sets it for the real command line; the test worker's own must stay clean
  return { code, out, err };
}

function huaweiPhone(bundleId: string, state = 'foreground'): string {
  const device = sim.simulation.createDevice({
    platform: 'android',
    manufacturer: 'huawei',
    conditions: { hasGoogleServices: false },
  });
  return sim.simulation.installApp({ deviceId: device.id, bundleId, sdkProfile: 'native-android', state }).tokens!.hms!;
}

const DATA_MESSAGE = JSON.stringify({ data: '{"text":"hi"}' });

test('push --service hms finds the HMS token by --package, mints a Push Kit app and prints 80000000 and the fate', async () => {
  const token = huaweiPhone('com.example.hms.cli');
  const sent = await push(['--service', 'hms', '--package', 'com.example.hms.cli', '--payload', DATA_MESSAGE]);
  expect(sent.err).toEqual([expect.stringMatching(/^pushsim: sent as a newly minted Push Kit app \d+$/)]);
  expect(sent.code).toBe(0);
  expect(JSON.parse(sent.out[0]!.replace(/^200 /, ''))).toMatchObject({ code: '80000000', msg: 'Success' });
  expect(sent.out[1]).toBe('fate: delivered → HmsMessageService.onMessageReceived');
  const entries = sim.ledger.list().filter((e) => e.push.token === token);
  expect(entries.map((e) => [e.push.provider, e.fate.name])).toEqual([['hms', 'delivered']]);
});

test('push --service hms sends a notification by default, as the Push Kit app --app-id and --client-secret name', async () => {
  huaweiPhone('com.example.hms.given', 'background');
  const app = sim.hms!.auth.createApp({ packageName: 'com.example.hms.given' });
  const sent = await push([
    '--service',
    'hms',
    '--package',
    'com.example.hms.given',
    '--app-id',
    app.appId,
    '--client-secret',
    app.clientSecret,
  ]);
  expect(sent.err).toEqual([]);
  expect(sent.code).toBe(0);
  expect(sent.out[0]).toMatch(/^200 \{"code":"80000000"/);
  expect(sent.out[1]).toBe('fate: displayed');
});

test("push --service hms answers Push Kit's refusal with exit code 1: a token of another app's package is 80300007", async () => {
  huaweiPhone('com.example.hms.mine');
  const other = sim.hms!.auth.createApp({ packageName: 'com.example.hms.other' });
  const sent = await push([
    '--service',
    'hms',
    '--package',
    'com.example.hms.mine',
    '--app-id',
    other.appId,
    '--client-secret',
    other.clientSecret,
    '--payload',
    DATA_MESSAGE,
  ]);
  expect(sent.code).toBe(1);
  expect(sent.out).toEqual([expect.stringMatching(/^\d{3} \{"code":"80300007"/)]);
});

test('push --service fcm finds the FCM token by --package, mints a service account and prints the message name and the fate', async () => {
  const device = sim.simulation.createDevice({ platform: 'android' });
  sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.fcm.cli',
    sdkProfile: 'native-android',
    state: 'foreground',
  });
  const sent = await push(['--service', 'fcm', '--package', 'com.example.fcm.cli', '--payload', '{"data":{"k":"v"}}']);
  expect(sent.code).toBe(0);
  expect(sent.out[0]).toMatch(/^200 \{"name":"projects\/[^/]+\/messages\/[^"]+"\}$/);
  expect(sent.out[1]).toBe('fate: delivered → FirebaseMessagingService.onMessageReceived');
});

test('an APNs flag with --service hms is an error naming the flag and what to pass instead, exit code 2', async () => {
  const sent = await push(['--service', 'hms', '--topic', 'com.example.hms.cli']);
  expect(sent.code).toBe(2);
  expect(sent.err.join('\n')).toContain('--topic is an APNs flag; with --service hms name the app with --package');
});

test('a --service without a CLI sender, and an HMS flag without --service, are errors, exit code 2', async () => {
  const zpns = await push(['--service', 'zpns', '--package', 'com.example.x']);
  expect(zpns.code).toBe(2);
  expect(zpns.err.join('\n')).toContain('does not send through "zpns"; use one of apns, fcm, hms');
  const apns = await push(['--topic', 'com.example.x', '--app-id', '123456789']);
  expect(apns.code).toBe(2);
  expect(apns.err.join('\n')).toContain('--app-id is a flag of --service hms');
});
