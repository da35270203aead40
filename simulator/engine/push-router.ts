// Routes an accepted push to its app: token → install, offline store, expiry, throttle, decideDelivery, wake, hand-over.
// Every push that enters here leaves with a fate in the ledger; nothing is lost silently.
import type { Clock, EventBus, Ledger, LedgerEntry, Registry, SimulatorEvents, Push, Fate, TimerHandle, Device, InstalledApp, TokenAddress } from '../core/index.js';
import { decideDelivery, OfflineStore, SilentPushThrottle, StandbyBucketBudget, type Outcome } from '../delivery/index.js';
import { SimulatorError, seededRandom } from '../core/index.js';
import { topState } from '../lifecycle/index.js';
import type { LifecycleDriver } from './lifecycle-driver.js';
import type { AppConnection, DeliveryAck, HandlerCompletion } from './app-connection.js';

export interface RouteResult { entry: LedgerEntry; outcome?: Outcome }

const IOS_WAKEABLE_STATES = new Set(['background', 'suspended', 'notRunning']);

export class PushRouter {
  private readonly store = new OfflineStore();
  private readonly deferred = new Map<string, Push[]>();
  private readonly expiryTimers = new Map<string, TimerHandle>();
  /** Pushes whose iOS background handler has not completed yet, per app. */
  private readonly awaitingCompletion = new Map<string, Set<string>>();
  private readonly connections = new Map<string, AppConnection>();
  /** Apps whose shim was attached and is gone: their code cannot run until a shim attaches again. */
  private readonly unreachable = new Set<string>();
  /** Deliveries handed to a shim and not yet acknowledged: push id → app id. */
  private readonly inFlight = new Map<string, string>();
  readonly throttle = new SilentPushThrottle();
  private readonly standby = new StandbyBucketBudget();
  /** Seeded chaos: the chance that an iOS background push is lost, as APNs "does not guarantee" their delivery. */
  private chaos = { backgroundDropProbability: 0, seed: 1 };
  private chaosRandom = seededRandom(1);
  /** Background pushes the device holds for an app after throttling it: the newest only (apns.md §2 "On-device holding"). */
  private readonly heldOnDevice = new Map<string, Push>();
  /** Notifications on screen by collapse id, per app: a newer one with the same id replaces the older. */
  private readonly onScreen = new Map<string, string>();

  constructor(
    private readonly registry: Registry,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    private readonly lifecycle: LifecycleDriver,
    private readonly bus: EventBus<SimulatorEvents>,
  ) {
    bus.on('device.conditions-changed', ({ deviceId, changed }) => {
      if (changed.online === true) this.flushStored(deviceId);
      if (changed.doze === false) this.flushDeferred(deviceId);
    });
    bus.on('app.state-changed', (change) => this.onStateChanged(change.appId, change.from, change.to, change.event));
  }

  /** Takes a push whose token addresses an installed app. The caller has already validated and authenticated it. */
  route(push: Push, resolved?: TokenAddress): RouteResult {
    const address = resolved ?? this.registry.resolveToken(push.token);
    if (!address) {
      const entry = this.ledger.open(push, { name: 'dropped', reason: 'no installed app owns this token' });
      return { entry };
    }
    const { app, device } = address;
    const entry = this.ledger.open(push, { name: 'accepted' }, { deviceId: device.id, appId: app.id });
    for (const note of push.notes ?? []) this.ledger.note(push.id, push.acceptedAt, note);
    const outcome = this.attempt(push, app, device);
    return outcome ? { entry, outcome } : { entry };
  }

  configureChaos(chaos: { backgroundDropProbability: number; seed?: number }): void {
    this.chaos = { backgroundDropProbability: chaos.backgroundDropProbability, seed: chaos.seed ?? this.chaos.seed };
    this.chaosRandom = seededRandom(this.chaos.seed);
  }

  get chaosSettings(): { backgroundDropProbability: number; seed: number } { return { ...this.chaos }; }

