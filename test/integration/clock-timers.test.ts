// GET /api/clock/timers on the virtual clock, over real HTTP: the timers the simulator waits on, labelled where they
// were made (the iOS background budget, suspension after backgrounding, a held push's TTL), and gone once they fire.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { AppSchema, ClockTimersSchema } from '../../simulator/model/index.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sim.urls.api}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.ok, `${method} ${path} answered ${res.status}`).toBe(true);
  return res.json();
}

/**
 * An iPhone app; `handlerTimeMs: -1` is an app whose handler never calls its completion handler (installed in-process:
 * the REST install has no such field), so its budget runs to the end.
 */
async function iosApp(
  state: string,
  handlerTimeMs?: number,
  id = 'chat',
  deviceId = 'iphone',
): Promise<{ id: string; tokens: { apns: string } }> {
  await api('POST', '/devices', { platform: 'ios', id: deviceId });
  const app = sim.simulation.installApp({
    id,
    deviceId,
    bundleId: `com.example.${id}`,
    sdkProfile: 'native-ios',
    state,
    ...(handlerTimeMs !== undefined ? { handlerTimeMs } : {}),
  });
  return { id: app.id, tokens: { apns: app.tokens!.apns! } };
}

test('a woken app shows its background budget with a deadline on the app, and both end when the budget runs out', async () => {
  const app = await iosApp('suspended', -1);
  await api('POST', '/pushes', { token: app.tokens.apns, kind: 'background' });
  const { timers } = ClockTimersSchema.parse(await api('GET', '/clock/timers'));
  expect(timers).toHaveLength(1);
  const [budget] = timers;
  expect(budget).toMatchObject({ kind: 'budget', appId: 'chat', deviceId: 'iphone', inMs: 30_000 });
  expect(budget!.label).toMatch(/background budget of com\.example\.chat \(chat\)/);
  expect(Date.parse(budget!.dueAt)).toBe(sim.clock.now() + 30_000);
  expect(AppSchema.parse(await api('GET', '/apps/chat')).budgetEndsAt).toBe(budget!.dueAt);

  await api('POST', '/clock/advance', { by: '10s' });
  expect((await api('GET', '/clock/timers')).timers[0].inMs).toBe(20_000);
  await api('POST', '/clock/advance', { by: '20s' });
  expect((await api('GET', '/clock/timers')).timers).toEqual([]);
  const after = await api('GET', '/apps/chat');
  expect(after.state).toBe('notRunning');
  expect(after.budgetEndsAt).toBeUndefined();
});

test('a backgrounded app shows its suspension timer, cancelled when the app comes back to the foreground', async () => {
  await iosApp('active');
  await api('POST', '/apps/chat/lifecycle', { event: 'moveToBackground' });
  const { timers } = await api('GET', '/clock/timers');
  expect(timers.map((t: any) => [t.kind, t.appId, t.inMs])).toEqual([['suspend', 'chat', 10_000]]);
  expect((await api('GET', '/apps')).find((a: any) => a.id === 'chat').budgetEndsAt).toBeUndefined();
  await api('POST', '/apps/chat/lifecycle', { event: 'launch' });
  expect((await api('GET', '/clock/timers')).timers).toEqual([]);
});

test("a push stored for an offline device shows its TTL in the offline store, earliest first among the clock's timers", async () => {
  const app = await iosApp('suspended', -1);
  await api('PATCH', '/devices/iphone/conditions', { online: false });
  const sent = await api('POST', '/pushes', { token: app.tokens.apns, kind: 'alert', ttl: '1h' });
  expect(sent.fate.name).toBe('stored');
  const other = await iosApp('suspended', -1, 'mail', 'ipad');
  await api('POST', '/pushes', { token: other.tokens.apns, kind: 'background' });
  const { timers } = await api('GET', '/clock/timers');
  expect(timers.map((t: any) => [t.kind, t.appId ?? t.pushId])).toEqual([
    ['budget', 'mail'],
    ['ttl', 'chat'],
  ]);
  expect(timers[1]).toMatchObject({ pushId: sent.id, deviceId: 'iphone', inMs: 3_600_000 });
  await api('POST', '/clock/advance', { by: '1h' });
  expect((await api('GET', '/clock/timers')).timers).toEqual([]);
  expect((await api('GET', `/pushes/${sent.id}`)).fate.name).toBe('expired');
});

describe('GET /api/clock/timers?limit=', () => {
  // Timers set on the clock directly are not the simulation's, so a reset leaves them: each test clears its own.
  let handles: ReturnType<typeof sim.clock.setTimer>[] = [];
  afterEach(() => {
    for (const handle of handles) sim.clock.clearTimer(handle);
    handles = [];
  });
  /** `n` timers on the simulator's own clock, the i-th due in i+1 seconds, created latest first. */
  function timersDueInSeconds(n: number): void {
    for (let i = n - 1; i >= 0; i--)
      handles.push(sim.clock.setTimer(() => undefined, (i + 1) * 1000, { kind: 'other', label: `timer ${i + 1}` }));
  }

  test('lists the earliest 200 by default, and how many wait in all', async () => {
    timersDueInSeconds(1_050);
    const answer = ClockTimersSchema.parse(await api('GET', '/clock/timers'));
    expect(answer.total).toBe(1_050);
    expect(answer.timers).toHaveLength(200);
    expect(answer.timers.map((t) => t.inMs)).toEqual(Array.from({ length: 200 }, (_, i) => (i + 1) * 1000));
  });

  test('lists the earliest `limit`, at most 1000, and all of them when fewer wait', async () => {
    timersDueInSeconds(1_050);
    const three = ClockTimersSchema.parse(await api('GET', '/clock/timers?limit=3'));
    expect(three).toMatchObject({ total: 1_050 });
    expect(three.timers.map((t) => t.label)).toEqual(['timer 1', 'timer 2', 'timer 3']);
    expect((await api('GET', '/clock/timers?limit=1000')).timers).toHaveLength(1000);
    for (const handle of handles) sim.clock.clearTimer(handle);
    timersDueInSeconds(2);
    expect(await api('GET', '/clock/timers?limit=5')).toMatchObject({
      total: 2,
      timers: [{ inMs: 1000 }, { inMs: 2000 }],
    });
  });

  test.each(['0', '1001', 'ten', '2.5'])(
    'a limit of %s is refused with INVALID_INPUT naming the field',
    async (limit) => {
      const res = await fetch(`${sim.urls.api}/clock/timers?limit=${limit}`);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; field?: string; message: string } };
      expect(error.code).toBe('INVALID_INPUT');
      expect(`${error.field} ${error.message}`).toMatch(/limit/);
    },
  );
});
