// Drives the platform machines with xstate's pure transition function, so each app's state is a short string in the
// registry (a dotted state path) instead of a live actor: a hundred thousand apps cost a few bytes each.
import { transition, type AnyStateMachine, type StateValue } from 'xstate';
import { iosAppMachine, IOS_APP_EVENTS, type IosAppContext } from './ios-app.machine.js';
import { androidAppMachine, ANDROID_APP_EVENTS } from './android-app.machine.js';

export type Platform = 'ios' | 'android';
export type LifecycleEventType = (typeof IOS_APP_EVENTS)[number] | (typeof ANDROID_APP_EVENTS)[number];

export interface LifecycleTimer {
  /** xstate's id for the delayed event, e.g. `xstate.after.backgroundBudget.ios.background.pushWake`. */
  id: string;
  delayMs: number;
  eventType: string;
}

export interface LifecycleStep {
  from: string;
  to: string;
  changed: boolean;
  /** Delayed transitions the new state starts; the caller schedules them on its clock. */
  timers: LifecycleTimer[];
  /** Delayed transitions that leaving the old state cancels. */
  cancels: string[];
}

export interface LifecycleSettings {
  backgroundBudgetMs?: number;
  suspendAfterMs?: number;
}

const MACHINES: Record<Platform, AnyStateMachine> = { ios: iosAppMachine, android: androidAppMachine };
const EVENTS: Record<Platform, readonly string[]> = { ios: IOS_APP_EVENTS, android: ANDROID_APP_EVENTS };
const INITIAL: Record<Platform, string> = { ios: 'notRunning', android: 'killed' };

export function machineFor(platform: Platform): AnyStateMachine {
  return MACHINES[platform];
}
export function initialLifecycle(platform: Platform): string {
  return INITIAL[platform];
}
export function lifecycleEvents(platform: Platform): readonly string[] {
  return EVENTS[platform];
}

/** The top-level state the delivery rules read: `background.pushWake` → `background`. */
export function topState(lifecycle: string): string {
  const dot = lifecycle.indexOf('.');
  return dot === -1 ? lifecycle : lifecycle.slice(0, dot);
}

export function toPath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0]!;
  return child === undefined ? key : `${key}.${toPath(child as StateValue)}`;
}

function toValue(path: string): StateValue {
  const parts = path.split('.');
  let value: StateValue = parts.pop()!;
  while (parts.length) value = { [parts.pop()!]: value };
  return value;
}

function contextFor(platform: Platform, settings: LifecycleSettings): IosAppContext | Record<string, never> {
  if (platform === 'android') return {};
  return {
    backgroundBudgetMs: settings.backgroundBudgetMs ?? 30_000,
    suspendAfterMs: settings.suspendAfterMs ?? 10_000,
  };
}

/** Every state path of a platform's machine, leaves and parents, as `GET /api/lifecycle` lists them. */
export function lifecycleStates(platform: Platform): string[] {
  const machine = MACHINES[platform];
  const paths: string[] = [];
  const walk = (node: { key: string; states: Record<string, unknown> }, prefix: string): void => {
    for (const [key, child] of Object.entries(node.states)) {
      const path = prefix ? `${prefix}.${key}` : key;
      paths.push(path);
      walk(child as { key: string; states: Record<string, unknown> }, path);
    }
  };
  walk(machine.root as unknown as { key: string; states: Record<string, unknown> }, '');
  return paths;
}

/**
 * Applies one event to a stored state with xstate's pure `transition`; runs no actions and schedules nothing itself.
 */
export function stepLifecycle(
  platform: Platform,
  from: string,
  eventType: string,
  settings: LifecycleSettings = {},
): LifecycleStep {
  const machine = MACHINES[platform];
  const snapshot = machine.resolveState({ value: toValue(from), context: contextFor(platform, settings) });
  const [next, actions] = transition(machine, snapshot, { type: eventType } as never);
  const to = toPath(next.value as StateValue);
  const timers: LifecycleTimer[] = [];
  const cancels: string[] = [];
  for (const action of actions as {
    type: string;
    params?: { id?: string; delay?: number; event?: { type: string }; sendId?: string };
  }[]) {
    if (action.type === 'xstate.raise' && action.params?.delay !== undefined && action.params.event) {
      timers.push({
        id: action.params.id ?? action.params.event.type,
        delayMs: action.params.delay,
        eventType: action.params.event.type,
      });
    } else if (action.type === 'xstate.cancel' && action.params?.sendId) {
      cancels.push(action.params.sendId);
    }
  }
  return { from, to, changed: to !== from || timers.length > 0, timers, cancels };
}

