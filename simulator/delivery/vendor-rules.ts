// What a phone maker's push channel (HMS, Xiaomi, OPPO, vivo) does with a ZPNs push on an Android phone without Google
// services: the callback support table of ZEGO's "实现离线推送" doc (docs/reference/zpns.md#callback-support-by-vendor) and
// the ZPNs receiver's foreground/background routing (docs/reference/zpns.md#android-vendor-channels). Rows of the
// `decide` stage for the vendor channels; first match wins. A `notification` push is ZEGO's notification message, a
// `data` push its through (silent) message. The callbacks are the ZPNs events the app's JS hears. A service module's own
// channel rows (ServiceRules.channel: its delivery to apps on its own SDK) are matched before these.
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
  /**
   * A daily-quota row: the vendor counts the messages of a non-IM class per app and device per day and discards the
   * rest. The ZPNs service applies it when it sends through the vendor's channel (vendors check the count at sending
   * time, docs/reference/vendors.md#daily-limits-for-non-im-messages); matchVendorRule skips these rows.
   */
  quota?: VendorQuota;
}

export interface VendorQuota {
  /** Messages of the limited class one app may get on one device per (clock) day. */
  perDevicePerDay: number;
  /** Values of the strategy's `category` for this vendor that name an IM or service class, which has no limit. */
  exemptCategories: readonly string[];
  /** Xiaomi: a `channelId` in the strategy names the app's private-message channel, which has no limit. */
  isExemptWithChannelId?: boolean;
}

const ALL: readonly Channel[] = ['hms', 'xiaomi', 'oppo', 'vivo'];
const ANY_STATE = ['foreground', 'background', 'killed', 'forceStopped'] as const;
const VENDORS_DOC = 'docs/reference/vendors.md';

export const VENDOR_RULES: readonly VendorRule[] = [
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
    states: ['foreground', 'background', 'killed'],
    outcome: { fate: 'displayed', callbacks: [], display: true },
    summary:
      "The maker's system push service shows the notification without the app's process, killed or not; no ZPNs event fires until a tap (Xiaomi's notificationArrived above is the one exception).",
    source: [SOURCES.zpnsVendorDoc, `${VENDORS_DOC}#system-level-channels`],
  },
  {
    id: 'vendor.notification.force-stopped',
    stage: 'decide',
    channels: ALL,
    kinds: ['notification'],
    states: ['forceStopped'],
    outcome: { fate: 'displayed', callbacks: [], display: true },
    summary:
      "A notification to a force-stopped app is still shown, since the maker's system service posts it, not the app (pushsim's reading; no vendor says so).",
    source: [`${VENDORS_DOC}#system-level-channels`, SOURCES.androidStopped],
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
    summary:
      "Xiaomi, OPPO and vivo carry no through messages for ZPNs: OPPO and vivo have none, and Xiaomi's pass-through messages are not a channel ZEGO's silent push uses (its guide names iOS and Google services only).",
    source: [SOURCES.zpnsVendorDoc, SOURCES.zpnsSilentDoc, `${VENDORS_DOC}#pass-through-messages`],
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
  // Daily quotas for non-IM messages: applied by the ZPNs service when it sends (see VendorRule.quota).
  {
    id: 'vendor.quota.xiaomi-default-channel',
    stage: 'decide',
    channels: ['xiaomi'],
    kinds: ['notification'],
    states: ANY_STATE,
    quota: { perDevicePerDay: 1, exemptCategories: [], isExemptWithChannelId: true },
    outcome: {
      fate: 'dropped',
      callbacks: [],
      display: false,
      reason:
        "Xiaomi's default channel lets 1 message per app and device a day through, and this device had it today; set the strategy's xiaomi channelId to the app's private-message channel (no limit)",
    },
    summary:
      'A Xiaomi push on no private-message channel goes out on the default channel: 1 message per app and device a day (public channels allow 5–8; pushsim models the default). A private-message (IM) channel has no limit.',
    source: [`${VENDORS_DOC}#daily-limits-for-non-im-messages`],
  },
  {
    id: 'vendor.quota.oppo-public',
    stage: 'decide',
    channels: ['oppo'],
    kinds: ['notification'],
    states: ANY_STATE,
    quota: {
      perDevicePerDay: 2,
      exemptCategories: ['IM', 'ACCOUNT', 'DEVICE_REMINDER', 'ORDER', 'TODO', 'SUBSCRIPTION'],
    },
    outcome: {
      fate: 'dropped',
      callbacks: [],
      display: false,
      reason:
        "OPPO's public (content and marketing) class lets 2 messages per app and device a day through, and this device had them today; give the strategy's oppo entry a communication-and-service category such as IM (no limit)",
    },
    summary:
      'An OPPO push without a communication-and-service category is a public (content and marketing) message: 2 per app and device a day (5 for news apps). IM and the other service categories have no limit.',
    source: [`${VENDORS_DOC}#daily-limits-for-non-im-messages`],
  },
  {
    id: 'vendor.quota.vivo-operation',
    stage: 'decide',
    channels: ['vivo'],
    kinds: ['notification'],
    states: ANY_STATE,
    quota: {
      perDevicePerDay: 2,
      exemptCategories: ['IM', 'ACCOUNT', 'TODO', 'ORDER', 'DEVICE_REMINDER', 'SUBSCRIPTION'],
    },
    outcome: {
      fate: 'dropped',
      callbacks: [],
      display: false,
      reason:
        "vivo's operation-message class lets 2 messages per app and device a day through, and this device had them today; give the strategy's vivo entry a system-message category such as IM (no limit)",
    },
    summary:
      'A vivo push without a system-message category is an operation message: 2 per app and device a day (5 for news; vivo said 5 for all before). System messages such as IM have no limit.',
    source: [`${VENDORS_DOC}#daily-limits-for-non-im-messages`],
  },
  {
    id: 'vendor.quota.huawei-marketing',
    stage: 'decide',
    channels: ['hms'],
    kinds: ['notification'],
    states: ANY_STATE,
    quota: {
      perDevicePerDay: 2,
      exemptCategories: [
        'IM',
        'VOIP',
        'SUBSCRIPTION',
        'TRAVEL',
        'HEALTH',
        'WORK',
        'ACCOUNT',
        'EXPRESS',
        'FINANCE',
        'DEVICE_REMINDER',
        'MAIL',
      ],
    },
    outcome: {
      fate: 'dropped',
      callbacks: [],
      display: false,
      reason:
        "Huawei's information-and-marketing class lets 2 messages per app and device a day through, and this device had them today; give the strategy's huawei entry a service-and-communication category such as IM (no limit)",
    },
    summary:
      'A ZPNs push through Huawei whose strategy names no service-and-communication category counts as information and marketing: 2 per app and device a day (5 for news). Huawei may classify an uncategorised message itself; pushsim counts it as marketing.',
    source: [`${VENDORS_DOC}#daily-limits-for-non-im-messages`],
    unconfirmed: true,
  },
];

