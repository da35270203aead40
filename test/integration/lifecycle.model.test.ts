// Model-based tests of the app lifecycles: paths generated from the xstate machines (xstate/graph) are walked against a
// running simulator through its public surfaces only (REST, real pushes, the virtual clock) and checked by what a user
// sees: GET /api/apps/:id, the ws feed's `app.state-changed` events and the ledger. The machine is the model; nothing
// here calls the simulator's own transition function.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { getAdjacencyMap, getShortestPaths, getSimplePaths, getStateNodes } from 'xstate/graph';
import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import { WebSocket } from 'ws';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { androidAppMachine, iosAppMachine } from '../../simulator/lifecycle/index.js';

type Platform = 'ios' | 'android';
interface Step {
  event: string;
  from: AnyMachineSnapshot;
  to: AnyMachineSnapshot;
}
interface Walk {
  name: string;
  target: string;
  initial: AnyMachineSnapshot;
  steps: Step[];
}

const MACHINES: Record<Platform, AnyStateMachine> = { ios: iosAppMachine, android: androidAppMachine };
const SDK_PROFILE: Record<Platform, string> = { ios: 'native-ios', android: 'native-android' };

// Which real cause stands for a machine event. Push-driven events are caused by a push (Apple: background pushes go at
// priority 5, docs/reference/apns.md; a data message at high priority starts a killed Android app,
// docs/reference/android.md#headless-js); the budget runs out on the clock; a reboot is the device's.
const WAKING_PUSH: Record<Platform, { kind: string; priority: string }> = {
  ios: { kind: 'background', priority: 'normal' },
  android: { kind: 'data', priority: 'high' },
};
const VISIBLE_PUSH: Record<Platform, string> = { ios: 'alert', android: 'notification' };
/** Explicit events that happen when a delay runs out, and the delay that makes them happen. */
const EVENT_BY_DELAY: Record<string, string> = { budgetExpired: 'backgroundBudget' };
/** The name the feed gives a delayed transition (`app.state-changed` `event`). */
const FEED_NAME_OF_DELAY: Record<string, string> = { backgroundBudget: 'budgetExpired', suspendAfter: 'suspend' };

const pathOf = (value: StateValue): string => {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0]!;
  return child === undefined ? key : `${key}.${pathOf(child as StateValue)}`;
};
const stateOf = (snapshot: AnyMachineSnapshot): string => pathOf(snapshot.value as StateValue);
const topOf = (path: string): string => path.split('.')[0]!;
const delayName = (event: string): string | undefined =>
  event.startsWith('xstate.after.') ? event.split('.')[2] : EVENT_BY_DELAY[event];

function delayMs(machine: AnyStateMachine, name: string, snapshot: AnyMachineSnapshot): number {
  const delay = (machine.implementations.delays as Record<string, unknown>)[name];
  return typeof delay === 'function'
    ? (delay as (a: { context: unknown }) => number)({ context: snapshot.context })
    : Number(delay);
}

function toWalk(steps: { event: { type: string }; state: AnyMachineSnapshot }[]): Walk {
  const walk: Step[] = [];
  for (let i = 1; i < steps.length; i++)
    walk.push({ event: steps[i]!.event.type, from: steps[i - 1]!.state, to: steps[i]!.state });
  const target = stateOf(steps.at(-1)!.state);
  return {
    name: `reaches ${target} via ${walk.map((s) => s.event).join(' > ') || 'install'}`,
    target,
    initial: steps[0]!.state,
    steps: walk,
  };
}

/** Every transition of the machine: from each reachable state, each event it takes, and where it leads. */
function edgesOf(
  machine: AnyStateMachine,
): { from: AnyMachineSnapshot; event: { type: string }; to: AnyMachineSnapshot }[] {
  type Adjacency = Record<
    string,
    { state: AnyMachineSnapshot; transitions: Record<string, { event: { type: string }; state: AnyMachineSnapshot }> }
  >;
  return Object.values(getAdjacencyMap(machine, {}) as unknown as Adjacency).flatMap(({ state, transitions }) =>
    Object.values(transitions).map((edge) => ({ from: state, event: edge.event, to: edge.state })),
  );
}

/**
 * The walks for a machine: its shortest paths, then every simple path, then every transition (shortest path + edge).
 */
