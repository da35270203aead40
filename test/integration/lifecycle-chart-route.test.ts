// GET /api/lifecycle over real HTTP serves the state charts generated from the xstate machines (lifecycle-chart.ts),
// the very transitions an app goes through when driven by the same events.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { lifecycleChart } from '../../simulator/lifecycle/index.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});

test("serves both platforms' charts: states, leaves, initial state, events and transitions", async () => {
  const body = (await (await fetch(`${sim.urls.api}/lifecycle`)).json()) as Record<string, any>;
  expect(body.ios).toEqual(lifecycleChart('ios'));
  expect(body.android).toEqual(lifecycleChart('android'));
  expect(body.ios.initial).toBe('notRunning');
  expect(body.android.initial).toBe('killed');
});

/** The events that take an app from the initial state to `target`, found over the chart's own transitions. */
function pathInChart(chart: any, target: string): string[] {
  const queue: { at: string; events: string[] }[] = [{ at: chart.initial, events: [] }];
  const seen = new Set([chart.initial]);
  while (queue.length) {
    const { at, events } = queue.shift()!;
    if (at === target) return events;
    for (const t of chart.transitions.filter((t: any) => t.from === at && !t.delay && !seen.has(t.to))) {
      seen.add(t.to);
      queue.push({ at: t.to, events: [...events, t.event] });
    }
  }
  throw new Error(`the chart reaches no ${target}`);
}

async function sendEvent(appId: string, event: string): Promise<{ status: number; lifecycle: string }> {
  const res = await fetch(`${sim.urls.api}/apps/${appId}/lifecycle`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event }),
  });
  return { status: res.status, lifecycle: ((await res.json()) as { lifecycle: string }).lifecycle };
}

test('each listed transition of an event is what the app does when sent that event over REST', async () => {
  const body = (await (await fetch(`${sim.urls.api}/lifecycle`)).json()) as Record<string, any>;
  let checked = 0;
  for (const platform of ['ios', 'android'] as const) {
    const chart = body[platform];
    const device = sim.simulation.createDevice({ platform });
    for (const t of chart.transitions.filter((t: any) => !t.delay)) {
      const app = sim.simulation.installApp({
        deviceId: device.id,
        bundleId: `com.example.chart${checked}`,
        sdkProfile: platform === 'ios' ? 'native-ios' : 'native-android',
        register: false,
      });
      for (const event of pathInChart(chart, t.from)) expect((await sendEvent(app.id, event)).status).toBe(200);
      expect(sim.registry.requireApp(app.id).lifecycle).toBe(t.from);
      const answer = await sendEvent(app.id, t.event);
      expect(answer, `${platform} ${t.from} --${t.event}-->`).toEqual({ status: 200, lifecycle: t.to });
      sim.simulation.uninstallApp(app.id);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(40);
});
