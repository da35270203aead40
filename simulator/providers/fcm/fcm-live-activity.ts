// FCM's route to Live Activities: a Message naming an iOS app's registration token and `apns.live_activity_token` goes
// to APNs as a liveactivity push, so it reaches the activity through the same Live Activity rows as a push sent to APNs
// (docs/reference/live-activities.md#fcm-live-activity-token).
import type { Push, TokenAddress } from '../../core/index.js';
import type { Simulation } from '../../engine/index.js';
import type { LiveActivityAddress } from '../../live-activity/index.js';
import { FcmError, invalidArgument } from './fcm-errors.js';

/**
 * The activity (or push-to-start token) `apns.live_activity_token` names, checked against the app the registration
 * token addresses: FCM answers INVALID_ARGUMENT for a token no activity of that app has, and UNREGISTERED for one whose
 * activity is dismissed (APNs's 410, as FCM reports it for device tokens; unconfirmed).
 */
export function liveActivityOf(sim: Simulation, token: string, address: TokenAddress): LiveActivityAddress {
  const target = sim.liveActivities.resolveToken(token);
  const appId = target?.kind === 'push-to-start' ? target.appId : target?.activity.appId;
  if (!target || appId !== address.app.id)
    throw invalidArgument(
      'message.apns.live_activity_token',
      `no Live Activity of ${address.app.bundleId} on this device has this live_activity_token; send the token its pushTokenUpdates gave`,
    );
  if (target.kind === 'gone') throw new FcmError('UNREGISTERED');
  return target;
}

/**
 * Hands the push FCM built for the iOS app (its APNs payload and headers) to the Live Activity; the ledger keeps the
 * message's `live_activity_token` among its options (a session recording names the activity from it).
 */
export function deliverFcmLiveActivity(
  sim: Simulation,
  push: Push,
  target: LiveActivityAddress,
  liveActivityToken: string,
): void {
  const headers: Record<string, string> = {
    ...(push.headers ?? {}),
    'apns-push-type': 'liveactivity',
    live_activity_token: liveActivityToken,
  };
  const priority = headers['apns-priority'] === '5' ? 5 : headers['apns-priority'] === '1' ? 1 : 10;
  const input = {
    payload: push.payload,
    priority,
    apnsId: push.id,
    headers,
    token: push.token,
    provider: 'fcm',
  } as const;
  if (target.kind === 'activity') sim.liveActivities.deliverActivityPush(target.activity, { ...input, via: 'fcm' });
  else if (target.kind === 'push-to-start') sim.liveActivities.deliverStartPush(target, input);
}
