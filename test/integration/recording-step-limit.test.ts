// A recording's step limit (review: a long or load-test session grew a recording without bound): at the limit the
// recording stops by itself, says so in its model and at the end of its scenario, and the file still passes the runner
// (`pushsim run`); the sends it keeps track of stay within the steps it keeps.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientHttp2Session } from 'node:http2';
import { parse } from 'yaml';
import { Simulation } from '../../simulator/engine/index.js';
import { DEFAULT_RECORDING_STEP_LIMIT, Recordings } from '../../simulator/recording/index.js';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { runScenario } from '../../simulator/scenario/index.js';
import { controlApi, pushsimRun } from '../support/control-api.js';
import { connectApns, providerToken, request } from '../support/apns-wire.js';

const LIMIT = 5;

let sim: SimulatorHandle;
let apns: ClientHttp2Session;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual', recordings: { stepLimit: LIMIT } });
  dir = mkdtempSync(join(tmpdir(), 'pushsim-recording-limit-'));
});
afterAll(async () => {
  apns?.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const api = controlApi(() => sim.urls.api);

/** An iPhone with a news app in `state`, and a provider token to send to it over the real APNs wire. */
async function phone(state: string): Promise<{ token: string; bearer: string }> {
  await api('POST', '/reset');
  expect((await api('POST', '/devices', { id: 'iphone', platform: 'ios' })).status).toBe(201);
  const app = await api('POST', '/devices/iphone/apps', {
    id: 'news',
    bundleId: 'com.example.news',
    sdkProfile: 'native-ios',
    state,
  });
  expect(app.status).toBe(201);
  const key = (await api('POST', '/apns/keys', {})).json as { teamId: string; keyId: string; p8: string };
  // A connection keeps the key of its first token (UnrelatedKeyIdInToken otherwise): a new key, a new connection.
  apns?.close();
  apns = await connectApns(sim.urls.apns!, sim.caPem);
  return { token: app.json.tokens.apns as string, bearer: `bearer ${providerToken(key, sim.clock.now())}` };
}

async function sendAlert(to: { token: string; bearer: string }, n: number): Promise<void> {
  const answer = await request(
    apns,
    {
      ':path': `/3/device/${to.token}`,
      authorization: to.bearer,
      'apns-topic': 'com.example.news',
      'apns-push-type': 'alert',
    },
    JSON.stringify({ aps: { alert: { title: `news ${n}` } } }),
  );
  expect(answer.status).toBe(200);
}

test('a recording with a step limit of 5 stops by itself at it over real APNs sends, says why, and its file still passes `pushsim run`', async () => {
  const to = await phone('active');
  const started = await api('POST', '/recordings');
  expect(started.json).toMatchObject({ status: 'recording', stepLimit: LIMIT });
  const id = started.json.id as string;
  const recorder = sim.recordings.get(id);
  // Each alert is a send step and an expectation of its fate: 5 steps are reached on the third send.
  for (let n = 1; n <= 8; n++) {
    await sendAlert(to, n);
    expect(recorder.trackedSends).toBeLessThanOrEqual(LIMIT);
  }
  expect((await api('POST', '/clock/advance', { by: '1m' })).status).toBe(200);

  const view = (await api('GET', `/recordings/${id}`)).json;
  expect(view).toMatchObject({ id, status: 'stopped', steps: LIMIT, stoppedBecause: `step limit ${LIMIT} reached` });
  expect(view.stoppedAt).toEqual(expect.any(String));
  // Nothing is kept for the sends past the limit, nor for the ones before it once it stopped.
  expect(recorder.trackedSends).toBe(0);
  // Stopping it again changes nothing; a new recording may start.
  expect((await api('POST', `/recordings/${id}/stop`)).json).toMatchObject({
    steps: LIMIT,
    stoppedBecause: view.stoppedBecause,
  });

  const yaml = (await api('GET', `/recordings/${id}/scenario`)).text;
  if (process.env.SHOW_YAML) console.log(yaml);
  const scenario = parse(yaml) as { steps: Record<string, any>[] };
  expect(scenario.steps).toHaveLength(LIMIT);
  expect(scenario.steps.filter((s) => s.apns)).toHaveLength(3);
  const lastLines = yaml.trimEnd().split('\n').slice(-1)[0]!;
  expect(lastLines).toMatch(/^\s*# recording stopped here by itself: step limit 5 reached/);

  const file = join(dir, 'capped.yaml');
  writeFileSync(file, yaml);
  const [result] = await runScenario(file);
  expect(result!.failures).toEqual([]);
  expect(result!.status).toBe('passed');
  const cli = await pushsimRun(file);
  expect(cli.output).toMatch(/1 passed/);
  expect(cli.code).toBe(0);

  const next = await api('POST', '/recordings');
  expect(next.status).toBe(201);
  expect((await api('POST', `/recordings/${next.json.id}/stop`)).json).not.toHaveProperty('stoppedBecause');
});

test('a send whose fate is final is forgotten once asserted: many dropped pushes keep one tracked send at most', async () => {
  const to = await phone('active');
  expect((await api('POST', '/apps/news/lifecycle', { event: 'forceQuit' })).status).toBe(200);
  const recordings = new Recordings(sim.simulation);
  const recorder = recordings.start();
  const silent = async () => {
    const answer = await request(
      apns,
      {
        ':path': `/3/device/${to.token}`,
        authorization: to.bearer,
        'apns-topic': 'com.example.news',
        'apns-push-type': 'background',
        'apns-priority': '5',
      },
      JSON.stringify({ aps: { 'content-available': 1 } }),
    );
    expect(answer.status, answer.body).toBe(200);
  };
  for (let n = 0; n < 12; n++) {
    await silent();
    // The newest send waits for its expectation (written when the next step begins); the others are gone.
    expect(recorder.trackedSends).toBeLessThanOrEqual(1);
  }
  expect(recorder.steps).toBeGreaterThan(12);
  recorder.stop();
  const yaml = recordings.scenarioYaml(recorder.id);
  const steps = (parse(yaml) as { steps: Record<string, any>[] }).steps;
  expect(steps.filter((s) => s.expect?.fate === 'dropped')).toHaveLength(12);
  const file = join(dir, 'dropped.yaml');
  writeFileSync(file, yaml);
  const [result] = await runScenario(file);
  expect(result!.failures).toEqual([]);
});

test('the step limit is 10,000 by default and must be a whole number from 1', () => {
  const simulation = new Simulation({ clock: 'virtual' });
  expect(DEFAULT_RECORDING_STEP_LIMIT).toBe(10_000);
  const recordings = new Recordings(simulation);
  expect(recordings.start().stepLimit).toBe(10_000);
  recordings.stopAll();
  for (const stepLimit of [0, -1, 2.5, Number.NaN])
    expect(() => new Recordings(simulation, undefined, { stepLimit })).toThrow(
      /recordings\.stepLimit must be a whole number from 1/,
    );
});

test('a limit of 1: the first step stops it and nothing after it is written; comments are bounded by the same number', async () => {
  const simulation = new Simulation({ clock: 'virtual' });
  simulation.createDevice({ id: 'iphone', platform: 'ios' });
  const recordings = new Recordings(simulation, undefined, { stepLimit: 1 });
  const recorder = recordings.start();
  expect(recorder.status).toBe('recording');
  await simulation.advance(60_000);
  expect(recorder).toMatchObject({ status: 'stopped', steps: 1, stoppedBecause: 'step limit 1 reached' });
  await simulation.advance(60_000);
  simulation.createDevice({ id: 'ipad', platform: 'ios' });
  const yaml = recordings.scenarioYaml(recorder.id);
  expect(yaml).not.toContain('ipad');
  expect((parse(yaml) as { steps: unknown[] }).steps).toEqual([{ advance: '1m' }]);
  expect(yaml).toMatch(/# recording stopped here by itself: step limit 1 reached/);

  // Devices created while recording are comments, not steps: a load of them stops it too.
  const comments = new Recordings(simulation, undefined, { stepLimit: 2 }).start();
  for (const id of ['p1', 'p2', 'p3']) simulation.createDevice({ id, platform: 'android' });
  expect(comments).toMatchObject({ status: 'stopped', steps: 0, stoppedBecause: 'comment limit 2 reached' });
});

test('pushsim serve takes the limit as --recording-step-limit or PUSHSIM_RECORDING_STEP_LIMIT, 10,000 by default', async () => {
  const { resolveServeOptions } = await import('../../simulator/cli/serve-options.js');
  const given = (flags: Record<string, unknown>, env: Record<string, string>) =>
    (resolveServeOptions(flags, env) as { recordings?: { stepLimit?: number } }).recordings?.stepLimit;
  expect(given({}, {})).toBe(10_000);
  expect(given({ recordingStepLimit: '50' }, {})).toBe(50);
  expect(given({}, { PUSHSIM_RECORDING_STEP_LIMIT: '7' })).toBe(7);
  expect(() => resolveServeOptions({ recordingStepLimit: '0' }, {})).toThrow(/--recording-step-limit: "0" is below 1/);
});
