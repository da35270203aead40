// One session recording: from start() it watches the simulator's bus and turns what is done — devices, apps, states,
// conditions, taps, sends on every service, Live Activities and broadcast channels, clock moves, resets — and the fates
// and activity states observed into a scenario (setup + steps + expectations). It reads the bus, the ledger and the
// Live Activities only; it never sits in a route.
import {
  defaultConditions,
  ErrorCodes,
  SimulatorError,
  type Device,
  type Fate,
  type InstalledApp,
  type LedgerEntry,
  type SimulatorEvents,
} from '../core/index.js';
import type { Simulation } from '../engine/index.js';
import { initialLifecycle } from '../lifecycle/index.js';
import { DEFAULT_SILENT_PUSH_THROTTLE } from '../delivery/index.js';
import { DEFAULT_UPDATE_BUDGET, type Activity } from '../live-activity/index.js';
import {
  APP_ACTIVITY_RULES,
  activityEndStep,
  activityExpectationOf,
  activitySignature,
  activityStartStep,
  snapshotOf,
  type ActivitySnapshot,
  activityUpdateStep,
  broadcastStepOf,
  channelStepOf,
  liveActivityApnsStep,
  type RecordedActivity,
} from './recorded-activity.js';
import type { ServiceScenarioSetup } from '../providers/index.js';
import { expectationOf, sendStepOf, zimStepOf, type SendMapping } from './recorded-send.js';
import { faultStepOf } from './recorded-fault.js';
import {
  fateSignature,
  formatDuration,
  type DeclaredApp,
  type DeclaredDevice,
  type RecordedApp,
  type RecordedItem,
  type RecordedScenario,
} from './recorded-step.js';

export interface SessionRecorderOptions {
  id: string;
  simulation: Simulation;
  /** The services' parts of the setup (ZPNs: strategies, ZIM logins), read at the start and whenever a file is written. */
  serviceSetup?: () => readonly ServiceScenarioSetup[];
  /**
   * The most steps it writes (DEFAULT_RECORDING_STEP_LIMIT by default); at the limit it stops by itself, so a long or
   * load-test session does not grow without bound. Its comments (what could not be a step) are bounded by the same
   * number.
   */
  stepLimit?: number;
}

/** A recording's steps by default: a session a person drives fits many times over; a load test stops at it. */
export const DEFAULT_RECORDING_STEP_LIMIT = 10_000;

/** Fates after which a push meets nothing more (no later fate, no tap): its bookkeeping can go once asserted. */
const FINAL_FATES: ReadonlySet<Fate['name']> = new Set(['rejected', 'expired', 'dropped']);

/** A send the recording made a step of: its `as` name, the ledger entry its expectations are about, the last asserted. */
interface TrackedSend {
  as: string;
  app?: RecordedApp;
  asserted?: string;
}

/**
 * Real clock: time that passed between two things is written as an `advance` once it reaches this (a person's pauses
 * move the budget and expiry timers; a few ms of request handling do not).
 */
const REAL_CLOCK_ADVANCE_THRESHOLD_MS = 1000;
const SCENARIO_ID = /^[A-Za-z0-9._-]{1,64}$/;

export class SessionRecorder {
  readonly id: string;
  readonly startedAt: number;
  stoppedAt?: number;
  /** Why it stopped by itself (the step limit); absent when it was stopped (or is still recording). */
  stoppedBecause?: string;
  readonly stepLimit: number;
  private readonly sim: Simulation;
  private readonly serviceSetup: () => readonly ServiceScenarioSetup[];
  private readonly items: RecordedItem[] = [];
  private stepCount = 0;
  private skippedCount = 0;
  private readonly devices: DeclaredDevice[] = [];
  private readonly apps: DeclaredApp[] = [];
  private readonly strategies = new Map<string, Record<string, unknown>>();
  /** Live ids of the current generation (a reset starts a new one: the registry reuses ids) → scenario ids. */
  private liveDevices = new Map<string, string>();
  private liveApps = new Map<string, RecordedApp>();
  private readonly usedIds = new Set<string>();
  /** Every token a recorded app held, kept past uninstall (the scenario's steps send to it and get 410). */
  private readonly tokens = new Map<string, RecordedApp>();
  private readonly sends = new Map<string, TrackedSend>();
  /** The pushes of a topic or condition message, by message id, until FCM tells the message. */
  private readonly fannedOut = new Map<string, { id: string; app?: RecordedApp }[]>();
  private sendCount = 0;
  /** Fates seen in the current synchronous run, not yet placed (see onFate). */
  private readonly tickFates = new Map<string, Fate>();
  private tickScheduled = false;
  /** Fates placed after the last step, asserted when the next step starts. */
  private readonly segmentFates = new Map<string, Fate>();
  /** Clock time the steps so far account for. */
  private cursor: number;
  private readonly unsubscribe: (() => void)[] = [];
  /** A reset runs in the current synchronous call (the faults it clears are not told again). */
  private isResetting = false;
  /** Live Activities the steps start (or set up), by live activity id. */
  private readonly activities = new Map<string, RecordedActivity>();
  private activityCount = 0;
  /** Broadcast channels the steps create (or set up): live channel id → `as` name. */
  private readonly channelNames = new Map<string, string>();
  private channelCount = 0;
  /** Broadcasts begun and not yet answered: request id → their ledger entries so far. */
  private readonly openBroadcasts = new Map<string, LedgerEntry[]>();
  /** Activities changed in the current synchronous run / since the last step (asserted like fates: see onFate). */
  private readonly tickActivities = new Map<string, ActivitySnapshot>();
  private readonly segmentActivities = new Map<string, ActivitySnapshot>();

