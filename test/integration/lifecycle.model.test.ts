// Model-based tests: paths generated from the xstate machines are walked against the real simulator (virtual clock).
// Each push-caused event is caused by a real push through the delivery rules; each `xstate.after.*` step is a clock advance.
import { describe, expect, test } from 'vitest';
import { getShortestPaths } from 'xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { Simulation } from '../../simulator/engine/index.js';
import {
  iosAppMachine, androidAppMachine, IOS_APP_EVENTS, ANDROID_APP_EVENTS, IOS_BACKGROUND_BUDGET_MS, IOS_SUSPEND_AFTER_MS,
  lifecycleStates, toPath, stepLifecycle,
} from '../../simulator/lifecycle/index.js';
import type { StateValue } from 'xstate';

type Platform = 'ios' | 'android';

const DELAYED_EVENTS: Record<Platform, { type: string; delayMs: number }[]> = {
  ios: [
    { type: 'xstate.after.backgroundBudget.ios.background.pushWake', delayMs: IOS_BACKGROUND_BUDGET_MS },
    { type: 'xstate.after.suspendAfter.ios.background.running', delayMs: IOS_SUSPEND_AFTER_MS },
  ],
  android: [],
};

const MACHINES: Record<Platform, { machine: AnyStateMachine; events: readonly string[] }> = {
  ios: { machine: iosAppMachine, events: IOS_APP_EVENTS },
  android: { machine: androidAppMachine, events: ANDROID_APP_EVENTS },
};

function pathsOf(platform: Platform) {
  const { machine, events } = MACHINES[platform];
  return getShortestPaths(machine, { events: [...events, ...DELAYED_EVENTS[platform].map((e) => e.type)].map((type) => ({ type })) as never });
}

/** A fresh simulator with one app whose virtual handler never completes, so the 30 s budget is observable. */
function world(platform: Platform) {
  const sim = new Simulation({ clock: 'virtual', silentPushThrottle: { perWindow: 0 } });
  const device = sim.createDevice({ platform });
  const app = sim.installApp({ deviceId: device.id, bundleId: 'com.example.model', sdkProfile: platform === 'ios' ? 'native-ios' : 'native-android', handlerTimeMs: -1 });
  let lastPush: string | undefined;
  const apply = async (eventType: string): Promise<void> => {
    const delayed = DELAYED_EVENTS[platform].find((e) => e.type === eventType);
    if (delayed) { await sim.advance(delayed.delayMs); return; }
    if (eventType === 'wakeForPush') {
      lastPush = sim.send({ token: platform === 'ios' ? app.tokens!.apns! : app.tokens!.fcm!, kind: platform === 'ios' ? 'background' : 'data', priority: platform === 'ios' ? 'normal' : 'high' }).entry.id;
      return;
    }
    if (eventType === 'handlerCompleted' && lastPush) { sim.router.complete(app.id, { pushId: lastPush, result: 'newData' }); return; }
    sim.lifecycle.send(app.id, eventType);
  };
  return { sim, app, apply };
}

/** Invariants that must hold after every step of every walk. */
function checkInvariants(sim: Simulation, appId: string, platform: Platform, stateBefore: string): void {
  const last = sim.ledger.list({ appId }).at(-1);
  if (!last) return;
  if (platform === 'ios' && stateBefore === 'forceQuit') expect(last.fate.name, 'a force-quit iOS app never wakes for a background push').not.toBe('delivered');
  if (platform === 'android' && stateBefore === 'forceStopped') expect(last.fate.name, 'a force-stopped Android app never receives').toBe('dropped');
}

for (const platform of ['ios', 'android'] as const) {
  describe(`${platform} app lifecycle`, () => {
    const paths = pathsOf(platform);
    const events = [...MACHINES[platform].events, ...DELAYED_EVENTS[platform].map((e) => e.type)];

    test('every state of the machine has a path', () => {
      const reached = new Set(paths.map((p) => toPath(p.state.value as StateValue)));
      const leaves = lifecycleStates(platform).filter((s) => !lifecycleStates(platform).some((other) => other.startsWith(`${s}.`)));
      for (const state of leaves) expect(reached, `no path reaches ${state}`).toContain(state);
    });

    for (const path of paths) {
      const steps = path.steps.slice(1).map((s) => s.event.type);
      const target = toPath(path.state.value as StateValue);
      test(`reaches ${target} via ${steps.join(' > ') || 'install'}`, async () => {
        const { sim, app, apply } = world(platform);
        for (const step of steps) await apply(step);
        expect(sim.registry.requireApp(app.id).lifecycle).toBe(target);
      });

      // Every transition: from each reachable state, each event, compared with the machine's own pure transition.
      // A delayed event can only fire in the state that started its timer (`xstate.after.<delay>.<machine>.<state path>`).
      for (const event of events.filter((e) => !e.startsWith('xstate.after.') || e.endsWith(`.${platform}.${target}`))) {
        const expected = stepLifecycle(platform, target, event).to;
        test(`from ${target} (via ${steps.join(' > ') || 'install'}), ${event} leads to ${expected}`, async () => {
          const { sim, app, apply } = world(platform);
          for (const step of steps) await apply(step);
          await apply(event);
          checkInvariants(sim, app.id, platform, target);
          expect(sim.registry.requireApp(app.id).lifecycle).toBe(expected);
        });
      }
    }
  });
}

test('a suspended iOS app is woken by a silent push and is back in suspended 30 s later when its handler completes', async () => {
  const sim = new Simulation({ clock: 'virtual' });
  const device = sim.createDevice({ platform: 'ios' });
  const app = sim.installApp({ deviceId: device.id, bundleId: 'com.example.wake', sdkProfile: 'zpns-rn', state: 'suspended', handlerTimeMs: 5_000 });
  const { entry } = sim.send({ token: app.tokens!.apns!, kind: 'background' });
  expect(entry.fate).toMatchObject({ name: 'delivered', callback: 'throughMessageReceived' });
  expect(app.lifecycle).toBe('background.pushWake');
  await sim.advance('30s');
  expect(app.lifecycle).toBe('suspended');
  expect(entry.notes.map((n) => n.note)).toContain('handler completed (result newData, after 5000 ms)');
});

test('terminates an iOS app whose handler has not completed within 30 s and records it on the push', async () => {
  const sim = new Simulation({ clock: 'virtual' });
  const device = sim.createDevice({ platform: 'ios' });
  const app = sim.installApp({ deviceId: device.id, bundleId: 'com.example.slow', sdkProfile: 'native-ios', state: 'suspended', handlerTimeMs: 45_000 });
  const { entry } = sim.send({ token: app.tokens!.apns!, kind: 'background' });
  await sim.advance('29.999s');
  expect(app.lifecycle).toBe('background.pushWake');
  await sim.advance('1ms');
  expect(app.lifecycle).toBe('notRunning');
  expect(app.stoppedBecause).toMatch(/background time expired/);
  expect(entry.notes.at(-1)?.note).toMatch(/app terminated/);
});