function walksOf(machine: AnyStateMachine) {
  const shortest = getShortestPaths(machine).map((p) => toWalk(p.steps));
  const byState = new Map(getShortestPaths(machine).map((p) => [stateOf(p.state), p.steps]));
  const simple = getSimplePaths(machine).map((p) => toWalk(p.steps));
  const transitions: Walk[] = [];
  for (const edge of edgesOf(machine))
    transitions.push(toWalk([...byState.get(stateOf(edge.from))!, { event: edge.event, state: edge.to }]));
  const seen = new Set<string>();
  const unique = (walks: Walk[]) => walks.filter((w) => !seen.has(w.name) && seen.add(w.name));
  return {
    shortest: unique(shortest),
    simple: unique(simple),
    transitions: unique(transitions),
    edgeCount: transitions.length,
  };
}

// ── the simulator and its feed ──────────────────────────────────────────────────────────────────────────────────────
let sim: SimulatorHandle;
let feed: WebSocket;
const feedMessages: { type: string; data: Record<string, unknown> }[] = [];
const feedWaiters = new Set<() => void>();

beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  feed = new WebSocket(sim.urls.events);
  feed.on('message', (raw) => {
    feedMessages.push(JSON.parse(raw.toString()));
    for (const wake of feedWaiters) wake();
  });
  await new Promise((resolve, reject) => {
    feed.once('open', resolve);
    feed.once('error', reject);
  });
  await nextFeedMessage((m) => m.type === 'feed.hello', 0);
});
afterAll(async () => {
  feed?.close();
  await sim?.close();
});
beforeEach(async () => {
  await api('POST', '/reset');
});

/** Resolves with the first feed message from `from` on that matches, or fails after `timeoutMs`: no sleeping. */
function nextFeedMessage(match: (m: (typeof feedMessages)[number]) => boolean, from: number, timeoutMs = 2_000) {
  return new Promise<(typeof feedMessages)[number]>((resolve, reject) => {
    const check = (): boolean => {
      const found = feedMessages.slice(from).find(match);
      if (found) {
        feedWaiters.delete(onMessage);
        clearTimeout(timer);
        resolve(found);
      }
      return Boolean(found);
    };
    const onMessage = (): void => {
      check();
    };
    const timer = setTimeout(() => {
      feedWaiters.delete(onMessage);
      reject(
        new Error(
          `the feed sent no matching event within ${timeoutMs} ms; it sent ${
            feedMessages
              .slice(from)
              .map((m) => m.type)
              .join(', ') || 'nothing'
          }`,
        ),
      );
    }, timeoutMs);
    if (!check()) feedWaiters.add(onMessage);
  });
}

const CREATES = /^\/(devices|devices\/[^/]+\/apps|pushes)$/;

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const status = method === 'POST' && CREATES.test(path) ? 201 : 200;
  const res = await fetch(`${sim.urls.api}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path} answered ${text}`).toBe(status);
  return (text ? JSON.parse(text) : {}) as T;
}

// ── walking a path ──────────────────────────────────────────────────────────────────────────────────────────────────
interface AppUnderTest {
  platform: Platform;
  appId: string;
  deviceId: string;
  token: string;
  wakePushes: string[];
}

async function install(platform: Platform): Promise<AppUnderTest> {
  const device = await api<{ id: string }>('POST', '/devices', { platform });
  const app = await api<{ id: string; tokens: Record<string, string> }>('POST', `/devices/${device.id}/apps`, {
    bundleId: 'com.example.model',
    sdkProfile: SDK_PROFILE[platform],
    handlerTime: 'never',
  });
  const token = (platform === 'ios' ? app.tokens.apns : app.tokens.fcm) ?? Object.values(app.tokens)[0]!;
  return { platform, appId: app.id, deviceId: device.id, token, wakePushes: [] };
}

const lifecycleOf = async (app: AppUnderTest) =>
  await api<{ lifecycle: string; state: string }>('GET', `/apps/${app.appId}`);

async function advance(ms: number): Promise<void> {
  if (ms > 0) await api('POST', '/clock/advance', { by: ms });
}

