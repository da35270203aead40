// The delivery core's rows of the pipeline's stages around `decide`: what the service, the device and pushsim's shim do
// to a push before and after the platform and SDK rows. Each stage finds its row with firstRule() in the simulation's
// composed table (rules-table.ts), where a service module's own `accept` and `store` rows join these.
import type { Channel, Push, PushKind } from '../core/index.js';
import { stageRule } from './stages.js';

const APNS = 'docs/reference/apns.md';
const FCM = 'docs/reference/fcm.md';
const ANDROID = 'docs/reference/android.md';
const ZPNS = 'docs/reference/zpns.md';
const HMS = 'docs/reference/hms.md';
const SHIM = 'docs/shim-protocol.md';

// ── accept: what a provider records without routing ───────────────────────────────────────────────────────
export interface AcceptFacts {
  provider: string;
  fate: string;
}
export const ACCEPT_RULES = [
  stageRule<AcceptFacts>({
    id: 'apns.wire.rejected',
    stage: 'accept',
    channels: ['apns'],
    condition:
      "APNs refused the request; the status and reason are the service's own (BadDeviceToken, TooManyRequests…).",
    when: (f) => f.provider === 'apns' && f.fate === 'rejected',
    outcome: { fate: 'rejected' },
    source: [`${APNS}#reason-codes`, `${APNS}#responses`],
  }),
  stageRule<AcceptFacts>({
    id: 'apns.push-type.not-modelled',
    stage: 'accept',
    channels: ['apns'],
    condition:
      'Apple accepts the push type (complication, fileprovider, location, widgets…), but pushsim does not model its delivery (liveactivity pushes go to simulator/live-activity/).',
    when: (f) => f.provider === 'apns' && f.fate === 'dropped',
    outcome: { fate: 'dropped', reason: "pushsim does not model this push type's delivery yet" },
    source: [`${APNS}#push-types-and-topic-suffixes`],
    unconfirmed: true,
  }),
  stageRule<AcceptFacts>({
    id: 'fcm.wire.rejected',
    stage: 'accept',
    channels: ['fcm'],
    condition: "FCM refused the request; the google.rpc.Status and FCM error code are the service's own.",
    when: (f) => f.provider === 'fcm' && f.fate === 'rejected',
    outcome: { fate: 'rejected' },
    source: [`${FCM}#errors`],
  }),
];

// ── resolve: token → app, ZIM user → channel ──────────────────────────────────────────────────────────────
export interface ResolveFacts {
  resolved: boolean;
}
export const RESOLVE_RULES = [
  stageRule<ResolveFacts>({
    id: 'pipeline.token.unknown',
    stage: 'resolve',
    condition:
      'No installed app owns the token (the wire providers answer BadDeviceToken / UNREGISTERED before this; the native send reaches it).',
    when: (f) => !f.resolved,
    outcome: { fate: 'dropped', reason: 'no installed app owns this token' },
    source: [`${APNS}#reason-codes`, `${FCM}#errors`],
  }),
  stageRule<ResolveFacts>({
    id: 'pipeline.token.resolved',
    stage: 'resolve',
    condition: 'The token addresses an installed app: the push is taken and goes on through the stages.',
    when: (f) => f.resolved,
    outcome: { fate: 'accepted' },
    source: [`${APNS}#provider-api`, `${FCM}#http-v1-api`],
  }),
];

