// Turns what happened to Live Activities and broadcast channels into scenario steps: an activity the app started,
// updated or ended (the `activity` step), an ActivityKit push to an activity's token or a push-to-start token (the
// `apns` step's `liveActivity` / `pushToStart`), a channel management request and a broadcast (the `apns` step's
// `channel` / `broadcast`), and the `expect` of an activity's state and content state. The steps are those
// simulator/scenario/scenario-schema.ts and providers/apns/apns-scenario-step.ts define
// (docs/reference/live-activities.md, docs/reference/apns-broadcast.md).
import type { LedgerEntry, SimulatorEvents } from '../core/index.js';
import type { Activity } from '../live-activity/index.js';
import { formatDuration, type RecordedApp, type ScenarioStepSpec } from './recorded-step.js';
import type { SendMapping } from './recorded-send.js';

/** A Live Activity the recording named: its scenario name and the app that has it. */
export interface RecordedActivity {
  readonly as: string;
  readonly app: RecordedApp;
  /** The stale date and relevance score its last step set (an update step names only what changed). */
  staleDate?: number;
  relevanceScore?: number;
  /** What its last expectation asserted (or its start showed). */
  asserted?: string;
}

/** The ActivityKit rows that say the app itself changed the activity (providers/apns/apns-live-activity-rules.ts). */
export const APP_ACTIVITY_RULES = {
  start: 'apns.liveactivity.app.start',
  update: 'apns.liveactivity.app.update',
  end: 'apns.liveactivity.app.end',
} as const;

/** What an activity showed at one moment: what its expectation asserts. */
export type ActivitySnapshot = Pick<Activity, 'state' | 'contentState'>;

/** A copy of what the activity shows now (the activity changes on; the copy stays, and YAML writes it once). */
export function snapshotOf(activity: ActivitySnapshot): ActivitySnapshot {
  return { state: activity.state, contentState: copy(activity.contentState) };
}

/** What an activity's expectation asserts; two equal signatures need no second expectation. */
export function activitySignature(activity: ActivitySnapshot): string {
  return JSON.stringify([activity.state, activity.contentState]);
}

