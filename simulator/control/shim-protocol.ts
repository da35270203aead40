// The ws protocol between the simulator and one app install on one simulated device (the client shim).
// Written down in docs/shim-protocol.md; every message is one JSON object with a `type`.
import type { AppTokens, SdkProfile, ApnsEnvironment, Platform, PushKind, PushPriority, DeviceConditions, FidelityOptions } from '../core/index.js';
import type { DeliveryAck } from '../engine/index.js';

export const SHIM_PROTOCOL_VERSION = 1;
export const SHIM_PATH = '/api/shim';

/** Which install the shim speaks for: an existing app by id, or a device and app to create. */
export interface ShimHello {
  type: 'hello';
  protocol: number;
  appId?: string;
  /** Create (or reuse by id) this device when `appId` is not given. */
  device?: { id?: string; platform: Platform; osVersion?: string; conditions?: Partial<DeviceConditions> };
  /** Install this app on the device when `appId` is not given (reused if already installed). */
  app?: { id?: string; bundleId: string; sdkProfile: SdkProfile; sdkVersion?: string; environment?: ApnsEnvironment; fcmProject?: string; fidelity?: FidelityOptions };
}

export interface ShimRegister { type: 'register'; requestId: string }
export interface ShimLifecycleRequest { type: 'lifecycle'; requestId: string; event: string }
/** The app code ran (or could not run) for a delivery: the engine's DeliveryAck on the wire. */
export interface ShimAck extends DeliveryAck { type: 'ack' }
/** The app's completion handler was called (iOS fetch completion; a JS background handler's promise settled). */
export interface ShimComplete { type: 'complete'; pushId: string; result?: string; error?: string; durationMs?: number }
/** The user taps the notification a push displayed. */
export interface ShimTap { type: 'tap'; requestId: string; pushId: string }
/** A round trip: the reply comes after every message the simulator sent before it (used to wait for in-flight deliveries). */
export interface ShimSync { type: 'sync'; requestId: string }
export interface ShimTopic { type: 'subscribe' | 'unsubscribe'; requestId: string; topic: string }

export type ShimClientMessage = ShimHello | ShimRegister | ShimLifecycleRequest | ShimAck | ShimComplete | ShimTap | ShimSync | ShimTopic;

export interface ShimWelcome {
  type: 'welcome';
  protocol: number;
  appId: string;
  deviceId: string;
  platform: Platform;
  bundleId: string;
  sdkProfile: SdkProfile;
  sdkVersion: string;
  lifecycle: string;
  tokens: AppTokens;
  /** Docs-vs-SDK switches of the install (ZPNs source-type numbering...). */
  fidelity: FidelityOptions;
  now: number;
}

export interface ShimDeliver {
  type: 'deliver';
  pushId: string;
  kind: PushKind;
  priority: PushPriority;
  payload: Record<string, unknown>;
  collapseId?: string;
  /** SDK callbacks the rules chose, in order. */
  callbacks: string[];
  platformCallbacks: string[];
  display: boolean;
  wake?: 'background' | 'headless';
  /** Top-level app state at delivery. */
  state: string;
  provider: string;
  sentAt: number;
}

/** The user tapped a displayed notification (or a banner) of this push. */
/** `stateBefore` is the full lifecycle path (`background.headless`...). */
export interface ShimOpened { type: 'opened'; pushId: string; kind: PushKind; payload: Record<string, unknown>; stateBefore: string; provider: string }
export interface ShimLifecycleNotice { type: 'lifecycle'; from: string; to: string; event: string; reason?: string }
export interface ShimReply { type: 'reply'; requestId: string; ok: boolean; result?: unknown; error?: { code: string; message: string } }
export interface ShimError { type: 'error'; code: string; message: string }

export type ShimServerMessage = ShimWelcome | ShimDeliver | ShimOpened | ShimLifecycleNotice | ShimReply | ShimError;
