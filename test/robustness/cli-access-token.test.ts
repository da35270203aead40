// issue 13, item 9, the CLI's side: `pushsim push` and `pushsim token` reach a pushsim that runs with an access token
// through --access-token (their --token is the push's device token), not only through PUSHSIM_TOKEN.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { runCli } from '../../simulator/cli/main.js';
import type { CliOutput } from '../../simulator/cli/cli-output.js';

const ACCESS = 'cli-access-token-0123456789';
let sim: SimulatorHandle;
let deviceToken: string;
const savedEnv = process.env.PUSHSIM_TOKEN;

beforeAll(async () => {
  delete process.env.PUSHSIM_TOKEN;
  sim = await startSimulator({ controlPort: 0, token: ACCESS });
  const device = sim.simulation.createDevice({ platform: 'ios', id: 'cli-ios' });
  deviceToken = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.cli',
    sdkProfile: 'native-ios',
  }).tokens!.apns!;
});
afterAll(async () => {
  if (savedEnv !== undefined) process.env.PUSHSIM_TOKEN = savedEnv;
  await sim?.close();
});

async function run(argv: string[]): Promise<{ code: number | undefined; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: CliOutput = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await runCli(argv, output);
  process.exitCode = undefined; // runCli sets it for the real command line; the test worker's own must stay clean
  return { code, out, err };
}

test('pushsim push sends with --access-token for the control calls and --token as the device token', async () => {
  const refused = await run([
    'push',
    '--control',
    sim.urls.control,
    '--topic',
    'com.example.cli',
    '--token',
    deviceToken,
  ]);
  expect(refused.code).toBe(2);
  expect(refused.err.join('\n')).toMatch(/401/);

  const sent = await run([
    'push',
    '--control',
    sim.urls.control,
    '--access-token',
    ACCESS,
    '--topic',
    'com.example.cli',
    '--token',
    deviceToken,
  ]);
  expect(sent.err.filter((line) => !line.includes('minted'))).toEqual([]);
  expect(sent.code).toBe(0);
  expect(sent.out[0]).toMatch(/^200 apns-id: /);
  expect(sent.out[1]).toMatch(/^fate: /);
});

test('pushsim token mints an APNs and an FCM token with --access-token', async () => {
  const refused = await run(['token', '--control', sim.urls.control]);
  expect(refused.code).toBe(2);
  const apns = await run(['token', '--control', sim.urls.control, '--access-token', ACCESS]);
  expect(apns.code).toBe(0);
  expect(apns.out[0]).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
  const fcm = await run(['token', '--fcm', '--control', sim.urls.control, '--access-token', ACCESS]);
  expect(fcm.err.filter((line) => !line.includes('minted'))).toEqual([]);
  expect(fcm.code).toBe(0);
  expect(fcm.out[0]?.length).toBeGreaterThan(10);
});