  /** Attaches a live app (the client shim); deliveries then go to it and it reports handler completion. */
  attach(appId: string, connection: AppConnection): void {
    this.connections.set(appId, connection);
    this.unreachable.delete(appId);
    this.bus.emit('app.attached', { appId });
  }

  /** The shim is gone: the app counts as unreachable, and deliveries it never acknowledged are settled, not lost. */
  detach(appId: string, connection: AppConnection, reason = 'the client shim disconnected'): void {
    if (this.connections.get(appId) !== connection) return;
    this.connections.delete(appId);
    if (!this.registry.app(appId)) return;
    this.unreachable.add(appId);
    for (const [pushId, owner] of [...this.inFlight]) {
      if (owner !== appId) continue;
      this.inFlight.delete(pushId);
      this.settle(pushId, { name: 'dropped', reason: `${reason} before the app acknowledged the delivery, so its callback may not have run` });
    }
    this.bus.emit('app.detached', { appId, reason });
  }

  isAttached(appId: string): boolean { return this.connections.has(appId); }
  isReachable(appId: string): boolean { return !this.unreachable.has(appId); }

  /** The shim reports what the app's code did with a delivery; the ledger records the listener and message, or why none ran. */
  acknowledge(appId: string, ack: DeliveryAck): void {
    const entry = this.ledger.get(ack.pushId);
    if (!entry || entry.appId !== appId) return;
    const now = this.clock.now();
    if (ack.ran) {
      this.inFlight.delete(ack.pushId);
      const receipt = { at: now, callback: ack.callback ?? 'unknown', ...(ack.message !== undefined ? { message: ack.message } : {}), ...(ack.durationMs !== undefined ? { durationMs: ack.durationMs } : {}) };
      this.ledger.receipt(ack.pushId, receipt);
      if (entry.fate.name !== 'delivered' || entry.fate.callback !== receipt.callback) {
        this.settle(ack.pushId, { ...entry.fate, name: 'delivered', callback: receipt.callback, reason: undefined } as Omit<Fate, 'at'>);
      }
      if (ack.error) this.ledger.note(ack.pushId, now, `${receipt.callback} threw: ${ack.error}`);
      return;
    }
    if (ack.queued) {
      this.settle(ack.pushId, { name: 'deferred', reason: ack.reason ?? 'held on the device by the SDK', ...(entry.fate.ruleId ? { ruleId: entry.fate.ruleId } : {}) });
      return;
    }
    this.inFlight.delete(ack.pushId);
    this.settle(ack.pushId, { name: entry.fate.displayed ? 'displayed' : 'dropped', displayed: entry.fate.displayed ?? false, reason: ack.reason ?? 'the app had no callback for it', ...(entry.fate.ruleId ? { ruleId: entry.fate.ruleId } : {}) });
  }

  /** The user taps the notification of a displayed push: the app is opened and told which push it was. */
  open(appId: string, pushId: string): string {
    const entry = this.ledger.get(pushId);
    const app = this.registry.requireApp(appId);
    if (!entry || entry.appId !== appId) throw new SimulatorError('PUSH_NOT_FOUND', `push ${pushId} was not sent to app ${appId}; GET /api/pushes?app=${appId} lists its pushes`, 'pushId', 404);
    if (!entry.fate.displayed) throw new SimulatorError('NOT_DISPLAYED', `push ${pushId} shows no notification (its fate is ${entry.fate.name}), so there is nothing to tap`, 'pushId', 409);
    const stateBefore = app.lifecycle;
    this.ledger.note(pushId, this.clock.now(), `notification tapped (app was ${stateBefore})`);
    // The tap comes first: the system launches the app with it (launch options, launcher intent), then the app runs.
    this.connections.get(appId)?.opened?.(entry.push, stateBefore);
    this.lifecycle.send(appId, 'tapNotification');
    return stateBefore;
  }