export interface ZpnsChannelFacts {
  zimConnected: boolean;
  platform: string;
  hasGoogleServices: boolean;
  /** HMS Core on the phone; absent counts as present (the Huawei channel needs it). */
  hasHmsCore?: boolean;
  vendor?: string;
}
export const ZPNS_CHANNEL_RULES = [
  stageRule<ZpnsChannelFacts>({
    id: 'zim.in-app.delivered',
    stage: 'resolve',
    channels: ['zim'],
    condition: "The receiver's ZIM connection is up: ZIM delivers the message in-app and ZEGO sends no offline push.",
    when: (f) => f.zimConnected,
    outcome: { fate: 'delivered', reason: 'delivered in-app over the ZIM long connection' },
    source: [`${ZPNS}#offline-push-only-when-offline`],
  }),
  stageRule<ZpnsChannelFacts>({
    id: 'zpns.no-channel',
    stage: 'resolve',
    condition:
      'An Android phone without Google services whose maker has no vendor channel (not Huawei, Xiaomi, OPPO or vivo): ZEGO has no way to it.',
    when: (f) => !f.zimConnected && f.platform === 'android' && !f.hasGoogleServices && f.vendor === undefined,
    outcome: {
      fate: 'dropped',
      reason:
        'the device has no Google services and is not a Huawei, Xiaomi, OPPO or vivo phone, so ZEGO has no push channel to it (FCM needs Google services)',
    },
    source: [`${ZPNS}#callback-support-by-vendor`, `${FCM}#google-play-services-requirement`],
  }),
  stageRule<ZpnsChannelFacts>({
    id: 'zpns.no-channel.no-hms-core',
    stage: 'resolve',
    condition:
      'A Huawei phone without HMS Core and without Google services: the Huawei channel needs HMS Core and FCM needs Google services, so ZEGO has no way to it.',
    when: (f) =>
      !f.zimConnected &&
      f.platform === 'android' &&
      !f.hasGoogleServices &&
      f.vendor === 'huawei' &&
      f.hasHmsCore === false,
    outcome: {
      fate: 'dropped',
      reason:
        'the Huawei phone has no HMS Core (so no Huawei channel) and no Google services (so no FCM): ZEGO has no push channel to it',
    },
    source: [`${HMS}#hms-core-on-the-phone`, `${FCM}#google-play-services-requirement`],
  }),
];

// ── expiry ────────────────────────────────────────────────────────────────────────────────────────────────
export interface ExpiryFacts {
  push: Pick<Push, 'expiresAt'>;
  now: number;
  online: boolean;
  held?: boolean;
  deferred?: boolean;
}
export const EXPIRY_RULES = [
  stageRule<ExpiryFacts>({
    id: 'pipeline.expiry.while-held',
    stage: 'expiry',
    condition: 'Its expiry passed while the service stored it for an offline device, or while the device deferred it.',
    when: (f) =>
      f.held === true && f.push.expiresAt !== undefined && f.push.expiresAt !== 0 && f.push.expiresAt <= f.now,
    outcome: { fate: 'expired', reason: 'its expiry passed while it was held' },
    source: [`${APNS}#request-headers`, `${APNS}#offline-storage`, `${FCM}#message-resource`],
  }),
  stageRule<ExpiryFacts>({
    id: 'pipeline.expiry.passed',
    stage: 'expiry',
    condition: 'Its expiry (apns-expiration, FCM ttl) passed before the device could be reached.',
    when: (f) =>
      f.held !== true && f.push.expiresAt !== undefined && f.push.expiresAt !== 0 && f.push.expiresAt <= f.now,
    outcome: { fate: 'expired', reason: 'its expiry passed before the device could be reached' },
    source: [`${APNS}#request-headers`, `${FCM}#message-resource`],
  }),
  stageRule<ExpiryFacts>({
    id: 'pipeline.expiry.zero-offline',
    stage: 'expiry',
    condition:
      'Expiry 0 (apns-expiration: 0, FCM ttl 0) means one delivery attempt, and the device is offline: nothing is stored.',
    when: (f) => f.push.expiresAt === 0 && !f.online,
    outcome: { fate: 'expired', reason: 'expiry 0 means one delivery attempt, and the device was offline' },
    source: [`${APNS}#request-headers`, `${FCM}#message-resource`],
  }),
];

// ── offline: the service's store for an offline device ───────────────────────────────────────────────────
export interface OfflineFacts {
  online: boolean;
}
export const OFFLINE_RULES = [
  stageRule<OfflineFacts>({
    id: 'store.offline.held',
    stage: 'offline',
    condition: 'The device is offline: the service stores the push until the device reconnects or the push expires.',
    when: (f) => !f.online,
    outcome: {
      fate: 'stored',
      reason: 'the device is offline; the service holds the push until it reconnects or the push expires',
    },
    source: [`${APNS}#offline-storage`, `${FCM}#stored-messages-and-collapse-keys`],
  }),
];

/** What the store's policy does to a push already held when another arrives (the facts of the eviction rows). */
export interface EvictionFacts {
  channel: Channel;
  newer: Pick<Push, 'collapseId'>;
  older: Pick<Push, 'collapseId'>;
  collapseKeys: number;
  nonCollapsible: number;
}
export const FCM_MAX_NON_COLLAPSIBLE = 100;
/**
 * "FCM stores at most 4 distinct collapse keys per device; beyond 4, which keys survive is undefined" — pushsim keeps
 * the newest 4.
 */