  constructor(options: SessionRecorderOptions) {
    this.id = options.id;
    this.sim = options.simulation;
    this.serviceSetup = options.serviceSetup ?? (() => []);
    this.stepLimit = options.stepLimit ?? DEFAULT_RECORDING_STEP_LIMIT;
    if (!Number.isSafeInteger(this.stepLimit) || this.stepLimit < 1)
      throw new SimulatorError(
        ErrorCodes.INVALID_INPUT,
        `a recording's step limit must be a whole number from 1 (got ${String(options.stepLimit)}); leave it out for ${DEFAULT_RECORDING_STEP_LIMIT}`,
        'stepLimit',
      );
    this.startedAt = this.sim.clock.now();
    this.cursor = this.startedAt;
    for (const device of this.sim.registry.listDevices()) this.declareDevice(device);
    for (const app of this.sim.registry.listApps()) this.declareApp(app, app.lifecycle);
    this.readServiceSetup();
    for (const setup of this.serviceSetup())
      for (const { token, topic } of setup.subscriptions ?? []) {
        const app = this.tokens.get(token);
        if (app) this.write({ step: { subscribe: { app: app.id, topic } } });
      }
    this.setUpChannels();
    this.setUpActivities();
    const chaos = this.sim.router.chaosSettings;
    if (chaos.backgroundDropProbability > 0) this.onChaos(chaos);
    // The setup alone may have reached the step limit.
    if (this.stoppedAt === undefined) this.listen();
  }

  /** The channels that exist when the recording starts: created first (a stored message is not set up again). */
  private setUpChannels(): void {
    for (const setup of this.serviceSetup())
      for (const channel of setup.channels ?? []) {
        const app = this.appWithBundle(channel.bundleId, channel.environment);
        if (!app) continue;
        const as = `c${++this.channelCount}`;
        this.channelNames.set(channel.channelId, as);
        const spec: Record<string, unknown> = { app: app.id, channel: { create: channel.messageStoragePolicy } };
        if (channel.environment === 'production') spec.production = true;
        spec.as = as;
        if (channel.hasStoredMessage)
          this.comment(`channel ${as} stored a broadcast sent before the recording started; it is not sent again`);
        this.write({ step: { apns: spec } });
      }
  }

  /**
   * The activities that exist when the recording starts, started by their app (one started by push-to-start too: its
   * push came before); an ended one is ended again with what is left of its time on the lock screen.
   */
  private setUpActivities(): void {
    const now = this.sim.clock.now();
    for (const activity of this.sim.liveActivities.list()) {
      const app = this.liveApps.get(activity.appId);
      if (!app || activity.state === 'dismissed') continue;
      const recorded = this.nameActivity(activity, app);
      this.write({ step: activityStartStep(activity, app, recorded.as, now, (id) => this.channelName(id)) });
      if (activity.state === 'ended') {
        const spec: Record<string, unknown> = { end: recorded.as };
        const left = (activity.dismissAt ?? now) - now;
        if (left < this.sim.liveActivities.settings.lockScreenForMs)
          spec.dismissal = left <= 0 ? 'immediate' : formatDuration(left);
        this.write({ step: { activity: spec } });
      }
      recorded.asserted = activitySignature(activity);
      if (activity.state === 'stale' && activity.staleDate === undefined)
        this.comment(`${recorded.as} was stale without a stale date; it starts active here`);
    }
  }

  private nameActivity(activity: Activity, app: RecordedApp, as = `a${++this.activityCount}`): RecordedActivity {
    const recorded: RecordedActivity = { as, app };
    if (activity.staleDate !== undefined) recorded.staleDate = activity.staleDate;
    if (activity.relevanceScore !== undefined) recorded.relevanceScore = activity.relevanceScore;
    this.activities.set(activity.id, recorded);
    return recorded;
  }

  private channelName(id: string): string {
    return this.channelNames.get(id) ?? id;
  }

  /** The recorded iOS app a channel or broadcast of `bundleId` is for (one of that environment first). */
  private appWithBundle(bundleId: string | undefined, environment: 'sandbox' | 'production'): RecordedApp | undefined {
    if (bundleId === undefined) return undefined;
    const candidates = [...this.liveApps.values()].filter((a) => a.platform === 'ios' && a.bundleId === bundleId);
    return candidates.find((a) => a.environment === environment) ?? candidates[0];
  }

