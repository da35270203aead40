// The scenario library and runs through the control plane over real HTTP, progress on the real ws feed: a library file
// and pasted YAML run against fresh simulators of their own (the serving one keeps no trace), failures come back with
// their step and the run's ledger, bad input gets the loader's file:line:col message or a catalogue error.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { ScenarioRuns, scenarioLibraryDir } from '../../simulator/scenario/index.js';
import { Simulation } from '../../simulator/engine/index.js';
import { createControlApp, ScenarioRunsLoader } from '../../simulator/control/index.js';
import {
  ScenarioFinishedSchema,
  ScenarioLibrarySchema,
  ScenarioProgressSchema,
  ScenarioRunSchema,
  ScenarioRunsSchema,
} from '../../simulator/model/index.js';

let sim: SimulatorHandle;
let feed: WebSocket;
const events: { type: string; data: any }[] = [];
const waiters: { match: (e: { type: string; data: any }) => boolean; resolve: () => void }[] = [];

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  feed = new WebSocket(sim.urls.events);
  await new Promise<void>((resolve) => feed.once('message', () => resolve()));
  feed.on('message', (raw) => {
    const event = JSON.parse(raw.toString()) as { type: string; data: any };
    if (!event.type.startsWith('scenario.')) return;
    events.push(event);
    for (const w of [...waiters]) if (w.match(event)) w.resolve();
  });
});
afterAll(async () => {
  feed.close();
  await sim.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.api}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** Resolves when the feed has told the run's end (or already had). */
function finished(runId: string): Promise<void> {
  const match = (e: { type: string; data: any }) => e.type === 'scenario.finished' && e.data.runId === runId;
  if (events.some(match)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no scenario.finished for ${runId}`)), 20_000);
    waiters.push({
      match,
      resolve: () => {
        clearTimeout(timer);
        resolve();
      },
    });
  });
}

const FILE = 'apns/alert-push-tap-opens-app.yaml';

test('lists the library with the names and descriptions the files declare, and serves a file as it is', async () => {
  const { status, body } = await api('GET', '/scenarios/library');
  expect(status).toBe(200);
  const entry = body.files.find((f: any) => f.path === FILE);
  expect(entry).toMatchObject({ name: 'Tapping a displayed alert launches the app' });
  expect(entry.description).toMatch(/^The system shows the banner/);
  expect(body.files.some((f: any) => f.path.endsWith('.schema.json'))).toBe(false);
  expect(body.files.length).toBeGreaterThan(30);
  ScenarioLibrarySchema.parse(body);
  const file = await api('GET', `/scenarios/library/${FILE}`);
  expect(file.status).toBe(200);
  expect(file.body).toEqual({
    path: FILE,
    yaml: readFileSync(new URL(`../../scenarios/${FILE}`, import.meta.url), 'utf8'),
  });
});

test('refuses a path out of the library with 400 INVALID_INPUT naming path, and an unknown file with 404', async () => {
  // fetch would resolve `..` itself: an encoded slash reaches the route as one segment, a raw request as it is.
  const out = await api('GET', '/scenarios/library/..%2F..%2Fpackage.json');
  expect(out.status).toBe(400);
  expect(out.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'path' });
  const { hostname, port } = new URL(sim.urls.api);
  const raw = await new Promise<{ status: number; body: any }>((resolve, reject) => {
    http
      .get({ hostname, port, path: '/api/scenarios/library/zpns/../../package.json' }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
  expect(raw.status).toBe(400);
  expect(raw.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'path' });
  const missing = await api('GET', '/scenarios/library/apns/no-such.yaml');
  expect(missing.status).toBe(404);
  expect(missing.body.error.code).toBe('SCENARIO_NOT_FOUND');
});

test('runs a library file on a fresh simulator, step by step on the feed, and keeps the result', async () => {
  const before = sim.registry.listDevices().length;
  const { status, body } = await api('POST', '/scenarios/runs', { file: FILE });
  expect(status).toBe(202);
  expect(body).toEqual({ id: expect.stringMatching(/^run-\d+$/), status: 'running' });
  await finished(body.id);
  const progress = events.filter((e) => e.type === 'scenario.progress' && e.data.runId === body.id).map((e) => e.data);
  expect(progress.map((p) => [p.step, p.steps, p.status])).toEqual([
    [1, 5, 'passed'],
    [2, 5, 'passed'],
    [3, 5, 'passed'],
    [4, 5, 'passed'],
    [5, 5, 'passed'],
  ]);
  expect(progress[0]).toMatchObject({
    scenario: 'Tapping a displayed alert launches the app',
    title: 'apns app: chat, as: message',
  });
  const end = events.find((e) => e.type === 'scenario.finished' && e.data.runId === body.id)!.data;
  ScenarioFinishedSchema.parse(end);
  expect(end).toEqual({
    runId: body.id,
    status: 'passed',
  });
  for (const p of progress) ScenarioProgressSchema.parse(p);
  const run = (await api('GET', `/scenarios/runs/${body.id}`)).body;
  ScenarioRunSchema.parse(run);
  expect(run).toMatchObject({ id: body.id, status: 'passed', source: { file: FILE } });
  expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
  expect(run.scenarios).toHaveLength(1);
  expect(run.scenarios[0].steps.map((s: any) => s.status)).toEqual(Array(5).fill('passed'));
  // The serving simulator saw none of it.
  expect(sim.registry.listDevices().length).toBe(before);
  expect(sim.ledger.size).toBe(0);
});

test('a failing expectation fails its step with the message, the run with the ledger; newest runs come first', async () => {
  const yaml = [
    'name: an alert to a suspended app',
    'devices: [{ id: iphone, platform: ios }]',
    'apps: [{ id: chat, device: iphone, bundleId: com.example.chat, sdk: native-ios, state: suspended }]',
    'steps:',
    '  - push: { app: chat, kind: alert, as: hi }',
    '  - expect: { of: hi, fate: delivered }',
    '  - expect: { of: hi, fate: displayed }',
  ].join('\n');
  const { status, body } = await api('POST', '/scenarios/runs', { yaml });
  expect(status).toBe(202);
  await finished(body.id);
  const run = (await api('GET', `/scenarios/runs/${body.id}`)).body;
  expect(run.status).toBe('failed');
  expect(run.source).toEqual({});
  const [scenario] = run.scenarios;
  expect(scenario.steps.map((s: any) => s.status)).toEqual(['passed', 'failed', 'passed']);
  expect(scenario.steps[1].message).toMatch(/displayed/);
  expect(scenario.failure).toMatchObject({ step: 2, message: scenario.steps[1].message });
  expect(scenario.failure.ledger.join('\n')).toMatch(/native alert to chat: accepted > displayed/);
  const { runs } = ScenarioRunsSchema.parse((await api('GET', '/scenarios/runs')).body);
  expect(runs[0].id).toBe(body.id);
  expect(runs.length).toBeGreaterThanOrEqual(2);
});

test('a run that cannot set up ends as error with the reason; its steps are skipped', async () => {
  const yaml = [
    'name: an app whose code is missing',
    'devices: [{ id: iphone, platform: ios }]',
    'apps: [{ id: chat, device: iphone, bundleId: com.example.chat, sdk: native-ios, entry: ./no-such-app.mjs }]',
    'steps:',
    '  - advance: 1s',
  ].join('\n');
  const { body } = await api('POST', '/scenarios/runs', { yaml });
  await finished(body.id);
  const run = (await api('GET', `/scenarios/runs/${body.id}`)).body;
  expect(run.status).toBe('error');
  expect(run.scenarios[0].status).toBe('error');
  expect(run.scenarios[0].steps).toEqual([{ index: 1, title: 'advance 1s', status: 'skipped' }]);
  expect(run.scenarios[0].failure.message).toMatch(/setup: app entry \.\/no-such-app\.mjs: cannot load/);
});

test("invalid YAML is 400 with the loader's file:line:col message; a bad body names its field", async () => {
  const bad = await api('POST', '/scenarios/runs', { yaml: 'name: x\ndevices: [\n' });
  expect(bad.status).toBe(400);
  expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'yaml' });
  expect(bad.body.error.message).toMatch(/^pasted\.yaml:\d+:\d+: /);
  const unknownStep = await api('POST', '/scenarios/runs', {
    yaml: 'name: x\ndevices: []\napps: []\nsteps:\n  - jump: {}\n',
  });
  expect(unknownStep.body.error.message).toMatch(/^pasted\.yaml:5:\d+: steps\.0: unknown step "jump"/);
  const both = await api('POST', '/scenarios/runs', { file: FILE, yaml: 'name: x' });
  expect(both.status).toBe(400);
  expect(both.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'file' });
  const traversal = await api('POST', '/scenarios/runs', { file: '../package.json' });
  expect(traversal.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'file' });
  const missing = await api('GET', '/scenarios/runs/run-999');
  expect(missing.status).toBe(404);
  expect(missing.body.error).toMatchObject({ code: 'SCENARIO_RUN_NOT_FOUND', field: 'id' });
});

test('runs beyond the concurrency wait their turn: the second has not started while the first runs', async () => {
  const seen: string[] = [];
  const ids: string[] = [];
  let done!: () => void;
  const bothDone = new Promise<void>((resolve) => (done = resolve));
  const runs: ScenarioRuns = new ScenarioRuns({
    libraryDir: scenarioLibraryDir(),
    concurrency: 1,
    emit: (type, data) => {
      const { runId } = data as { runId: string };
      // At each step: the run that stepped, and where the other run is.
      if (type === 'scenario.progress') {
        const other = ids.find((id) => id !== runId)!;
        seen.push(`${runId}:${runs.get(other).scenarios[0]!.status}`);
      }
      if (type === 'scenario.finished' && runId === ids[1]) done();
    },
  });
  ids.push(runs.start({ file: FILE }).id, runs.start({ file: FILE }).id);
  await bothDone;
  expect(seen).toEqual([...Array(5).fill(`${ids[0]}:pending`), ...Array(5).fill(`${ids[1]}:passed`)]);
  expect(runs.list().map((r) => [r.id, r.status])).toEqual([
    [ids[1], 'passed'],
    [ids[0], 'passed'],
  ]);
});

test('keeps the newest runs only: an older one is gone from the list and its id answers 404', async () => {
  let finishedRuns = 0;
  let done!: () => void;
  const allDone = new Promise<void>((resolve) => (done = resolve));
  const runs = new ScenarioRuns({
    libraryDir: scenarioLibraryDir(),
    keep: 2,
    emit: (type) => {
      if (type === 'scenario.finished' && ++finishedRuns === 3) done();
    },
  });
  const yaml = 'name: a second passes\ndevices: []\napps: []\nsteps: [{ advance: 1s }]\n';
  const ids = [runs.start({ yaml }).id, runs.start({ yaml }).id, runs.start({ yaml }).id];
  await allDone;
  expect(runs.list().map((r) => r.id)).toEqual([ids[2], ids[1]]);
  expect(() => runs.get(ids[0]!)).toThrow(expect.objectContaining({ code: 'SCENARIO_RUN_NOT_FOUND' }));
});

test('never drops the record of a run still queued or running: with keep 1, three runs started are all listed', async () => {
  let finishedRuns = 0;
  let done!: () => void;
  const allDone = new Promise<void>((resolve) => (done = resolve));
  const runs = new ScenarioRuns({
    libraryDir: scenarioLibraryDir(),
    keep: 1,
    concurrency: 1,
    emit: (type) => {
      if (type === 'scenario.finished' && ++finishedRuns === 3) done();
    },
  });
  const yaml = 'name: a second passes\ndevices: []\napps: []\nsteps: [{ advance: 1s }]\n';
  const ids = [runs.start({ yaml }).id, runs.start({ yaml }).id, runs.start({ yaml }).id];
  expect(runs.list().map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
  for (const id of ids) expect(runs.get(id).status).toBe('running');
  await allDone;
  expect(runs.list().map((r) => [r.id, r.status])).toEqual([[ids[2], 'passed']]);
});

test('refuses a run beyond the queue with SCENARIO_RUNS_BUSY (429), and takes one again once a waiting run starts', async () => {
  const ids: string[] = [];
  let second!: () => void;
  const secondStarted = new Promise<void>((resolve) => (second = resolve));
  const runs = new ScenarioRuns({
    libraryDir: scenarioLibraryDir(),
    concurrency: 1,
    maxWaiting: 2,
    emit: (type, data) => {
      if (type === 'scenario.progress' && (data as { runId: string }).runId === ids[1]) second();
    },
  });
  const yaml = 'name: a second passes\ndevices: []\napps: []\nsteps: [{ advance: 1s }]\n';
  // One executes, two wait: the fourth finds the queue full.
  for (let n = 0; n < 3; n++) ids.push(runs.start({ yaml }).id);
  let refusal: unknown;
  try {
    runs.start({ yaml });
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toMatchObject({ code: 'SCENARIO_RUNS_BUSY', status: 429 });
  expect((refusal as Error).message).toMatch(/2 scenario runs already wait their turn/);
  expect(runs.list()).toHaveLength(3);
  await secondStarted;
  expect(runs.start({ yaml }).status).toBe('running');
  await runs.settled();
});

test('without a library folder, a library path is 404 SCENARIO_NOT_FOUND, never a file of the working directory', async () => {
  const own = new Simulation({ clock: 'virtual' });
  const real = await import('../../simulator/scenario/index.js');
  const loader = new ScenarioRunsLoader(own, {}, async () => ({ ...real, scenarioLibraryDir: () => undefined }));
  const server = createControlApp(own, { endpoints: () => [], version: 'test', scenarioRuns: loader }).listen(
    0,
    '127.0.0.1',
  );
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  try {
    // A file that does exist under the working directory (the repository root, where vitest runs).
    expect(readFileSync(`scenarios/${FILE}`, 'utf8')).toMatch(/^name:/m);
    const read = await fetch(`${base}/scenarios/library/scenarios/${FILE}`);
    expect(read.status).toBe(404);
    expect(((await read.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'SCENARIO_NOT_FOUND',
      message: expect.stringMatching(/no scenario library/),
    });
    const list = await fetch(`${base}/scenarios/library`);
    expect(await list.json()).toEqual({ files: [] });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a failed import of the scenario code is tried again by the next call, not kept for good', async () => {
  const real = await import('../../simulator/scenario/index.js');
  let calls = 0;
  const loader = new ScenarioRunsLoader(new Simulation({ clock: 'virtual' }), {}, async () => {
    if (++calls === 1) throw new Error('ERR_MODULE_NOT_FOUND (a half-installed package)');
    return real;
  });
  await expect(loader.load()).rejects.toThrow(/half-installed/);
  await expect(loader.settled()).resolves.toBeUndefined();
  const loaded = await loader.load();
  expect(loaded.dir).toBe(scenarioLibraryDir());
  expect(calls).toBe(2);
  expect(await loader.load()).toBe(loaded);
});
