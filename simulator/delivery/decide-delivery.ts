// decideDelivery: the pure heart of pushsim. From push kind, priority, platform, SDK and app state it says which
// callback runs, whether the system shows anything, whether the app wakes, or why nothing happens.
import type { DeviceConditions, FidelityOptions, PushKind, PushPriority, SdkProfile } from '../core/index.js';
import { IOS_PUSH_KINDS, ANDROID_PUSH_KINDS } from '../core/index.js';
import { DELIVERY_CONDITIONS, type DeliverySituation, type DeliveryConditionName } from './delivery-conditions.js';
import { PLATFORM_RULES, type PlatformCallback, type PlatformRule } from './platform-rules.js';
import { SDK_RULES, type SdkConditionName, type SdkRule } from './sdk-rules.js';
import { isVersionBelow } from './sdk-version.js';

export interface DeliveryInput {
  kind: PushKind;
  priority: PushPriority;
  platform: 'ios' | 'android';
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

/** Silent push arrived in ZPNs 2.3.3 (shared/reference/zpns.md §4). */
export const ZPNS_SILENT_PUSH_MIN_VERSION = '2.3.3';

export function situationOf(input: DeliveryInput): DeliverySituation {
  // "Foreground" needs the keyguard unlocked: a locked screen counts as background (fcm.md §2, zpns.md §1.5).
  const state = input.platform === 'android' && input.state === 'foreground' && input.conditions.screenLocked ? 'background' : input.state;
  return { platform: input.platform, kind: input.kind, priority: input.priority, state, conditions: input.conditions };
}

function holds(when: Partial<Record<string, boolean>> | undefined, test: (name: string) => boolean): boolean {
  if (!when) return true;
  return Object.entries(when).every(([name, expected]) => test(name) === expected);
}

export function matchPlatformRule(situation: DeliverySituation): PlatformRule | undefined {
  return PLATFORM_RULES.find((rule) =>
    rule.platform === situation.platform &&
    rule.kinds.includes(situation.kind) &&
    rule.states.includes(situation.state) &&
    holds(rule.when, (name) => DELIVERY_CONDITIONS[name as DeliveryConditionName](situation)));
}

function sdkConditionHolds(name: SdkConditionName, input: DeliveryInput): boolean {
  switch (name) {
    case 'silentPushUnsupported': return input.sdkProfile === 'zpns-rn' && isVersionBelow(input.sdkVersion, ZPNS_SILENT_PUSH_MIN_VERSION);
    case 'documentedVariant': return input.fidelity?.zpnsDocumentedAndroidBackground === true;
    case 'highPriority': return input.priority === 'high';
  }
}

export function matchSdkRule(input: DeliveryInput, situation: DeliverySituation, on: PlatformCallback | 'display'): SdkRule | undefined {
  return SDK_RULES.find((rule) =>
    rule.profile === input.sdkProfile &&
    rule.platform === situation.platform &&
    rule.on === on &&
    (!rule.kinds || rule.kinds.includes(situation.kind)) &&
    (!rule.states || rule.states.includes(situation.state)) &&
    holds(rule.when, (name) => sdkConditionHolds(name as SdkConditionName, input)));
}

export function decideDelivery(input: DeliveryInput): Outcome {
  const kinds = input.platform === 'ios' ? IOS_PUSH_KINDS : ANDROID_PUSH_KINDS;
  if (!kinds.includes(input.kind)) {
    return { fate: 'dropped', callbacks: [], platformCallbacks: [], display: false, ruleIds: ['push-kind-mismatch'],
      reason: `a "${input.kind}" push does not exist on ${input.platform}; use one of ${kinds.join(', ')}` };
  }
  const situation = situationOf(input);
  const rule = matchPlatformRule(situation);
  if (!rule) {
    return { fate: 'dropped', callbacks: [], platformCallbacks: [], display: false, ruleIds: ['no-rule'],
      reason: `no delivery rule covers a ${input.kind} push to a ${input.platform} app in state ${situation.state}` };
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

  // The system shows nothing without notification permission, whatever the row says (iOS authorization, POST_NOTIFICATIONS).
  if (outcome.display && DELIVERY_CONDITIONS.notificationsBlocked(situation)) {
    outcome.display = false;
    if (outcome.fate === 'displayed') {
      outcome.fate = 'dropped';
      outcome.reason = 'notifications are not permitted for this app, so the system shows nothing';
    }
  }

  const dropReasons: string[] = [];
  for (const callback of outcome.platformCallbacks) {
    const sdkRule = matchSdkRule(input, situation, callback);
    if (!sdkRule) { outcome.callbacks.push(callback); continue; }
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
