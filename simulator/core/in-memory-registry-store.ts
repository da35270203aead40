// The in-memory registry store, the default behind the Registry interface: one fixed-shape record per device and per
// app, one Map by id for each, and one token → app index holding the token string and nothing else per token. A load
// test installs a million apps, so what an app costs is counted: no per-app arrays, Maps or closures (bench/README.md).
import {
  DEFAULT_OS_VERSION,
  defaultConditions,
  type Device,
  type DeviceConditions,
  type Manufacturer,
  type Platform,
} from './device.js';
import type {
  AppTokens,
  ApnsEnvironment,
  FidelityOptions,
  InstalledApp,
  SdkProfile,
  UninstalledToken,
} from './installed-app.js';
import { DEFAULT_TOKEN_KINDS, type TokenKind } from './token-issuer.js';
import { ErrorCodes } from './error-codes.js';
import { SimulatorError } from './simulator-error.js';
import type { CreateDeviceInput, InstallAppInput, Registry, RegistryContext, TokenAddress } from './registry.js';
import { SlotIndex, TokenIndex } from './registry-indexes.js';

/** The default registry store (SimulationOptions.registry). */
export const createInMemoryRegistry = (context: RegistryContext): Registry => new InMemoryRegistry(context);

const DEFAULT_SDK_VERSION: Record<SdkProfile, string> = {
  'native-ios': '18.0',
  'native-android': '24.1.0',
  'zpns-rn': '2.8.3',
  'rn-firebase': '26.4.0',
};

/** Devices on default conditions share one frozen object per platform and maker; setConditions gives a device its own. */
const sharedConditions = new Map<string, DeviceConditions>();
function defaultConditionsOf(platform: Platform, manufacturer: Manufacturer | undefined): DeviceConditions {
  const key = `${platform}/${manufacturer ?? ''}`;
  let conditions = sharedConditions.get(key);
  if (!conditions) sharedConditions.set(key, (conditions = Object.freeze(defaultConditions(platform, manufacturer))));
  return conditions;
}
const DEFAULT_DEVICE_NAME = { ios: 'iPhone', android: 'Pixel' } as const;

/**
 * A device as the store keeps it: every member of Device present from construction (undefined when absent), so all
 * devices share one hidden class, and the ids of its apps in a private field (not part of what a reader sees).
 */
class DeviceRecord implements Device {
  id: string;
  platform: Platform;
  manufacturer?: Manufacturer;
  osVersion: string;
  name: string;
  conditions: DeviceConditions;
  createdAt: number;
  /** Its apps in install order: undefined, one id (most devices hold one app), or an array once it holds more. */
  #apps: string | string[] | undefined = undefined;

  constructor(id: string, input: CreateDeviceInput, createdAt: number) {
    this.id = id;
    this.platform = input.platform;
    if (input.manufacturer) this.manufacturer = input.manufacturer;
    this.osVersion = input.osVersion ?? DEFAULT_OS_VERSION[input.platform];
    this.name = input.name ?? DEFAULT_DEVICE_NAME[input.platform];
    this.conditions = input.conditions
      ? { ...defaultConditions(input.platform, input.manufacturer), ...input.conditions }
      : defaultConditionsOf(input.platform, input.manufacturer);
    this.createdAt = createdAt;
  }

  appIds(): readonly string[] {
    const apps = this.#apps;
    return apps === undefined ? [] : typeof apps === 'string' ? [apps] : apps;
  }

  addApp(appId: string): void {
    const apps = this.#apps;
    if (apps === undefined) this.#apps = appId;
    else if (typeof apps === 'string') this.#apps = [apps, appId];
    else apps.push(appId);
  }

  removeApp(appId: string): void {
    const apps = this.#apps;
    if (apps === appId) this.#apps = undefined;
    else if (Array.isArray(apps)) {
      const at = apps.indexOf(appId);
      if (at >= 0) apps.splice(at, 1);
      if (apps.length === 1) this.#apps = apps[0];
    }
  }
}

/** What few apps have, kept off the app record: a million apps pay for one field, not six (issue 14). */
class RareAppFields {
  fcmProject?: string = undefined;
  stoppedBecause?: string = undefined;
  registrationErrors?: Record<string, string> = undefined;
  suspendAfterMs?: number = undefined;
  handlerTimeMs?: number = undefined;
  fidelity?: FidelityOptions = undefined;
}

