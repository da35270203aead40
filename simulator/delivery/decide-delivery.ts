// decideDelivery: the pure heart of pushsim. From push kind, priority, platform, SDK and app state it says which
// callback runs, whether the system shows anything, whether the app wakes, or why nothing happens.
import type { Channel, DeviceConditions, FidelityOptions, PushKind, PushPriority, SdkProfile } from '../core/index.js';
import { IOS_PUSH_KINDS, ANDROID_PUSH_KINDS } from '../core/index.js';
import { DELIVERY_CONDITIONS, type DeliverySituation, type DeliveryConditionName } from './delivery-conditions.js';
import { PLATFORM_CHANNEL, PLATFORM_RULES, type PlatformCallback, type PlatformRule } from './platform-rules.js';
import { matchVendorRule, VENDOR_RULES, type VendorRule } from './vendor-rules.js';
import { stageRule } from './stages.js';
import { SDK_RULES, type SdkConditionName, type SdkRule } from './sdk-rules.js';
import { isVersionBelow } from './sdk-version.js';

export interface DeliveryInput {
  kind: PushKind;
  priority: PushPriority;
  platform: 'ios' | 'android';
  /** The channel the push arrives on; absent = the platform's own service (APNs on iOS, FCM on Android). */
  channel?: Channel;
  /** Top-level lifecycle state (`suspended`, `killed`...). */
  state: string;
  conditions: DeviceConditions;
  sdkProfile: SdkProfile;
  sdkVersion: string;
  fidelity?: FidelityOptions;
}

export type OutcomeFate = 'delivered' | 'displayed' | 'dropped' | 'deferred';

export interface Outcome {
  fate: OutcomeFate;
  /** SDK-level callbacks that run, in order; the first is the ledger's `callback`. */
  callbacks: string[];
  /** Platform-level callbacks the system calls. */
  platformCallbacks: PlatformCallback[];
  /** Whether the system shows a banner or tray notification. */
  display: boolean;
  /** Whether the system (or SDK) runs the app to handle the push. */
  wake?: 'background' | 'headless';
  reason?: string;
  /** Ids of the rows that decided: the platform row first, then any SDK rows. */
  ruleIds: string[];
}

/** Silent push arrived in ZPNs 2.3.3 (docs/reference/zpns.md#silent-push-arrives-in-233). */
export const ZPNS_SILENT_PUSH_MIN_VERSION = '2.3.3';

/** The `decide` rows that are not platform, vendor or SDK rows: a kind of the other platform, no row, no permission. */
export interface DecideFacts {
  kindExists: boolean;
  matched: boolean;
  shows: boolean;
  notificationsBlocked: boolean;
}
export const DECIDE_RULES = [
  stageRule<DecideFacts>({
    id: 'decide.push-kind-mismatch',
    stage: 'decide',
    condition:
      "The push kind does not exist on the device's platform (an APNs background push to an Android app, an FCM data message to an iOS app).",
    when: (f) => !f.kindExists,
    outcome: { fate: 'dropped', reason: 'this push kind does not exist on the platform' },
    source: ['docs/reference/apns.md#push-types-and-topic-suffixes', 'docs/reference/fcm.md#message-resource'],
  }),
  stageRule<DecideFacts>({
    id: 'decide.no-matching-row',
    stage: 'decide',
    condition:
      "No platform or vendor row covers the push kind in the app's state and the device's conditions: pushsim drops it and says so.",
    when: (f) => f.kindExists && !f.matched,
    outcome: { fate: 'dropped', reason: 'no delivery rule covers this push' },
    source: ['docs/reference/ios.md#callbacks-by-app-state', 'docs/reference/fcm.md#which-callback-runs'],
    unconfirmed: true,
  }),
  stageRule<DecideFacts>({
    id: 'decide.notifications-blocked',
    stage: 'decide',
    condition:
      'The row would show a notification, but the app may not post notifications (iOS authorization, Android 13 POST_NOTIFICATIONS): nothing shows, and a push that would only have shown is dropped.',
    when: (f) => f.matched && f.shows && f.notificationsBlocked,
    outcome: {
      effect: 'no banner or tray notification; `displayed` becomes `dropped`',
      reason: 'notifications are not permitted for this app, so the system shows nothing',
    },
    source: [
      'docs/reference/ios.md#notification-authorization',
      'docs/reference/android.md#notification-permission-android-13',
    ],
  }),
];
const [KIND_MISMATCH, NO_ROW, NOTIFICATIONS_BLOCKED] = DECIDE_RULES as [
  (typeof DECIDE_RULES)[0],
  (typeof DECIDE_RULES)[0],
  (typeof DECIDE_RULES)[0],
];

