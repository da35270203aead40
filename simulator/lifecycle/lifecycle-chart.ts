// The state chart of a platform's app lifecycle, generated from its xstate machine (GET /api/lifecycle, the dashboard's
// drawing): every state, the initial one, and each transition an app in a leaf state takes — user and system events
// through the pure transition function (so transitions a parent declares appear on each of its leaves, as an app meets
// them), delayed ones (`after`) from the state nodes that declare them.
import type { AnyStateMachine } from 'xstate';
import { IOS_BACKGROUND_BUDGET_MS, IOS_SUSPEND_AFTER_MS } from './ios-app.machine.js';
import {
  acceptedEvents,
  initialLifecycle,
  lifecycleEvents,
  lifecycleStates,
  machineFor,
  stepLifecycle,
  type Platform,
} from './app-lifecycle.js';

export interface LifecycleTransition {
  /** The leaf state an app is in, as a dotted path. */
  from: string;
  /** The event: a lifecycle event, or xstate's delayed event (`xstate.after.backgroundBudget.ios.background.pushWake`). */
  event: string;
  to: string;
  /** For a delayed transition: the machine's delay name and its default length. */
  delay?: string;
  delayMs?: number;
}

export interface LifecycleChart {
  states: string[];
  /** The states an app can be in (the machine's leaves). */
  leaves: string[];
  initial: string;
  events: string[];
  transitions: LifecycleTransition[];
}

interface ChartNode {
  path: string[];
  states: Record<string, ChartNode>;
  after: { eventType: string; delay: string | number; target?: { path: string[] }[] }[];
}

// The delays' defaults, as the machines' context gives them (ios-app.machine.ts).
const DELAY_DEFAULTS: Record<string, number> = {
  backgroundBudget: IOS_BACKGROUND_BUDGET_MS,
  suspendAfter: IOS_SUSPEND_AFTER_MS,
};

export function lifecycleChart(platform: Platform): LifecycleChart {
  const machine: AnyStateMachine = machineFor(platform);
  const states = lifecycleStates(platform);
  const leaves = states.filter((state) => !states.some((other) => other.startsWith(`${state}.`)));
  const transitions: LifecycleTransition[] = [];
  for (const from of leaves) {
    for (const event of acceptedEvents(platform, from))
      transitions.push({ from, event, to: stepLifecycle(platform, from, event).to });
    for (const node of nodesOnPath(machine, from))
      for (const after of node.after) {
        const target = after.target?.[0]?.path.join('.');
        if (target === undefined) continue;
        const delay = typeof after.delay === 'string' ? after.delay : undefined;
        const delayMs = typeof after.delay === 'number' ? after.delay : delay ? DELAY_DEFAULTS[delay] : undefined;
        transitions.push({
          from,
          event: after.eventType,
          to: stepLifecycle(platform, from, after.eventType).to || target,
          ...(delay ? { delay } : {}),
          ...(delayMs !== undefined ? { delayMs } : {}),
        });
      }
  }
  return { states, leaves, initial: initialLifecycle(platform), events: [...lifecycleEvents(platform)], transitions };
}

/** The state nodes from the top-level state down to the leaf at `path`. */
function nodesOnPath(machine: AnyStateMachine, path: string): ChartNode[] {
  const nodes: ChartNode[] = [];
  let node = machine.root as unknown as ChartNode;
  for (const key of path.split('.')) {
    node = node.states[key]!;
    nodes.push(node);
  }
  return nodes;
}