/** The `expect` step asserting an activity's state and the content state it showed. */
export function activityExpectationOf(name: string, activity: ActivitySnapshot): ScenarioStepSpec {
  return { expect: { activity: name, activityState: activity.state, contentState: copy(activity.contentState) } };
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The `activity` step that starts `activity` as its app did (Activity.request), `now` being the clock time of the step:
 * its stale date becomes `staleIn`; a channel is named by `channelName` (its `as` in the recording, or its id).
 */
export function activityStartStep(
  activity: Activity,
  app: RecordedApp,
  as: string,
  now: number,
  channelName: (id: string) => string,
): ScenarioStepSpec {
  const start: Record<string, unknown> = {
    attributesType: activity.attributesType,
    attributes: copy(activity.attributes),
    contentState: copy(activity.contentState),
  };
  if (activity.pushType.kind === 'none') start.pushType = 'none';
  if (activity.pushType.kind === 'channel') start.pushType = { channel: channelName(activity.pushType.channelId) };
  if (activity.staleDate !== undefined) start.staleIn = formatDuration(Math.max(0, activity.staleDate - now));
  if (activity.relevanceScore !== undefined) start.relevanceScore = activity.relevanceScore;
  return { activity: { app: app.id, start, as } };
}

/** The `activity` step of the app's update (activity.update(_:alertConfiguration:)): what changed, and its alert. */
export function activityUpdateStep(
  recorded: RecordedActivity,
  activity: Activity,
  change: SimulatorEvents['activity.changed'],
  now: number,
): ScenarioStepSpec {
  const spec: Record<string, unknown> = { update: recorded.as, contentState: copy(change.contentState) };
  if (activity.staleDate !== undefined && activity.staleDate !== recorded.staleDate)
    spec.staleIn = formatDuration(Math.max(0, activity.staleDate - now));
  if (activity.relevanceScore !== undefined && activity.relevanceScore !== recorded.relevanceScore)
    spec.relevanceScore = activity.relevanceScore;
  if (change.alert) spec.alert = { ...change.alert };
  return { activity: spec };
}

/**
 * The `activity` step of the app's end (activity.end): its final content state and the dismissal policy its dismissal
 * time says (`immediate` now, `default` the lock screen's limit, else after that long).
 */
export function activityEndStep(
  recorded: RecordedActivity,
  activity: Activity,
  change: SimulatorEvents['activity.changed'],
  now: number,
  lockScreenForMs: number,
): ScenarioStepSpec {
  const spec: Record<string, unknown> = { end: recorded.as, contentState: copy(change.contentState) };
  const dismissAt = activity.dismissAt ?? now + lockScreenForMs;
  if (dismissAt <= now) spec.dismissal = 'immediate';
  else if (dismissAt - now < lockScreenForMs) spec.dismissal = formatDuration(dismissAt - now);
  return { activity: spec };
}

/**
 * Turns an ActivityKit `apns` step (sent again by sendStepOf with the raw token) into one that names its target: the
 * activity (`liveActivity`) or the app's push-to-start token (`pushToStart`); the topic and push type the step sets
 * itself are left out, and the payload's absolute dates become `staleIn` / `dismissIn` on the run's clock.
 */
export function liveActivityApnsStep(
  mapping: SendMapping,
  entry: LedgerEntry,
  target: { liveActivity: string; bundleId: string } | { app: RecordedApp; pushToStart: string },
): SendMapping {
  if ('skipped' in mapping) return mapping;
  const spec = { ...(mapping.step.apns as Record<string, unknown>) };
  delete spec.token;
  delete spec.app;
  const bundleId = 'liveActivity' in target ? target.bundleId : target.app.bundleId;
  const headers = { ...((spec.headers as Record<string, string> | undefined) ?? {}) };
  if (headers['apns-topic'] === `${bundleId}.push-type.liveactivity`) delete headers['apns-topic'];
  if (headers['apns-push-type'] === 'liveactivity') delete headers['apns-push-type'];
  const named: Record<string, unknown> =
    'liveActivity' in target
      ? { liveActivity: target.liveActivity }
      : { app: target.app.id, pushToStart: target.pushToStart };
  if (Object.keys(headers).length) named.headers = headers;
  else delete spec.headers;
  const { payload, dates } = relativeDates(spec.payload, entry.push.acceptedAt);
  const rest = Object.fromEntries(Object.entries(spec).filter(([key]) => key !== 'headers' && key !== 'payload'));
  return { step: { apns: { ...named, ...rest, payload, ...dates } }, notes: mapping.notes };
}

/** The payload without aps.stale-date / aps.dismissal-date, and those dates as durations from `at` (seconds → ms). */
export function relativeDates(payload: unknown, at: number): { payload: unknown; dates: Record<string, string> } {
  const aps = isObject(payload) && isObject(payload.aps) ? { ...payload.aps } : undefined;
  if (!aps || !isObject(payload)) return { payload, dates: {} };
  const dates: Record<string, string> = {};
  for (const [key, field] of [
    ['stale-date', 'staleIn'],
    ['dismissal-date', 'dismissIn'],
  ] as const) {
    const value = aps[key];
    if (typeof value !== 'number' || value * 1000 < at) continue;
    dates[field] = formatDuration(value * 1000 - at);
    delete aps[key];
  }
  return { payload: { ...payload, aps }, dates };
}

/** The `apns` step of a channel management request (create, read, delete), or why there is none. */
export function channelStepOf(
  request: SimulatorEvents['apns.channel-request'],
  app: RecordedApp | undefined,
  as: string,
  channelName: (id: string) => string,
): SendMapping {
  if (!app)
    return {
      skipped: `a channel management request for ${request.bundleId ?? 'no app'}: no recorded app has that bundle id`,
    };
  if (request.action === 'list')
    return { skipped: `GET /1/apps/${app.bundleId}/all-channels: the apns step's channel does not list channels` };
  const spec: Record<string, unknown> = { app: app.id };
  if (request.action === 'create') {
    const policy = request.messageStoragePolicy;
    if (policy !== 0 && policy !== 1)
      return {
        skipped: `a channel create with message-storage-policy ${JSON.stringify(policy)}: the step sends 0 or 1`,
      };
    spec.channel = { create: policy };
  } else {
    spec.channel = { [request.action]: request.channelId !== undefined ? channelName(request.channelId) : 'none' };
    if (request.channelId === undefined) spec.headers = { 'apns-channel-id': null };
  }
  if (request.environment === 'production') spec.production = true;
  spec.as = as;
  return { step: { apns: spec }, notes: [] };
}

// The headers the broadcast step sets itself (or that name this request only).
const BROADCAST_OWN_HEADERS = new Set(['apns-request-id', 'apns-channel-id', 'content-length', 'content-type']);

/** The `apns` step of a broadcast (POST /4/broadcasts/apps/<bundle id>), or why there is none. */
export function broadcastStepOf(
  sent: SimulatorEvents['apns.broadcast-sent'],
  app: RecordedApp | undefined,
  as: string,
  at: number,
  channelName: (id: string) => string,
): SendMapping {
  if (!app) return { skipped: `a broadcast for ${sent.bundleId ?? 'no app'}: no recorded app has that bundle id` };
  const notes: string[] = [];
  const channelId = sent.headers['apns-channel-id'];
  const headers: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(sent.headers)) {
    if (BROADCAST_OWN_HEADERS.has(name)) continue;
    if (name === 'apns-push-type' && value === 'liveactivity') continue;
    if (name === 'apns-priority' && value === '10') continue;
    if (name === 'apns-expiration') continue;
    headers[name] = value;
  }
  if (sent.headers['apns-push-type'] === undefined) headers['apns-push-type'] = null;
  if (channelId === undefined) headers['apns-channel-id'] = null;
  const spec: Record<string, unknown> = { app: app.id, broadcast: channelId ? channelName(channelId) : 'none' };
  const expiration = sent.headers['apns-expiration'];
  if (expiration !== undefined) {
    const seconds = Number(expiration);
    if (Number.isFinite(seconds) && seconds * 1000 >= at) spec.expiresIn = formatDuration(seconds * 1000 - at);
    else headers['apns-expiration'] = expiration;
  }
  if (Object.keys(headers).length) spec.headers = headers;
  if (sent.payload) {
    const { payload, dates } = relativeDates(sent.payload, at);
    spec.payload = payload;
    Object.assign(spec, dates);
  } else notes.push('the broadcast had no JSON body; the step sends {}');
  if (sent.environment === 'production') spec.production = true;
  spec.as = as;
  return { step: { apns: spec }, notes };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