export const FCM_MAX_COLLAPSE_KEYS = 4;
export const STORE_RULES = [
  stageRule<EvictionFacts>({
    id: 'store.apns.newest-only',
    stage: 'offline',
    channels: ['apns'],
    condition: 'APNs keeps one notification per app while the device is offline: a newer one replaces the one held.',
    when: () => true,
    outcome: { fate: 'collapsed', reason: 'APNs stores only one notification per app while the device is offline' },
    source: [`${APNS}#offline-storage`],
  }),
  stageRule<EvictionFacts>({
    id: 'store.vendor.newest-only',
    stage: 'offline',
    channels: ['xiaomi', 'oppo', 'vivo'],
    condition: 'A vendor channel (Xiaomi, OPPO, vivo) keeps the newest push per app while the device is offline.',
    when: () => true,
    outcome: {
      fate: 'collapsed',
      reason: "pushsim's vendor channels store only the newest push per app while the device is offline",
    },
    source: [`${ZPNS}#unconfirmed`],
    unconfirmed: true,
  }),
  stageRule<EvictionFacts>({
    id: 'store.fcm.collapse-key',
    stage: 'offline',
    channels: ['fcm'],
    condition: 'FCM keeps one message per collapse key: a newer one with the same key replaces the one held.',
    when: (f) => f.newer.collapseId !== undefined && f.older.collapseId === f.newer.collapseId,
    outcome: { fate: 'collapsed', reason: 'replaced by a newer message with the same collapse key' },
    source: [`${FCM}#stored-messages-and-collapse-keys`],
  }),
  stageRule<EvictionFacts>({
    id: 'store.fcm.collapse-key-limit',
    stage: 'offline',
    channels: ['fcm'],
    condition: `FCM keeps at most ${FCM_MAX_COLLAPSE_KEYS} collapse keys per device; past that pushsim drops the oldest key's message (which survive is undefined).`,
    when: (f) =>
      f.newer.collapseId !== undefined && f.older.collapseId !== undefined && f.collapseKeys >= FCM_MAX_COLLAPSE_KEYS,
    outcome: { fate: 'dropped', reason: `FCM stores at most ${FCM_MAX_COLLAPSE_KEYS} collapse keys per device` },
    source: [`${FCM}#stored-messages-and-collapse-keys`],
  }),
  stageRule<EvictionFacts>({
    id: 'store.fcm.non-collapsible-limit',
    stage: 'offline',
    channels: ['fcm'],
    condition: `FCM keeps at most ${FCM_MAX_NON_COLLAPSIBLE} non-collapsible messages; when the limit is reached it discards them all (the app later gets onDeletedMessages).`,
    when: (f) =>
      f.newer.collapseId === undefined &&
      f.older.collapseId === undefined &&
      f.nonCollapsible >= FCM_MAX_NON_COLLAPSIBLE,
    outcome: {
      fate: 'dropped',
      reason: `FCM discarded all ${FCM_MAX_NON_COLLAPSIBLE} stored non-collapsible messages when the limit was reached; the app gets onDeletedMessages`,
    },
    source: [`${FCM}#stored-messages-and-collapse-keys`],
  }),
];

// ── throttle: budgets and on-device holding ───────────────────────────────────────────────────────────────
const IOS_WAKEABLE_STATES = new Set(['background', 'suspended', 'notRunning']);
export interface ThrottleFacts {
  platform: string;
  kind: PushKind;
  priority: string;
  state: string;
  debuggerAttached: boolean;
  /** Whether the app's silent-push budget has room (asked only when the other conditions hold). */
  budgetLeft: () => boolean;
  /** Whether the app's App Standby bucket has room for another high-priority message today. */
  standbyLeft: () => boolean;
  /** Chaos: whether this push is the one to lose. */
  chaosDrops: () => boolean;
}
export const wakesIosApp = (f: Pick<ThrottleFacts, 'platform' | 'kind' | 'state'>): boolean =>
  f.platform === 'ios' &&
  (f.kind === 'background' || f.kind === 'alert+background') &&
  IOS_WAKEABLE_STATES.has(f.state);