  get status(): 'recording' | 'stopped' {
    return this.stoppedAt === undefined ? 'recording' : 'stopped';
  }
  get steps(): number {
    return this.stepCount;
  }
  get skipped(): number {
    return this.skippedCount;
  }
  /**
   * The sends it still keeps track of (to name them in later expectations and taps): at most one per step it wrote,
   * fewer once pushes meet a final fate, so the bookkeeping stays within the step limit.
   */
  get trackedSends(): number {
    return this.sends.size;
  }

  stop(): void {
    if (this.stoppedAt !== undefined) return;
    this.commitTick();
    this.flushTime();
    this.closeSegment();
    // The expectations written just now may have reached the step limit, which stopped it already.
    if (this.stoppedAt !== undefined) return;
    this.end();
    this.items.push(...this.finalStates());
    this.stepCount = this.items.filter((item) => 'step' in item).length;
  }

  /** Stops listening; what was pending is forgotten. */
  private end(): void {
    this.stoppedAt = this.sim.clock.now();
    for (const off of this.unsubscribe.splice(0)) off();
    this.sends.clear();
    this.fannedOut.clear();
    this.openBroadcasts.clear();
    this.tickFates.clear();
    this.segmentFates.clear();
    this.tickActivities.clear();
    this.segmentActivities.clear();
  }

  /**
   * The limit is reached: it stops where it is, with a comment at the end saying so. The apps' final states are not
   * asserted (they would be steps past the limit); what the steps so far expect still holds, so the file still runs.
   */
  private stopAtLimit(what: string): void {
    this.stoppedBecause = `${what} limit ${this.stepLimit} reached`;
    this.end();
    this.items.push({
      comment: `recording stopped here by itself: ${this.stoppedBecause} (a recording keeps at most ${this.stepLimit} steps so a long or load-test session cannot grow without bound; start another to record on)`,
    });
  }

  /** The state each recorded app ended in, as expectations (an app that ran its own code may move by itself: none). */
  private finalStates(): RecordedItem[] {
    const items: RecordedItem[] = [];
    for (const [liveId, app] of this.liveApps) {
      const state = this.sim.registry.app(liveId)?.lifecycle;
      if (state !== undefined && !app.attached) items.push({ step: { expect: { app: app.id, state } } });
    }
    return items;
  }

  /** The scenario so far (while recording: as if it stopped now, without stopping). */
  scenario(): RecordedScenario {
    this.readServiceSetup();
    const items = [...this.items];
    if (this.stoppedAt === undefined) {
      // The expectations the next step would place, the time since the last step and the states now: what stop()
      // would add, so a snapshot asserts what has been seen so far.
      for (const [id, fate] of [...this.segmentFates, ...this.tickFates]) {
        const send = this.sends.get(id);
        if (send && fate.name !== 'accepted' && fateSignature(fate) !== send.asserted)
          items.push({ step: expectationOf(send.as, fate, !send.app?.attached) });
      }
      for (const [id, activity] of new Map([...this.segmentActivities, ...this.tickActivities])) {
        const recorded = this.activities.get(id);
        if (recorded && activitySignature(activity) !== recorded.asserted)
          items.push({ step: activityExpectationOf(recorded.as, activity) });
      }
      const gap = this.pendingGap();
      if (gap > 0) items.push({ step: { advance: formatDuration(gap) } });
      items.push(...this.finalStates());
    }
    const at = new Date(this.startedAt).toISOString();
    const throttle = this.sim.router.throttle.current;
    const isDefaultThrottle =
      throttle.perWindow === DEFAULT_SILENT_PUSH_THROTTLE.perWindow &&
      throttle.windowMs === DEFAULT_SILENT_PUSH_THROTTLE.windowMs;
    const attached = [...this.tokensApps()].filter((a) => a.attached).map((a) => a.id);
    for (const [liveId, app] of this.liveApps) {
      const declared = this.apps.find((a) => a.id === app.id);
      if (declared) this.declareLiveActivities(liveId, declared);
    }
    const settings: Record<string, unknown> = {};
    if (!isDefaultThrottle) settings.silentPushThrottle = { ...throttle };
    // A Live Activity budget other than pushsim's default (--live-activity-budget).
    const budget = this.sim.liveActivities.budget.settings;
    const budgetChanges = Object.fromEntries(
      (Object.keys(DEFAULT_UPDATE_BUDGET) as (keyof typeof DEFAULT_UPDATE_BUDGET)[])
        .filter((key) => budget[key] !== DEFAULT_UPDATE_BUDGET[key])
        .map((key) => [key, budget[key]]),
    );
    if (Object.keys(budgetChanges).length) settings.liveActivityBudget = budgetChanges;
    return {
      name: `Session recorded ${at}`,
      description: `Recorded by pushsim (recording ${this.id}) on a ${this.sim.clock.kind} clock, from ${at}${this.stoppedAt !== undefined ? ` to ${new Date(this.stoppedAt).toISOString()}` : ' (still recording)'}.`,
      header: [
        'Recorded by pushsim: the devices and apps that existed when the recording started (or were created during it)',
        'are declared below; the steps are what was done through the control API and the wire, in order, each send',
        'followed by an expectation of the fate observed. Run it with: npx pushsim run <this file>',
        ...(attached.length
          ? [
              `${attached.join(', ')} ran their own code through the client shim while recorded; here they are virtual apps,`,
              'so their expectations assert the fate only.',
            ]
          : []),
      ],
      devices: this.devices.map((d) => ({ ...d })),
      apps: this.apps.map((a) => ({ ...a })),
      strategies: [...this.strategies.values()],
      ...(Object.keys(settings).length ? { settings } : {}),
      items,
    };
  }