/** Causes one machine event the way it happens to a real app. */
async function cause(app: AppUnderTest, step: Step): Promise<void> {
  const machine = MACHINES[app.platform];
  const delay = delayName(step.event);
  if (delay) {
    // The timer must not fire a millisecond early, and must fire on time.
    const ms = delayMs(machine, delay, step.from);
    await advance(ms - 1);
    expect((await lifecycleOf(app)).lifecycle, `${step.event} fired before ${ms} ms`).toBe(stateOf(step.from));
    await advance(1);
    return;
  }
  switch (step.event) {
    case 'wakeForPush': {
      const push = await api<{ id: string }>('POST', '/pushes', { token: app.token, ...WAKING_PUSH[app.platform] });
      app.wakePushes.push(push.id);
      const entry = await api<{ fate: { name: string }; notes: { note: string }[] }>('GET', `/pushes/${push.id}`);
      expect(entry.fate.name).toBe('delivered');
      expect(entry.notes.map((n) => n.note)).toContain(`app woken: ${stateOf(step.from)} → ${stateOf(step.to)}`);
      return;
    }
    case 'handlerCompleted':
      // The app calls the completion handler of every push it was woken for.
      for (const pushId of app.wakePushes.splice(0))
        await api('POST', `/apps/${app.appId}/complete`, { pushId, result: 'newData' });
      return;
    case 'reboot':
      await api('POST', `/devices/${app.deviceId}/reboot`);
      return;
    case 'tapNotification': {
      // The user taps a notification the system shows; where the state shows none (an iOS app in the foreground asks
      // willPresent), the tap comes from one shown earlier and arrives as the lifecycle event.
      const push = await api<{ id: string; fate: { displayed?: boolean } }>('POST', '/pushes', {
        token: app.token,
        kind: VISIBLE_PUSH[app.platform],
      });
      if (push.fate.displayed) await api('POST', `/apps/${app.appId}/tap`, { pushId: push.id });
      else await api('POST', `/apps/${app.appId}/lifecycle`, { event: 'tapNotification' });
      return;
    }
    default:
      await api('POST', `/apps/${app.appId}/lifecycle`, { event: step.event });
  }
}

async function walk(platform: Platform, path: Walk, atTarget?: (app: AppUnderTest) => Promise<void>): Promise<void> {
  const app = await install(platform);
  const feedFrom = feedMessages.length;
  expect((await lifecycleOf(app)).lifecycle, 'an app is installed in the initial state').toBe(stateOf(path.initial));
  const expected: { from: string; to: string; event: string }[] = [];
  for (const step of path.steps) {
    await cause(app, step);
    const [from, to] = [stateOf(step.from), stateOf(step.to)];
    if (from !== to) {
      const delay = step.event.startsWith('xstate.after.') ? delayName(step.event)! : undefined;
      const event = delay ? (FEED_NAME_OF_DELAY[delay] ?? step.event) : step.event;
      expected.push({ from, to, event });
      await nextFeedMessage(
        (m) => m.type === 'app.state-changed' && m.data.appId === app.appId && m.data.to === to,
        feedFrom,
      );
    }
    const seen = await lifecycleOf(app);
    expect(seen.lifecycle, `after ${step.event}`).toBe(to);
    expect(seen.state).toBe(topOf(to));
  }
  await atTarget?.(app);
  // The feed told the whole story, in order, and nothing else.
  const changes = feedMessages
    .slice(feedFrom)
    .filter((m) => m.type === 'app.state-changed' && m.data.appId === app.appId)
    .map((m) => ({ from: m.data.from, to: m.data.to, event: m.data.event }));
  expect(changes).toEqual(expected);
}