export const THROTTLE_RULES = [
  stageRule<ThrottleFacts>({
    id: 'apns.throttle.background-budget',
    stage: 'throttle',
    channels: ['apns'],
    condition:
      'A background push that would wake an app in the background, suspended or not running, with no debugger attached, after the app used its silent-push budget (3 an hour by default): the device holds it (the newest only) until the app is launched.',
    when: (f) => wakesIosApp(f) && !f.debuggerAttached && !f.budgetLeft(),
    outcome: {
      fate: 'throttled',
      reason:
        'Apple throttles background pushes ("more than two or three per hour"); the device holds the newest and delivers it when the app is launched',
    },
    source: [`${APNS}#silent-push-budget`, `${APNS}#on-device-holding`],
  }),
  stageRule<ThrottleFacts>({
    id: 'android.standby.high-priority-cap',
    stage: 'throttle',
    channels: ['fcm'],
    condition:
      "A high-priority message after the app used its App Standby bucket's daily allowance (frequent 10, rare 5, restricted 5) is handled as normal priority.",
    when: (f) => f.platform === 'android' && f.priority === 'high' && !f.standbyLeft(),
    outcome: { effect: 'priority lowered to normal; the later stages decide' },
    source: [`${ANDROID}#app-standby-buckets`, 'https://developer.android.com/topic/performance/power/power-details'],
  }),
  stageRule<ThrottleFacts>({
    id: 'apns.chaos.background-drop',
    stage: 'throttle',
    channels: ['apns'],
    condition:
      'Seeded chaos is on and picks this iOS background push: APNs treats background pushes as low priority and does not guarantee their delivery.',
    when: (f) => f.platform === 'ios' && f.kind === 'background' && f.chaosDrops(),
    outcome: {
      fate: 'dropped',
      reason: 'APNs does not guarantee the delivery of background pushes; chaos dropped this one',
    },
    source: [`${APNS}#silent-push-budget`],
  }),
];

/** What happens to the background push the device holds for a throttled app. */
export interface DeviceHoldFacts {
  event: string;
  to: string;
  newerThrottled?: boolean;
}
export const DEVICE_HOLD_RULES = [
  stageRule<DeviceHoldFacts>({
    id: 'apns.throttle.held-replaced',
    stage: 'throttle',
    channels: ['apns'],
    condition:
      'Another background push is throttled while the device holds one for the app: the newer replaces the held one.',
    when: (f) => f.newerThrottled === true,
    outcome: { fate: 'collapsed', reason: 'the device holds only the newest throttled background push' },
    source: [`${APNS}#on-device-holding`],
  }),
  stageRule<DeviceHoldFacts>({
    id: 'apns.throttle.held-discarded',
    stage: 'throttle',
    channels: ['apns'],
    condition:
      'The app is force-quit, killed by the system or stopped by a reboot while the device holds a background push for it: the push is thrown away.',
    when: (f) => f.to === 'forceQuit' || f.event === 'terminateBySystem' || f.event === 'reboot',
    outcome: { fate: 'dropped', reason: 'the held background push was discarded' },
    source: [`${APNS}#on-device-holding`],
  }),
  stageRule<DeviceHoldFacts>({
    id: 'apns.throttle.held-launch',
    stage: 'throttle',
    channels: ['apns'],
    condition:
      'The user launches the app (or taps a notification) while the device holds a background push for it: the push is handed over at once.',
    when: (f) => f.to === 'active' && (f.event === 'launch' || f.event === 'tapNotification'),
    outcome: { effect: 'the held push goes on through the later stages at once; its fate names this row first' },
    source: [`${APNS}#on-device-holding`],
  }),
];

// ── defer ─────────────────────────────────────────────────────────────────────────────────────────────────
export interface DeferFacts {
  push: Pick<Push, 'expiresAt'>;
}
export const DEFER_RULES = [
  stageRule<DeferFacts>({
    id: 'fcm.ttl-zero-in-doze',
    stage: 'defer',
    channels: ['fcm'],
    condition:
      'A message with ttl 0 ("deliver now or drop") that Doze would defer: it cannot wait for a maintenance window.',
    when: (f) => f.push.expiresAt === 0,
    outcome: {
      fate: 'expired',
      reason:
        'ttl 0 means deliver now or drop, and the device is in Doze (normal priority waits for a maintenance window)',
    },
    source: [`${FCM}#message-resource`, `${ANDROID}#doze`],
  }),
];

// ── hand-over ─────────────────────────────────────────────────────────────────────────────────────────────
export interface HandOverFacts {
  delivered: boolean;
  unreachable: boolean;
}
export const HAND_OVER_RULES = [
  stageRule<HandOverFacts>({
    id: 'shim.disconnected',
    stage: 'hand-over',
    origin: 'simulator',
    condition:
      "The rows would run the app's code, but the app's client shim was attached and is gone: none of its code can run (a shown notification still shows).",
    when: (f) => f.delivered && f.unreachable,
    outcome: { fate: 'dropped', reason: "the app's client shim is disconnected, so none of its code can run" },
    source: [`${SHIM}#disconnects`],
  }),
];

