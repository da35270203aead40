// The one core behind the CLI, the REST API, the dashboard and startSimulator(): registry, clock, ledger, lifecycles,
// router.
import { randomUUID } from 'node:crypto';
import { exposedGc, releaseHeapWhenLedgerEmpties } from './heap-release.js';
import {
  EventBus,
  ErrorCodes,
  SimulatorError,
  createClock,
  createCompactLedger,
  createInMemoryRegistry,
  parseDuration,
  type Ledger,
  type LedgerFactory,
  type LedgerObserver,
  type Registry,
  type RegistryFactory,
  type TokenKind,
  type Clock,
  type Device,
  type CreateDeviceInput,
  type InstalledApp,
  type Push,
  type PushKind,
  type PushPriority,
  type ProviderName,
  type SdkProfile,
  type Fate,
  type ApnsEnvironment,
  type FidelityOptions,
  type SimulatorEvents,
  type Duration,
} from '../core/index.js';
import { initialLifecycle, IOS_BACKGROUND_BUDGET_MS } from '../lifecycle/index.js';
import { CORE_RULES, firstRule, type RulesTable, type ThrottleSettings } from '../delivery/index.js';
import { LiveActivities, type LiveActivityDeclaration, type LiveActivitySettings } from '../live-activity/index.js';
import { LifecycleDriver } from './lifecycle-driver.js';
import { PushRouter, type RouteResult } from './push-router.js';

export interface SimulationOptions {
  /** `real` (default) for a server, `virtual` for tests and scenarios, or your own Clock. */
  clock?: 'real' | 'virtual' | Clock;
  /** Start time of a virtual clock, ms since epoch. */
  startAt?: number;
  /** Most ledger entries kept; the oldest go first (100,000 by default; 0 keeps only the push in flight). */
  ledgerLimit?: number;
  /** Ledger entries accepted longer ago than this are evicted (`10m`, `1h`, or ms); no age limit by default. */
  ledgerMaxAge?: Duration;
  /** The registry store (devices, apps, tokens); the in-memory one by default. */
  registry?: RegistryFactory;
  /**
   * A full GC, run once the ledger has emptied (heap-release.ts): the process's `gc` when it exposes one (pushsim's
   * own command does) by default; `false` never collects.
   */
  collectGarbage?: (() => void) | false;
  /** The ledger store (pushes, fates, history), built with `ledgerLimit` and `ledgerMaxAge`; the compact one by default. */
  ledger?: LedgerFactory;
  /** The token kinds the registry issues; startSimulator() passes its modules' (DEFAULT_TOKEN_KINDS when absent). */
  tokenKinds?: readonly TokenKind[];
  /**
   * The rules table the stages decide by: startSimulator() passes the core's rows composed with its modules'
   * (rulesTableOf); the core's alone (CORE_RULES) when absent.
   */
  rules?: RulesTable;
  /** iOS background time for a push wake (Apple: 30 s). */
  backgroundBudgetMs?: number;
  /** Apple's silent-push budget per app; `{ perWindow: 0 }` turns it off. */
  silentPushThrottle?: Partial<ThrottleSettings>;
  /** Seeded chaos: lose this share of iOS background pushes, as APNs may ("does not guarantee"). */
  chaos?: { backgroundDropProbability: number; seed?: number };
  /** Live Activities: the priority-10 budget (pushsim's model), the 8-hour and 4-hour limits. */
  liveActivities?: Partial<LiveActivitySettings>;
}

export interface InstallInput {
  deviceId: string;
  bundleId: string;
  sdkProfile: SdkProfile;
  sdkVersion?: string;
  environment?: ApnsEnvironment;
  /**
   * Issue tokens at once (default true); false waits for a registration (shim `registerPush`, POST
   * /api/apps/:id/register).
   */
  register?: boolean;
  /** Lifecycle state to take the app to after installing (default: not running / killed). */
  state?: string;
  suspendAfterMs?: number;
  /** Virtual apps only: how long the background handler runs before completing; -1 = never completes. */
  handlerTimeMs?: number;
  fidelity?: FidelityOptions;
  /** Firebase project of the app's FCM token (the FCM provider's first project by default). */
  fcmProject?: string;
  /** Its Live Activity attributes types and NSSupportsLiveActivitiesFrequentUpdates (iOS apps). */
  liveActivities?: LiveActivityDeclaration;
  id?: string;
}

