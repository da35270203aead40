// `pushsim push --template liveactivity` in-process against a simulator on free ports: an ActivityKit push to an
// activity found by id, and a push-to-start found by bundle id and attributes type, with Apple's answer and the fate.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { runCli } from '../../simulator/cli/main.js';
import type { CliOutput } from '../../simulator/cli/cli-output.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signProviderToken } from '../../simulator/senders/index.js';
import { once } from '../support/broadcast-wire.js';

let sim: SimulatorHandle;
let app: InstalledApp;
/** One signing key for every push: the CLI's connections are pooled per process, and a connection keeps its key. */
let keyFlags: string[];
const savedEnv = { url: process.env.PUSHSIM_URL, token: process.env.PUSHSIM_TOKEN };

beforeAll(async () => {
  delete process.env.PUSHSIM_URL;
  delete process.env.PUSHSIM_TOKEN;
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  const key = sim.apns!.keyring.mint({ teamId: 'TEAMCLI001', keyId: 'KEYCLI0001' });
  const file = join(mkdtempSync(join(tmpdir(), 'pushsim-la-')), 'key.p8');
  writeFileSync(file, key.p8);
  keyFlags = ['--key', file, '--key-id', key.keyId, '--team-id', key.teamId];
});
afterAll(async () => {
  if (savedEnv.url !== undefined) process.env.PUSHSIM_URL = savedEnv.url;
  if (savedEnv.token !== undefined) process.env.PUSHSIM_TOKEN = savedEnv.token;
  await sim?.close();
});
beforeEach(() => {
  sim.reset();
  const device = sim.simulation.createDevice({ platform: 'ios' });
  app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.delivery',
    sdkProfile: 'native-ios',
    liveActivities: {
      attributeTypes: { DeliveryAttributes: { attributes: { orderId: 'string' }, contentState: { eta: 'integer' } } },
      frequentUpdates: false,
    },
  });
});

async function push(args: string[]): Promise<{ code: number | undefined; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: CliOutput = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await runCli(['push', '--control', sim.urls.control, ...keyFlags, ...args], output);
  process.exitCode = undefined;
  return { code, out, err };
}

test('--template liveactivity --activity <id> updates the activity with the clock-time timestamp', async () => {
  const activity = sim.simulation.liveActivities.request(app.id, {
    attributesType: 'DeliveryAttributes',
    attributes: { orderId: 'o1' },
    contentState: { eta: 20 },
    pushType: 'token',
  });
  const sent = await push(['--template', 'liveactivity', '--activity', activity.id, '--content-state', '{"eta":5}']);
  expect(sent.code, sent.out.join('\n')).toBe(0);
  expect(sent.out[0]).toMatch(/^200 apns-id: /);
  expect(sent.out[1]).toBe('fate: displayed');
  expect(activity.contentState).toEqual({ eta: 5 });
  expect(activity.lastUpdateTimestamp).toBe(Math.floor(sim.clock.now() / 1000));
  // A second later: the template stamps the clock's second, and an equal timestamp would be ignored.
  await sim.advance('1s');
  const end = await push(['--template', 'liveactivity', '--activity', activity.id, '--event', 'end']);
  expect(end.code, end.out.join('\n')).toBe(0);
  expect(activity.state).toBe('ended');
});

test("--template liveactivity --attributes-type starts an activity through the app's push-to-start token", async () => {
  const sent = await push([
    '--template',
    'liveactivity',
    '--topic',
    'com.example.delivery',
    '--attributes-type',
    'DeliveryAttributes',
    '--attributes',
    '{"orderId":"o2"}',
    '--content-state',
    '{"eta":30}',
  ]);
  expect(sent.code, sent.out.join('\n')).toBe(0);
  expect(sim.simulation.liveActivities.list({ appId: app.id })).toMatchObject([
    { startedBy: 'push-to-start', attributes: { orderId: 'o2' }, contentState: { eta: 30 } },
  ]);
});

test('--template with an unknown name, or liveactivity without an activity, is an error saying what to pass (exit 2)', async () => {
  const unknown = await push(['--template', 'widgets']);
  expect(unknown.code).toBe(2);
  expect(unknown.err[0]).toMatch(/the template pushsim push knows is liveactivity/);
  const none = await push(['--template', 'liveactivity']);
  expect(none.code).toBe(2);
  expect(none.err[0]).toMatch(/pass --activity <id>/);
});

test('--template liveactivity --channel <id> broadcasts to every activity subscribed, and prints each fate', async () => {
  const created = await fetch(`${sim.urls.api}/apns/channels`).then((r) => r.json());
  expect(created).toEqual([]);
  const bearer = `bearer ${signProviderToken(sim.apns!.keyring.mint(), sim.clock.now())}`;
  const answer = await once(
    sim,
    sim.urls.apnsChannels!,
    { ':method': 'POST', ':path': '/1/apps/com.example.delivery/channels', authorization: bearer },
    JSON.stringify({ 'message-storage-policy': 0, 'push-type': 'LiveActivity' }),
  );
  const channelId = String(answer.headers['apns-channel-id']);
  const subscribed = ['o1', 'o2', 'o3'].map((orderId) =>
    sim.simulation.liveActivities.request(app.id, {
      attributesType: 'DeliveryAttributes',
      attributes: { orderId },
      contentState: { eta: 20 },
      pushType: { channel: channelId },
    }),
  );
  const sent = await push(['--template', 'liveactivity', '--channel', channelId, '--content-state', '{"eta":3}']);
  expect(sent.code, [...sent.out, ...sent.err].join('\n')).toBe(0);
  expect(sent.out[0]).toMatch(/^200 apns-request-id: [0-9a-f-]{36}$/);
  expect(sent.out.slice(1)).toEqual([
    `fate: displayed (${app.id})`,
    `fate: displayed (${app.id})`,
    `fate: displayed (${app.id})`,
  ]);
  for (const activity of subscribed) expect(activity.contentState).toEqual({ eta: 3 });
  // An unknown channel: a clear message without --topic; APNs's own answer with it.
  const unknown = await push(['--template', 'liveactivity', '--channel', 'bm90LWEtY2hhbm5lbA==']);
  expect(unknown.code).toBe(2);
  expect(unknown.err.join('\n')).toMatch(/no broadcast channel .*GET \/api\/apns\/channels/);
  const refused = await push([
    '--template',
    'liveactivity',
    '--channel',
    'bm90LWEtY2hhbm5lbA==',
    '--topic',
    'com.example.delivery',
  ]);
  expect(refused.code).toBe(1);
  expect(refused.out[0]).toMatch(/^400 .*ChannelNotRegistered/);
  const start = await push(['--template', 'liveactivity', '--channel', channelId, '--event', 'start']);
  expect(start.err.join('\n')).toMatch(/--channel: a broadcast updates or ends activities/);
});
