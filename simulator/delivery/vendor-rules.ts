// What a phone maker's push channel (HMS, Xiaomi, OPPO, vivo) does with a ZPNs push on an Android phone without Google
// services: the callback support table of ZEGO's "实现离线推送" doc (docs/reference/zpns.md#callback-support-by-vendor) and
// the ZPNs receiver's foreground/background routing (docs/reference/zpns.md#android-vendor-channels). Rows of the
// `decide` stage for the vendor channels; first match wins. A `notification` push is ZEGO's notification message, a
// `data` push its through (silent) message. The callbacks are the ZPNs events the app's JS hears. The `hms.*` rows come
// first: Huawei Push Kit's own delivery to an app on the HMS Push SDK (a native Android app), sent through pushsim's
// Push Kit API (docs/reference/hms.md#data-and-notification-messages-on-the-device).
import type { Channel, PushKind, PushPriority, SdkProfile } from '../core/index.js';
import { SOURCES } from './sources.js';

export interface VendorRule {
  id: string;
  stage: 'decide';
  channels: readonly Channel[];
  kinds: readonly PushKind[];
  states: readonly string[];
  /** SDK profiles the row applies to; absent = every profile. */
  profiles?: readonly SdkProfile[];
  /** Priorities (Push Kit's urgency) the row applies to; absent = every priority. */
  priorities?: readonly PushPriority[];
  outcome: {
    fate: 'delivered' | 'displayed' | 'dropped';
    callbacks: string[];
    display: boolean;
    wake?: 'headless';
    reason?: string;
  };
  summary: string;
  source: readonly string[];
  unconfirmed?: boolean;
}

const ALL: readonly Channel[] = ['hms', 'xiaomi', 'oppo', 'vivo'];
const ANY_STATE = ['foreground', 'background', 'killed', 'forceStopped'] as const;
const HMS_DEVICE = 'docs/reference/hms.md#data-and-notification-messages-on-the-device';
const HMS_SDK: readonly SdkProfile[] = ['native-android'];
const ON_MESSAGE_RECEIVED = 'HmsMessageService.onMessageReceived';