/** One app of a batch (Simulation.installApps): on a device that exists (`deviceId`) or on a new one (`device`). */
export interface BatchInstallInput extends Omit<InstallInput, 'deviceId'> {
  deviceId?: string;
  /** A device to create for this app (a load test's one phone per app); give this or `deviceId`. */
  device?: CreateDeviceInput;
}

export interface SendInput {
  token: string;
  kind: PushKind;
  priority?: PushPriority;
  payload?: Record<string, unknown>;
  collapseId?: string;
  /** Absolute expiry (ms since epoch); 0 = one attempt only. */
  expiresAt?: number;
  /** Relative time to live; `0` = one attempt only. */
  ttl?: Duration;
  provider?: ProviderName;
  headers?: Record<string, string>;
  notes?: string[];
  id?: string;
}

export class Simulation {
  /** Observers given to the ledger of every Simulation built from then on (observeEveryLedger). */
  private static readonly everyLedger = new Set<(simulation: Simulation) => LedgerObserver>();

  /**
   * Subscribes the observer `observer(simulation)` returns to the ledger of every Simulation constructed from now on,
   * until the returned function is called: for a test harness that checks every fate a suite records against that
   * simulation's rules table, whatever store backs it (test/setup/fate-rule-ids.ts).
   */
  static observeEveryLedger(observer: (simulation: Simulation) => LedgerObserver): () => void {
    Simulation.everyLedger.add(observer);
    return () => {
      Simulation.everyLedger.delete(observer);
    };
  }

  readonly bus = new EventBus<SimulatorEvents>();
  readonly clock: Clock;
  readonly registry: Registry;
  readonly ledger: Ledger;
  readonly lifecycle: LifecycleDriver;
  readonly router: PushRouter;
  /** The Live Activities of the simulated iPhones (simulator/live-activity/). */
  readonly liveActivities: LiveActivities;
  /** The rules table its stages decide by; GET /api/rules serves it and every fate names rows of it. */
  readonly rules: RulesTable;
  /** Topic subscriptions as the device SDK makes them (set by the FCM provider when it runs). */
  topicSubscriptions?: {
    subscribe(token: string, topic: string): void;
    unsubscribe(token: string, topic: string): void;
  };

  /** Stops the heap-release watch (and its pending GC): close() calls it. */
  private readonly stopHeapRelease: () => void;

  constructor(options: SimulationOptions = {}) {
    this.clock =
      typeof options.clock === 'object' ? options.clock : createClock(options.clock ?? 'real', options.startAt);
    const now = (): number => this.clock.now();
    const tokenKinds = options.tokenKinds ? { tokenKinds: options.tokenKinds } : {};
    this.registry = (options.registry ?? createInMemoryRegistry)({ bus: this.bus, now, ...tokenKinds });
    this.ledger = (options.ledger ?? createCompactLedger)({
      limit: options.ledgerLimit ?? 100_000,
      maxAgeMs: options.ledgerMaxAge === undefined ? 0 : parseDuration(options.ledgerMaxAge),
      now,
      timers: this.clock,
    });
    this.ledger.subscribe(ledgerToBus(this.bus));
    this.rules = options.rules ?? CORE_RULES;
    for (const observer of Simulation.everyLedger) this.ledger.subscribe(observer(this));
    // One full GC once the ledger has emptied, when the process exposes `gc` (pushsim's own command does): heap-release.ts.
    this.stopHeapRelease = releaseHeapWhenLedgerEmpties(this.ledger, {
      collect: options.collectGarbage === false ? undefined : (options.collectGarbage ?? exposedGc()),
    });
    this.lifecycle = new LifecycleDriver(this.registry, this.clock, this.bus, {
      backgroundBudgetMs: options.backgroundBudgetMs ?? IOS_BACKGROUND_BUDGET_MS,
    });
    this.router = new PushRouter(this.registry, this.ledger, this.clock, this.lifecycle, this.bus, this.rules);
    if (options.silentPushThrottle) this.router.throttle.configure(options.silentPushThrottle);
    if (options.chaos) this.router.configureChaos(options.chaos);
    this.liveActivities = new LiveActivities(
      this.registry,
      this.ledger,
      this.clock,
      this.bus,
      this.rules,
      options.liveActivities,
    );
  }

  createDevice(input: CreateDeviceInput): Device {
    return this.registry.createDevice(input);
  }

  installApp(input: InstallInput): InstalledApp {
    return this.installOn(input.deviceId, input);
  }