  private tokensApps(): Set<RecordedApp> {
    return new Set([...this.tokens.values(), ...this.liveApps.values()]);
  }

  private listen(): void {
    const on = <K extends keyof SimulatorEvents>(type: K, listener: (payload: SimulatorEvents[K]) => void) =>
      this.unsubscribe.push(this.sim.bus.on(type, listener));
    on('device.created', ({ device }) => this.onDeviceCreated(device));
    on('device.removed', ({ deviceId }) => this.onDeviceRemoved(deviceId));
    on('device.conditions-changed', ({ deviceId, changed }) => this.onConditions(deviceId, changed));
    on('device.rebooted', ({ deviceId }) => this.onReboot(deviceId));
    on('app.installed', ({ app }) => this.onInstalled(app));
    on('token.issued', ({ appId, tokens }) => this.onTokens(appId, tokens));
    on('app.uninstalled', ({ appId }) => this.onUninstalled(appId));
    on('app.lifecycle-requested', ({ appId, event }) => this.onLifecycle(appId, { event }));
    on('app.state-requested', ({ appId, state }) => this.onLifecycle(appId, { state }));
    on('app.attached', ({ appId }) => {
      const app = this.liveApps.get(appId);
      if (app) app.attached = true;
    });
    on('push.tapped', ({ appId, pushId }) => this.onTap(appId, pushId));
    on('push.accepted', ({ entry }) => this.onAccepted(entry));
    on('push.fate', ({ id, fate }) => this.onFate(id, fate));
    on('zim.sent', (send) => this.onZimSent(send));
    on('chaos.configured', (chaos) => this.onChaos(chaos));
    on('fault.changed', (change) => this.onFault(change));
    on('topic.changed', (change) => this.onTopic(change));
    on('fcm.fanned-out', (send) => this.onFannedOut(send));
    on('activity.token-issued', ({ appId, kind }) => {
      // An app declares its attributes types right after it is installed: its push-to-start tokens tell it.
      const app = this.liveApps.get(appId);
      const declared = app && this.apps.find((a) => a.id === app.id);
      if (kind === 'push-to-start' && declared) this.declareLiveActivities(appId, declared);
    });
    on('activity.changed', (change) => this.onActivityChanged(change));
    on('apns.channel-request', (request) => this.onChannelRequest(request));
    on('apns.broadcast-started', ({ requestId }) => this.openBroadcasts.set(requestId, []));
    on('apns.broadcast-sent', (sent) => this.onBroadcastSent(sent));
    on('clock.advanced', () => this.flushTime());
    on('simulator.reset', () => this.onReset());
  }

  // --- the setup ---------------------------------------------------------------------------------------------------