  /** The app finished handling a push: on iOS this is the fetch completion handler, which lets the system suspend it. */
  complete(appId: string, completion: HandlerCompletion): void {
    const pending = this.awaitingCompletion.get(appId);
    const described = [completion.result && `result ${completion.result}`, completion.error && `error: ${completion.error}`, completion.durationMs !== undefined && `after ${completion.durationMs} ms`].filter(Boolean).join(', ');
    this.ledger.note(completion.pushId, this.clock.now(), `handler completed${described ? ` (${described})` : ''}`);
    if (!pending?.delete(completion.pushId)) return;
    if (pending.size === 0) {
      this.awaitingCompletion.delete(appId);
      const app = this.registry.app(appId);
      if (app && app.lifecycle === 'background.pushWake') this.lifecycle.send(appId, 'handlerCompleted');
    }
  }

  /** Pushes held for an app (offline store), for the control API. */
  heldFor(appId: string): readonly Push[] { return this.store.heldFor(appId); }

  forgetApp(appId: string): void {
    for (const push of this.store.release(appId)) this.settle(push.id, { name: 'dropped', reason: 'the app was uninstalled while the push was held' });
    for (const push of this.deferred.get(appId) ?? []) this.settle(push.id, { name: 'dropped', reason: 'the app was uninstalled while the push was deferred' });
    this.deferred.delete(appId);
    const held = this.heldOnDevice.get(appId);
    if (held) { this.heldOnDevice.delete(appId); this.settle(held.id, { name: 'dropped', reason: 'the app was uninstalled while the device held the push' }); }
    this.awaitingCompletion.delete(appId);
    this.connections.delete(appId);
    this.unreachable.delete(appId);
    for (const [pushId, owner] of [...this.inFlight]) if (owner === appId) this.inFlight.delete(pushId);
    this.throttle.forget(appId);
  }

  clear(): void {
    this.store.clear(); this.deferred.clear(); this.awaitingCompletion.clear(); this.throttle.clear();
    this.heldOnDevice.clear(); this.onScreen.clear(); this.standby.clear();
    this.connections.clear(); this.unreachable.clear(); this.inFlight.clear();
    for (const handle of this.expiryTimers.values()) this.clock.clearTimer(handle);
    this.expiryTimers.clear();
  }

  private attempt(push: Push, app: InstalledApp, device: Device): Outcome | undefined {
    const now = this.clock.now();
    if (push.expiresAt !== undefined && push.expiresAt !== 0 && push.expiresAt <= now) {
      this.settle(push.id, { name: 'expired', reason: 'its expiry passed before the device could be reached' });
      return undefined;
    }
    if (!device.conditions.online) {
      if (push.expiresAt === 0) {
        this.settle(push.id, { name: 'expired', reason: 'expiry 0 means one delivery attempt, and the device was offline' });
        return undefined;
      }
      for (const eviction of this.store.hold(app.id, push)) this.settle(eviction.pushId, { name: eviction.fate, reason: eviction.reason });
      this.settle(push.id, { name: 'stored', reason: 'the device is offline; the service holds the push until it reconnects or the push expires' });
      this.armExpiry(push, app.id);
      return undefined;
    }

    const state = topState(app.lifecycle);
    const wakesIosApp = device.platform === 'ios' && (push.kind === 'background' || push.kind === 'alert+background') && IOS_WAKEABLE_STATES.has(state);
    if (wakesIosApp && !device.conditions.debuggerAttached && !this.throttle.consume(app.id, now)) {
      const { perWindow, windowMs } = this.throttle.current;
      // "A newer background push replaces the held one" ([BG]).
      const older = this.heldOnDevice.get(app.id);
      if (older) this.settle(older.id, { name: 'collapsed', reason: `replaced by ${push.id}: the device holds only the newest throttled background push` });
      this.heldOnDevice.set(app.id, push);
      this.settle(push.id, { name: 'throttled', reason: `the app already had ${perWindow} background pushes in the last ${Math.round(windowMs / 60_000)} min; Apple throttles background pushes ("more than two or three per hour"). The device holds it (the newest only) and delivers it when the app is launched` });
      return undefined;
    }

    if (device.platform === 'android' && push.priority === 'high' && !this.standby.consume(app.id, device.conditions.standbyBucket, now)) {
      push.priority = 'normal';
      this.ledger.note(push.id, now, `high priority downgraded to normal: the app is in the "${device.conditions.standbyBucket}" App Standby bucket and used its daily high-priority allowance`);
    }
    if (device.platform === 'ios' && push.kind === 'background' && this.chaos.backgroundDropProbability > 0 && this.chaosRandom() < this.chaos.backgroundDropProbability) {
      this.settle(push.id, { name: 'dropped', reason: `APNs treats background pushes as low priority and does not guarantee their delivery; chaos dropped this one (probability ${this.chaos.backgroundDropProbability}, seed ${this.chaos.seed})` });
      return undefined;
    }
    const outcome = decideDelivery({
      kind: push.kind, priority: push.priority, platform: device.platform, state, conditions: device.conditions,
      sdkProfile: app.sdkProfile, sdkVersion: app.sdkVersion, ...(app.fidelity ? { fidelity: app.fidelity } : {}),
    });
    this.apply(push, app, device, state, outcome);
    return outcome;
  }