/** The events the machine takes in a state (a transition exists for them there), in the platform's event order. */
export function acceptedEvents(platform: Platform, from: string, settings: LifecycleSettings = {}): string[] {
  const machine = MACHINES[platform];
  const snapshot = machine.resolveState({ value: toValue(from), context: contextFor(platform, settings) });
  return EVENTS[platform].filter((type) => snapshot.can({ type } as never));
}

// Why an event does not apply, where the platform says so; other refusals only list what the state accepts.
const REFUSALS: Record<Platform, { event: string; states: readonly string[]; why: string }[]> = {
  ios: [
    // The system reclaims memory by terminating apps in the background or suspended, not the one the user is using
    // (https://developer.apple.com/documentation/uikit/managing-your-app-s-life-cycle; docs/reference/ios.md#app-states).
    {
      event: 'terminateBySystem',
      states: ['active', 'inactive'],
      why: 'iOS does not terminate the foreground app to reclaim resources, only apps in the background or suspended; move it to the background first (moveToBackground)',
    },
    {
      event: 'suspend',
      states: ['active', 'inactive'],
      why: 'iOS suspends only apps in the background; move it to the background first (moveToBackground)',
    },
    // The system does not launch a force-quit app for a push (docs/reference/ios.md#force-quit).
    {
      event: 'wakeForPush',
      states: ['forceQuit'],
      why: 'the system does not launch a force-quit app for a background push until the user launches it again',
    },
  ],
  android: [
    // FLAG_EXCLUDE_STOPPED_PACKAGES (docs/reference/android.md#force-stop).
    {
      event: 'wakeForPush',
      states: ['forceStopped'],
      why: 'a force-stopped app receives no broadcasts until the user launches it again',
    },
  ],
};

/** Says why an event does not apply in a state, and which events do; undefined when the machine takes it. */
export function refuseEvent(
  platform: Platform,
  from: string,
  eventType: string,
  settings: LifecycleSettings = {},
): string | undefined {
  const accepted = acceptedEvents(platform, from, settings);
  if (accepted.includes(eventType)) return undefined;
  const top = topState(from);
  const why = REFUSALS[platform].find((r) => r.event === eventType && r.states.includes(top))?.why;
  return `"${eventType}" does not apply to an ${platform === 'ios' ? 'iOS' : 'Android'} app in "${from}"${why ? `: ${why}` : ''}; events it takes now: ${accepted.join(', ') || 'none'}`;
}

// Events a push or the whole device causes; a path to a state is made of the user's and the app's own events.
const PUSH_OR_DEVICE_EVENTS = new Set(['wakeForPush', 'handlerCompleted', 'budgetExpired', 'reboot']);

/**
 * The shortest sequence of user and system events that takes an app from `from` to `target` (a top-level state or a
 * full path), found by breadth-first search over the pure transition function. Push-driven and device-wide events are left out, so
 * `PUT state` never pretends a push arrived. Returns undefined when the state cannot be reached.
 */
export function pathToState(
  platform: Platform,
  from: string,
  target: string,
  settings: LifecycleSettings = {},
): string[] | undefined {
  const matches = (path: string): boolean => path === target || (topState(path) === target && !target.includes('.'));
  if (matches(from)) return [];
  const events = EVENTS[platform].filter((e) => !PUSH_OR_DEVICE_EVENTS.has(e));
  const seen = new Set([from]);
  const queue: { at: string; steps: string[] }[] = [{ at: from, steps: [] }];
  while (queue.length) {
    const { at, steps } = queue.shift()!;
    for (const event of events) {
      const { to } = stepLifecycle(platform, at, event, settings);
      if (seen.has(to)) continue;
      const path = [...steps, event];
      if (matches(to)) return path;
      seen.add(to);
      queue.push({ at: to, steps: path });
    }
  }
  return undefined;
}
