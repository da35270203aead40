// The normalised push every provider hands to the router, whatever wire protocol it arrived on.

/**
 * The service a push came in through: a service module's name (`apns`, `fcm`, `zpns`...) or `native` (POST
 * /api/pushes).
 */
export type ProviderName = string;

/**
 * The channel a push reaches the device on: Apple's and Google's services, a phone maker's push service (Huawei's HMS,
 * Xiaomi, OPPO, vivo; what ZPNs uses on Android without Google services), or ZIM's own long connection (in-app).
 * Rules match on it: an FCM row does not decide an HMS push.
 */
export type Channel = 'apns' | 'fcm' | 'hms' | 'xiaomi' | 'oppo' | 'vivo' | 'zim';
export const CHANNELS: readonly Channel[] = ['apns', 'fcm', 'hms', 'xiaomi', 'oppo', 'vivo', 'zim'];
/** The phone makers' channels, as ZPNs reaches them on an Android phone without Google services. */
export const VENDOR_CHANNELS: readonly Channel[] = ['hms', 'xiaomi', 'oppo', 'vivo'];

/**
 * What the push is, in the platform's own terms.
 * iOS: `alert`, `background` (content-available only), `alert+background`, `voip`.
 * Android (FCM): `notification`, `data`, `notification+data`.
 * `liveactivity`: an ActivityKit push, which simulator/live-activity/ decides (not the platform rows).
 */
export type PushKind =
  | 'alert'
  | 'background'
  | 'alert+background'
  | 'voip'
  | 'notification'
  | 'data'
  | 'notification+data'
  /** An ActivityKit push to a Live Activity (apns-push-type liveactivity): it updates the activity, not the app. */
  | 'liveactivity';
export const IOS_PUSH_KINDS: readonly PushKind[] = ['alert', 'background', 'alert+background', 'voip'];
export const ANDROID_PUSH_KINDS: readonly PushKind[] = ['notification', 'data', 'notification+data'];

/** `high` = APNs 10 / FCM HIGH; `normal` = APNs 5 / FCM NORMAL; `low` = APNs 1. */
export type PushPriority = 'high' | 'normal' | 'low';

export interface Push {
  id: string;
  provider: ProviderName;
  /** The channel it arrives on; absent = the platform's own service (APNs on iOS, FCM on Android). */
  channel?: Channel;
  token: string;
  kind: PushKind;
  priority: PushPriority;
  /**
   * Absolute expiry in clock ms; 0 = deliver now or never (APNs `apns-expiration: 0`, FCM ttl 0); absent = service
   * default.
   */
  expiresAt?: number;
  collapseId?: string;
  /** The payload the app sees: APNs userInfo (with `aps`) or FCM `{ data, notification }`. */
  payload: Record<string, unknown>;
  /**
   * The payload's JSON text as the provider received it, when `payload` is exactly its parse: the ledger keeps this
   * text instead of serialising the payload again (issue 14). Absent when the payload was built or changed.
   */
  payloadText?: string;
  /** Wire headers or options kept for the ledger and the dashboard. */
  headers?: Record<string, string>;
  acceptedAt: number;
  /** Free-form annotations a provider adds (e.g. `background push sent with priority 10`). */
  notes?: string[];
}
