// How each SDK profile turns a platform callback into the callbacks the app's code registers.
// First matching row wins; with no matching row the platform callback itself is what runs (native profiles).
import type { Channel, PushKind, SdkProfile } from '../core/index.js';
import { PLATFORM_CALLBACKS, PLATFORM_CHANNEL, type PlatformCallback } from './platform-rules.js';
import { SOURCES } from './sources.js';

export const SDK_CONDITIONS = ['silentPushUnsupported', 'documentedVariant', 'highPriority'] as const;
export type SdkConditionName = (typeof SDK_CONDITIONS)[number];

/** ZPNs callback names, as the app registers them. `setBackgroundMessageHandler` is the handler passed to it. */
export const ZPNS_CALLBACKS = {
  throughMessageReceived: 'throughMessageReceived',
  notificationArrived: 'notificationArrived',
  notificationClicked: 'notificationClicked',
  backgroundHandler: 'setBackgroundMessageHandler',
  voipIncoming: 'CallKit.didReceiveIncomingPush',
} as const;

export const RNFB_CALLBACKS = {
  onMessage: 'onMessage',
  backgroundHandler: 'setBackgroundMessageHandler',
  onNotificationOpenedApp: 'onNotificationOpenedApp',
  getInitialNotification: 'getInitialNotification',
} as const;

export interface SdkResult {
  /** The SDK callback that runs, or null when the SDK swallows the message. */
  callback: string | null;
  /**
   * Overrides the platform fate (e.g. `dropped` when the SDK swallows it, `delivered` when it adds a handler to a tray
   * message).
   */
  fate?: 'delivered' | 'dropped';
  reason?: string;
  /** The SDK starts the app's JS for this (RN Firebase's headless service on a tray message). */
  wake?: 'headless';
}

export interface SdkRule {
  id: string;
  stage: 'decide';
  profile: SdkProfile;
  platform: 'ios' | 'android';
  /** The channel whose platform callback the row translates (APNs on iOS, FCM on Android). */
  channels: readonly Channel[];
  /** The platform callback translated, or `display` for a message the system only shows. */
  on: PlatformCallback | 'display';
  kinds?: readonly PushKind[];
  states?: readonly string[];
  when?: Partial<Record<SdkConditionName, boolean>>;
  result: SdkResult;
  summary: string;
  source: readonly string[];
  /**
   * `documented`: the behaviour ZEGO's docs describe where the SDK code does otherwise; on only with the fidelity
   * switch.
   */
  variant?: 'documented';
}

const { didReceiveRemoteNotification, willPresent, pushKitIncoming, onMessageReceived } = PLATFORM_CALLBACKS;
const NOTIFICATION_KINDS = ['notification', 'notification+data'] as const;

