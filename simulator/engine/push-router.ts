// Routes an accepted push to its app through the pipeline's stages (engine/stages/): resolve the token → expiry →
// offline hold → on-device hold and throttle → decide → defer → wake → hand over → settle. Each stage keeps its own
// state and decides a fate only by a row of the rules table; every push leaves with a fate naming those rows.
import type {
  Clock,
  EventBus,
  Fate,
  Ledger,
  LedgerEntry,
  Registry,
  SimulatorEvents,
  Push,
  TokenAddress,
} from '../core/index.js';
import { ErrorCodes, SimulatorError } from '../core/index.js';
import {
  UNINSTALL_RULES,
  firstRule,
  type Outcome,
  type RulesTable,
  type SilentPushThrottle,
} from '../delivery/index.js';
import { topState } from '../lifecycle/index.js';
import type { LifecycleDriver } from './lifecycle-driver.js';
import type { AppConnection, DeliveryAck, HandlerCompletion } from './app-connection.js';
import {
  channelOf,
  type DecidedFate,
  type InFlightPush,
  type PipelineContext,
  type Settle,
  resolveToken,
  ExpiryStage,
  OfflineHold,
  ThrottleStage,
  decide,
  DeferStage,
  WakeStage,
  HandOverStage,
  ackFate,
  createSettle,
  idsOf,
} from './stages/index.js';

export interface RouteResult {
  entry: LedgerEntry;
  outcome?: Outcome;
}

export class PushRouter {
  private readonly ctx: PipelineContext;
  private readonly expiry: ExpiryStage;
  private readonly offline: OfflineHold;
  private readonly throttling = new ThrottleStage();
  private readonly defer = new DeferStage();
  private readonly waking: WakeStage;
  private readonly handOver: HandOverStage;
  private readonly settle: Settle;

  constructor(
    registry: Registry,
    ledger: Ledger,
    clock: Clock,
    lifecycle: LifecycleDriver,
    private readonly bus: EventBus<SimulatorEvents>,
    rules: RulesTable,
  ) {
    this.ctx = { registry, ledger, clock, lifecycle, bus, rules };
    this.offline = new OfflineHold(rules);
    this.expiry = new ExpiryStage(this.ctx);
    this.waking = new WakeStage(this.ctx);
    this.handOver = new HandOverStage(ledger);
    // A push that leaves the places it waits (store, Doze) no longer needs its expiry timer.
    this.settle = createSettle(this.ctx, (pushId, fate) => {
      if (fate.name !== 'stored' && fate.name !== 'deferred') this.expiry.disarm(pushId);
    });
    bus.on('device.conditions-changed', ({ deviceId, changed }) => {
      if (changed.online === true) this.flush(deviceId, (appId) => this.offline.release(appId));
      if (changed.doze === false) this.flush(deviceId, (appId) => this.defer.release(appId));
    });
    bus.on('app.state-changed', (change) => this.onStateChanged(change.appId, change.from, change.to, change.event));
  }

  /** Apple's silent-push budget (the throttle stage's), for configuration. */
  get throttle(): SilentPushThrottle {
    return this.throttling.throttle;
  }

  /**
   * Takes a push whose token addresses an installed app. The caller has already validated and authenticated it.
   * The entry returned is the ledger's after the pipeline ran (read again: a store may hand out copies).
   */
  route(push: Push, resolved?: TokenAddress): RouteResult {
    const { entry: opened, address } = resolveToken(this.ctx, push, resolved);
    if (!address && opened) return { entry: opened };
    const outcome = address ? this.attempt(push, address.app.id, []) : undefined;
    // Read when asked for: the wire providers answer from the outcome and never read it, so most pushes build none.
    // The push was entered in this same tick, so the ledger still holds it (limit 0 keeps the push just opened).
    const ledger = this.ctx.ledger;
    let entry: LedgerEntry | undefined;
    const result = {
      get entry(): LedgerEntry {
        entry ??= ledger.get(push.id) ?? opened!;
        return entry;
      },
    } as RouteResult;
    if (outcome) result.outcome = outcome;
    return result;
  }