  /** installApp on the device `deviceId`, whatever `input` says (installApps' entries name theirs another way). */
  private installOn(deviceId: string, input: Omit<InstallInput, 'deviceId'>): InstalledApp {
    const device = this.registry.requireDevice(deviceId);
    if (input.sdkProfile === 'native-ios' && device.platform !== 'ios')
      throw new SimulatorError(
        ErrorCodes.PROFILE_PLATFORM_MISMATCH,
        `the native-ios profile needs an iOS device; ${device.id} is ${device.platform}`,
        'sdkProfile',
      );
    if (input.sdkProfile === 'native-android' && device.platform !== 'android')
      throw new SimulatorError(
        ErrorCodes.PROFILE_PLATFORM_MISMATCH,
        `the native-android profile needs an Android device; ${device.id} is ${device.platform}`,
        'sdkProfile',
      );
    const liveActivities = input.liveActivities;
    if (liveActivities && device.platform !== 'ios')
      throw new SimulatorError(
        ErrorCodes.PROFILE_PLATFORM_MISMATCH,
        `Live Activities are an iOS feature; ${device.id} is ${device.platform}`,
        'liveActivities',
      );
    // Named member by member rather than spread twice: a load test installs a million (issue 14).
    const app = this.registry.install({
      deviceId,
      bundleId: input.bundleId,
      sdkProfile: input.sdkProfile,
      sdkVersion: input.sdkVersion,
      environment: input.environment,
      initialLifecycle: initialLifecycle(device.platform),
      suspendAfterMs: input.suspendAfterMs,
      handlerTimeMs: input.handlerTimeMs,
      fidelity: input.fidelity,
      fcmProject: input.fcmProject,
      id: input.id,
    });
    if (liveActivities) this.liveActivities.declare(app.id, liveActivities);
    if (input.register !== false) this.registry.register(app.id);
    if (input.state) {
      try {
        this.lifecycle.goTo(app.id, input.state);
      } catch (error) {
        this.uninstallApp(app.id);
        throw error;
      }
    }
    // Read again: the tokens and the state came after install, and a store may hand out copies.
    return this.registry.requireApp(app.id);
  }

  /**
   * Installs a batch of apps, each as installApp would, creating the devices entries ask for: all of them, or none when
   * one is refused (what was installed is removed again, and the error names the entry: `apps[3].bundleId`).
   */
  installApps(inputs: readonly BatchInstallInput[]): InstalledApp[] {
    const installed: InstalledApp[] = [];
    const created: string[] = [];
    let at = 0;
    try {
      for (; at < inputs.length; at++) {
        const entry = inputs[at]!;
        const { device, deviceId } = entry;
        if ((device === undefined) === (deviceId === undefined))
          throw new SimulatorError(
            ErrorCodes.INVALID_INPUT,
            'give either deviceId (a device that exists) or device (a new one to create), not both',
            'deviceId',
          );
        let id = deviceId;
        if (device) {
          id = this.registry.createDevice(device).id;
          created.push(id);
        }
        installed.push(this.installOn(id!, entry));
      }
    } catch (error) {
      for (const app of installed) this.uninstallApp(app.id);
      for (const id of created) this.removeDevice(id);
      if (!(error instanceof SimulatorError)) throw error;
      throw new SimulatorError(
        error.code,
        `apps[${at}]: ${error.message}`,
        `apps[${at}]${error.field ? `.${error.field}` : ''}`,
      );
    }
    return installed;
  }

  uninstallApp(appId: string): InstalledApp {
    this.router.forgetApp(appId);
    this.liveActivities.forgetApp(appId);
    this.lifecycle.forget(appId);
    return this.registry.uninstall(appId);
  }

  removeDevice(deviceId: string): void {
    for (const app of this.registry.listApps(deviceId)) {
      this.router.forgetApp(app.id);
      this.liveActivities.forgetApp(app.id);
      this.lifecycle.forget(app.id);
    }
    this.registry.removeDevice(deviceId);
  }

  /**
   * The simulator-native send: a normalised push addressed by token, routed through the same rules as the wire
   * providers.
   */
  send(input: SendInput): RouteResult {
    const now = this.clock.now();
    const push: Push = {
      id: input.id ?? randomUUID(),
      provider: input.provider ?? 'native',
      token: input.token,
      kind: input.kind,
      priority: input.priority ?? defaultPriority(input.kind),
      payload: input.payload ?? defaultPayload(input.kind),
      acceptedAt: now,
    };
    if (input.expiresAt !== undefined) push.expiresAt = input.expiresAt;
    else if (input.ttl !== undefined) {
      const ttl = parseDuration(input.ttl);
      push.expiresAt = ttl === 0 ? 0 : now + ttl;
    }
    if (input.collapseId !== undefined) push.collapseId = input.collapseId;
    if (input.headers) push.headers = input.headers;
    if (input.notes) push.notes = input.notes;
    return this.router.route(push);
  }