/**
 * An app as the store keeps it: every member of InstalledApp present from construction, so all apps share one shape;
 * the rarely set ones (fcmProject, stoppedBecause, registrationErrors, suspendAfterMs, handlerTimeMs, fidelity) are
 * accessors onto one object that only the apps having one of them get.
 */
class AppRecord implements InstalledApp {
  id: string;
  deviceId: string;
  bundleId: string;
  sdkProfile: SdkProfile;
  sdkVersion: string;
  environment: ApnsEnvironment;
  lifecycle: string;
  tokens?: AppTokens;
  installedAt: number;
  #rare: RareAppFields | undefined = undefined;

  constructor(id: string, input: InstallAppInput, installedAt: number) {
    this.id = id;
    this.deviceId = input.deviceId;
    this.bundleId = input.bundleId;
    this.sdkProfile = input.sdkProfile;
    this.sdkVersion = input.sdkVersion ?? DEFAULT_SDK_VERSION[input.sdkProfile];
    this.environment = input.environment ?? 'sandbox';
    this.lifecycle = input.initialLifecycle;
    this.installedAt = installedAt;
    if (input.fcmProject !== undefined) this.fcmProject = input.fcmProject;
    if (input.suspendAfterMs !== undefined) this.suspendAfterMs = input.suspendAfterMs;
    if (input.handlerTimeMs !== undefined) this.handlerTimeMs = input.handlerTimeMs;
    if (input.fidelity) this.fidelity = input.fidelity;
  }

  /** The rare fields to write to; undefined when writing undefined to an app that has none (nothing to keep). */
  private rareFor(value: unknown): RareAppFields | undefined {
    if (value === undefined && this.#rare === undefined) return undefined;
    this.#rare ??= new RareAppFields();
    return this.#rare;
  }

  get fcmProject(): string | undefined {
    return this.#rare?.fcmProject;
  }
  set fcmProject(value: string | undefined) {
    const rare = this.rareFor(value);
    if (rare) rare.fcmProject = value;
  }
  get stoppedBecause(): string | undefined {
    return this.#rare?.stoppedBecause;
  }
  set stoppedBecause(value: string | undefined) {
    const rare = this.rareFor(value);
    if (rare) rare.stoppedBecause = value;
  }
  get registrationErrors(): Record<string, string> | undefined {
    return this.#rare?.registrationErrors;
  }
  set registrationErrors(value: Record<string, string> | undefined) {
    const rare = this.rareFor(value);
    if (rare) rare.registrationErrors = value;
  }
  get suspendAfterMs(): number | undefined {
    return this.#rare?.suspendAfterMs;
  }
  set suspendAfterMs(value: number | undefined) {
    const rare = this.rareFor(value);
    if (rare) rare.suspendAfterMs = value;
  }
  get handlerTimeMs(): number | undefined {
    return this.#rare?.handlerTimeMs;
  }
  set handlerTimeMs(value: number | undefined) {
    const rare = this.rareFor(value);
    if (rare) rare.handlerTimeMs = value;
  }
  get fidelity(): FidelityOptions | undefined {
    return this.#rare?.fidelity;
  }
  set fidelity(value: FidelityOptions | undefined) {
    const rare = this.rareFor(value);
    if (rare) rare.fidelity = value;
  }
}

/** Per token kind, a constructor of `{ [kind]: token }` objects: V8 sizes a constructor's objects to what it sets. */
const singleTokenShapes = new Map<string, new (token: string) => AppTokens>();
function singleToken(kind: string, token: string): AppTokens {
  let Shape = singleTokenShapes.get(kind);
  if (!Shape) {
    Shape = function (this: AppTokens, value: string) {
      this[kind] = value;
    } as unknown as new (
      token: string,
    ) => AppTokens;
    // Plain objects to every reader (prototype Object.prototype), only sized by their constructor.
    Shape.prototype = Object.prototype;
    singleTokenShapes.set(kind, Shape);
  }
  return new Shape(token);
}

/** Whether an app (at a slot of the token index) holds the token, under any kind. */
function holdsToken(app: AppRecord | undefined, token: string): boolean {
  const tokens = app?.tokens;
  if (tokens === undefined) return false;
  for (const kind in tokens) if (tokens[kind] === token) return true;
  return false;
}

/** Whether the token is also held under a kind other than `kind` (then it stays in the index). */
function holdsTokenElsewhere(tokens: AppTokens, kind: string, token: string): boolean {
  for (const other in tokens) if (other !== kind && tokens[other] === token) return true;
  return false;
}

class InMemoryRegistry implements Registry {
  private readonly devices = new SlotIndex<DeviceRecord>('dev-');
  private readonly apps = new SlotIndex<AppRecord>('app-');
  /** Token → the slot of the app holding it (the app's own `tokens` hold the strings and say which kind it is). */
  private readonly tokens = new TokenIndex((slot, token) => holdsToken(this.apps.atSlot(slot), token));
  private readonly uninstalled = new Map<string, UninstalledToken>();
  private nextDevice = 1;
  private nextApp = 1;
  private readonly bus: RegistryContext['bus'];
  private readonly now: () => number;
  private readonly tokenKinds: readonly TokenKind[];

