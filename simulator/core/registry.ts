// The registry of simulated devices, installed apps and the tokens that address them. Pure data: no HTTP, no xstate.
import type { EventBus } from './event-bus.js';
import type { SimulatorEvents } from './simulator-events.js';
import { DEFAULT_OS_VERSION, defaultConditions, type Device, type DeviceConditions, type Platform, type Manufacturer } from './device.js';
import type { AppTokens, InstalledApp, SdkProfile, ApnsEnvironment, UninstalledToken, FidelityOptions } from './installed-app.js';
import { DEFAULT_TOKEN_KINDS, type TokenKind } from './token-issuer.js';
import { SimulatorError } from './simulator-error.js';

export interface CreateDeviceInput {
  platform: Platform;
  manufacturer?: Manufacturer;
  osVersion?: string;
  name?: string;
  conditions?: Partial<DeviceConditions>;
  id?: string;
}

export interface InstallAppInput {
  deviceId: string;
  bundleId: string;
  sdkProfile: SdkProfile;
  sdkVersion?: string;
  environment?: ApnsEnvironment;
  initialLifecycle: string;
  suspendAfterMs?: number;
  handlerTimeMs?: number;
  fidelity?: FidelityOptions;
  fcmProject?: string;
  id?: string;
}

/** What a token addresses; `kind` is the token kind (`apns`, `fcm`...) the app holds it as. */
export interface TokenAddress { app: InstalledApp; device: Device; kind: string }

const DEFAULT_SDK_VERSION: Record<SdkProfile, string> = {
  'native-ios': '18.0',
  'native-android': '24.1.0',
  'zpns-rn': '2.8.3',
  'rn-firebase': '26.4.0',
};

const DEFAULT_CONDITIONS = { ios: Object.freeze(defaultConditions('ios')), android: Object.freeze(defaultConditions('android')) };
const DEFAULT_DEVICE_NAME = { ios: 'iPhone', android: 'Pixel' } as const;

export class Registry {
  private readonly devices = new Map<string, Device>();
  private readonly apps = new Map<string, InstalledApp>();
  private readonly appsByDevice = new Map<string, string[]>();
  /** Token → owning app id (the app's own `tokens` say which kind it is: no object per token, memory stays small). */
  private readonly tokens = new Map<string, string>();
  private readonly uninstalled = new Map<string, UninstalledToken>();
  private nextDevice = 1;
  private nextApp = 1;
  private tokenKinds: readonly TokenKind[] = DEFAULT_TOKEN_KINDS;

  constructor(private readonly bus: EventBus<SimulatorEvents>, private readonly now: () => number) {}

  /** The token kinds register() issues: the running service modules' (startSimulator sets them before any app exists). */
  useTokenKinds(kinds: readonly TokenKind[]): void { this.tokenKinds = kinds; }

  createDevice(input: CreateDeviceInput): Device {
    const id = input.id ?? `dev-${this.nextDevice++}`;
    if (this.devices.has(id)) throw new SimulatorError('DEVICE_EXISTS', `a device with id "${id}" already exists; choose another id or leave it out`, 'id', 409);
    const device: Device = {
      id,
      platform: input.platform,
      osVersion: input.osVersion ?? DEFAULT_OS_VERSION[input.platform],
      name: input.name ?? DEFAULT_DEVICE_NAME[input.platform],
      // Devices on default conditions share one frozen object; setConditions gives a device its own copy.
      conditions: input.conditions ? { ...defaultConditions(input.platform), ...input.conditions } : DEFAULT_CONDITIONS[input.platform],
      createdAt: this.now(),
    };
    if (input.manufacturer) device.manufacturer = input.manufacturer;
    this.devices.set(id, device);
    this.bus.emit('device.created', { device });
    return device;
  }

  device(id: string): Device | undefined { return this.devices.get(id); }

  requireDevice(id: string): Device {
    const device = this.devices.get(id);
    if (!device) throw new SimulatorError('DEVICE_NOT_FOUND', `no device "${id}"; list devices with GET /api/devices`, 'deviceId', 404);
    return device;
  }

  listDevices(): Device[] { return [...this.devices.values()]; }

  setConditions(deviceId: string, changed: Partial<DeviceConditions>): Device {
    const device = this.requireDevice(deviceId);
    device.conditions = { ...device.conditions, ...changed };
    this.bus.emit('device.conditions-changed', { deviceId, conditions: device.conditions, changed });
    return device;
  }

  removeDevice(deviceId: string): void {
    this.requireDevice(deviceId);
    for (const appId of [...(this.appsByDevice.get(deviceId) ?? [])]) this.uninstall(appId);
    this.devices.delete(deviceId);
    this.appsByDevice.delete(deviceId);
    this.bus.emit('device.removed', { deviceId });
  }