/** The first row of `rows` (the simulation's composed vendor rows; these alone by default) that covers the push. */
export function matchVendorRule(
  channel: Channel,
  kind: PushKind,
  state: string,
  sdkProfile?: SdkProfile,
  priority?: PushPriority,
  rows: readonly VendorRule[] = VENDOR_RULES,
): VendorRule | undefined {
  return rows.find(
    (rule) =>
      !rule.quota &&
      rule.channels.includes(channel) &&
      rule.kinds.includes(kind) &&
      rule.states.includes(state) &&
      (!rule.profiles || (sdkProfile !== undefined && rule.profiles.includes(sdkProfile))) &&
      (!rule.priorities || (priority !== undefined && rule.priorities.includes(priority))),
  );
}

/** The daily-quota row of a vendor channel, if the vendor limits a class of messages. */
export function vendorQuotaRule(
  channel: Channel,
  rows: readonly VendorRule[] = VENDOR_RULES,
): (VendorRule & { quota: VendorQuota }) | undefined {
  return rows.find(
    (rule): rule is VendorRule & { quota: VendorQuota } => rule.quota !== undefined && rule.channels.includes(channel),
  );
}

/**
 * Whether a push under a strategy's configuration for this vendor (`{ category, channelId }`) is of the class without a
 * limit: an IM or service category, or Xiaomi's private-message channel.
 */
export function isQuotaExempt(
  quota: VendorQuota,
  vendorStrategy: Readonly<Record<string, unknown>> | undefined,
): boolean {
  const category = vendorStrategy?.category;
  if (typeof category === 'string' && quota.exemptCategories.includes(category.toUpperCase())) return true;
  return quota.isExemptWithChannelId === true && typeof vendorStrategy?.channelId === 'string';
}