  constructor(context: RegistryContext) {
    this.bus = context.bus;
    this.now = context.now;
    this.tokenKinds = context.tokenKinds ?? DEFAULT_TOKEN_KINDS;
  }

  createDevice(input: CreateDeviceInput): Device {
    const id = input.id ?? `dev-${this.nextDevice++}`;
    if (this.devices.has(id))
      throw new SimulatorError(
        ErrorCodes.DEVICE_EXISTS,
        `a device with id "${id}" already exists; choose another id or leave it out`,
        'id',
      );
    const device = new DeviceRecord(id, input, this.now());
    this.devices.add(device);
    if (this.bus.hasListeners('device.created')) this.bus.emit('device.created', { device });
    return device;
  }

  device(id: string): Device | undefined {
    return this.devices.get(id);
  }

  requireDevice(id: string): Device {
    return this.deviceRecord(id);
  }

  private deviceRecord(id: string): DeviceRecord {
    const device = this.devices.get(id);
    if (!device)
      throw new SimulatorError(
        ErrorCodes.DEVICE_NOT_FOUND,
        `no device "${id}"; list devices with GET /api/devices`,
        'deviceId',
      );
    return device;
  }

  listDevices(): Device[] {
    return this.devices.values();
  }

  setConditions(deviceId: string, changed: Partial<DeviceConditions>): Device {
    const device = this.deviceRecord(deviceId);
    device.conditions = { ...device.conditions, ...changed };
    this.bus.emit('device.conditions-changed', { deviceId, conditions: device.conditions, changed });
    return device;
  }

  removeDevice(deviceId: string): void {
    const device = this.deviceRecord(deviceId);
    for (const appId of [...device.appIds()]) this.uninstall(appId);
    this.devices.remove(deviceId);
    this.bus.emit('device.removed', { deviceId });
  }

  install(input: InstallAppInput): InstalledApp {
    const device = this.deviceRecord(input.deviceId);
    const id = input.id ?? `app-${this.nextApp++}`;
    if (this.apps.has(id))
      throw new SimulatorError(
        ErrorCodes.APP_EXISTS,
        `an app with id "${id}" already exists; choose another id or leave it out`,
        'id',
      );
    for (const appId of device.appIds()) {
      if (this.apps.get(appId)!.bundleId === input.bundleId)
        throw new SimulatorError(
          ErrorCodes.APP_ALREADY_INSTALLED,
          `"${input.bundleId}" is already installed on ${device.id}; uninstall it first`,
          'bundleId',
        );
    }
    const app = new AppRecord(id, input, this.now());
    // The device's id, not the input's string: one string per device however many inputs named it.
    app.deviceId = device.id;
    this.apps.add(app);
    device.addApp(id);
    if (this.bus.hasListeners('app.installed')) this.bus.emit('app.installed', { app });
    return app;
  }

  app(id: string): InstalledApp | undefined {
    return this.apps.get(id);
  }

  requireApp(id: string): InstalledApp {
    return this.appRecord(id);
  }

  private appRecord(id: string): AppRecord {
    const app = this.apps.get(id);
    if (!app)
      throw new SimulatorError(ErrorCodes.APP_NOT_FOUND, `no app "${id}"; list apps with GET /api/apps`, 'appId');
    return app;
  }