  private apply(push: Push, app: InstalledApp, device: Device, state: string, outcome: Outcome): void {
    if (outcome.fate === 'deferred' && push.expiresAt === 0) {
      // FCM: "0 means deliver now or drop" — it cannot wait for a maintenance window.
      this.settle(push.id, { name: 'expired', reason: 'ttl 0 means deliver now or drop, and the device is in Doze (normal priority waits for a maintenance window)' });
      return;
    }
    if (outcome.fate === 'deferred') {
      const queue = this.deferred.get(app.id) ?? [];
      queue.push(push);
      this.deferred.set(app.id, queue);
      this.settle(push.id, this.fateOf(outcome));
      this.armExpiry(push, app.id);
      return;
    }
    if (outcome.wake) {
      const step = this.lifecycle.send(app.id, 'wakeForPush');
      if (step.to !== step.from || step.timers.length) this.ledger.note(push.id, this.clock.now(), `app woken: ${step.from} → ${step.to}`);
      if (device.platform === 'ios' && outcome.wake === 'background') {
        const pending = this.awaitingCompletion.get(app.id) ?? new Set<string>();
        pending.add(push.id);
        this.awaitingCompletion.set(app.id, pending);
      }
    }
    if (outcome.fate === 'delivered' && this.unreachable.has(app.id)) {
      this.settle(push.id, { ...this.fateOf(outcome), name: outcome.display ? 'displayed' : 'dropped', reason: 'the app\'s client shim is disconnected, so none of its code can run' });
      return;
    }
    if (outcome.display && push.collapseId !== undefined) this.replaceOnScreen(app.id, push);
    this.settle(push.id, this.fateOf(outcome));
    const connection = this.connections.get(app.id);
    if (connection && (outcome.fate === 'delivered' || outcome.wake || outcome.display)) {
      if (outcome.fate === 'delivered') this.inFlight.set(push.id, app.id);
      connection.deliver({ pushId: push.id, appId: app.id, push, outcome, state });
      return;
    }
    if (outcome.fate === 'delivered' && device.platform === 'ios' && outcome.wake === 'background') this.completeVirtually(app, push.id);
  }

  private replaceOnScreen(appId: string, push: Push): void {
    const key = `${appId}\u0000${push.collapseId}`;
    const older = this.onScreen.get(key);
    this.onScreen.set(key, push.id);
    const entry = older ? this.ledger.get(older) : undefined;
    if (entry && entry.fate.displayed) {
      this.settle(older!, { ...entry.fate, name: 'collapsed', displayed: false, reason: `replaced on screen by ${push.id} with the same collapse id "${push.collapseId}"` });
    }
  }

  /** A virtual app (no shim attached) runs its handler for `handlerTimeMs` of clock time, then calls the completion handler. */
  private completeVirtually(app: InstalledApp, pushId: string): void {
    const handlerTimeMs = app.handlerTimeMs ?? 0;
    if (handlerTimeMs < 0) return;
    const finish = (): void => { if (this.registry.app(app.id)) this.complete(app.id, { pushId, result: 'newData', durationMs: handlerTimeMs }); };
    if (handlerTimeMs === 0) finish();
    else this.clock.setTimer(finish, handlerTimeMs);
  }