  private scenarioIdFor(liveId: string): string {
    let base = SCENARIO_ID.test(liveId) ? liveId : liveId.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60) || 'x';
    if (!SCENARIO_ID.test(base)) base = 'x';
    let id = base;
    for (let n = 2; this.usedIds.has(id); n++) id = `${base.slice(0, 60)}-${n}`;
    this.usedIds.add(id);
    return id;
  }

  private declareDevice(device: Device): string {
    const id = this.scenarioIdFor(device.id);
    this.liveDevices.set(device.id, id);
    const declared: DeclaredDevice = { id, platform: device.platform };
    if (device.osVersion) declared.osVersion = device.osVersion;
    if (device.manufacturer) declared.manufacturer = device.manufacturer;
    // Only what differs from a new device's conditions (the loader fills the same defaults).
    const defaults = defaultConditions(device.platform, device.manufacturer) as unknown as Record<string, unknown>;
    const conditions = Object.fromEntries(
      Object.entries(device.conditions).filter(([key, value]) => defaults[key] !== value),
    );
    if (Object.keys(conditions).length) declared.conditions = conditions;
    this.devices.push(declared);
    return id;
  }

  private declareApp(app: InstalledApp, state: string | undefined): RecordedApp {
    const deviceId =
      this.liveDevices.get(app.deviceId) ?? this.declareDevice(this.sim.registry.requireDevice(app.deviceId));
    const platform = this.sim.registry.device(app.deviceId)?.platform ?? 'ios';
    const id = this.scenarioIdFor(app.id);
    const declared: DeclaredApp = {
      id,
      device: deviceId,
      bundleId: app.bundleId,
      sdk: app.sdkProfile,
      sdkVersion: app.sdkVersion,
    };
    if (app.environment === 'production') declared.environment = 'production';
    if (state !== undefined && state !== initialLifecycle(platform)) declared.state = state;
    if (app.handlerTimeMs !== undefined && app.handlerTimeMs !== 0)
      declared.handlerTime = app.handlerTimeMs < 0 ? 'never' : formatDuration(app.handlerTimeMs);
    if (app.fidelity && Object.keys(app.fidelity).length)
      declared.fidelity = { ...app.fidelity } as Record<string, boolean>;
    if (app.fcmProject) declared.fcmProject = app.fcmProject;
    this.declareLiveActivities(app.id, declared);
    this.apps.push(declared);
    const recorded: RecordedApp = {
      id,
      platform,
      bundleId: app.bundleId,
      environment: app.environment,
      tokens: { ...app.tokens },
      attached: this.sim.router.isAttached(app.id),
    };
    this.liveApps.set(app.id, recorded);
    for (const token of Object.values(app.tokens ?? {})) if (token) this.tokens.set(token, recorded);
    if (app.suspendAfterMs !== undefined)
      this.comment(
        `${id} suspends ${formatDuration(app.suspendAfterMs)} after backgrounding here; a scenario app takes the platform's default`,
      );
    return recorded;
  }

  /** The app's Live Activity declaration (its attributes types), once the simulator has it. */
  private declareLiveActivities(liveId: string, declared: DeclaredApp): void {
    const declaration = this.sim.liveActivities.declarationOf(liveId);
    if (!declaration || declared.liveActivities) return;
    declared.liveActivities = {
      attributeTypes: JSON.parse(JSON.stringify(declaration.attributeTypes)) as Record<string, unknown>,
      ...(declaration.frequentUpdates ? { frequentUpdates: true } : {}),
    };
  }

  /** The services' setup (strategies, ZIM logins) merged in: what was defined during the session is declared too. */
  private readServiceSetup(): void {
    for (const setup of this.serviceSetup()) {
      for (const strategy of setup.strategies ?? []) this.strategies.set(String(strategy.resourcesID), strategy);
      for (const [liveId, fields] of Object.entries(setup.apps ?? {})) {
        const recorded = this.liveApps.get(liveId);
        const declared = recorded && this.apps.find((a) => a.id === recorded.id);
        if (declared) Object.assign(declared, fields);
      }
    }
  }

  // --- steps -------------------------------------------------------------------------------------------------------

  private write(item: RecordedItem): void {
    // Stopped (by the limit, in the middle of a handler's steps): the rest is not written.
    if (this.stoppedAt !== undefined) return;
    this.items.push(item);
    if ('step' in item) {
      this.stepCount++;
      this.sim.bus.emit('recording.step', { recordingId: this.id, steps: this.stepCount });
      if (this.stepCount >= this.stepLimit) this.stopAtLimit('step');
    }
  }

  /** A send a step was written for, named in the expectations and taps that follow (not once stopped). */
  private track(pushId: string, send: TrackedSend): void {
    if (this.stoppedAt === undefined) this.sends.set(pushId, send);
  }

  private comment(text: string): void {
    if (this.stoppedAt !== undefined) return;
    this.items.push({ comment: text });
    // Things that cannot be steps (skips, notes) are bounded too: a load of them alone would grow it.
    if (this.items.length - this.stepCount >= this.stepLimit) this.stopAtLimit('comment');
  }

  private skip(text: string): void {
    this.skippedCount++;
    this.comment(`skipped: ${text}`);
  }

  /** Before a step: the time that passed, then the fates seen since the last step. */
  private beginStep(): void {
    this.flushTime();
    this.closeSegment();
  }

  /** The clock time since the last step that an `advance` should account for (0 when too little to matter). */
  private pendingGap(): number {
    const gap = this.sim.clock.now() - this.cursor;
    const threshold = this.sim.clock.kind === 'virtual' ? 1 : REAL_CLOCK_ADVANCE_THRESHOLD_MS;
    return gap < threshold ? 0 : gap;
  }

  /** Writes the clock time since the last step as an `advance` (virtual clock: any; real clock: from a second on). */
  private flushTime(): void {
    const gap = this.pendingGap();
    if (gap === 0) return;
    this.closeSegment();
    this.write({ step: { advance: formatDuration(gap) } });
    this.cursor += gap;
  }

  /** An `expect` for every recorded send whose settled fate changed since it was last asserted. */
  private closeSegment(): void {
    for (const [id, fate] of this.segmentFates) {
      const send = this.sends.get(id);
      if (!send || fate.name === 'accepted') continue;
      const signature = fateSignature(fate);
      if (signature === send.asserted) continue;
      send.asserted = signature;
      this.write({ step: expectationOf(send.as, fate, !send.app?.attached) });
      if (FINAL_FATES.has(fate.name)) this.sends.delete(id);
    }
    this.segmentFates.clear();
    for (const [id, activity] of this.segmentActivities) {
      const recorded = this.activities.get(id);
      if (!recorded) continue;
      const signature = activitySignature(activity);
      if (signature === recorded.asserted) continue;
      recorded.asserted = signature;
      this.write({ step: activityExpectationOf(recorded.as, activity) });
    }
    this.segmentActivities.clear();
  }

  /**
   * A fate is placed after the step that caused it. The bus tells an action's effects before the action itself when
   * they run in the same synchronous call (the router reacts to `device.conditions-changed` before this recorder
   * hears it), so fates wait until the call has ended (a microtask) and land after whatever step that call wrote; a
   * fate that comes later on its own (a timer, a shim's ack) lands after the last step, at its clock time.
   */
  private onFate(id: string, fate: Fate): void {
    this.tickFates.set(id, fate);
    this.scheduleTick();
  }

  private scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    queueMicrotask(() => this.commitTick());
  }

  private commitTick(): void {
    this.tickScheduled = false;
    if ((this.tickFates.size === 0 && this.tickActivities.size === 0) || this.stoppedAt !== undefined) return;
    this.flushTime();
    for (const [id, fate] of this.tickFates) if (this.sends.has(id)) this.segmentFates.set(id, fate);
    this.tickFates.clear();
    for (const [id, activity] of this.tickActivities) this.segmentActivities.set(id, activity);
    this.tickActivities.clear();
  }

  private app(liveId: string): RecordedApp | undefined {
    return this.liveApps.get(liveId);
  }

  private onDeviceCreated(device: Device): void {
    const id = this.declareDevice(device);
    this.comment(`device ${id} created here (declared above: a scenario declares its devices up front)`);
  }

  private onDeviceRemoved(liveId: string): void {
    const id = this.liveDevices.get(liveId);
    if (id === undefined) return;
    this.liveDevices.delete(liveId);
    this.comment(
      `device ${id} removed here (its apps uninstalled above); a scenario has no step that removes a device`,
    );
  }

  private onInstalled(app: InstalledApp): void {
    const recorded = this.declareApp(app, undefined);
    this.comment(`app ${recorded.id} installed here (declared above: a scenario declares its apps up front)`);
  }

  private onTokens(liveId: string, tokens: Record<string, string | undefined>): void {
    const app = this.app(liveId);
    if (!app) return;
    Object.assign(app.tokens as Record<string, string | undefined>, tokens);
    for (const token of Object.values(tokens)) if (token) this.tokens.set(token, app);
  }

  private onUninstalled(liveId: string): void {
    const app = this.app(liveId);
    if (!app) return;
    this.beginStep();
    this.write({ step: { uninstall: { app: app.id } } });
    this.liveApps.delete(liveId);
  }

  private onLifecycle(liveId: string, change: { event: string } | { state: string }): void {
    const app = this.app(liveId);
    if (!app) return;
    this.beginStep();
    this.write({ step: { lifecycle: { app: app.id, ...change } } });
  }

  private onReboot(liveId: string): void {
    for (const app of this.sim.registry.listApps(liveId)) this.onLifecycle(app.id, { event: 'reboot' });
  }

  private onConditions(liveId: string, changed: Record<string, unknown>): void {
    const device = this.liveDevices.get(liveId);
    if (device === undefined || Object.keys(changed).length === 0) return;
    this.beginStep();
    this.write({ step: { conditions: { device, set: { ...changed } } } });
  }

  private onTap(liveId: string, pushId: string): void {
    const app = this.app(liveId);
    const send = this.sends.get(pushId);
    if (!app) return;
    this.beginStep();
    if (!send) {
      this.skip(`a tap on ${app.id}'s notification of push ${pushId}, sent before the recording started`);
      return;
    }
    this.write({ step: { tap: { app: app.id, push: send.as } } });
  }

  private onAccepted(entry: LedgerEntry): void {
    // ZIM's pushes are written by their send (zim.sent), which the bus tells after them.
    if (entry.provider === 'zpns') return;
    // A broadcast's entries are written with the broadcast (apns.broadcast-sent, when it is answered).
    const requestId = entry.push.headers?.['apns-request-id'];
    const broadcast = requestId !== undefined ? this.openBroadcasts.get(requestId) : undefined;
    if (broadcast) {
      broadcast.push(entry);
      return;
    }
    this.beginStep();
    // A topic or condition send fans out: one entry per device, ids `<name>#<n>`; its step is written when FCM tells
    // the message (fcm.fanned-out, right after).
    if (entry.id.includes('#')) {
      const base = entry.id.slice(0, entry.id.indexOf('#'));
      const entries = this.fannedOut.get(base) ?? [];
      entries.push({ id: entry.id, app: this.tokens.get(entry.token) });
      if (this.stoppedAt === undefined) this.fannedOut.set(base, entries);
      return;
    }
    const app = this.tokens.get(entry.token);
    const as = `p${++this.sendCount}`;
    const mapping = this.liveActivityMapping(entry, sendStepOf(entry, app, as));
    if ('skipped' in mapping) {
      this.sendCount--;
      this.skip(mapping.skipped);
      return;
    }
    for (const note of mapping.notes) this.comment(note);
    this.write({ step: mapping.step });
    this.track(entry.id, { as, ...(app ? { app } : {}) });
  }

  /** An ActivityKit push (to an activity, a push-to-start token, or through FCM) as the step that names its target. */
  private liveActivityMapping(entry: LedgerEntry, mapping: SendMapping): SendMapping {
    if (entry.push.kind !== 'liveactivity' || 'skipped' in mapping) return mapping;
    if (entry.provider === 'fcm') {
      const token = entry.push.headers?.live_activity_token;
      const address = token !== undefined ? this.sim.liveActivities.resolveToken(token) : undefined;
      const recorded =
        address && address.kind !== 'push-to-start' ? this.activities.get(address.activity.id) : undefined;
      if (!recorded)
        return {
          skipped: `an FCM message to ${token === undefined ? 'no' : 'a'} live_activity_token no recorded activity holds (${entry.id})`,
        };
      const spec = { ...(mapping.step.fcm as Record<string, unknown>) };
      const message = { ...(spec.message as Record<string, unknown>) };
      const apns = { ...(message.apns as Record<string, unknown>) };
      const { live_activity_token: _token, ...headers } = (apns.headers as Record<string, string>) ?? {};
      apns.headers = headers;
      message.apns = apns;
      return {
        step: { fcm: { app: spec.app, liveActivity: recorded.as, message, as: spec.as } },
        notes: mapping.notes,
      };
    }
    if (entry.provider !== 'apns') return mapping;
    const address = this.sim.liveActivities.resolveToken(entry.token);
    if (address?.kind === 'push-to-start') {
      const app = this.liveApps.get(address.appId);
      if (!app) return { skipped: `a push-to-start push to an app the recording does not hold (${entry.id})` };
      return liveActivityApnsStep(mapping, entry, { app, pushToStart: address.attributesType });
    }
    const recorded = address ? this.activities.get(address.activity.id) : undefined;
    if (!address || !recorded)
      return { skipped: `an ActivityKit push to a token no recorded activity holds (${entry.id})` };
    return liveActivityApnsStep(mapping, entry, { liveActivity: recorded.as, bundleId: address.activity.bundleId });
  }

  /**
   * A Live Activity changed. The app's own start, update and end become `activity` steps; one started by push-to-start
   * is named by its push's `as`; every change is asserted (state and content state) after the step that caused it.
   */
  private onActivityChanged(change: SimulatorEvents['activity.changed']): void {
    if (this.stoppedAt !== undefined) return;
    const activity = this.sim.liveActivities.get(change.activityId);
    const app = this.liveApps.get(change.appId);
    if (!activity || !app) return;
    const now = this.sim.clock.now();
    let recorded = this.activities.get(change.activityId);
    if (change.change === 'started') {
      if (change.ruleId === APP_ACTIVITY_RULES.start) {
        this.beginStep();
        recorded = this.nameActivity(activity, app);
        this.write({ step: activityStartStep(activity, app, recorded.as, now, (id) => this.channelName(id)) });
        recorded.asserted = activitySignature(activity);
        return;
      }
      // Push-to-start: its push's step is written (push.accepted came first); its `as` names the activity.
      const push = change.pushId !== undefined ? this.sends.get(change.pushId) : undefined;
      recorded = this.nameActivity(activity, app, push?.as ?? `a${++this.activityCount}`);
      if (!push) this.comment(`Live Activity ${recorded.as} started by a push the recording did not write`);
    } else if (!recorded) return;
    else if (change.ruleId === APP_ACTIVITY_RULES.update) {
      this.beginStep();
      this.write({ step: activityUpdateStep(recorded, activity, change, now) });
    } else if (change.ruleId === APP_ACTIVITY_RULES.end) {
      this.beginStep();
      this.write({
        step: activityEndStep(recorded, activity, change, now, this.sim.liveActivities.settings.lockScreenForMs),
      });
    }
    if (activity.staleDate !== undefined) recorded.staleDate = activity.staleDate;
    if (activity.relevanceScore !== undefined) recorded.relevanceScore = activity.relevanceScore;
    this.tickActivities.set(
      change.activityId,
      snapshotOf({ state: activity.state, contentState: change.contentState }),
    );
    this.scheduleTick();
  }

  private onChannelRequest(request: SimulatorEvents['apns.channel-request']): void {
    this.beginStep();
    const app = this.appWithBundle(request.bundleId, request.environment);
    const as = `c${++this.channelCount}`;
    const mapping = channelStepOf(request, app, as, (id) => this.channelName(id));
    if ('skipped' in mapping) {
      this.channelCount--;
      this.skip(mapping.skipped);
      return;
    }
    if (request.action === 'create' && request.channelId !== undefined) this.channelNames.set(request.channelId, as);
    this.write({ step: mapping.step });
    this.write({
      step: { expect: { of: as, status: request.status, ...(request.reason ? { reason: request.reason } : {}) } },
    });
  }

  private onBroadcastSent(sent: SimulatorEvents['apns.broadcast-sent']): void {
    const entries = this.openBroadcasts.get(sent.requestId) ?? [];
    this.openBroadcasts.delete(sent.requestId);
    this.beginStep();
    const app = this.appWithBundle(sent.bundleId, sent.environment);
    const as = `p${++this.sendCount}`;
    const at = entries[0]?.push.acceptedAt ?? this.sim.clock.now();
    const mapping = broadcastStepOf(sent, app, as, at, (id) => this.channelName(id));
    if ('skipped' in mapping) {
      this.sendCount--;
      this.skip(mapping.skipped);
      return;
    }
    for (const note of mapping.notes) this.comment(note);
    this.write({ step: mapping.step });
    const spec: Record<string, unknown> = { of: as, status: sent.status };
    if (sent.reason) spec.reason = sent.reason;
    const reached = entries.filter((e) => e.appId !== undefined).map((e) => this.liveApps.get(e.appId!)?.id ?? '?');
    if (reached.length) spec.recipients = reached;
    this.write({ step: { expect: spec } });
    // The run's `of` reads the broadcast's first entry (its ledger's oldest with the request id): its fate is asserted.
    const first = entries[0];
    if (first) this.track(first.id, { as, ...(app && first.appId ? { app } : {}) });
  }

  private onZimSent(send: SimulatorEvents['zim.sent']): void {
    this.beginStep();
    this.readServiceSetup();
    const as = `p${++this.sendCount}`;
    const mapping = zimStepOf(send, as);
    if ('skipped' in mapping) {
      this.sendCount--;
      this.skip(mapping.skipped);
      return;
    }
    this.write({ step: mapping.step });
    // The expectations are about the first push it became, as the zim step's `as` names it.
    const first = send.pushIds[0];
    if (first) {
      const appId = this.sim.ledger.get(first)?.appId;
      const app = appId ? this.app(appId) : undefined;
      this.track(first, { as, ...(app ? { app } : {}) });
    }
  }

  private onTopic(change: SimulatorEvents['topic.changed']): void {
    const app = this.tokens.get(change.token);
    if (!app) return;
    this.beginStep();
    if (change.subscribed) this.write({ step: { subscribe: { app: app.id, topic: change.topic } } });
    else this.skip(`${app.id} unsubscribed from topic ${change.topic}: a scenario has no unsubscribe step`);
  }

  private onFannedOut(send: SimulatorEvents['fcm.fanned-out']): void {
    this.beginStep();
    const entries = this.fannedOut.get(send.messageId) ?? [];
    this.fannedOut.delete(send.messageId);
    const as = `p${++this.sendCount}`;
    const spec: Record<string, unknown> = { message: send.message };
    if (send.project !== send.defaultProject) spec.project = send.project;
    spec.as = as;
    this.write({ step: { fcm: spec } });
    this.write({ step: { expect: { of: as, recipients: entries.map((e) => e.app?.id ?? '?') } } });
    const first = entries[0];
    if (first) this.track(first.id, { as, ...(first.app ? { app: first.app } : {}) });
  }

  private onChaos(chaos: { backgroundDropProbability: number; seed: number }): void {
    this.beginStep();
    this.write({ step: { chaos: { backgroundDropProbability: chaos.backgroundDropProbability } } });
    if (chaos.backgroundDropProbability > 0 && chaos.seed !== 1)
      this.comment(
        `chaos was seeded with ${chaos.seed}: run this file with --seed ${chaos.seed} to lose the same pushes`,
      );
  }

  private onFault(change: SimulatorEvents['fault.changed']): void {
    if (change.added) {
      this.beginStep();
      const app = change.added.token !== undefined ? this.tokens.get(change.added.token) : undefined;
      const mapping = faultStepOf(change.added, app);
      if ('skipped' in mapping) this.skip(mapping.skipped);
      else {
        for (const note of mapping.notes) this.comment(note);
        this.write({ step: mapping.step });
      }
      return;
    }
    // A reset clears every service's faults (the services hear it before this recorder does); its comment says so.
    const what =
      change.removed !== undefined
        ? `fault ${change.removed} removed`
        : `${change.cleared ? `the ${change.cleared}` : "every service's"} faults cleared`;
    queueMicrotask(() => {
      if (this.isResetting || this.stoppedAt !== undefined) return;
      this.skip(`${what}: a scenario has no step that removes a fault, so the run keeps it`);
    });
  }

  private onReset(): void {
    this.beginStep();
    this.isResetting = true;
    queueMicrotask(() => {
      this.isResetting = false;
    });
    this.comment(
      'reset: the simulator forgot every device, app and push (written as uninstalls; the devices stay declared)',
    );
    for (const app of this.liveApps.values()) this.write({ step: { uninstall: { app: app.id } } });
    this.liveApps = new Map();
    this.liveDevices = new Map();
    this.sends.clear();
    this.segmentFates.clear();
    this.tickFates.clear();
    this.activities.clear();
    this.channelNames.clear();
    this.openBroadcasts.clear();
    this.tickActivities.clear();
    this.segmentActivities.clear();
  }
}
