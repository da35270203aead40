// One session recording: from start() it watches the simulator's bus and turns what is done — devices, apps, states,
// conditions, taps, sends on every service, clock moves, resets — and the fates observed into a scenario (setup +
// steps + expectations). It reads the bus and the ledger only; it never sits in a route.
import {
  defaultConditions,
  type Device,
  type Fate,
  type InstalledApp,
  type LedgerEntry,
  type SimulatorEvents,
} from '../core/index.js';
import type { Simulation } from '../engine/index.js';
import { initialLifecycle } from '../lifecycle/index.js';
import { DEFAULT_SILENT_PUSH_THROTTLE } from '../delivery/index.js';
import type { ServiceScenarioSetup } from '../providers/index.js';
import { expectationOf, sendStepOf, zimStepOf } from './recorded-send.js';
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
}

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

  constructor(options: SessionRecorderOptions) {
    this.id = options.id;
    this.sim = options.simulation;
    this.serviceSetup = options.serviceSetup ?? (() => []);
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
    const chaos = this.sim.router.chaosSettings;
    if (chaos.backgroundDropProbability > 0) this.onChaos(chaos);
    this.listen();
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

  stop(): void {
    if (this.stoppedAt !== undefined) return;
    this.commitTick();
    this.flushTime();
    this.closeSegment();
    this.stoppedAt = this.sim.clock.now();
    for (const off of this.unsubscribe.splice(0)) off();
    this.items.push(...this.finalStates());
    this.stepCount = this.items.filter((item) => 'step' in item).length;
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
      ...(isDefaultThrottle ? {} : { settings: { silentPushThrottle: { ...throttle } } }),
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
    this.items.push(item);
    if ('step' in item) {
      this.stepCount++;
      this.sim.bus.emit('recording.step', { recordingId: this.id, steps: this.stepCount });
    }
  }

  private comment(text: string): void {
    this.items.push({ comment: text });
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
    }
    this.segmentFates.clear();
  }

  /**
   * A fate is placed after the step that caused it. The bus tells an action's effects before the action itself when
   * they run in the same synchronous call (the router reacts to `device.conditions-changed` before this recorder
   * hears it), so fates wait until the call has ended (a microtask) and land after whatever step that call wrote; a
   * fate that comes later on its own (a timer, a shim's ack) lands after the last step, at its clock time.
   */
  private onFate(id: string, fate: Fate): void {
    this.tickFates.set(id, fate);
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    queueMicrotask(() => this.commitTick());
  }

  private commitTick(): void {
    this.tickScheduled = false;
    if (this.tickFates.size === 0 || this.stoppedAt !== undefined) return;
    this.flushTime();
    for (const [id, fate] of this.tickFates) if (this.sends.has(id)) this.segmentFates.set(id, fate);
    this.tickFates.clear();
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
    this.beginStep();
    // A topic or condition send fans out: one entry per device, ids `<name>#<n>`; its step is written when FCM tells
    // the message (fcm.fanned-out, right after).
    if (entry.id.includes('#')) {
      const base = entry.id.slice(0, entry.id.indexOf('#'));
      const entries = this.fannedOut.get(base) ?? [];
      entries.push({ id: entry.id, app: this.tokens.get(entry.token) });
      this.fannedOut.set(base, entries);
      return;
    }
    const app = this.tokens.get(entry.token);
    const as = `p${++this.sendCount}`;
    const mapping = sendStepOf(entry, app, as);
    if ('skipped' in mapping) {
      this.sendCount--;
      this.skip(mapping.skipped);
      return;
    }
    for (const note of mapping.notes) this.comment(note);
    this.write({ step: mapping.step });
    this.sends.set(entry.id, { as, ...(app ? { app } : {}) });
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
      this.sends.set(first, { as, ...(app ? { app } : {}) });
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
    if (first) this.sends.set(first.id, { as, ...(first.app ? { app: first.app } : {}) });
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
  }
}
