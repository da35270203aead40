// What the operating system does with a push, by platform, push kind, app state and device conditions. First matching
// row wins. Each row cites its source; GET /api/rules, docs/delivery-rules.md and the tests read this table.
import type { Channel, PushKind } from '../core/index.js';
import type { DeliveryConditionName } from './delivery-conditions.js';
import { SOURCES } from './sources.js';

// Platform-level callbacks, spelled as Apple and Google spell them: part of the public model (the client shim reads
// them).
import { PLATFORM_CALLBACKS, type PlatformCallback } from '../model/index.js';
export { PLATFORM_CALLBACKS, type PlatformCallback };

export type PlatformFate = 'delivered' | 'displayed' | 'dropped' | 'deferred';

export interface PlatformOutcome {
  fate: PlatformFate;
  /** Callbacks the system calls, in order. */
  callbacks?: PlatformCallback[];
  /** Banner (iOS) or tray notification (Android) shown by the system. */
  display?: boolean;
  /** The system runs the app to handle it: `background` (iOS launch or wake), `headless` (Android process started). */
  wake?: 'background' | 'headless';
  reason?: string;
}

export interface PlatformRule {
  id: string;
  stage: 'decide';
  platform: 'ios' | 'android';
  /** The channel the row speaks for: the platform's own service (APNs on iOS, FCM on Android). */
  channels: readonly Channel[];
  kinds: readonly PushKind[];
  /** Top-level lifecycle states the row applies to. */
  states: readonly string[];
  /** Named conditions that must hold (true) or must not hold (false). */
  when?: Partial<Record<DeliveryConditionName, boolean>>;
  outcome: PlatformOutcome;
  summary: string;
  source: readonly string[];
  /**
   * True where the reference marks the behaviour unconfirmed; the row is our choice, kept configurable where it
   * matters.
   */
  unconfirmed?: boolean;
}

const IOS_ALL = ['active', 'inactive', 'background', 'suspended', 'notRunning', 'forceQuit'] as const;
const IOS_FOREGROUND = ['active', 'inactive'] as const;
const IOS_WAKEABLE = ['background', 'suspended', 'notRunning'] as const;
const ANDROID_ALL = ['foreground', 'background', 'killed', 'forceStopped'] as const;
const ANDROID_KINDS = ['notification', 'data', 'notification+data'] as const;
const { didReceiveRemoteNotification, willPresent, pushKitIncoming, onMessageReceived } = PLATFORM_CALLBACKS;

