// The registry's contract: simulated devices, installed apps and the tokens that address them, as every caller reaches
// them. The in-memory store (in-memory-registry-store.ts) is the default; a shared store can implement the same
// interface.
import type { EventBus } from './event-bus.js';
import type { SimulatorEvents } from './simulator-events.js';
import type { Device, DeviceConditions, Platform, Manufacturer } from './device.js';
import type {
  AppTokens,
  InstalledApp,
  SdkProfile,
  ApnsEnvironment,
  UninstalledToken,
  FidelityOptions,
} from './installed-app.js';
import type { TokenKind } from './token-issuer.js';

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
export interface TokenAddress {
  app: InstalledApp;
  device: Device;
  kind: string;
}

/**
 * Devices, apps and tokens. What a read returns is the record as it is now: change it only through these methods
 * (setConditions, setLifecycle, register...), never by assigning to it, and read it again to see a later change — a store
 * may hand out copies (a column store, Redis), so neither writes to a returned object nor changes seen through one
 * held from an earlier read are part of the contract. Every change is published on the simulator's bus
 * (`device.created`, `device.conditions-changed`, `app.installed`, `token.issued`, `app.uninstalled`, `device.removed`).
 */
export interface Registry {
  /** A new device; `id` defaults to `dev-<n>`. Throws DEVICE_EXISTS for an id in use. */
  createDevice(input: CreateDeviceInput): Device;
  device(id: string): Device | undefined;
  /** The device, or DEVICE_NOT_FOUND. */
  requireDevice(id: string): Device;
  listDevices(): Device[];
  /** Merges `changed` into the device's conditions; returns the device as changed. */
  setConditions(deviceId: string, changed: Partial<DeviceConditions>): Device;
  /** Uninstalls every app on the device, then removes it. */
  removeDevice(deviceId: string): void;

  /**
   * A new app on a device; `id` defaults to `app-<n>`. Throws APP_EXISTS, or APP_ALREADY_INSTALLED for a bundle id the
   * device has.
   */
  install(input: InstallAppInput): InstalledApp;
  app(id: string): InstalledApp | undefined;
  /** The app, or APP_NOT_FOUND. */
  requireApp(id: string): InstalledApp;
  /** Every app, or a device's apps, in install order. */
  listApps(deviceId?: string): InstalledApp[];
  readonly appCount: number;
  /**
   * Issues the app's tokens, one per token kind it registers for (an APNs token on iOS, an FCM token on Android and on
   * iOS for RN Firebase, a pushID for ZPNs...). Registering again returns the same tokens: they survive lifecycle changes
   * and last until uninstall. A kind that is unavailable now (FCM on an Android phone without Google Play services) is
   * left out with the SDK's error in the app's `registrationErrors`; registering once it is available issues it.
   */
  register(appId: string): AppTokens;
  /**
   * Declares a token for an app (scenarios and tests that want a known token); TOKEN_IN_USE when another app holds it.
   */
  assignToken(appId: string, kind: string, token: string): void;
  /** The app and device a token addresses, or undefined when no installed app owns it. */
  resolveToken(token: string): TokenAddress | undefined;
  /** A token whose app was uninstalled: APNs answers 410 Unregistered with this timestamp, FCM 404 UNREGISTERED. */
  uninstalledToken(token: string): UninstalledToken | undefined;
  /** Removes the app; its tokens become uninstalled tokens. Returns the app as it was. */
  uninstall(appId: string): InstalledApp;
  /** Records the app's lifecycle state (the LifecycleDriver is its one writer) and why it stopped, if it did. */
  setLifecycle(appId: string, lifecycle: string, stoppedBecause?: string): void;

  /** Forgets every device, app and token, and restarts the generated ids. */
  clear(): void;
}

/** What a registry store is built with (Simulation passes its own). */
export interface RegistryContext {
  /** Where the registry publishes its changes. */
  readonly bus: EventBus<SimulatorEvents>;
  /** The simulator's clock time, for `createdAt`, `installedAt` and `uninstalledAt`. */
  readonly now: () => number;
  /** The token kinds register() issues: the running service modules' (DEFAULT_TOKEN_KINDS when absent). */
  readonly tokenKinds?: readonly TokenKind[];
}

/** Builds a registry store; SimulationOptions.registry takes one (createInMemoryRegistry by default). */
export type RegistryFactory = (context: RegistryContext) => Registry;
