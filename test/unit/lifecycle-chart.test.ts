// The state charts GET /api/lifecycle serves are generated from the xstate machines: every state node and every
// transition a node declares (events and delays, its own and its parents') appears, with the target the machine names.
import { describe, expect, test } from 'vitest';
import { lifecycleChart, machineFor, type Platform } from '../../simulator/lifecycle/index.js';

interface MachineNode {
  path: string[];
  states: Record<string, MachineNode>;
  transitions: Map<string, { target?: { path: string[] }[] }[]>;
}

function nodes(node: MachineNode): MachineNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...nodes(child)]);
}

describe.each(['ios', 'android'] as Platform[])('the %s chart', (platform) => {
  const chart = lifecycleChart(platform);
  const root = machineFor(platform).root as unknown as MachineNode;
  const all = nodes(root);

  test('lists every state node of the machine, its leaves and its initial state', () => {
    expect(chart.states.sort()).toEqual(all.map((n) => n.path.join('.')).sort());
    expect(chart.leaves.sort()).toEqual(
      all
        .filter((n) => Object.keys(n.states).length === 0)
        .map((n) => n.path.join('.'))
        .sort(),
    );
    expect(chart.leaves).toContain(chart.initial);
  });

  test("has each transition a state node declares, on each of the node's leaves, to the machine's target", () => {
    for (const node of [root, ...all]) {
      const path = node.path.join('.');
      const leaves = chart.leaves.filter((leaf) => path === '' || leaf === path || leaf.startsWith(`${path}.`));
      for (const [event, definitions] of node.transitions) {
        const target = definitions[0]?.target?.[0]?.path.join('.');
        if (target === undefined) continue;
        for (const from of leaves) {
          const found = chart.transitions.find((t) => t.from === from && t.event === event);
          expect(found, `${platform}: ${from} --${event}--> ${target}`).toBeDefined();
          // A compound target enters its initial child (background → background.running).
          expect(found!.to === target || found!.to.startsWith(`${target}.`), `${from} --${event}--> ${found!.to}`).toBe(
            true,
          );
        }
      }
    }
  });

  test('names only states of the chart and events of the platform (or xstate delayed events)', () => {
    for (const t of chart.transitions) {
      expect(chart.leaves).toContain(t.from);
      expect(chart.leaves).toContain(t.to);
      expect(chart.events.includes(t.event) || t.event.startsWith('xstate.after.')).toBe(true);
    }
  });
});

test('the iOS chart carries the 30 s background budget and the suspension delay', () => {
  const { transitions } = lifecycleChart('ios');
  expect(transitions).toContainEqual({
    from: 'background.pushWake',
    event: 'xstate.after.backgroundBudget.ios.background.pushWake',
    to: 'notRunning',
    delay: 'backgroundBudget',
    delayMs: 30_000,
  });
  expect(transitions.find((t) => t.delay === 'suspendAfter')).toMatchObject({
    from: 'background.running',
    to: 'suspended',
  });
});