const ROWS: readonly Omit<PlatformRule, 'stage' | 'channels'>[] = [
  // ── iOS: VoIP (PushKit) ─────────────────────────────────────────────────────────────────────────────
  {
    id: 'ios.voip.launches',
    platform: 'ios',
    kinds: ['voip'],
    states: IOS_ALL,
    outcome: { fate: 'delivered', callbacks: [pushKitIncoming], wake: 'background' },
    summary: 'VoIP pushes are always delivered; the app is launched in the background if it is not running.',
    source: [SOURCES.handleNotifications, SOURCES.pushKit],
  },
  // ── iOS: background (content-available only) ───────────────────────────────────────────────────────
  {
    id: 'ios.background.force-quit',
    platform: 'ios',
    kinds: ['background'],
    states: ['forceQuit'],
    outcome: {
      fate: 'dropped',
      reason:
        'the user force-quit the app; the system does not launch it for a background push until the user relaunches it or restarts the device',
    },
    summary: 'A force-quit app is not launched for a background push.',
    source: [SOURCES.didReceiveRemote, SOURCES.apnsBackground],
  },
  {
    id: 'ios.background.foreground',
    platform: 'ios',
    kinds: ['background'],
    states: IOS_FOREGROUND,
    outcome: { fate: 'delivered', callbacks: [didReceiveRemoteNotification] },
    summary: 'A running app in the foreground gets the fetch callback; nothing is shown.',
    source: [SOURCES.didReceiveRemote],
  },
  {
    id: 'ios.background.refresh-off',
    platform: 'ios',
    kinds: ['background'],
    states: IOS_WAKEABLE,
    when: { backgroundRefreshOff: true },
    outcome: {
      fate: 'dropped',
      reason:
        'Background App Refresh is off (or Low Power Mode turned it off), so the system does not wake the app for a background push',
    },
    summary:
      'With Background App Refresh off or in Low Power Mode, a background push does not wake the app (unconfirmed by Apple; a device condition).',
    source: [
      SOURCES.backgroundRefresh,
      'docs/reference/ios.md#background-app-refresh-and-low-power-mode (unconfirmed; a knob)',
    ],
    unconfirmed: true,
  },
  {
    id: 'ios.background.wakes',
    platform: 'ios',
    kinds: ['background'],
    states: IOS_WAKEABLE,
    outcome: { fate: 'delivered', callbacks: [didReceiveRemoteNotification], wake: 'background' },
    summary:
      'A backgrounded, suspended or system-terminated app is woken (or launched) in the background for up to 30 s.',
    source: [SOURCES.didReceiveRemote, SOURCES.apnsBackground],
  },
  // ── iOS: alert + content-available ──────────────────────────────────────────────────────────────────
  {
    id: 'ios.alert-background.foreground',
    platform: 'ios',
    kinds: ['alert+background'],
    states: IOS_FOREGROUND,
    outcome: { fate: 'delivered', callbacks: [willPresent, didReceiveRemoteNotification] },
    summary: 'In the foreground the app is asked how to present the alert and gets the fetch callback.',
    source: [SOURCES.willPresent, SOURCES.didReceiveRemote],
  },
  {
    id: 'ios.alert-background.force-quit',
    platform: 'ios',
    kinds: ['alert+background'],
    states: ['forceQuit'],
    outcome: { fate: 'displayed', display: true },
    summary:
      'A force-quit app still shows the alert but is not launched for the content-available part (display inferred).',
    source: [SOURCES.didReceiveRemote],
    unconfirmed: true,
  },
  {
    id: 'ios.alert-background.refresh-off',
    platform: 'ios',
    kinds: ['alert+background'],
    states: IOS_WAKEABLE,
    when: { backgroundRefreshOff: true },
    outcome: { fate: 'displayed', display: true },
    summary: 'With Background App Refresh off the alert shows but the app is not woken.',
    source: [SOURCES.backgroundRefresh],
    unconfirmed: true,
  },
  {
    id: 'ios.alert-background.wakes',
    platform: 'ios',
    kinds: ['alert+background'],
    states: IOS_WAKEABLE,
    when: { backgroundRefreshOff: false },
    outcome: { fate: 'delivered', callbacks: [didReceiveRemoteNotification], wake: 'background', display: true },
    summary: 'The system shows the alert and wakes or launches the app in the background for the fetch callback.',
    source: [SOURCES.didReceiveRemote],
  },
  // ── iOS: alert ───────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'ios.alert.not-authorized',
    platform: 'ios',
    kinds: ['alert'],
    states: IOS_ALL,
    when: { notificationsBlocked: true },
    outcome: { fate: 'dropped', reason: 'notifications are not authorized for this app, so the system shows nothing' },
    summary:
      'Without notification authorization an alert is not shown (for alert + content-available only the display is suppressed).',
    source: [SOURCES.handleNotifications],
  },
  {
    id: 'ios.alert.foreground',
    platform: 'ios',
    kinds: ['alert'],
    states: IOS_FOREGROUND,
    outcome: { fate: 'delivered', callbacks: [willPresent] },
    summary: "In the foreground the delegate's willPresent decides whether the alert shows.",
    source: [SOURCES.willPresent],
  },
  {
    id: 'ios.alert.banner',
    platform: 'ios',
    kinds: ['alert'],
    states: ['background', 'suspended', 'notRunning', 'forceQuit'],
    outcome: { fate: 'displayed', display: true },
    summary: 'Outside the foreground the system shows the banner; the app hears of it only when the user taps.',
    source: [SOURCES.handleNotifications],
  },
  // ── Android (FCM) ────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'android.no-google-services',
    platform: 'android',
    kinds: ANDROID_KINDS,
    states: ANDROID_ALL,
    when: { noGoogleServices: true },
    outcome: { fate: 'dropped', reason: 'the device has no Google Play services, so FCM cannot reach it' },
    summary:
      'FCM needs Google Play services on the device: without them registration issues no token (SERVICE_NOT_AVAILABLE), and a token issued before they went reaches nothing.',
    source: [SOURCES.fcmDownstream, SOURCES.zpnsSilentDoc],
  },
  {
    id: 'android.force-stopped',
    platform: 'android',
    kinds: ANDROID_KINDS,
    states: ['forceStopped'],
    outcome: {
      fate: 'dropped',
      reason: 'the app was force-stopped; Android delivers no broadcasts to it until the user launches it again',
    },
    summary: 'A force-stopped app receives nothing.',
    source: [SOURCES.fcmDownstream, SOURCES.androidStopped],
  },
  {
    id: 'android.doze.normal-priority',
    platform: 'android',
    kinds: ANDROID_KINDS,
    states: ['foreground', 'background', 'killed'],
    when: { dozeHoldsNormalPriority: true },
    outcome: {
      fate: 'deferred',
      reason: 'the device is in Doze; normal-priority messages wait for a maintenance window',
    },
    summary: 'Doze defers normal-priority messages; high priority goes through.',
    source: [SOURCES.fcmPriority, SOURCES.dozeStandby],
  },
  {
    id: 'android.foreground',
    platform: 'android',
    kinds: ANDROID_KINDS,
    states: ['foreground'],
    outcome: { fate: 'delivered', callbacks: [onMessageReceived] },
    summary: 'In the foreground (screen unlocked) every message goes to onMessageReceived; nothing is shown.',
    source: [SOURCES.fcmDownstream, SOURCES.fcmForegroundCheck],
  },
  {
    id: 'android.notification.permission-denied',
    platform: 'android',
    kinds: ['notification', 'notification+data'],
    states: ['background', 'killed'],
    when: { notificationsBlocked: true },
    outcome: {
      fate: 'dropped',
      reason: 'POST_NOTIFICATIONS is denied, so the OS silently drops the tray notification',
    },
    summary: 'Without POST_NOTIFICATIONS a notification message shows nothing in the background.',
    source: [SOURCES.postNotifications, 'docs/reference/android.md#notification-permission-android-13'],
  },
  {
    id: 'android.notification.tray',
    platform: 'android',
    kinds: ['notification', 'notification+data'],
    states: ['background', 'killed'],
    outcome: { fate: 'displayed', display: true },
    summary:
      "In the background the FCM SDK shows the notification; data rides in the launcher intent's extras when tapped.",
    source: [SOURCES.fcmDownstream],
  },
  {
    id: 'android.data.background',
    platform: 'android',
    kinds: ['data'],
    states: ['background'],
    outcome: { fate: 'delivered', callbacks: [onMessageReceived] },
    summary: 'A data message in the background goes to onMessageReceived.',
    source: [SOURCES.fcmDownstream],
  },
  {
    id: 'android.data.killed',
    platform: 'android',
    kinds: ['data'],
    states: ['killed'],
    outcome: { fate: 'delivered', callbacks: [onMessageReceived], wake: 'headless' },
    summary: 'A data message to a killed (not force-stopped) app starts its process for onMessageReceived.',
    source: [SOURCES.fcmDownstream],
  },
];

/** Platform rows decide pushes on the platform's own service: an Android row assumes FCM (Google Play services). */
export const PLATFORM_CHANNEL = { ios: 'apns', android: 'fcm' } as const satisfies Record<
  PlatformRule['platform'],
  Channel
>;

export const PLATFORM_RULES: readonly PlatformRule[] = ROWS.map((row) => ({
  ...row,
  stage: 'decide',
  channels: [PLATFORM_CHANNEL[row.platform]],
}));