  private fateOf(outcome: Outcome): Omit<Fate, 'at'> {
    const fate: Omit<Fate, 'at'> = { name: outcome.fate, ruleId: outcome.ruleIds.join(' → '), displayed: outcome.display };
    if (outcome.callbacks[0]) fate.callback = outcome.callbacks.join(', ');
    if (outcome.platformCallbacks.length) fate.platformCallback = outcome.platformCallbacks.join(', ');
    if (outcome.reason) fate.reason = outcome.reason;
    return fate;
  }

  private settle(pushId: string, fate: Omit<Fate, 'at'>): void {
    if (fate.name !== 'stored' && fate.name !== 'deferred') this.disarmExpiry(pushId);
    this.ledger.settle(pushId, { ...fate, at: this.clock.now() });
  }

  private armExpiry(push: Push, appId: string): void {
    if (push.expiresAt === undefined || push.expiresAt === 0) return;
    const handle = this.clock.setTimer(() => {
      this.expiryTimers.delete(push.id);
      const removed = this.store.remove(appId, push.id) || this.removeDeferred(appId, push.id);
      if (removed) this.settle(push.id, { name: 'expired', reason: 'its expiry passed while it was held' });
    }, push.expiresAt - this.clock.now());
    this.expiryTimers.set(push.id, handle);
  }

  private disarmExpiry(pushId: string): void {
    const handle = this.expiryTimers.get(pushId);
    if (handle) { this.clock.clearTimer(handle); this.expiryTimers.delete(pushId); }
  }

  private removeDeferred(appId: string, pushId: string): boolean {
    const queue = this.deferred.get(appId);
    const index = queue?.findIndex((p) => p.id === pushId) ?? -1;
    if (index === -1) return false;
    queue!.splice(index, 1);
    return true;
  }

  private flushStored(deviceId: string): void {
    for (const app of this.registry.listApps(deviceId)) {
      for (const push of this.store.release(app.id)) this.redeliver(push, app.id);
    }
  }

  private flushDeferred(deviceId: string): void {
    for (const app of this.registry.listApps(deviceId)) {
      const queue = this.deferred.get(app.id);
      if (!queue) continue;
      this.deferred.delete(app.id);
      for (const push of queue) this.redeliver(push, app.id);
    }
  }

  private redeliver(push: Push, appId: string): void {
    const app = this.registry.app(appId);
    if (!app) return;
    this.disarmExpiry(push.id);
    this.attempt(push, app, this.registry.requireDevice(app.deviceId));
  }

  private onStateChanged(appId: string, from: string, to: string, event: string): void {
    const connection = this.connections.get(appId);
    connection?.lifecycleChanged?.(from, to, event, this.registry.app(appId)?.stoppedBecause);
    const held = this.heldOnDevice.get(appId);
    if (held) {
      if (to === 'forceQuit' || event === 'terminateBySystem' || event === 'reboot') {
        // "A force quit or kill discards the held push" ([BG]).
        this.heldOnDevice.delete(appId);
        this.settle(held.id, { name: 'dropped', reason: `the held background push was discarded: the app was ${event === 'forceQuit' ? 'force-quit' : event === 'reboot' ? 'stopped by a reboot' : 'killed'}` });
      } else if (to === 'active' && (event === 'launch' || event === 'tapNotification')) {
        // "Launching the app delivers the held push immediately" ([BG]).
        this.heldOnDevice.delete(appId);
        const app = this.registry.app(appId);
        if (app) this.attempt(held, app, this.registry.requireDevice(app.deviceId));
      }
    }
    if (from === 'background.pushWake' && to === 'notRunning') {
      const pending = this.awaitingCompletion.get(appId);
      this.awaitingCompletion.delete(appId);
      for (const pushId of pending ?? []) this.ledger.note(pushId, this.clock.now(), 'app terminated: the completion handler was not called within the background time ("or your app will be terminated")');
    }
  }
}
