// Applies lifecycle events to apps in the registry and runs their delayed transitions (suspension, the 30 s budget) on
// the clock.
import type { Clock, EventBus, Registry, SimulatorEvents, TimerDescriptor, TimerHandle } from '../core/index.js';
import { ErrorCodes, SimulatorError } from '../core/index.js';
import {
  pathToState,
  stepLifecycle,
  lifecycleEvents,
  refuseEvent,
  topState,
  IOS_BACKGROUND_BUDGET_MS,
  type LifecycleStep,
} from '../lifecycle/index.js';

// Why an app stopped running, for the ledger and GET /api/apps/:id.
const STOP_REASONS: Record<string, string> = {
  terminateBySystem: 'terminated by the system',
  forceQuit: 'force-quit by the user',
  kill: 'killed (swiped away or reclaimed)',
  forceStop: 'force-stopped from settings',
  reboot: 'device rebooted',
  budgetExpired: 'terminated: background time expired before the completion handler was called',
};

export interface LifecycleDriverSettings {
  backgroundBudgetMs: number;
}

/** A delayed transition waiting on the clock: its handle and when it fires. */
interface ScheduledTransition {
  handle: TimerHandle;
  dueAt: number;
}

export class LifecycleDriver {
  private readonly timers = new Map<string, Map<string, ScheduledTransition>>();

  constructor(
    private readonly registry: Registry,
    private readonly clock: Clock,
    private readonly bus: EventBus<SimulatorEvents>,
    private readonly settings: LifecycleDriverSettings = { backgroundBudgetMs: IOS_BACKGROUND_BUDGET_MS },
  ) {}

  /**
   * Sends one event to an app's machine; an event the state does not accept leaves it unchanged and returns
   * changed=false.
   */
  send(appId: string, eventType: string): LifecycleStep {
    const app = this.registry.requireApp(appId);
    const device = this.registry.requireDevice(app.deviceId);
    const events = lifecycleEvents(device.platform);
    const isDelayed = eventType.startsWith('xstate.after.');
    if (!isDelayed && !events.includes(eventType)) {
      throw new SimulatorError(
        ErrorCodes.UNKNOWN_LIFECYCLE_EVENT,
        `"${eventType}" is not a ${device.platform} lifecycle event; use one of ${events.join(', ')}`,
        'event',
      );
    }
    const step = stepLifecycle(device.platform, app.lifecycle, eventType, this.settingsFor(app.suspendAfterMs));
    for (const id of step.cancels) this.cancel(appId, id);
    if (step.to !== step.from) this.cancelAll(appId);
    for (const timer of step.timers) this.schedule(appId, timer.id, timer.delayMs, timer.eventType);
    if (step.to !== step.from) {
      const named = isDelayed
        ? eventType.includes('backgroundBudget')
          ? 'budgetExpired'
          : eventType.includes('suspendAfter')
            ? 'suspend'
            : eventType
        : eventType;
      const running = ['active', 'inactive', 'background', 'foreground'].includes(topState(step.to));
      const reason = running ? undefined : STOP_REASONS[named];
      this.registry.setLifecycle(appId, step.to, reason);
      this.bus.emit('app.state-changed', {
        appId,
        deviceId: app.deviceId,
        from: step.from,
        to: step.to,
        event: named,
        ...(reason ? { reason } : {}),
      });
    }
    return step;
  }

  /**
   * An event someone asked for (REST, the client shim, a scenario step): refused with a 409 that says why and lists the
   * events the state takes, where `send` would leave the app unchanged without a word. `reboot` is a device event and
   * always applies.
   */
  request(appId: string, eventType: string): LifecycleStep {
    const app = this.registry.requireApp(appId);
    const device = this.registry.requireDevice(app.deviceId);
    if (eventType !== 'reboot' && lifecycleEvents(device.platform).includes(eventType)) {
      const refusal = refuseEvent(device.platform, app.lifecycle, eventType, this.settingsFor(app.suspendAfterMs));
      if (refusal) throw new SimulatorError(ErrorCodes.EVENT_NOT_APPLICABLE, refusal, 'event');
    }
    const step = this.send(appId, eventType);
    this.bus.emit('app.lifecycle-requested', { appId, deviceId: app.deviceId, event: eventType });
    return step;
  }

