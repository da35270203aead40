// What the Live Activity rows of the rules table match on (a service module contributes the rows:
// providers/apns/apns-live-activity-rules.ts): one ActivityKit push reaching an activity, or one of the activity's own
// dates passing on the clock. Facts: docs/reference/live-activities.md.

export interface LiveActivityFacts {
  /** A push (`push`), the app's own call (`app`), or a date on the clock (`stale-date`, `eight-hours`, `dismissal`). */
  trigger: 'push' | 'app' | 'stale-date' | 'eight-hours' | 'dismissal';
  /** How the push came: the activity's token, a broadcast channel, FCM's apns.live_activity_token, a push-to-start token. */
  via?: 'token' | 'broadcast' | 'fcm' | 'push-to-start';
  /** `aps.event` as sent (`update`, `end`, `start`, or anything else). */
  event?: string;
  /** The activity's state before the push; absent for a push-to-start. */
  state?: 'active' | 'stale' | 'ended' | 'dismissed';
  /** `aps.timestamp` against the activity's newest: absent (none sent, or not a number), first, newer, equal, older. */
  timestamp?: 'missing' | 'first' | 'newer' | 'equal' | 'older';
  /** Whether `content-state` decodes against the ContentState the app declares (absent when none was sent). */
  contentStateDecodes?: boolean;
  /** Whether a `content-state` was sent. */
  hasContentState?: boolean;
  /** push-to-start: whether the app declares `attributes-type`, and whether `attributes` decode. */
  attributesTypeKnown?: boolean;
  attributesDecode?: boolean;
  /** apns-priority. */
  priority?: 10 | 5 | 1;
  /** Whether a priority-10 push finds the budget spent. */
  overBudget?: boolean;
  /** An `end` push's `dismissal-date` is at or before now. */
  dismissNow?: boolean;
}
