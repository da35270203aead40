// The ws protocol between the simulator and one app install on one simulated device (the client shim), at /api/shim.
// Written down in docs/shim-protocol.md; every message is one JSON object with a `type`. Both sides import this module:
// the gateway (control/shim-gateway.ts) checks what a shim sends against the schemas below, and the client shim builds
// its messages from the types. It imports only the public model, never the simulator's internals.
import { z } from 'zod';
import {
  ActivityAlertSchema,
  EndActivityRequestSchema,
  StartActivityRequestSchema,
  type ActivityModel,
  type FidelitySchema,
  NewAppSchema,
  NewDeviceSchema,
  TopicNameSchema,
  type platformSchema,
  type sdkProfileSchema,
  type channelSchema,
  type ErrorBodySchema,
  type pushKindSchema,
  type pushPrioritySchema,
} from '../model/index.js';

export const SHIM_PROTOCOL_VERSION = 1;
export const SHIM_PATH = '/api/shim';

/** An app's tokens by token kind (`apns`, `fcm`, `zpns`…). */
export type ShimTokens = { [kind: string]: string | undefined };
/** Docs-vs-SDK switches of an install (ZPNs source-type numbering…). */
export type ShimFidelity = z.infer<typeof FidelitySchema>;
/** pushsim's error shape, the same as the control API's `error` member: `{ code, message, field? }`. */
export type ShimErrorBody = z.infer<typeof ErrorBodySchema>;

const requestId = z.string().min(1).describe('echoed in the reply');

// ── What the shim sends ──────────────────────────────────────────────────────────────────────────────────────────────

export const shimHelloSchema = z
  .object({
    type: z.literal('hello'),
    protocol: z.number().int().describe('SHIM_PROTOCOL_VERSION of the shim'),
    appId: z.string().min(1).max(64).optional().describe('speak for this existing install'),
    takeoverSecret: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe("the welcome's takeoverSecret of the connection that holds the app, to take it over (a reconnect)"),
    // The same schemas as POST /api/devices and POST /api/devices/:id/apps, so both refuse the same input.
    device: NewDeviceSchema.optional().describe('create (or reuse by id) this device when `appId` is not given'),
    app: NewAppSchema.optional().describe(
      'install this app on the device when `appId` is not given (reused if already installed)',
    ),
  })
  .strict();
/** Which install the shim speaks for: an existing app by id, or a device and app to create. */
export type ShimHello = z.infer<typeof shimHelloSchema>;

export const shimRegisterSchema = z.object({ type: z.literal('register'), requestId });
export type ShimRegister = z.infer<typeof shimRegisterSchema>;

export const shimLifecycleRequestSchema = z.object({
  type: z.literal('lifecycle'),
  requestId,
  event: z.string().min(1).max(64).describe('a lifecycle event (GET /api/lifecycle)'),
});
export type ShimLifecycleRequest = z.infer<typeof shimLifecycleRequestSchema>;

export const shimAckSchema = z.object({
  type: z.literal('ack'),
  pushId: z.string().min(1),
  callback: z
    .string()
    .optional()
    .describe('the callback that ran, e.g. `throughMessageReceived`; absent when none ran'),
  ran: z.boolean().describe("whether the app's code ran"),
  reason: z.string().optional().describe("why nothing ran, in the SDK's terms (no listener, no headless task…)"),
  message: z.unknown().optional().describe("the message exactly as the app's listener received it"),
  queued: z
    .boolean()
    .optional()
    .describe("held on the device (ZPNs's queue until setBackgroundMessageHandler); a later ack settles it"),
  error: z.string().optional().describe("what the app's code threw"),
  durationMs: z.number().nonnegative().optional(),
});
/** The app code ran (or could not run) for a delivery. */
export type ShimAck = z.infer<typeof shimAckSchema>;

export const shimCompleteSchema = z.object({
  type: z.literal('complete'),
  pushId: z.string().min(1),
  result: z
    .string()
    .optional()
    .describe('`newData`, `noData`, `failed` on iOS; `resolved` / `rejected` for JS handlers'),
  error: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
});
/** The app's completion handler was called (iOS fetch completion; a JS background handler's promise settled). */
export type ShimComplete = z.infer<typeof shimCompleteSchema>;

export const shimTapSchema = z.object({ type: z.literal('tap'), requestId, pushId: z.string().min(1) });
/** The user taps the notification a push displayed. */
export type ShimTap = z.infer<typeof shimTapSchema>;

export const shimSyncSchema = z.object({ type: z.literal('sync'), requestId });
/**
 * A round trip: the reply comes after every message the simulator sent before it (used to wait for in-flight
 * deliveries).
 */
export type ShimSync = z.infer<typeof shimSyncSchema>;

export const shimTopicSchema = z.object({
  type: z.enum(['subscribe', 'unsubscribe']),
  requestId,
  topic: TopicNameSchema,
});
export type ShimTopic = z.infer<typeof shimTopicSchema>;

// Live Activities (ActivityKit in the app): Activity.request, activity.update, activity.end, and the app's activities.
export const shimActivityRequestSchema = StartActivityRequestSchema.extend({
  type: z.literal('activityRequest'),
  requestId,
});
/** Activity.request: starts an activity; the reply is the activity (its push token comes as an `activityToken`). */
export type ShimActivityRequest = z.input<typeof shimActivityRequestSchema>;