for (const platform of ['ios', 'android'] as const) {
  const machine = MACHINES[platform];
  const { shortest, simple, transitions, edgeCount } = walksOf(machine);

  describe(`${platform} app lifecycle, walked against the simulator`, () => {
    test('every state node of the machine has a path', () => {
      const nodes = getStateNodes(machine.root).filter((node) => node.path.length > 0);
      const reached = getShortestPaths(machine).map((p) => p.state);
      const unreached = nodes.filter(
        (node) => !reached.some((s) => `${stateOf(s)}.`.startsWith(`${node.path.join('.')}.`)),
      );
      expect(
        unreached.map((n) => n.id),
        'states no generated path reaches',
      ).toEqual([]);
    });

    test('covers every transition of the machine', () => {
      expect(edgeCount).toBeGreaterThan(0);
      const covered = new Set(
        [...shortest, ...simple, ...transitions].flatMap((w) => w.steps.map((s) => `${stateOf(s.from)} ${s.event}`)),
      );
      for (const edge of edgesOf(machine)) expect(covered).toContain(`${stateOf(edge.from)} ${edge.event.type}`);
    });

    // The nearest cases a path must not take: in each state, every event the machine does not take there is refused
    // over REST with 409 EVENT_NOT_APPLICABLE and leaves the app where it was. `reboot` is the device's and always
    // applies (a killed app stays killed); delayed events are not requests.
    const requestable = [...new Set(edgesOf(machine).map((e) => e.event.type))].filter(
      (e) => !e.startsWith('xstate.') && e !== 'reboot',
    );
    describe('refused events', () => {
      for (const path of shortest) {
        const reached = path.steps.at(-1)?.to ?? path.initial;
        const refused = requestable.filter((type) => !reached.can({ type }));
        if (!refused.length) continue;
        test(`refuses ${refused.join(', ')} in ${path.target} (${path.name})`, async () => {
          await walk(platform, path, async (app) => {
            for (const event of refused) {
              const res = await fetch(`${sim.urls.api}/apps/${app.appId}/lifecycle`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ event }),
              });
              expect(res.status, event).toBe(409);
              expect(((await res.json()) as { error: { code: string } }).error.code, event).toBe(
                'EVENT_NOT_APPLICABLE',
              );
              expect((await lifecycleOf(app)).lifecycle, `after a refused ${event}`).toBe(path.target);
            }
          });
        });
      }
    });

    describe('shortest paths', () => {
      for (const path of shortest) test(path.name, () => walk(platform, path));
    });
    describe('other simple paths', () => {
      for (const path of simple) test(path.name, () => walk(platform, path));
    });
    describe('every other transition (shortest path, then the transition)', () => {
      for (const path of transitions) test(path.name, () => walk(platform, path));
    });
  });
}

// Behaviour the paths do not pin down: timing of the budget against a handler that is slow or quick.
describe('the iOS background budget', () => {
  async function suspendedIosApp(handlerTime: string) {
    const device = await api<{ id: string }>('POST', '/devices', { platform: 'ios' });
    return api<{ id: string; tokens: { apns: string } }>('POST', `/devices/${device.id}/apps`, {
      bundleId: 'com.example.wake',
      sdkProfile: 'native-ios',
      state: 'suspended',
      handlerTime,
    });
  }

  test('a suspended iOS app woken by a background push is back in suspended when its handler completes', async () => {
    const app = await suspendedIosApp('5s');
    const push = await api<{ id: string; fate: { name: string } }>('POST', '/pushes', {
      token: app.tokens.apns,
      kind: 'background',
      priority: 'normal',
    });
    expect(push.fate.name).toBe('delivered');
    expect((await api<{ lifecycle: string }>('GET', `/apps/${app.id}`)).lifecycle).toBe('background.pushWake');
    await advance(4_999);
    expect((await api<{ lifecycle: string }>('GET', `/apps/${app.id}`)).lifecycle).toBe('background.pushWake');
    await advance(1);
    expect((await api<{ lifecycle: string }>('GET', `/apps/${app.id}`)).lifecycle).toBe('suspended');
    const entry = await api<{ notes: { note: string }[] }>('GET', `/pushes/${push.id}`);
    expect(entry.notes.map((n) => n.note)).toContain('handler completed (result newData, after 5000 ms)');
  });

  test('terminates an iOS app whose handler has not completed within 30 s and records it on the push', async () => {
    const app = await suspendedIosApp('45s');
    const push = await api<{ id: string }>('POST', '/pushes', {
      token: app.tokens.apns,
      kind: 'background',
      priority: 'normal',
    });
    await advance(29_999);
    expect((await api<{ lifecycle: string }>('GET', `/apps/${app.id}`)).lifecycle).toBe('background.pushWake');
    await advance(1);
    const seen = await api<{ lifecycle: string; stoppedBecause?: string }>('GET', `/apps/${app.id}`);
    expect(seen.lifecycle).toBe('notRunning');
    expect(seen.stoppedBecause).toMatch(/background time expired/);
    const entry = await api<{ notes: { note: string }[] }>('GET', `/pushes/${push.id}`);
    expect(entry.notes.at(-1)?.note).toMatch(/app terminated/);
  });
});
