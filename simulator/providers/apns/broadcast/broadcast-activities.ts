// What broadcasts need from the simulated Live Activities: the activities subscribed to a channel and a way to hand
// one of them a push. Live Activities themselves live in simulator/live-activity/ (`sim.liveActivities`); this narrow
// interface is all the broadcast code reads of them.
import type { Simulation } from '../../../engine/index.js';

/** One push handed to an activity because it is subscribed to the channel a broadcast went to. */
export interface BroadcastDelivery {
  readonly payload: Record<string, unknown>;
  readonly priority: 10 | 5 | 1;
  /** The ledger id of the activity's push (one per activity and broadcast). */
  readonly apnsId: string;
  /** The broadcast's headers (apns-channel-id, apns-request-id, apns-push-type, apns-priority, apns-expiration…). */
  readonly headers: Readonly<Record<string, string>>;
  readonly via: 'broadcast';
  readonly channelId: string;
}

export interface BroadcastActivities<Activity = unknown> {
  /** The activities of the app subscribed to the channel (started with `pushType: .channel(id)`), running or not. */
  subscribers(bundleId: string, channelId: string): readonly Activity[];
  deliverActivityPush(activity: Activity, push: BroadcastDelivery): { pushId: string };
}

/** The simulation's Live Activities, when it models them; without them a channel has no subscribers. */
export function broadcastActivitiesOf(sim: Simulation): BroadcastActivities | undefined {
  return (sim as unknown as { liveActivities?: BroadcastActivities }).liveActivities;
}
