// A Live Activity on the simulated iPhone and what its app declares about them: the ActivityKit model
// (docs/reference/live-activities.md#activities-and-their-states), kept apart from the app's own lifecycle state.
import type { z } from 'zod';
import { CodableFieldTypeSchema } from '../model/live-activity.js';

/**
 * ActivityKit's ActivityState: `active` (shown, takes updates), `stale` (its stale date passed; still takes updates),
 * `ended` (no more updates; may stay on the lock screen up to 4 h), `dismissed` (removed from the screen).
 */
export type ActivityState = 'active' | 'stale' | 'ended' | 'dismissed';
export const ACTIVITY_STATES: readonly ActivityState[] = ['active', 'stale', 'ended', 'dismissed'];

/** How the activity takes remote updates: its own push token, a broadcast channel, or none (the app updates it). */
export type ActivityPushType = { kind: 'token' } | { kind: 'channel'; channelId: string } | { kind: 'none' };

/**
 * A JSON type a field of ContentState or of the attributes decodes from; `?` marks an optional field. The list is the
 * model's (CodableFieldTypeSchema), so the API, the install and the decoder cannot disagree.
 */
export type CodableFieldType = z.infer<typeof CodableFieldTypeSchema>;
export const CODABLE_FIELD_TYPES: readonly CodableFieldType[] = CodableFieldTypeSchema.options;

/** One ActivityAttributes type an app declares: its static attributes and its ContentState, field → JSON type. */
export interface AttributesTypeDeclaration {
  attributes: Readonly<Record<string, CodableFieldType>>;
  contentState: Readonly<Record<string, CodableFieldType>>;
}

/** What an app declares about Live Activities when installed (its Info.plist keys and its ActivityAttributes types). */
export interface LiveActivityDeclaration {
  /** ActivityAttributes types by name (`DeliveryAttributes`). */
  attributeTypes: Readonly<Record<string, AttributesTypeDeclaration>>;
  /** NSSupportsLiveActivitiesFrequentUpdates: a larger priority-10 budget. */
  frequentUpdates: boolean;
}

/**
 * ActivityKit's AlertConfiguration: the alert an app's update may show (title, body, sound; `default` is the system's
 * sound). docs/reference/live-activities.md#app-updates
 */
export interface ActivityAlert {
  title: string;
  body: string;
  sound?: string;
}

/** Why and when an activity changed: one line of its history, naming the rules-table row that decided it. */
export interface ActivityChange {
  at: number;
  state: ActivityState;
  /** The content state it showed from then on. */
  contentState: Record<string, unknown>;
  /** `app` (Activity.request / update / end), `push` (a push, with its id), `system` (a date or the 8-hour limit). */
  by: 'app' | 'push' | 'system';
  pushId?: string;
  ruleId: string;
  /** The alert the app's update showed (update(_:alertConfiguration:)). */
  alert?: ActivityAlert;
}

export interface Activity {
  id: string;
  appId: string;
  deviceId: string;
  bundleId: string;
  attributesType: string;
  attributes: Record<string, unknown>;
  contentState: Record<string, unknown>;
  state: ActivityState;
  /** Its own push token (pushType token), hex; absent for channel and none. */
  pushToken?: string;
  pushType: ActivityPushType;
  /** The broadcast channel it subscribes to (pushType channel). */
  channelId?: string;
  /** Clock ms at which it turns stale; absent = never. */
  staleDate?: number;
  relevanceScore?: number;
  /** The newest `aps.timestamp` (seconds) an update carried; older ones are ignored. */
  lastUpdateTimestamp?: number;
  startedAt: number;
  /** `app` or `push-to-start`. */
  startedBy: 'app' | 'push-to-start';
  updatedAt: number;
  endedAt?: number;
  /** When an ended activity leaves the lock screen. */
  dismissAt?: number;
  /** Its last ACTIVITY_HISTORY_LIMIT changes (content states shown, states taken), oldest first. */
  history: ActivityChange[];
}

/**
 * How many changes an activity's history keeps: the latest 100, so an activity updated every second for its 8 hours
 * holds 100 entries, not 28 800 (pushsim's bound; the ledger keeps every push).
 */
export const ACTIVITY_HISTORY_LIMIT = 100;

/** What pushsim keeps of a dismissed activity it has forgotten: enough to answer a push to its token (410). */
export type GoneActivity = Pick<Activity, 'id' | 'appId' | 'deviceId' | 'bundleId' | 'updatedAt'>;
