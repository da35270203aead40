// The in-memory registry store, the default behind the Registry interface: devices, apps and tokens in Maps, one
// string per token (the token → app index holds no object per token, so memory stays small).
import { DEFAULT_OS_VERSION, defaultConditions, type Device, type DeviceConditions } from './device.js';
import type { AppTokens, InstalledApp, SdkProfile, UninstalledToken } from './installed-app.js';
import { DEFAULT_TOKEN_KINDS, type TokenKind } from './token-issuer.js';
import { ErrorCodes } from './error-codes.js';
import { SimulatorError } from './simulator-error.js';
import type { CreateDeviceInput, InstallAppInput, Registry, RegistryContext, TokenAddress } from './registry.js';

/** The default registry store (SimulationOptions.registry). */
export const createInMemoryRegistry = (context: RegistryContext): Registry => new InMemoryRegistry(context);

const DEFAULT_SDK_VERSION: Record<SdkProfile, string> = {
  'native-ios': '18.0',
  'native-android': '24.1.0',
  'zpns-rn': '2.8.3',
  'rn-firebase': '26.4.0',
};

const DEFAULT_CONDITIONS = {
  ios: Object.freeze(defaultConditions('ios')),
  android: Object.freeze(defaultConditions('android')),
};
const DEFAULT_DEVICE_NAME = { ios: 'iPhone', android: 'Pixel' } as const;

class InMemoryRegistry implements Registry {
  private readonly devices = new Map<string, Device>();
  private readonly apps = new Map<string, InstalledApp>();
  private readonly appsByDevice = new Map<string, string[]>();
  /** Token → owning app id (the app's own `tokens` say which kind it is: no object per token, memory stays small). */
  private readonly tokens = new Map<string, string>();
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
    const device: Device = {
      id,
      platform: input.platform,
      osVersion: input.osVersion ?? DEFAULT_OS_VERSION[input.platform],
      name: input.name ?? DEFAULT_DEVICE_NAME[input.platform],
      // Devices on default conditions share one frozen object; setConditions gives a device its own copy.
      conditions: input.conditions
        ? { ...defaultConditions(input.platform), ...input.conditions }
        : DEFAULT_CONDITIONS[input.platform],
      createdAt: this.now(),
    };
    if (input.manufacturer) device.manufacturer = input.manufacturer;
    this.devices.set(id, device);
    this.bus.emit('device.created', { device });
    return device;
  }

  device(id: string): Device | undefined {
    return this.devices.get(id);
  }

  requireDevice(id: string): Device {
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
    return [...this.devices.values()];
  }

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
    if (this.apps.has(id))
      throw new SimulatorError(
        ErrorCodes.APP_EXISTS,
        `an app with id "${id}" already exists; choose another id or leave it out`,
        'id',
      );
    const onDevice = this.appsByDevice.get(device.id) ?? [];
    if (onDevice.some((appId) => this.apps.get(appId)!.bundleId === input.bundleId)) {
      throw new SimulatorError(
        ErrorCodes.APP_ALREADY_INSTALLED,
        `"${input.bundleId}" is already installed on ${device.id}; uninstall it first`,
        'bundleId',
      );
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

  app(id: string): InstalledApp | undefined {
    return this.apps.get(id);
  }

  requireApp(id: string): InstalledApp {
    const app = this.apps.get(id);
    if (!app)
      throw new SimulatorError(ErrorCodes.APP_NOT_FOUND, `no app "${id}"; list apps with GET /api/apps`, 'appId');
    return app;
  }

  listApps(deviceId?: string): InstalledApp[] {
    if (deviceId === undefined) return [...this.apps.values()];
    return (this.appsByDevice.get(deviceId) ?? []).map((id) => this.apps.get(id)!);
  }

  get appCount(): number {
    return this.apps.size;
  }

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

  assignToken(appId: string, kind: string, token: string): void {
    const app = this.requireApp(appId);
    const owner = this.tokens.get(token);
    if (owner && owner !== appId)
      throw new SimulatorError(ErrorCodes.TOKEN_IN_USE, `token is already assigned to ${owner}`, 'token');
    const tokens = app.tokens ?? {};
    if (tokens[kind]) this.tokens.delete(tokens[kind]!);
    tokens[kind] = token;
    app.tokens = tokens;
    this.tokens.set(token, app.id);
    this.bus.emit('token.issued', { appId, tokens });
  }

  resolveToken(token: string): TokenAddress | undefined {
    const appId = this.tokens.get(token);
    if (!appId) return undefined;
    const app = this.apps.get(appId)!;
    const kind = Object.entries(app.tokens!).find(([, value]) => value === token)![0];
    return { app, device: this.devices.get(app.deviceId)!, kind };
  }

  uninstalledToken(token: string): UninstalledToken | undefined {
    return this.uninstalled.get(token);
  }

  uninstall(appId: string): InstalledApp {
    const app = this.requireApp(appId);
    const at = this.now();
    for (const [kind, token] of Object.entries(app.tokens ?? {}) as [string, string][]) {
      this.tokens.delete(token);
      this.uninstalled.set(token, {
        kind,
        appId,
        bundleId: app.bundleId,
        environment: app.environment,
        uninstalledAt: at,
      });
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
    this.devices.clear();
    this.apps.clear();
    this.appsByDevice.clear();
    this.tokens.clear();
    this.uninstalled.clear();
    this.nextDevice = 1;
    this.nextApp = 1;
  }
}