export const shimActivityUpdateSchema = z
  .object({
    type: z.literal('activityUpdate'),
    requestId,
    activityId: z.string().min(1),
    contentState: z.record(z.string(), z.unknown()).describe('the new content state'),
    staleDate: z.number().optional().describe('clock milliseconds'),
    relevanceScore: z.number().optional(),
    alert: ActivityAlertSchema.optional(),
  })
  .strict();
/** activity.update from the app. */
export type ShimActivityUpdate = z.infer<typeof shimActivityUpdateSchema>;

export const shimActivityEndSchema = EndActivityRequestSchema.extend({
  type: z.literal('activityEnd'),
  requestId,
  activityId: z.string().min(1),
});
/** activity.end from the app, with its dismissal policy. */
export type ShimActivityEnd = z.input<typeof shimActivityEndSchema>;

export const shimActivitiesSchema = z.object({ type: z.literal('activities'), requestId }).strict();
/** The app's activities and push-to-start tokens (Activity.activities, pushToStartToken). */
export type ShimActivities = z.infer<typeof shimActivitiesSchema>;

/** The schema of each message type a shim may send. */
export const SHIM_CLIENT_MESSAGES = {
  hello: shimHelloSchema,
  register: shimRegisterSchema,
  lifecycle: shimLifecycleRequestSchema,
  ack: shimAckSchema,
  complete: shimCompleteSchema,
  tap: shimTapSchema,
  sync: shimSyncSchema,
  subscribe: shimTopicSchema,
  unsubscribe: shimTopicSchema,
  activityRequest: shimActivityRequestSchema,
  activityUpdate: shimActivityUpdateSchema,
  activityEnd: shimActivityEndSchema,
  activities: shimActivitiesSchema,
} as const;

export type ShimClientMessage =
  | ShimHello
  | ShimRegister
  | ShimLifecycleRequest
  | ShimAck
  | ShimComplete
  | ShimTap
  | ShimSync
  | ShimTopic
  | ShimActivityRequest
  | ShimActivityUpdate
  | ShimActivityEnd
  | ShimActivities;

// ── What the simulator sends ─────────────────────────────────────────────────────────────────────────────────────────

export interface ShimWelcome {
  type: 'welcome';
  protocol: number;
  appId: string;
  deviceId: string;
  platform: z.infer<typeof platformSchema>;
  bundleId: string;
  sdkProfile: z.infer<typeof sdkProfileSchema>;
  sdkVersion: string;
  lifecycle: string;
  tokens: ShimTokens;
  /** Docs-vs-SDK switches of the install (ZPNs source-type numbering...). */
  fidelity: ShimFidelity;
  now: number;
  /** The secret that lets a later connection (this app reconnecting) take the app over from this one. */
  takeoverSecret: string;
}

export interface ShimDeliver {
  type: 'deliver';
  pushId: string;
  kind: z.infer<typeof pushKindSchema>;
  priority: z.infer<typeof pushPrioritySchema>;
  payload: Record<string, unknown>;
  collapseId?: string;
  /** SDK callbacks the rules chose, in order. */
  callbacks: string[];
  platformCallbacks: string[];
  display: boolean;
  wake?: 'background' | 'headless';
  /** Top-level app state at delivery. */
  state: string;
  provider: string;
  /**
   * The channel it arrived on (`fcm`, `hms`, `xiaomi`…); absent = the platform's own service. The SDK stand-in reads
   * the message shape and ZPNs's `pushSourceType` from it.
   */
  channel?: z.infer<typeof channelSchema>;
  sentAt: number;
}

/** The user tapped a displayed notification (or a banner) of this push; `stateBefore` is the full lifecycle path. */
export interface ShimOpened {
  type: 'opened';
  pushId: string;
  kind: z.infer<typeof pushKindSchema>;
  payload: Record<string, unknown>;
  stateBefore: string;
  provider: string;
  /** The channel the push arrived on; absent = the platform's own service. */
  channel?: z.infer<typeof channelSchema>;
}
export interface ShimLifecycleNotice {
  type: 'lifecycle';
  from: string;
  to: string;
  event: string;
  reason?: string;
}
/** The answer to a request: `result` when `ok`, else `error` in pushsim's error shape. */
export interface ShimReply {
  type: 'reply';
  requestId: string;
  ok: boolean;
  result?: unknown;
  error?: ShimErrorBody;
}
/** A Live Activity of the app as the shim sees it: the control API's Activity; its history may be absent. */
export type ShimActivityModel = Omit<ActivityModel, 'history'> & Partial<Pick<ActivityModel, 'history'>>;

/**
 * One of the app's Live Activities changed: started (by the app or push-to-start), updated, stale, ended, dismissed.
 * It carries the activity as it is now without its history, so each change costs the same whatever came before.
 */
export interface ShimActivityNotice {
  type: 'activity';
  change: 'started' | 'updated' | 'stale' | 'ended' | 'dismissed';
  activity: Omit<ActivityModel, 'history'>;
  /** The rules-table row that decided the change. */
  ruleId: string;
  /** The push that changed it. */
  pushId?: string;
}

/** A push token was issued: an activity's own (`push`) or the app's push-to-start token of an attributes type. */
export interface ShimActivityToken {
  type: 'activityToken';
  kind: 'push' | 'push-to-start';
  attributesType: string;
  activityId?: string;
  token: string;
}

/** A message that could not be handled (no request to answer): pushsim's error shape with `type: 'error'`. */
export type ShimError = { type: 'error' } & ShimErrorBody;

export type ShimServerMessage =
  | ShimWelcome
  | ShimDeliver
  | ShimOpened
  | ShimLifecycleNotice
  | ShimReply
  | ShimError
  | ShimActivityNotice
  | ShimActivityToken;