export const VENDOR_RULES: readonly VendorRule[] = [
  {
    id: 'hms.notification.tray',
    stage: 'decide',
    channels: ['hms'],
    profiles: HMS_SDK,
    kinds: ['notification'],
    states: ['foreground', 'background', 'killed'],
    outcome: { fate: 'displayed', callbacks: [], display: true },
    summary:
      "A Push Kit notification message is shown by the system's notification centre whether the app runs or not (foreground_show defaults to true); the app hears of it on a tap.",
    source: [HMS_DEVICE],
  },
  {
    id: 'hms.notification.force-stopped',
    stage: 'decide',
    channels: ['hms'],
    profiles: HMS_SDK,
    kinds: ['notification'],
    states: ['forceStopped'],
    outcome: { fate: 'displayed', callbacks: [], display: true },
    summary:
      "A notification message to a force-stopped app is still shown, since HMS Core displays it, not the app (pushsim's reading).",
    source: [HMS_DEVICE],
    unconfirmed: true,
  },
  {
    id: 'hms.data.running',
    stage: 'decide',
    channels: ['hms'],
    profiles: HMS_SDK,
    kinds: ['data'],
    states: ['foreground', 'background'],
    outcome: { fate: 'delivered', callbacks: [ON_MESSAGE_RECEIVED], display: false },
    summary:
      'A Push Kit data (through) message to an app whose process runs goes to HmsMessageService.onMessageReceived.',
    source: [HMS_DEVICE],
  },
  {
    id: 'hms.data.killed-high-urgency',
    stage: 'decide',
    channels: ['hms'],
    profiles: HMS_SDK,
    kinds: ['data'],
    states: ['killed'],
    priorities: ['high'],
    outcome: { fate: 'delivered', callbacks: [ON_MESSAGE_RECEIVED], display: false, wake: 'headless' },
    summary:
      "A data message with urgency HIGH (the app holds the high-priority data message permission) starts a killed app's process for onMessageReceived.",
    source: [HMS_DEVICE],
  },
  {
    id: 'hms.data.killed-normal-urgency',
    stage: 'decide',
    channels: ['hms'],
    profiles: HMS_SDK,
    kinds: ['data'],
    states: ['killed'],
    priorities: ['normal', 'low'],
    outcome: {
      fate: 'dropped',
      callbacks: [],
      display: false,
      reason:
        "a NORMAL-urgency data message needs the app's process, and the app is not running (urgency HIGH with the high-priority data message permission would start it)",
    },
    summary:
      'A NORMAL-urgency data message to a killed app is not delivered (whether Huawei keeps it until the app starts is unconfirmed; pushsim drops it).',
    source: [HMS_DEVICE],
    unconfirmed: true,
  },
  {
    id: 'vendor.notification.xiaomi-arrived',
    stage: 'decide',
    channels: ['xiaomi'],
    kinds: ['notification'],
    states: ['foreground', 'background'],
    outcome: { fate: 'delivered', callbacks: ['notificationArrived'], display: true },
    summary: 'Xiaomi shows the notification and, while the app runs, ZPNs raises notificationArrived.',
    source: [SOURCES.zpnsVendorDoc],
  },
  {
    id: 'vendor.notification.tray',
    stage: 'decide',
    channels: ALL,
    kinds: ['notification'],
    states: ANY_STATE,
    outcome: { fate: 'displayed', callbacks: [], display: true },
    summary:
      "The vendor channel shows the notification; no ZPNs event fires until a tap (system-level display for killed and force-stopped apps is pushsim's choice).",
    source: [SOURCES.zpnsVendorDoc],
    unconfirmed: true,
  },
  {
    id: 'vendor.through.huawei.foreground',
    stage: 'decide',
    channels: ['hms'],
    kinds: ['data'],
    states: ['foreground'],
    outcome: { fate: 'delivered', callbacks: ['throughMessageReceived'], display: false },
    summary: 'An HMS through message in the foreground raises throughMessageReceived.',
    source: [SOURCES.zpnsVendorDoc, SOURCES.zpnsAndroidReceiver],
  },
  {
    id: 'vendor.through.huawei.background',
    stage: 'decide',
    channels: ['hms'],
    kinds: ['data'],
    states: ['background', 'killed'],
    outcome: { fate: 'delivered', callbacks: ['setBackgroundMessageHandler'], display: false, wake: 'headless' },
    summary:
      "An HMS through message in the background or to a killed app runs the setBackgroundMessageHandler handler (a killed app's process is started headless).",
    source: [SOURCES.zpnsAndroidReceiver, 'docs/reference/zpns.md#android-vendor-channels'],
  },
  {
    id: 'vendor.through.unsupported',
    stage: 'decide',
    channels: ['xiaomi', 'oppo', 'vivo'],
    kinds: ['data'],
    states: ANY_STATE,
    outcome: {
      fate: 'dropped',
      callbacks: [],
      display: false,
      reason:
        "this vendor channel has no through (silent) messages; ZEGO's silent push works on iOS and on Android with Google services only",
    },
    summary: 'Xiaomi, OPPO and vivo have no through messages in ZPNs.',
    source: [SOURCES.zpnsVendorDoc],
  },
  {
    id: 'vendor.through.force-stopped',
    stage: 'decide',
    channels: ['hms'],
    kinds: ['data'],
    states: ['forceStopped'],
    outcome: {
      fate: 'dropped',
      callbacks: [],
      display: false,
      reason: 'the app was force-stopped; a through message needs its process',
    },
    summary: 'A force-stopped app gets no HMS through message.',
    source: [SOURCES.androidStopped],
  },
];

export function matchVendorRule(
  channel: Channel,
  kind: PushKind,
  state: string,
  sdkProfile?: SdkProfile,
  priority?: PushPriority,
): VendorRule | undefined {
  return VENDOR_RULES.find(
    (rule) =>
      rule.channels.includes(channel) &&
      rule.kinds.includes(kind) &&
      rule.states.includes(state) &&
      (!rule.profiles || (sdkProfile !== undefined && rule.profiles.includes(sdkProfile))) &&
      (!rule.priorities || (priority !== undefined && rule.priorities.includes(priority))),
  );
}