  install(input: InstallAppInput): InstalledApp {
    const device = this.requireDevice(input.deviceId);
    const id = input.id ?? `app-${this.nextApp++}`;
    if (this.apps.has(id)) throw new SimulatorError('APP_EXISTS', `an app with id "${id}" already exists; choose another id or leave it out`, 'id', 409);
    const onDevice = this.appsByDevice.get(device.id) ?? [];
    if (onDevice.some((appId) => this.apps.get(appId)!.bundleId === input.bundleId)) {
      throw new SimulatorError('APP_ALREADY_INSTALLED', `"${input.bundleId}" is already installed on ${device.id}; uninstall it first`, 'bundleId', 409);
    }
    const app: InstalledApp = {
      id,
      deviceId: device.id,
      bundleId: input.bundleId,
      sdkProfile: input.sdkProfile,
      sdkVersion: input.sdkVersion ?? DEFAULT_SDK_VERSION[input.sdkProfile],
      environment: input.environment ?? 'sandbox',
      lifecycle: input.initialLifecycle,
      installedAt: this.now(),
    };
    if (input.suspendAfterMs !== undefined) app.suspendAfterMs = input.suspendAfterMs;
    if (input.handlerTimeMs !== undefined) app.handlerTimeMs = input.handlerTimeMs;
    if (input.fcmProject !== undefined) app.fcmProject = input.fcmProject;
    if (input.fidelity) app.fidelity = input.fidelity;
    this.apps.set(id, app);
    onDevice.push(id);
    this.appsByDevice.set(device.id, onDevice);
    this.bus.emit('app.installed', { app });
    return app;
  }

  app(id: string): InstalledApp | undefined { return this.apps.get(id); }

  requireApp(id: string): InstalledApp {
    const app = this.apps.get(id);
    if (!app) throw new SimulatorError('APP_NOT_FOUND', `no app "${id}"; list apps with GET /api/apps`, 'appId', 404);
    return app;
  }

  listApps(deviceId?: string): InstalledApp[] {
    if (deviceId === undefined) return [...this.apps.values()];
    return (this.appsByDevice.get(deviceId) ?? []).map((id) => this.apps.get(id)!);
  }

  get appCount(): number { return this.apps.size; }

  /**
   * Issues the app's tokens, one per token kind it registers for (an APNs token on iOS, an FCM token on Android and on
   * iOS for RN Firebase, a pushID for ZPNs...). Registering again returns the same tokens: they survive lifecycle changes
   * and last until uninstall. A kind that is unavailable now (FCM on an Android phone without Google Play services) is
   * left out with the SDK's error in `registrationErrors`; registering once it is available issues it.
   */
  register(appId: string): AppTokens {
    const app = this.requireApp(appId);
    const device = this.requireDevice(app.deviceId);
    const wanted = this.tokenKinds.filter((kind) => kind.isWantedBy(app, device));
    const errors: Record<string, string> = {};
    const missing = wanted.filter((kind) => {
      if (app.tokens?.[kind.name]) return false;
      const error = kind.unavailable?.(app, device);
      if (error) errors[kind.name] = error;
      return !error;
    });
    if (app.tokens && missing.length === 0) return app.tokens;
    const tokens: AppTokens = { ...app.tokens };
    for (const kind of missing) tokens[kind.name] = kind.issue();
    app.tokens = tokens;
    if (Object.keys(errors).length > 0) app.registrationErrors = errors;
    else delete app.registrationErrors;
    for (const token of Object.values(tokens)) if (token) this.tokens.set(token, app.id);
    this.bus.emit('token.issued', { appId, tokens });
    return tokens;
  }

  /** Declares a token for an app (scenarios and tests that want a known token). */
  assignToken(appId: string, kind: string, token: string): void {
    const app = this.requireApp(appId);
    const owner = this.tokens.get(token);
    if (owner && owner !== appId) throw new SimulatorError('TOKEN_IN_USE', `token is already assigned to ${owner}`, 'token', 409);
    const tokens = app.tokens ?? {};
    if (tokens[kind]) this.tokens.delete(tokens[kind]!);
    tokens[kind] = token;
    app.tokens = tokens;
    this.tokens.set(token, app.id);
    this.bus.emit('token.issued', { appId, tokens });
  }

  /** Finds the app and device a token addresses, or undefined when no installed app owns it. */
  resolveToken(token: string): TokenAddress | undefined {
    const appId = this.tokens.get(token);
    if (!appId) return undefined;
    const app = this.apps.get(appId)!;
    const kind = Object.entries(app.tokens!).find(([, value]) => value === token)![0];
    return { app, device: this.devices.get(app.deviceId)!, kind };
  }

  /** A token whose app was uninstalled: APNs answers 410 Unregistered with this timestamp, FCM 404 UNREGISTERED. */
  uninstalledToken(token: string): UninstalledToken | undefined { return this.uninstalled.get(token); }

  uninstall(appId: string): InstalledApp {
    const app = this.requireApp(appId);
    const at = this.now();
    for (const [kind, token] of Object.entries(app.tokens ?? {}) as [string, string][]) {
      this.tokens.delete(token);
      this.uninstalled.set(token, { kind, appId, bundleId: app.bundleId, environment: app.environment, uninstalledAt: at });
    }
    this.apps.delete(appId);
    const onDevice = this.appsByDevice.get(app.deviceId);
    if (onDevice) onDevice.splice(onDevice.indexOf(appId), 1);
    this.bus.emit('app.uninstalled', { appId, deviceId: app.deviceId, bundleId: app.bundleId });
    return app;
  }

  setLifecycle(appId: string, lifecycle: string, stoppedBecause?: string): void {
    const app = this.requireApp(appId);
    app.lifecycle = lifecycle;
    if (stoppedBecause === undefined) delete app.stoppedBecause;
    else app.stoppedBecause = stoppedBecause;
  }

  clear(): void {
    this.devices.clear(); this.apps.clear(); this.appsByDevice.clear(); this.tokens.clear(); this.uninstalled.clear();
    this.nextDevice = 1; this.nextApp = 1;
  }
}