const ROWS: readonly Omit<SdkRule, 'stage' | 'channels'>[] = [
  // ── zego-zpns-react-native, iOS ───────────────────────────────────────────────────────────────────────
  {
    id: 'zpns-rn.ios.silent-needs-2.3.3',
    profile: 'zpns-rn',
    platform: 'ios',
    on: didReceiveRemoteNotification,
    when: { silentPushUnsupported: true },
    result: {
      callback: null,
      fate: 'dropped',
      reason: 'silent push needs ZPNs 2.3.3 or later; this app declares an older SDK version',
    },
    summary: 'ZPNs before 2.3.3 has no silent push: nothing reaches JS.',
    source: [SOURCES.zpnsRelease233, SOURCES.zpnsSilentDoc],
  },
  {
    id: 'zpns-rn.ios.cold-launch-no-listener',
    profile: 'zpns-rn',
    platform: 'ios',
    on: didReceiveRemoteNotification,
    states: ['notRunning'],
    result: {
      callback: null,
      fate: 'dropped',
      reason:
        'the app was not running: iOS launched it in the background, but ZPNs forwards the push to JS only while a throughMessageReceived listener exists, and none is registered yet; the message is dropped and the completion handler is never called ("App 关闭后不能触发回调")',
    },
    summary: 'A silent push to a terminated app reaches no JS listener; ZPNs drops it and never completes.',
    source: [SOURCES.zpnsIosPlugin, SOURCES.zpnsSilentDoc],
  },
  {
    id: 'zpns-rn.ios.through-message',
    profile: 'zpns-rn',
    platform: 'ios',
    on: didReceiveRemoteNotification,
    result: { callback: ZPNS_CALLBACKS.throughMessageReceived },
    summary:
      'The fetch callback becomes throughMessageReceived; JS completes it with completeThroughMessageReceived(seq) when the listener returns.',
    source: [SOURCES.zpnsIosPlugin, SOURCES.zpnsJs],
  },
  {
    id: 'zpns-rn.ios.notification-arrived',
    profile: 'zpns-rn',
    platform: 'ios',
    on: willPresent,
    result: { callback: ZPNS_CALLBACKS.notificationArrived },
    summary: 'An alert in the foreground raises notificationArrived and shows per iOSNotificationArrivedConfig.',
    source: [SOURCES.zpnsIosPlugin],
  },
  {
    id: 'zpns-rn.ios.voip',
    profile: 'zpns-rn',
    platform: 'ios',
    on: pushKitIncoming,
    result: { callback: ZPNS_CALLBACKS.voipIncoming },
    summary:
      "A VoIP push goes to zego-callkit-react-native's incoming-push callback with extras.payload and extras.call_id.",
    source: [
      'docs/reference/zpns.md#voip (CallKit didReceiveIncomingPush)',
      'docs/reference/zpns.md#payload-as-delivered',
    ],
  },
  // ── zego-zpns-react-native, Android (FCM channel) ─────────────────────────────────────────────────────
  {
    id: 'zpns-rn.android.silent-needs-2.3.3',
    profile: 'zpns-rn',
    platform: 'android',
    on: onMessageReceived,
    kinds: ['data'],
    when: { silentPushUnsupported: true },
    result: {
      callback: null,
      fate: 'dropped',
      reason: 'silent push needs ZPNs 2.3.3 or later; this app declares an older SDK version',
    },
    summary: 'ZPNs before 2.3.3 has no silent push on Android either.',
    source: [SOURCES.zpnsRelease233],
  },
  {
    id: 'zpns-rn.android.notification-message-ignored',
    profile: 'zpns-rn',
    platform: 'android',
    on: onMessageReceived,
    kinds: NOTIFICATION_KINDS,
    result: {
      callback: null,
      fate: 'dropped',
      reason: 'ZPNs RN ignores FCM notification messages, and in the foreground the FCM SDK shows nothing',
    },
    summary: 'FCM notification messages raise no ZPNs event; in the foreground nothing is shown.',
    source: [SOURCES.zpnsAndroidReceiver, SOURCES.zpnsVendorDoc],
  },
  {
    id: 'zpns-rn.android.through-message.foreground',
    profile: 'zpns-rn',
    platform: 'android',
    on: onMessageReceived,
    kinds: ['data'],
    states: ['foreground'],
    result: { callback: ZPNS_CALLBACKS.throughMessageReceived },
    summary: 'A data message in the foreground (unlocked) raises throughMessageReceived.',
    source: [SOURCES.zpnsAndroidReceiver, SOURCES.zpnsSilentDoc],
  },
  {
    id: 'zpns-rn.android.through-message.background-documented',
    profile: 'zpns-rn',
    platform: 'android',
    on: onMessageReceived,
    kinds: ['data'],
    states: ['background'],
    when: { documentedVariant: true },
    result: { callback: ZPNS_CALLBACKS.throughMessageReceived },
    summary:
      'Documented variant: "in background but not terminated" raises throughMessageReceived (2.8.3 code does not).',
    source: [SOURCES.zpnsSilentDoc, SOURCES.zpnsVendorDoc],
    variant: 'documented',
  },
  {
    id: 'zpns-rn.android.background-handler',
    profile: 'zpns-rn',
    platform: 'android',
    on: onMessageReceived,
    kinds: ['data'],
    states: ['background', 'killed'],
    result: { callback: ZPNS_CALLBACKS.backgroundHandler },
    summary:
      'In the background (alive, locked or killed) ZPNs 2.8.3 runs the headless task, i.e. the setBackgroundMessageHandler handler; it queues the message until that handler is registered.',
    source: [SOURCES.zpnsAndroidReceiver, SOURCES.zpnsJs],
  },
  // ── @react-native-firebase/messaging, iOS ─────────────────────────────────────────────────────────────
  {
    id: 'rn-firebase.ios.foreground',
    profile: 'rn-firebase',
    platform: 'ios',
    on: didReceiveRemoteNotification,
    states: ['active', 'inactive'],
    result: { callback: RNFB_CALLBACKS.onMessage },
    summary: 'In the foreground a data (content-available) message goes to onMessage.',
    source: [SOURCES.rnfbUsage],
  },
  {
    id: 'rn-firebase.ios.background-handler',
    profile: 'rn-firebase',
    platform: 'ios',
    on: didReceiveRemoteNotification,
    result: { callback: RNFB_CALLBACKS.backgroundHandler },
    summary:
      'In the background or quit state a content-available message runs the background handler (the app is launched headless).',
    source: [SOURCES.rnfbUsage],
  },
  {
    id: 'rn-firebase.ios.will-present',
    profile: 'rn-firebase',
    platform: 'ios',
    on: willPresent,
    result: { callback: RNFB_CALLBACKS.onMessage },
    summary: 'A notification in the foreground goes to onMessage and is not shown.',
    source: [SOURCES.rnfbUsage],
  },
  // ── @react-native-firebase/messaging, Android ─────────────────────────────────────────────────────────
  {
    id: 'rn-firebase.android.foreground',
    profile: 'rn-firebase',
    platform: 'android',
    on: onMessageReceived,
    states: ['foreground'],
    result: { callback: RNFB_CALLBACKS.onMessage },
    summary: 'In the foreground every message goes to onMessage; notifications are not shown.',
    source: [SOURCES.rnfbUsage, SOURCES.rnfbReceiver],
  },
  {
    id: 'rn-firebase.android.data.normal-priority',
    profile: 'rn-firebase',
    platform: 'android',
    on: onMessageReceived,
    kinds: ['data'],
    states: ['background', 'killed'],
    when: { highPriority: false },
    result: {
      callback: null,
      fate: 'dropped',
      reason:
        'background start limits refuse the headless service: "Background messages only work if the message priority is set to \'high\'"',
    },
    summary: 'A normal-priority data message in the background or quit state does not reach the background handler.',
    source: [SOURCES.rnfbUsage, SOURCES.rnfbReceiver],
  },
  {
    id: 'rn-firebase.android.data.background-handler',
    profile: 'rn-firebase',
    platform: 'android',
    on: onMessageReceived,
    kinds: ['data'],
    states: ['background', 'killed'],
    result: { callback: RNFB_CALLBACKS.backgroundHandler },
    summary: 'A high-priority data message in the background or quit state runs the background handler.',
    source: [SOURCES.rnfbUsage, SOURCES.rnfbReceiver],
  },
  {
    id: 'rn-firebase.android.notification.background-handler',
    profile: 'rn-firebase',
    platform: 'android',
    on: 'display',
    kinds: NOTIFICATION_KINDS,
    states: ['background', 'killed'],
    result: { callback: RNFB_CALLBACKS.backgroundHandler, fate: 'delivered', wake: 'headless' },
    summary:
      'A notification message in the background or quit state shows in the tray and also runs the background handler.',
    source: [SOURCES.rnfbUsage, SOURCES.rnfbReceiver],
  },
];

export const SDK_RULES: readonly SdkRule[] = ROWS.map((row) => ({
  ...row,
  stage: 'decide',
  channels: [PLATFORM_CHANNEL[row.platform]],
}));
