// Live Activities as the API, the ws feed and the dashboard see them: an activity, its history, what an app declares,
// and the requests that start and end one (docs/reference/live-activities.md).
import { z } from 'zod';
import { named } from './registry.js';

export const CodableFieldTypeSchema = z
  .enum([
    'string',
    'number',
    'integer',
    'boolean',
    'object',
    'array',
    'string?',
    'number?',
    'integer?',
    'boolean?',
    'object?',
    'array?',
  ])
  .describe('the JSON type a Codable field decodes from; `?` marks an optional field (Date decodes from a number)');

const fieldsSchema = z
  .record(z.string().min(1), CodableFieldTypeSchema)
  .describe('field name → JSON type, as the Swift Codable struct declares it');

export const AttributesTypeDeclarationSchema = named(
  'AttributesTypeDeclaration',
  'One ActivityAttributes type: its static attributes and its ContentState, field by field',
  z.strictObject({
    attributes: fieldsSchema.describe("the attributes' fields (static for the activity's life)"),
    contentState: fieldsSchema.describe("the ContentState's fields (what updates change)"),
  }),
);

export const LiveActivityDeclarationSchema = named(
  'LiveActivityDeclaration',
  'What an iOS app declares about Live Activities when installed',
  z.strictObject({
    attributeTypes: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a Swift type name like "DeliveryAttributes"'),
        AttributesTypeDeclarationSchema,
      )
      .describe('its ActivityAttributes types by Swift type name; each gets a push-to-start token'),
    frequentUpdates: z
      .boolean()
      .default(false)
      .describe('NSSupportsLiveActivitiesFrequentUpdates: a larger priority-10 budget'),
  }),
);

export const AppLiveActivitiesSchema = named(
  'AppLiveActivities',
  "An app's Live Activity declaration and its push-to-start tokens",
  z.strictObject({
    attributeTypes: z.array(z.string()).describe('the ActivityAttributes types it declares'),
    frequentUpdates: z.boolean().describe('NSSupportsLiveActivitiesFrequentUpdates'),
    pushToStartTokens: z
      .record(z.string(), z.string())
      .describe('attributes type → push-to-start token (send `event: start` to it with apns-push-type liveactivity)'),
  }),
);

export const activityStateSchema = z
  .enum(['active', 'stale', 'ended', 'dismissed'])
  .describe("ActivityKit's ActivityState");

/** ActivityKit's AlertConfiguration (docs/reference/live-activities.md#app-updates). */
export const ActivityAlertSchema = z
  .strictObject({
    title: z.string().describe('a short title for the update (shown on Apple Watch)'),
    body: z.string().describe('the main text of the alert'),
    sound: z
      .string()
      .optional()
      .describe("the sound it plays: `default` (the system's) or a sound file's name; none when absent"),
  })
  .describe('the alert the update shows (AlertConfiguration)');

export const ActivityChangeSchema = named(
  'ActivityChange',
  'One change of a Live Activity: the state it took and the content state it showed from then on',
  z.strictObject({
    at: z.number().describe('clock milliseconds'),
    state: activityStateSchema,
    contentState: z.record(z.string(), z.unknown()).describe('the content state it showed'),
    by: z.enum(['app', 'push', 'system']).describe('who changed it: the app, a push, or the system (a date passing)'),
    pushId: z.string().optional().describe('the push that changed it (GET /api/pushes/{id})'),
    ruleId: z.string().describe('the rules-table row that decided the change'),
    alert: ActivityAlertSchema.optional().describe("the alert an app's update showed (AlertConfiguration)"),
  }),
);

export const ActivitySchema = named(
  'Activity',
  'A Live Activity on a simulated iPhone',
  z.strictObject({
    id: z.string().describe('the activity id (ActivityKit Activity.id)'),
    appId: z.string().describe('the app that owns it'),
    deviceId: z.string().describe('the iPhone it is on'),
    bundleId: z.string().describe("its app's bundle id"),
    attributesType: z.string().describe('its ActivityAttributes type'),
    attributes: z.record(z.string(), z.unknown()).describe('its static attributes'),
    contentState: z.record(z.string(), z.unknown()).describe('the content state it shows now'),
    state: activityStateSchema,
    pushType: z
      .enum(['token', 'channel', 'none'])
      .describe('how it takes remote updates: its own push token, a broadcast channel, or none'),
    pushToken: z.string().optional().describe('its push token (pushType token), for apns-push-type liveactivity'),
    channelId: z.string().optional().describe('the broadcast channel it subscribes to (pushType channel)'),
    staleDate: z.number().optional().describe('when it turns stale, in clock milliseconds'),
    relevanceScore: z.number().optional().describe('its relevance score'),
    lastUpdateTimestamp: z.number().optional().describe('the newest aps.timestamp (seconds) an update carried'),
    startedAt: z.number().describe('clock milliseconds'),
    startedBy: z.enum(['app', 'push-to-start']).describe('the app (Activity.request) or a push-to-start push'),
    updatedAt: z.number().describe('clock milliseconds of its last change'),
    endedAt: z.number().optional().describe('when it ended'),
    dismissAt: z.number().optional().describe('when an ended activity leaves (left) the lock screen'),
    history: z
      .array(ActivityChangeSchema)
      .describe('its last 100 changes (states taken and content states shown), oldest first; older ones are dropped'),
  }),
);

export const StartActivityRequestSchema = z
  .object({
    attributesType: z.string().min(1).describe('one of the ActivityAttributes types the app declares'),
    attributes: z.record(z.string(), z.unknown()).describe('its static attributes'),
    contentState: z.record(z.string(), z.unknown()).describe('its first content state'),
    pushType: z
      .union([z.literal('token'), z.literal('none'), z.strictObject({ channel: z.string().min(1) })])
      .default('token')
      .describe('`token` (its own push token), `none`, or `{ channel: <channel id> }`'),
    staleDate: z.number().optional().describe('when it turns stale, in clock milliseconds'),
    relevanceScore: z.number().optional().describe('its relevance score'),
  })
  .strict();

export const UpdateActivityRequestSchema = z
  .object({
    contentState: z
      .record(z.string(), z.unknown())
      .describe("the new content state: it must decode against the attributes type's ContentState; at most 4 KB"),
    staleDate: z.number().optional().describe('when it turns stale, in clock milliseconds'),
    relevanceScore: z.number().optional().describe('its relevance score'),
    alert: ActivityAlertSchema.optional(),
  })
  .strict();

export const EndActivityRequestSchema = z
  .object({
    contentState: z.record(z.string(), z.unknown()).optional().describe('its final content state'),
    dismissalPolicy: z
      .union([z.literal('default'), z.literal('immediate'), z.strictObject({ after: z.number() })])
      .default('default')
      .describe('`default` (up to 4 h on the lock screen), `immediate`, or `{ after: <clock ms> }` (at most 4 h)'),
  })
  .strict();

export type ActivityModel = z.infer<typeof ActivitySchema>;
export type AppLiveActivitiesModel = z.infer<typeof AppLiveActivitiesSchema>;