  configureChaos(chaos: { backgroundDropProbability: number; seed?: number }): void {
    this.throttling.configureChaos(chaos);
    this.bus.emit('chaos.configured', this.throttling.chaosSettings);
  }
  get chaosSettings(): { backgroundDropProbability: number; seed: number } {
    return this.throttling.chaosSettings;
  }

  /** Attaches a live app (the client shim); deliveries then go to it and it reports handler completion. */
  attach(appId: string, connection: AppConnection): void {
    this.handOver.attach(appId, connection);
    this.bus.emit('app.attached', { appId });
  }

  /** The shim is gone: the app counts as unreachable, and deliveries it never acknowledged are settled, not lost. */
  detach(appId: string, connection: AppConnection, reason = 'the client shim disconnected'): void {
    if (this.handOver.detach(appId, connection, reason, this.ctx.registry.app(appId) !== undefined, this.settle))
      this.bus.emit('app.detached', { appId, reason });
  }

  isAttached(appId: string): boolean {
    return this.handOver.isAttached(appId);
  }
  isReachable(appId: string): boolean {
    return this.handOver.isReachable(appId);
  }

  /**
   * The shim reports what the app's code did with a delivery; the ledger records the listener and message, or why none
   * ran.
   */
  acknowledge(appId: string, ack: DeliveryAck): void {
    const entry = this.ctx.ledger.get(ack.pushId);
    if (!entry || entry.appId !== appId) return;
    const now = this.ctx.clock.now();
    if (!ack.queued || ack.ran) this.handOver.acknowledged(ack.pushId);
    if (ack.ran) {
      const receipt = {
        at: now,
        callback: ack.callback ?? 'unknown',
        ...(ack.message !== undefined ? { message: ack.message } : {}),
        ...(ack.durationMs !== undefined ? { durationMs: ack.durationMs } : {}),
      };
      this.ctx.ledger.receipt(ack.pushId, receipt);
    }
    const next = ackFate(entry.fate, ack);
    if (next) this.settle(ack.pushId, next.fate, next.ruleIds);
    if (ack.ran && ack.error) this.ctx.ledger.note(ack.pushId, now, `${ack.callback ?? 'unknown'} threw: ${ack.error}`);
  }

  /** The user taps the notification of a displayed push: the app is opened and told which push it was. */
  open(appId: string, pushId: string): string {
    const entry = this.ctx.ledger.get(pushId);
    const app = this.ctx.registry.requireApp(appId);
    if (!entry || entry.appId !== appId)
      throw new SimulatorError(
        ErrorCodes.PUSH_NOT_FOUND,
        `push ${pushId} was not sent to app ${appId}; GET /api/pushes?app=${appId} lists its pushes`,
        'pushId',
      );
    if (!entry.fate.displayed)
      throw new SimulatorError(
        ErrorCodes.NOT_DISPLAYED,
        `push ${pushId} shows no notification (its fate is ${entry.fate.name}), so there is nothing to tap`,
        'pushId',
      );
    const stateBefore = app.lifecycle;
    this.ctx.ledger.note(pushId, this.ctx.clock.now(), `notification tapped (app was ${stateBefore})`);
    // The tap comes first: the system launches the app with it (launch options, launcher intent), then the app runs.
    this.handOver.connection(appId)?.opened?.(entry.push, stateBefore);
    this.ctx.lifecycle.send(appId, 'tapNotification');
    return stateBefore;
  }

  /**
   * The app finished handling a push: on iOS this is the fetch completion handler, which lets the system suspend it.
   */
  complete(appId: string, completion: HandlerCompletion): void {
    this.waking.complete(appId, completion);
  }

  /** Pushes held for an app (offline store), for the control API. */
  heldFor(appId: string): readonly Push[] {
    return this.offline.heldFor(appId);
  }

