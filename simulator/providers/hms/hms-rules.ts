// Push Kit's rows of the rules table, which the HMS module contributes (hmsService.rules): its wire rejections
// (accept), what Push Kit keeps for an offline device under collapse_key (offline), and what a Huawei phone does with a
// message to an app on the HMS Push SDK, a native Android app (decide). Ahead of the core's rows of the same tables, so
// they decide an `hms` push to a native-android app; the ZPNs vendor rows stay in charge of zpns-rn apps on the
// channel. Facts: docs/reference/hms.md.
import {
  stageRule,
  type AcceptFacts,
  type EvictionFacts,
  type ServiceRules,
  type VendorRule,
} from '../../delivery/index.js';
import type { SdkProfile } from '../../core/index.js';

const HMS = 'docs/reference/hms.md';
const HMS_DEVICE = `${HMS}#data-and-notification-messages-on-the-device`;
const HMS_SDK: readonly SdkProfile[] = ['native-android'];
const ON_MESSAGE_RECEIVED = 'HmsMessageService.onMessageReceived';

export const HMS_ACCEPT_RULES = [
  stageRule<AcceptFacts>({
    id: 'hms.wire.rejected',
    stage: 'accept',
    channels: ['hms'],
    condition:
      "Push Kit refused the request; the `{code, msg, requestId}` answer and its result code (80300007, 80200003, 80100003…) are Huawei's own.",
    when: (f) => f.provider === 'hms' && f.fate === 'rejected',
    outcome: { fate: 'rejected' },
    source: [`${HMS}#answers-and-result-codes`],
  }),
];

// collapse_key: -1 (the default) keeps all, 0 the newest, 1–100 the newest per group; how many Push Kit keeps at most is
// unconfirmed (docs/reference/hms.md#offline-storage-and-collapse_key), so no row drops for a limit.
export const HMS_STORE_RULES = [
  stageRule<EvictionFacts>({
    id: 'store.hms.collapse-key-newest',
    stage: 'offline',
    channels: ['hms'],
    condition:
      "Push Kit with collapse_key 0 keeps only the app's newest message while the device is offline: it replaces every message held.",
    when: (f) => f.newer.collapseId === '0',
    outcome: {
      fate: 'collapsed',
      reason: "collapse_key 0: Push Kit caches only the app's newest message for an offline device",
    },
    source: [`${HMS}#offline-storage-and-collapse_key`],
  }),
  stageRule<EvictionFacts>({
    id: 'store.hms.collapse-key',
    stage: 'offline',
    channels: ['hms'],
    condition:
      'Push Kit with collapse_key 1–100 keeps the newest message of each group: a newer one of the same group replaces the one held (-1, the default, keeps all).',
    when: (f) => f.newer.collapseId !== undefined && f.older.collapseId === f.newer.collapseId,
    outcome: { fate: 'collapsed', reason: 'replaced by a newer message with the same collapse_key' },
    source: [`${HMS}#offline-storage-and-collapse_key`],
  }),
];

export const HMS_CHANNEL_RULES: readonly VendorRule[] = [
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
];

export const HMS_RULES: ServiceRules = {
  accept: HMS_ACCEPT_RULES,
  store: HMS_STORE_RULES,
  channel: HMS_CHANNEL_RULES,
};