const PLATFORM_CHANNELS: ReadonlySet<Channel> = new Set(Object.values(PLATFORM_CHANNEL));

export function channelOf(input: Pick<DeliveryInput, 'channel' | 'platform'>): Channel {
  return input.channel ?? PLATFORM_CHANNEL[input.platform];
}

export function situationOf(input: DeliveryInput): DeliverySituation {
  // "Foreground" needs the keyguard unlocked: a locked screen counts as background
  // (docs/reference/fcm.md#what-foreground-means-to-the-sdk, docs/reference/zpns.md#android-fcm-messages).
  const state =
    input.platform === 'android' && input.state === 'foreground' && input.conditions.screenLocked
      ? 'background'
      : input.state;
  return { platform: input.platform, kind: input.kind, priority: input.priority, state, conditions: input.conditions };
}

function holds(when: Partial<Record<string, boolean>> | undefined, test: (name: string) => boolean): boolean {
  if (!when) return true;
  // A loop over the keys, not Object.entries().every(): no arrays per row tried, on every push (issue 14).
  for (const name in when) if (test(name) !== when[name]) return false;
  return true;
}

export function matchPlatformRule(
  situation: DeliverySituation,
  channel: Channel = PLATFORM_CHANNEL[situation.platform],
): PlatformRule | undefined {
  return PLATFORM_RULES.find(
    (rule) =>
      rule.platform === situation.platform &&
      rule.channels.includes(channel) &&
      rule.kinds.includes(situation.kind) &&
      rule.states.includes(situation.state) &&
      holds(rule.when, (name) => DELIVERY_CONDITIONS[name as DeliveryConditionName](situation)),
  );
}

function sdkConditionHolds(name: SdkConditionName, input: DeliveryInput): boolean {
  switch (name) {
    case 'silentPushUnsupported':
      return input.sdkProfile === 'zpns-rn' && isVersionBelow(input.sdkVersion, ZPNS_SILENT_PUSH_MIN_VERSION);
    case 'documentedVariant':
      return input.fidelity?.zpnsDocumentedAndroidBackground === true;
    case 'highPriority':
      return input.priority === 'high';
  }
}

export function matchSdkRule(
  input: DeliveryInput,
  situation: DeliverySituation,
  on: PlatformCallback | 'display',
): SdkRule | undefined {
  return SDK_RULES.find(
    (rule) =>
      rule.profile === input.sdkProfile &&
      rule.platform === situation.platform &&
      rule.on === on &&
      (!rule.kinds || rule.kinds.includes(situation.kind)) &&
      (!rule.states || rule.states.includes(situation.state)) &&
      holds(rule.when, (name) => sdkConditionHolds(name as SdkConditionName, input)),
  );
}

/**
 * What happens to the push. `vendor` is the simulation's composed vendor-channel rows (RulesTable.vendor: the services'
 * channel rows, then the core's); the core's alone by default.
 */