export interface OnScreenFacts {
  displayed: boolean;
  sameCollapseId: boolean;
}
export const ON_SCREEN_RULES = [
  stageRule<OnScreenFacts>({
    id: 'display.collapse-id.replaced',
    stage: 'hand-over',
    condition:
      'A newer notification with the same collapse id (apns-collapse-id, FCM collapse key) replaces the one on screen.',
    when: (f) => f.displayed && f.sameCollapseId,
    outcome: { fate: 'collapsed', reason: 'replaced on screen by a newer notification with the same collapse id' },
    source: [`${APNS}#collapse-id`, `${FCM}#stored-messages-and-collapse-keys`],
  }),
];

// ── settle: the shim's report, a shim gone, an app uninstalled ────────────────────────────────────────────
export interface AckFacts {
  ran: boolean;
  queued: boolean;
  displayed: boolean;
}
export const ACK_RULES = [
  stageRule<AckFacts>({
    id: 'shim.ack.ran',
    stage: 'settle',
    origin: 'simulator',
    condition: "The app's client shim reports that a listener ran: the push was delivered to the callback that ran.",
    when: (f) => f.ran,
    outcome: { fate: 'delivered' },
    source: [`${SHIM}#acknowledgements-shim--simulator-no-reply`],
  }),
  stageRule<AckFacts>({
    id: 'shim.ack.queued',
    stage: 'settle',
    origin: 'simulator',
    condition:
      "The SDK holds the message on the device (ZPNs's queue until setBackgroundMessageHandler): deferred until a later report.",
    when: (f) => !f.ran && f.queued,
    outcome: { fate: 'deferred', reason: 'held on the device by the SDK' },
    source: [`${SHIM}#acknowledgements-shim--simulator-no-reply`, `${ZPNS}#the-background-queue-282`],
  }),
  stageRule<AckFacts>({
    id: 'shim.ack.not-run.displayed',
    stage: 'settle',
    origin: 'simulator',
    condition:
      'The shim reports that no callback ran (no listener, no headless task…) for a push the system showed: it stays displayed.',
    when: (f) => !f.ran && !f.queued && f.displayed,
    outcome: { fate: 'displayed', reason: 'the app had no callback for it' },
    source: [`${SHIM}#acknowledgements-shim--simulator-no-reply`],
  }),
  stageRule<AckFacts>({
    id: 'shim.ack.not-run',
    stage: 'settle',
    origin: 'simulator',
    condition: "The shim reports that no callback ran for a push nothing showed: dropped, with the SDK's reason.",
    when: (f) => !f.ran && !f.queued && !f.displayed,
    outcome: { fate: 'dropped', reason: 'the app had no callback for it' },
    source: [`${SHIM}#acknowledgements-shim--simulator-no-reply`],
  }),
];

export interface DetachFacts {
  inFlight: boolean;
}
export const DETACH_RULES = [
  stageRule<DetachFacts>({
    id: 'shim.detached-in-flight',
    stage: 'settle',
    origin: 'simulator',
    condition:
      'The client shim disconnected after a delivery was handed to it and before it acknowledged it: its callback may not have run.',
    when: (f) => f.inFlight,
    outcome: {
      fate: 'dropped',
      reason: 'the client shim disconnected before the app acknowledged the delivery, so its callback may not have run',
    },
    source: [`${SHIM}#disconnects`],
  }),
];

export interface UninstallFacts {
  waiting: 'stored' | 'deferred' | 'held-on-device' | undefined;
}
export const UNINSTALL_RULES = [
  stageRule<UninstallFacts>({
    id: 'pipeline.uninstalled-while-waiting',
    stage: 'settle',
    condition:
      'The app is uninstalled while the service stores a push for it, the device defers one or holds a throttled one: the push is lost (its token is no longer valid).',
    when: (f) => f.waiting !== undefined,
    outcome: { fate: 'dropped', reason: 'the app was uninstalled while the push waited' },
    source: [`${APNS}#reason-codes`, `${FCM}#errors`],
  }),
];

export const PIPELINE_RULES = [
  ...ACCEPT_RULES,
  ...RESOLVE_RULES,
  ...ZPNS_CHANNEL_RULES,
  ...EXPIRY_RULES,
  ...OFFLINE_RULES,
  ...STORE_RULES,
  ...THROTTLE_RULES,
  ...DEVICE_HOLD_RULES,
  ...DEFER_RULES,
  ...HAND_OVER_RULES,
  ...ON_SCREEN_RULES,
  ...ACK_RULES,
  ...DETACH_RULES,
  ...UNINSTALL_RULES,
];
