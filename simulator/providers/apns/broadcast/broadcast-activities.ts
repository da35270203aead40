// What broadcasts need from the simulated Live Activities (simulator/live-activity/, `sim.liveActivities`): the
// activities subscribed to a channel in the channel's environment, and a way to hand one of them a push.
import type { Simulation } from '../../../engine/index.js';
import type { Activity } from '../../../live-activity/index.js';
import type { Environment } from './broadcast-channels.js';

/** One push handed to an activity because it is subscribed to the channel a broadcast went to. */
export interface BroadcastDelivery {
  readonly payload: Record<string, unknown>;
  readonly priority: 10 | 5 | 1;
  /** The broadcast's id: each activity's push is filed as `<apnsId>:<activity id>`. */
  readonly apnsId: string;
  /** The broadcast's headers (apns-channel-id, apns-request-id, apns-push-type, apns-priority, apns-expiration…). */
  readonly headers: Readonly<Record<string, string>>;
  readonly channelId: string;
}

/**
 * The activities subscribed to the channel (started with `pushType: .channel(id)`, not ended) in apps of the
 * channel's environment: a sandbox build never hears a production channel.
 */
export function subscribersOf(
  sim: Simulation,
  bundleId: string,
  channelId: string,
  environment: Environment,
): readonly Activity[] {
  return sim.liveActivities
    .subscribers(bundleId, channelId)
    .filter((activity) => sim.registry.app(activity.appId)?.environment === environment);
}

/** Hands one subscribed activity a broadcast; the ledger id of its push. */
export function deliverBroadcast(sim: Simulation, activity: Activity, delivery: BroadcastDelivery): string {
  return sim.liveActivities.deliverActivityPush(activity, {
    payload: delivery.payload,
    priority: delivery.priority,
    apnsId: delivery.apnsId,
    headers: { ...delivery.headers },
    via: 'broadcast',
    channelId: delivery.channelId,
  }).pushId;
}
