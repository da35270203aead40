// ActivityKit pushes on the APNs wire: the checks of apns-push-type liveactivity and its topic, what a Live Activity or
// push-to-start token in the path leads to, and handing the push to the simulation's Live Activities. Each rejection
// names its row of apns-live-activity-rules.ts. Facts: docs/reference/live-activities.md.
import type { Simulation } from '../../engine/index.js';
import type { Activity } from '../../live-activity/index.js';
import type { ApnsIdentity } from './apns-auth.js';
import { ApnsRejection } from './apns-reasons.js';

const SUFFIX = '.push-type.liveactivity';

/** Where an ActivityKit push goes: a running (or ended) activity, or a push-to-start token of an app. */
export type LiveActivityTarget =
  | { kind: 'activity'; activity: Activity }
  | { kind: 'push-to-start'; appId: string; attributesType: string };

/**
 * The push type and topic of an ActivityKit push (docs/reference/live-activities.md#push-type-topic-and-authentication):
 * liveactivity needs the .push-type.liveactivity topic and token authentication, and that topic needs liveactivity.
 */
export function checkLiveActivityHeaders(pushType: string | undefined, topic: string, identity: ApnsIdentity): void {
  const isLiveActivityTopic = topic.endsWith(SUFFIX);
  if (pushType === 'liveactivity' && !isLiveActivityTopic)
    throw new ApnsRejection(
      'BadTopic',
      `a liveactivity push needs the topic <bundle id>${SUFFIX}; got "${topic}"`,
      undefined,
      'apns.liveactivity.wire.topic',
    );
  if (isLiveActivityTopic && pushType !== 'liveactivity')
    throw new ApnsRejection(
      'BadTopic',
      `the topic ${topic} takes apns-push-type liveactivity; got ${pushType ?? 'none'}`,
      undefined,
      'apns.liveactivity.wire.topic',
    );
  if (pushType === 'liveactivity' && identity.kind === 'certificate')
    throw new ApnsRejection(
      'BadTopic',
      `ActivityKit pushes take token authentication only; the client certificate is for ${identity.topics.join(', ')}`,
      undefined,
      'apns.liveactivity.wire.certificate',
    );
}

/**
 * The Live Activity a token names, for a liveactivity push; undefined for any other push to a token that is not a Live
 * Activity's (the device-token path checks those). Throws Apple's answer for a token that cannot take the push
 * (docs/reference/live-activities.md#tokens-on-the-wire).
 */
export function liveActivityTargetOf(
  sim: Simulation,
  token: string,
  pushType: string,
  environment: 'sandbox' | 'production',
  bundleId: string,
): LiveActivityTarget | undefined {
  const address = sim.liveActivities.resolveToken(token);
  if (pushType !== 'liveactivity') {
    if (address)
      throw new ApnsRejection(
        'DeviceTokenNotForTopic',
        `this is a Live Activity token; send it with apns-push-type liveactivity and the topic ${bundleId}${SUFFIX}`,
        undefined,
        'apns.liveactivity.wire.token-not-for-topic',
      );
    return undefined;
  }
  if (!address) {
    const device = sim.registry.resolveToken(token);
    if (device?.kind === 'apns')
      throw new ApnsRejection(
        'DeviceTokenNotForTopic',
        "this is the app's device token; an ActivityKit push goes to the activity's push token (or a push-to-start token)",
        undefined,
        'apns.liveactivity.wire.token-not-for-topic',
      );
    throw new ApnsRejection(
      'BadDeviceToken',
      'no Live Activity or push-to-start token of a simulated iPhone is this token; start an activity first',
      undefined,
      'apns.liveactivity.wire.unknown-token',
    );
  }
  const appId = address.kind === 'push-to-start' ? address.appId : address.activity.appId;
  const app = sim.registry.requireApp(appId);
  if (app.environment !== environment)
    throw new ApnsRejection(
      'BadDeviceToken',
      `the token belongs to the ${app.environment} environment, this endpoint is ${environment}`,
      undefined,
      'apns.liveactivity.wire.unknown-token',
    );
  if (app.bundleId !== bundleId)
    throw new ApnsRejection(
      'DeviceTokenNotForTopic',
      `the token belongs to ${app.bundleId}, not ${bundleId}`,
      undefined,
      'apns.liveactivity.wire.token-not-for-topic',
    );
  if (address.kind === 'gone')
    throw new ApnsRejection(
      'Unregistered',
      `the Live Activity ${address.activity.id} was dismissed; its token no longer works`,
      address.activity.updatedAt,
      'apns.liveactivity.wire.dismissed',
    );
  return address.kind === 'activity'
    ? { kind: 'activity', activity: address.activity }
    : { kind: 'push-to-start', appId: address.appId, attributesType: address.attributesType };
}

/** Hands an accepted ActivityKit push to the activity (or starts one, for a push-to-start token). */
export function deliverLiveActivityPush(
  sim: Simulation,
  target: LiveActivityTarget,
  input: {
    token: string;
    payload: Record<string, unknown>;
    priority: 10 | 5 | 1;
    apnsId: string;
    headers: Record<string, string>;
  },
): string {
  if (target.kind === 'activity')
    return sim.liveActivities.deliverActivityPush(target.activity, { ...input, via: 'token' }).pushId;
  return sim.liveActivities.deliverStartPush(target, input).pushId;
}
