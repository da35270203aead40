// An app installed on a simulated device: its identity, SDK, environment, lifecycle state and the tokens that address
// it.

export type SdkProfile = 'native-ios' | 'native-android' | 'zpns-rn' | 'rn-firebase';
export const SDK_PROFILES: readonly SdkProfile[] = ['native-ios', 'native-android', 'zpns-rn', 'rn-firebase'];
export type ApnsEnvironment = 'sandbox' | 'production';

/**
 * An app's tokens by token kind (a service module's `tokenKinds`): `apns` (64 lower-case hex characters, valid only in
 * `environment`), `fcm` (a registration token), `zpns` (a pushID), and whatever kinds other services add.
 */
export type AppTokens<Kind extends string = string> = { [K in Kind]?: string };

/** Switches where documentation and SDK code disagree; defaults follow the SDK code. */
export interface FidelityOptions {
  /**
   * ZPNs: documented Android behaviour (background-but-alive → throughMessageReceived) instead of 2.8.3's headless
   * handler.
   */
  zpnsDocumentedAndroidBackground?: boolean;
  /** ZPNs: the TS enum's source-type numbering on Android (FCM = 2) instead of the native layer's (FCM = 1). */
  zpnsDocumentedSourceType?: boolean;
  /** ZPNs: also put `payload` in `aps.payload` on iOS, as older docs and the iOS click code read it. */
  zpnsPayloadInAps?: boolean;
}

export interface InstalledApp {
  id: string;
  deviceId: string;
  /** Bundle id on iOS, package name on Android. */
  bundleId: string;
  sdkProfile: SdkProfile;
  sdkVersion: string;
  environment: ApnsEnvironment;
  /** The Firebase project whose sender its FCM token belongs to; the FCM provider's first project when absent. */
  fcmProject?: string;
  /** Lifecycle state as a dotted path of the platform machine, e.g. `background.pushWake`. */
  lifecycle: string;
  /** Why the app last stopped running (`budgetExpired`, `forceQuit`...), kept for the ledger. */
  stoppedBecause?: string;
  tokens?: AppTokens;
  /**
   * Tokens the last registration could not get, with the error the platform SDK reports: `fcm: "SERVICE_NOT_AVAILABLE"`
   * on an Android phone without Google Play services (FirebaseMessaging.getToken() fails there).
   */
  registrationErrors?: Record<string, string>;
  installedAt: number;
  /** Clock-time background allowance before iOS suspends a backgrounded app; the platform default when absent. */
  suspendAfterMs?: number;
  /**
   * For a virtual app (no client shim attached): clock time its background handler takes before it calls the completion
   * handler. 0 or absent = at once; -1 = never (the app is terminated when the budget runs out).
   */
  handlerTimeMs?: number;
  fidelity?: FidelityOptions;
}

export interface UninstalledToken {
  /** The token kind (`apns`, `fcm`...). */
  kind: string;
  appId: string;
  bundleId: string;
  environment: ApnsEnvironment;
  /** When the app was removed; APNs answers 410 with this timestamp. */
  uninstalledAt: number;
}