  listApps(deviceId?: string): InstalledApp[] {
    if (deviceId === undefined) return this.apps.values();
    const device = this.devices.get(deviceId);
    return device ? device.appIds().map((id) => this.apps.get(id)!) : [];
  }

  get appCount(): number {
    return this.apps.size;
  }

  register(appId: string): AppTokens {
    const app = this.appRecord(appId);
    const device = this.deviceRecord(app.deviceId);
    let tokens: AppTokens | undefined;
    let errors: Record<string, string> | undefined;
    for (const kind of this.tokenKinds) {
      if (app.tokens?.[kind.name] || !kind.isWantedBy(app, device)) continue;
      const error = kind.unavailable?.(app, device);
      if (error) (errors ??= {})[kind.name] = error;
      else {
        const token = kind.issue();
        // A first token in an object of its exact shape (32 B, not an empty literal's 56 B with slack: a million
        // apps hold a million of these); a later kind copies it into a plain object as before.
        if (!tokens && !app.tokens) tokens = singleToken(kind.name, token);
        else (tokens ??= { ...app.tokens })[kind.name] = token;
      }
    }
    if (!tokens && app.tokens) return app.tokens;
    tokens ??= {};
    app.registrationErrors = errors;
    app.tokens = tokens;
    const slot = this.apps.slotOfId(app.id);
    for (const kind in tokens) {
      const token = tokens[kind];
      if (token && this.tokens.find(token) < 0) this.tokens.add(token, slot);
    }
    if (this.bus.hasListeners('token.issued')) this.bus.emit('token.issued', { appId, tokens });
    return tokens;
  }

  assignToken(appId: string, kind: string, token: string): void {
    const app = this.appRecord(appId);
    const ownerSlot = this.tokens.find(token);
    const owner = ownerSlot < 0 ? undefined : this.apps.atSlot(ownerSlot);
    if (owner && owner.id !== appId)
      throw new SimulatorError(ErrorCodes.TOKEN_IN_USE, `token is already assigned to ${owner.id}`, 'token');
    const tokens = app.tokens ?? {};
    const before = tokens[kind];
    // Out of the index while the app still holds it (the index finds a token through the app's own tokens).
    if (before && before !== token && !holdsTokenElsewhere(tokens, kind, before)) this.tokens.remove(before);
    tokens[kind] = token;
    app.tokens = tokens;
    if (!owner) this.tokens.add(token, this.apps.slotOfId(appId));
    this.bus.emit('token.issued', { appId, tokens });
  }

  resolveToken(token: string): TokenAddress | undefined {
    const slot = this.tokens.find(token);
    if (slot < 0) return undefined;
    const app = this.apps.atSlot(slot)!;
    const tokens = app.tokens!;
    let kind = '';
    for (const name in tokens)
      if (tokens[name] === token) {
        kind = name;
        break;
      }
    return { app, device: this.devices.get(app.deviceId)!, kind };
  }

  uninstalledToken(token: string): UninstalledToken | undefined {
    return this.uninstalled.get(token);
  }

  uninstall(appId: string): InstalledApp {
    const app = this.appRecord(appId);
    const at = this.now();
    for (const [kind, token] of Object.entries(app.tokens ?? {}) as [string, string][]) {
      if (!token) continue;
      this.tokens.remove(token);
      this.uninstalled.set(token, {
        kind,
        appId,
        bundleId: app.bundleId,
        environment: app.environment,
        uninstalledAt: at,
      });
    }
    const moved = this.apps.remove(appId);
    if (moved) this.tokens.renumber((slot) => moved[slot]!);
    this.devices.get(app.deviceId)?.removeApp(appId);
    this.bus.emit('app.uninstalled', { appId, deviceId: app.deviceId, bundleId: app.bundleId });
    return app;
  }

  setLifecycle(appId: string, lifecycle: string, stoppedBecause?: string): void {
    const app = this.appRecord(appId);
    app.lifecycle = lifecycle;
    app.stoppedBecause = stoppedBecause;
  }

  clear(): void {
    this.devices.clear();
    this.apps.clear();
    this.tokens.clear();
    this.uninstalled.clear();
    this.nextDevice = 1;
    this.nextApp = 1;
  }
}