  /**
   * Records a push that is not routed to a device: a provider's rejection (fate `rejected` with the service's reason), or an
   * accepted push whose kind pushsim does not deliver (fate `dropped` with the reason). A fate without `ruleIds` gets the
   * accept-stage row of the table for its provider and fate (`apns.wire.rejected`, `apns.push-type.not-modelled`, or a
   * service module's own `accept` row).
   */
  record(push: Push, fate: Omit<Fate, 'at'>): void {
    const address = this.registry.resolveToken(push.token);
    const ruleIds =
      fate.ruleIds ??
      [firstRule(this.rules.accept, { provider: push.provider, fate: fate.name })?.id].filter(
        (id): id is string => id !== undefined,
      );
    this.ledger.open(
      push,
      { ...fate, ruleIds, ruleId: ruleIds.join(' → ') },
      address ? { deviceId: address.device.id, appId: address.app.id } : {},
    );
  }

  /** The user taps the notification a push displayed; returns the app's state before the tap. */
  tap(appId: string, pushId: string): string {
    const stateBefore = this.router.open(appId, pushId);
    this.bus.emit('push.tapped', { appId, pushId, stateBefore });
    return stateBefore;
  }

  async advance(by: Duration): Promise<number> {
    const now = await this.clock.advance(by);
    this.bus.emit('clock.advanced', { now });
    return now;
  }

  /**
   * Ends what outlives a reset: the heap-release watch, whose GC would otherwise fire 2 s after the simulator closed
   * (heap-release.ts). The simulation answers calls still; startSimulator()'s close() resets it first.
   */
  close(): void {
    this.stopHeapRelease();
  }

  /** Forgets every device, app, token, push and timer; the clock keeps its time. */
  reset(): void {
    this.lifecycle.clear();
    this.router.clear();
    this.liveActivities.clear();
    this.registry.clear();
    this.ledger.clear();
    this.bus.emit('simulator.reset', { at: this.clock.now() });
  }
}

/** The ledger's changes as the bus's `push.*` events; events nobody listens to are not built (the hot path). */
function ledgerToBus(bus: EventBus<SimulatorEvents>): LedgerObserver {
  return {
    opened: (entry) => {
      if (bus.hasListeners('push.accepted')) bus.emit('push.accepted', { entry });
      const { fate } = entry;
      if (fate.name !== 'accepted' && bus.hasListeners('push.fate'))
        bus.emit('push.fate', { id: entry.id, fate, entry });
    },
    settled: (entry, fate) => {
      if (bus.hasListeners('push.fate')) bus.emit('push.fate', { id: entry.id, fate, entry });
    },
    noted: (id, { at, note }) => bus.emit('push.note', { id, at, note }),
    received: (id, receipt) => bus.emit('push.received', { id, receipt }),
    // The store then builds no entry for a push nobody watches (the dashboard, the ws feed and tests do).
    isListening: () => bus.hasListeners('push.accepted') || bus.hasListeners('push.fate'),
  };
}

/**
 * Apple: background pushes must use priority 5; FCM: data messages default to normal
 * (docs/reference/fcm.md#default-priority, unconfirmed).
 */
export function defaultPriority(kind: PushKind): PushPriority {
  return kind === 'background' || kind === 'data' ? 'normal' : 'high';
}

export function defaultPayload(kind: PushKind): Record<string, unknown> {
  switch (kind) {
    case 'background':
      return { aps: { 'content-available': 1 } };
    case 'alert':
      return { aps: { alert: { title: 'pushsim', body: 'Hello from pushsim' } } };
    case 'alert+background':
      return { aps: { alert: { title: 'pushsim', body: 'Hello from pushsim' }, 'content-available': 1 } };
    case 'voip':
      return { aps: {}, callId: randomUUID() };
    case 'notification':
      return { notification: { title: 'pushsim', body: 'Hello from pushsim' } };
    case 'data':
      return { data: { source: 'pushsim' } };
    case 'notification+data':
      return { notification: { title: 'pushsim', body: 'Hello from pushsim' }, data: { source: 'pushsim' } };
    case 'liveactivity':
      return { aps: { timestamp: 0, event: 'update', 'content-state': {} } };
  }
}