  forgetApp(appId: string): void {
    const uninstalled = firstRule(UNINSTALL_RULES, { waiting: 'stored' })!;
    const drop = (push: Push, where: string): void => {
      const entry = this.ctx.ledger.get(push.id);
      this.settle(push.id, { name: 'dropped', reason: `the app was uninstalled while ${where}` }, [
        ...(entry ? idsOf(entry.fate) : []),
        uninstalled.id,
      ]);
    };
    for (const push of this.offline.release(appId)) drop(push, 'the push was held');
    for (const push of this.defer.release(appId)) drop(push, 'the push was deferred');
    const held = this.throttling.takeHeld(appId);
    if (held) drop(held, 'the device held the push');
    this.waking.forget(appId);
    this.handOver.forget(appId);
    this.throttling.forget(appId);
  }

  clear(): void {
    this.offline.clear();
    this.defer.clear();
    this.waking.clear();
    this.throttling.clear();
    this.handOver.clear();
    this.expiry.clear();
  }

  /** The stages from expiry on, for a new push or one that comes back (device online, Doze over, app launched). */
  private attempt(push: Push, appId: string, via: string[]): Outcome | undefined {
    const app = this.ctx.registry.app(appId);
    if (!app) return undefined;
    const device = this.ctx.registry.requireDevice(app.deviceId);
    const flight: InFlightPush = {
      push,
      app,
      device,
      channel: channelOf(push, device),
      state: topState(app.lifecycle),
      via: [...via],
    };
    if (this.expiry.check(flight, this.settle)) return undefined;
    if (this.offline.hold(flight, this.settle)) {
      this.expiry.arm(push, () => this.offline.remove(app.id, push.id), this.settle, {
        appId: app.id,
        deviceId: device.id,
        held: 'stored',
      });
      return undefined;
    }
    const now = this.ctx.clock.now();
    if (this.throttling.apply(flight, now, this.settle, (text) => this.ctx.ledger.note(push.id, now, text)))
      return undefined;
    const outcome = decide(flight, this.ctx.rules);
    const ruleIds = [...flight.via, ...outcome.ruleIds];
    const fate = fateOf(outcome);
    if (outcome.fate === 'deferred') {
      if (this.defer.hold(flight, ruleIds, fate, this.settle) === 'held')
        this.expiry.arm(push, () => this.defer.remove(app.id, push.id), this.settle, {
          appId: app.id,
          deviceId: device.id,
          held: 'deferred',
        });
      return outcome;
    }
    this.waking.wake(flight, outcome);
    const runsVirtually = this.handOver.deliver(flight, outcome, fate, ruleIds, this.settle);
    if (runsVirtually && device.platform === 'ios' && outcome.wake === 'background')
      this.waking.completeVirtually(app, push.id);
    return outcome;
  }

  private flush(deviceId: string, take: (appId: string) => Push[]): void {
    for (const app of this.ctx.registry.listApps(deviceId)) {
      for (const push of take(app.id)) {
        this.expiry.disarm(push.id);
        this.attempt(push, app.id, []);
      }
    }
  }

  private onStateChanged(appId: string, from: string, to: string, event: string): void {
    this.handOver.connection(appId)?.lifecycleChanged?.(from, to, event, this.ctx.registry.app(appId)?.stoppedBecause);
    const handedOn = this.throttling.onStateChanged(appId, event, to, this.settle, (pushId) =>
      idsOf(this.ctx.ledger.get(pushId)?.fate ?? ({} as Fate)),
    );
    if (handedOn) this.attempt(handedOn.push, appId, [handedOn.via]);
    this.waking.onStateChanged(appId, from, to);
  }
}

function fateOf(outcome: Outcome): DecidedFate {
  const fate: DecidedFate = { name: outcome.fate, displayed: outcome.display };
  if (outcome.callbacks[0]) fate.callback = outcome.callbacks.join(', ');
  if (outcome.platformCallbacks.length) fate.platformCallback = outcome.platformCallbacks.join(', ');
  if (outcome.reason) fate.reason = outcome.reason;
  return fate;
}
