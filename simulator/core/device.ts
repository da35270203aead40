// Simulated phones: platform, OS version and the conditions that change what a push does (offline, Doze,
// permission...).

export type Platform = 'ios' | 'android';

/** Android App Standby buckets (https://developer.android.com/topic/performance/appstandby). */
export type StandbyBucket = 'active' | 'working_set' | 'frequent' | 'rare' | 'restricted';
export type NotificationPermission = 'granted' | 'denied' | 'notDetermined';

export interface DeviceConditions {
  /** Reachable by the push service; offline devices get pushes stored under each service's policy. */
  online: boolean;
  /** iOS Low Power Mode; it turns Background App Refresh off (UIApplication.backgroundRefreshStatus docs). */
  lowPowerMode: boolean;
  /** iOS Background App Refresh switch. */
  backgroundAppRefresh: boolean;
  /** Android Doze: normal-priority FCM messages wait for a maintenance window. */
  doze: boolean;
  /** Android App Standby bucket; caps high-priority FCM per day in the lower buckets. */
  standbyBucket: StandbyBucket;
  /** Notification permission (iOS authorization, Android 13+ POST_NOTIFICATIONS). */
  notificationPermission: NotificationPermission;
  /** Google Play services present (FCM works only with them). */
  hasGoogleServices: boolean;
  /**
   * HMS Core (the Huawei Mobile Services APK) present; Huawei Push Kit, and so ZPNs's Huawei channel, works only with
   * it (docs/reference/hms.md#hms-core-on-the-phone). Defaults to true on a Huawei phone, false on any other.
   */
  hasHmsCore: boolean;
  /** Keyguard locked; FCM and ZPNs count a locked screen as background. */
  screenLocked: boolean;
  /**
   * Xcode debugger attached; Apple disables the silent-push throttle then (developer.apple.com/forums/thread/776933).
   */
  debuggerAttached: boolean;
}

/**
 * Who made the phone; on Android without Google services it picks the vendor push channel (Huawei, Xiaomi, OPPO, vivo).
 */
export type Manufacturer = 'apple' | 'google' | 'samsung' | 'huawei' | 'xiaomi' | 'oppo' | 'vivo';

export interface Device {
  id: string;
  platform: Platform;
  manufacturer?: Manufacturer;
  osVersion: string;
  name: string;
  conditions: DeviceConditions;
  createdAt: number;
}

/** A new device's conditions; the maker decides whether HMS Core is there (Huawei ships it, no other maker does). */
export function defaultConditions(platform: Platform, manufacturer?: Manufacturer): DeviceConditions {
  return {
    online: true,
    lowPowerMode: false,
    backgroundAppRefresh: true,
    doze: false,
    standbyBucket: 'active',
    notificationPermission: 'granted',
    hasGoogleServices: platform === 'android',
    hasHmsCore: platform === 'android' && manufacturer === 'huawei',
    screenLocked: false,
    debuggerAttached: false,
  };
}

export const DEFAULT_OS_VERSION: Record<Platform, string> = { ios: '18.0', android: '14' };
