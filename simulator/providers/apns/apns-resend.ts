// How APNs answers a push of the ledger sent again (POST /api/pushes/{id}/resend): a new apns-id (a UUID), 200 with
// `{ "apns-id" }`, 410 Unregistered with the time of the uninstall, 400 BadDeviceToken for a token nothing owns
// (docs/reference/apns.md#responses). An ActivityKit push goes to its Live Activity again, not through the router: an
// activity's push token lives in the simulation's Live Activities, not the registry
// (docs/reference/live-activities.md#tokens-on-the-wire).
import { randomUUID } from 'node:crypto';
import type { LedgerEntry, Push } from '../../core/index.js';
import type { PushResend, ResendAnswer, Simulation } from '../../engine/index.js';

export const APNS_RESEND: PushResend = {
  newPushId: () => randomUUID(),
  accepted: (push) => ({ 'apns-id': push.id }),
  refused: (_entry, uninstalledAt) =>
    uninstalledAt !== undefined
      ? { status: 410, answer: { reason: 'Unregistered', timestamp: uninstalledAt } }
      : { status: 400, answer: { reason: 'BadDeviceToken' } },
  ownWay: (sim, entry, push) => (push.kind === 'liveactivity' ? resendActivityPush(sim, entry, push) : undefined),
};

/**
 * An ActivityKit push sent again to the token it named: to the activity (its Live Activity rows decide again: the
 * budget, the timestamp, what the activity does), or to the push-to-start token (which starts another activity, as a
 * second identical request to APNs would). A broadcast names a channel, not a token: it is sent to its channel again.
 */
function resendActivityPush(sim: Simulation, entry: LedgerEntry, push: Push): ResendAnswer | string {
  const channelId = push.headers?.['apns-channel-id'];
  if (channelId !== undefined)
    return `is a broadcast on channel ${channelId} (docs/reference/apns-broadcast.md#broadcast-sends): a broadcast is resent by sending it to its channel again (POST /4/broadcasts/apps/<bundle id> with apns-channel-id ${channelId}), which reaches every activity subscribed then`;
  const target = sim.liveActivities.resolveToken(push.token);
  // The answers of the Live Activity wire (apns-live-activity.ts): no activity has the token, or its activity is gone.
  if (!target) return { status: 400, answer: { reason: 'BadDeviceToken' } };
  if (target.kind === 'gone')
    return { status: 410, answer: { reason: 'Unregistered', timestamp: target.activity.updatedAt } };
  const now = sim.clock.now();
  const input = {
    token: push.token,
    payload: push.payload,
    priority: push.priority === 'high' ? 10 : push.priority === 'normal' ? 5 : 1,
    apnsId: push.id,
    headers: { ...(push.headers ?? {}) },
  } as const;
  const pushId =
    target.kind === 'activity'
      ? sim.liveActivities.deliverActivityPush(target.activity, { ...input, via: 'token' }).pushId
      : sim.liveActivities.deliverStartPush(target, input).pushId;
  sim.ledger.note(pushId, now, `resent from push ${entry.id}`);
  return { pushId, status: 200, answer: { 'apns-id': pushId } };
}