  /** Takes an app to a state by the shortest path of user and system events; returns the events applied. */
  goTo(appId: string, target: string): string[] {
    const app = this.registry.requireApp(appId);
    const device = this.registry.requireDevice(app.deviceId);
    const path = pathToState(device.platform, app.lifecycle, target);
    if (!path)
      throw new SimulatorError(
        ErrorCodes.STATE_UNREACHABLE,
        `a ${device.platform} app cannot be taken to "${target}" from "${app.lifecycle}"; GET /api/lifecycle lists the states`,
        'state',
      );
    for (const event of path) this.send(appId, event);
    this.bus.emit('app.state-requested', { appId, deviceId: app.deviceId, state: target, events: path });
    return path;
  }

  /** Reboots a device: every app on it gets the `reboot` event. */
  reboot(deviceId: string): void {
    for (const app of this.registry.listApps(deviceId)) this.send(app.id, 'reboot');
    this.bus.emit('device.rebooted', { deviceId });
  }

  forget(appId: string): void {
    this.cancelAll(appId);
  }

  /** When the app's running background budget (iOS background execution time) ends; undefined when none runs. */
  budgetEndsAt(appId: string): number | undefined {
    const perApp = this.timers.get(appId);
    if (!perApp) return undefined;
    for (const [id, scheduled] of perApp) if (timerKind(id) === 'budget') return scheduled.dueAt;
    return undefined;
  }

  private settingsFor(suspendAfterMs: number | undefined) {
    return {
      backgroundBudgetMs: this.settings.backgroundBudgetMs,
      ...(suspendAfterMs !== undefined ? { suspendAfterMs } : {}),
    };
  }

  clear(): void {
    for (const appId of [...this.timers.keys()]) this.cancelAll(appId);
  }

  private schedule(appId: string, id: string, delayMs: number, eventType: string): void {
    this.cancel(appId, id);
    const handle = this.clock.setTimer(
      () => {
        this.timers.get(appId)?.delete(id);
        if (this.registry.app(appId)) this.send(appId, eventType);
      },
      delayMs,
      this.describe(appId, id, delayMs),
    );
    let perApp = this.timers.get(appId);
    if (!perApp) {
      perApp = new Map();
      this.timers.set(appId, perApp);
    }
    perApp.set(id, { handle, dueAt: this.clock.now() + Math.max(0, delayMs) });
  }

  /** The timer as GET /api/clock/timers lists it: what the machine's delay does to which app. */
  private describe(appId: string, id: string, delayMs: number): TimerDescriptor {
    const app = this.registry.app(appId);
    const kind = timerKind(id);
    const who = app ? `${app.bundleId} (${appId})` : appId;
    const seconds = `${Math.round(delayMs / 100) / 10} s`;
    const label =
      kind === 'budget'
        ? `background budget of ${who}: terminated unless its completion handler is called within ${seconds}`
        : kind === 'suspend'
          ? `${who} is suspended ${seconds} after moving to the background`
          : `delayed lifecycle transition of ${who} (${id})`;
    return { kind, label, appId, ...(app ? { deviceId: app.deviceId } : {}) };
  }

  private cancel(appId: string, id: string): void {
    const scheduled = this.timers.get(appId)?.get(id);
    if (scheduled) {
      this.clock.clearTimer(scheduled.handle);
      this.timers.get(appId)!.delete(id);
    }
  }

  private cancelAll(appId: string): void {
    const perApp = this.timers.get(appId);
    if (!perApp) return;
    for (const { handle } of perApp.values()) this.clock.clearTimer(handle);
    this.timers.delete(appId);
  }
}

/** A delayed transition's kind, from the machine's delay names (ios-app.machine.ts: backgroundBudget, suspendAfter). */
function timerKind(id: string): 'budget' | 'suspend' | 'activity' {
  return id.includes('.backgroundBudget.') ? 'budget' : id.includes('.suspendAfter.') ? 'suspend' : 'activity';
}