export function decideDelivery(
  input: DeliveryInput,
  rules: { readonly vendor: readonly VendorRule[] } = { vendor: VENDOR_RULES },
): Outcome {
  const kinds = input.platform === 'ios' ? IOS_PUSH_KINDS : ANDROID_PUSH_KINDS;
  const channel = channelOf(input);
  if (!kinds.includes(input.kind)) {
    return {
      fate: 'dropped',
      callbacks: [],
      platformCallbacks: [],
      display: false,
      ruleIds: [KIND_MISMATCH.id],
      reason: `a "${input.kind}" push does not exist on ${input.platform}; use one of ${kinds.join(', ')}`,
    };
  }
  const situation = situationOf(input);
  // A channel other than the platforms' own (a maker's, a service's) is decided by the channel rows.
  if (!PLATFORM_CHANNELS.has(channel)) return decideVendorDelivery(channel, situation, input.sdkProfile, rules.vendor);
  const rule = matchPlatformRule(situation, channel);
  if (!rule) {
    return {
      fate: 'dropped',
      callbacks: [],
      platformCallbacks: [],
      display: false,
      ruleIds: [NO_ROW.id],
      reason: `no delivery rule covers a ${input.kind} push on ${channel} to a ${input.platform} app in state ${situation.state}`,
    };
  }
  const platform = rule.outcome;
  const outcome: Outcome = {
    fate: platform.fate,
    callbacks: [],
    platformCallbacks: [...(platform.callbacks ?? [])],
    display: platform.display ?? false,
    ruleIds: [rule.id],
  };
  if (platform.wake) outcome.wake = platform.wake;
  if (platform.reason) outcome.reason = platform.reason;

  blockDisplayWithoutPermission(outcome, situation);

  const dropReasons: string[] = [];
  for (const callback of outcome.platformCallbacks) {
    const sdkRule = matchSdkRule(input, situation, callback);
    if (!sdkRule) {
      outcome.callbacks.push(callback);
      continue;
    }
    outcome.ruleIds.push(sdkRule.id);
    if (sdkRule.result.callback) outcome.callbacks.push(sdkRule.result.callback);
    else if (sdkRule.result.reason) dropReasons.push(sdkRule.result.reason);
  }
  if (outcome.display) {
    const sdkRule = matchSdkRule(input, situation, 'display');
    if (sdkRule) {
      outcome.ruleIds.push(sdkRule.id);
      if (sdkRule.result.callback) outcome.callbacks.push(sdkRule.result.callback);
      if (sdkRule.result.fate) outcome.fate = sdkRule.result.fate;
      if (sdkRule.result.wake && situation.state === 'killed') outcome.wake = sdkRule.result.wake;
    }
  }
  if (outcome.fate === 'delivered' && outcome.callbacks.length === 0) {
    // The platform called the app but the SDK swallowed it; with a banner the push was at least displayed.
    outcome.fate = outcome.display ? 'displayed' : 'dropped';
    outcome.reason = dropReasons.join('; ') || 'no app callback handles this push';
  }
  return outcome;
}

/**
 * The system shows nothing without notification permission, whatever the row says (iOS authorization,
 * POST_NOTIFICATIONS).
 */
function blockDisplayWithoutPermission(outcome: Outcome, situation: DeliverySituation): void {
  const facts = {
    kindExists: true,
    matched: true,
    shows: outcome.display,
    notificationsBlocked: DELIVERY_CONDITIONS.notificationsBlocked(situation),
  };
  if (!NOTIFICATIONS_BLOCKED.when(facts)) return;
  outcome.display = false;
  outcome.ruleIds.push(NOTIFICATIONS_BLOCKED.id);
  if (outcome.fate === 'displayed') {
    outcome.fate = 'dropped';
    outcome.reason = NOTIFICATIONS_BLOCKED.outcome.reason!;
  }
}

/**
 * A vendor channel's row names the event the app hears directly (a ZPNs event, or the service SDK's callback for a
 * service's own row, which tells SDK profiles apart with `profiles`): there is no separate SDK row.
 */
function decideVendorDelivery(
  channel: Channel,
  situation: DeliverySituation,
  sdkProfile: SdkProfile,
  rows: readonly VendorRule[],
): Outcome {
  const rule = matchVendorRule(channel, situation.kind, situation.state, sdkProfile, situation.priority, rows);
  if (!rule) {
    return {
      fate: 'dropped',
      callbacks: [],
      platformCallbacks: [],
      display: false,
      ruleIds: [NO_ROW.id],
      reason: `no delivery rule covers a ${situation.kind} push on ${channel} to an app in state ${situation.state}`,
    };
  }
  const outcome: Outcome = {
    fate: rule.outcome.fate,
    callbacks: [...rule.outcome.callbacks],
    platformCallbacks: [],
    display: rule.outcome.display,
    ruleIds: [rule.id],
  };
  if (rule.outcome.wake) outcome.wake = rule.outcome.wake;
  if (rule.outcome.reason) outcome.reason = rule.outcome.reason;
  blockDisplayWithoutPermission(outcome, situation);
  return outcome;
}
