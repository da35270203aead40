// The Live Activities of the simulated iPhones: activities started by their app or by push-to-start, their push tokens,
// the push-to-start tokens of each app's attributes types, and what an ActivityKit push does to an activity. Every
// change is decided by a Live Activity row of the simulation's rules table (the APNs module contributes them:
// providers/apns/apns-live-activity-rules.ts), and the activity's dates (stale date, the 8-hour limit, the dismissal
// date) run on the simulation's clock. An activity's state is its own: the app may be suspended or not running.
// Facts: docs/reference/live-activities.md.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  ErrorCodes,
  SimulatorError,
  type Clock,
  type EventBus,
  type Fate,
  type Ledger,
  type Push,
  type PushPriority,
  type Registry,
  type SimulatorEvents,
  type TimerDescriptor,
  type TimerHandle,
} from '../core/index.js';
import { firstRule, type LiveActivityFacts, type RulesTable, type StageRule } from '../delivery/index.js';
import type {
  Activity,
  ActivityAlert,
  ActivityChange,
  ActivityPushType,
  AttributesTypeDeclaration,
  GoneActivity,
  LiveActivityDeclaration,
} from './activity.js';
import { ACTIVITY_HISTORY_LIMIT } from './activity.js';
import { decodingProblem } from './content-state-decoding.js';
import { UpdateBudget, type UpdateBudgetSettings } from './update-budget.js';

export interface LiveActivitySettings {
  /** The priority-10 budget (pushsim's model; Apple publishes no number). */
  budget: Partial<UpdateBudgetSettings>;
  /** How long an activity stays active before the system ends it (Apple: 8 hours). */
  activeForMs: number;
  /** How long an ended activity stays on the lock screen at most (Apple: 4 hours). */
  lockScreenForMs: number;
  /** How long a dismissed activity stays readable (GET /api/activities/{id}) before it is forgotten (pushsim: 1 hour). */
  keepDismissedForMs: number;
  /**
   * How long a forgotten activity's token still answers 410 Unregistered before it is unknown (BadDeviceToken):
   * pushsim's choice of 24 h, twice an activity's longest life (8 h active + 4 h on the lock screen), so a provider
   * that learned the token while the activity lived still hears it is gone; Apple documents no figure
   * (docs/reference/live-activities.md#tokens-of-ended-activities).
   */
  goneTokenForMs: number;
}

const HOUR = 60 * 60 * 1000;
export const DEFAULT_LIVE_ACTIVITY_SETTINGS: LiveActivitySettings = {
  budget: {},
  activeForMs: 8 * HOUR,
  lockScreenForMs: 4 * HOUR,
  keepDismissedForMs: HOUR,
  goneTokenForMs: 24 * HOUR,
};

/** What an ActivityKit push brings, however it came (its own token, a broadcast channel, FCM). */
export interface ActivityPushInput {
  /** The parsed JSON payload (`{ aps: { timestamp, event, content-state, … } }`). */
  payload: unknown;
  priority: 5 | 10 | 1;
  apnsId: string;
  headers: Record<string, string>;
  via: 'token' | 'broadcast' | 'fcm';
  channelId?: string;
  /** The token the ledger files the push under when it is not the activity's own (FCM: the registration token). */
  token?: string;
  /** The ledger's `provider` (`apns` by default; `fcm` for FCM's route). */
  provider?: string;
}

/** What the app passes to Activity.request. */
export interface ActivityRequestInput {
  attributesType: string;
  attributes: Record<string, unknown>;
  contentState: Record<string, unknown>;
  /** `token`, `none` (ActivityKit's nil), or a broadcast channel id. */
  pushType: 'token' | 'none' | { channel: string };
  /** Clock ms. */
  staleDate?: number;
  relevanceScore?: number;
}

/** What the app passes to activity.update(_:alertConfiguration:). */
export interface ActivityUpdateInput {
  contentState: Record<string, unknown>;
  staleDate?: number;
  relevanceScore?: number;
  /** AlertConfiguration: the alert the update shows. */
  alert?: ActivityAlert;
}

/** ActivityContent.state can't exceed 4 KB (docs/reference/live-activities.md#app-updates). */
export const CONTENT_STATE_LIMIT_BYTES = 4096;

/** ActivityUIDismissalPolicy: `default` (up to 4 h on the lock screen), `immediate`, or a time (clock ms). */
export type DismissalPolicy = 'default' | 'immediate' | { after: number };

/** What a token an ActivityKit push names leads to. */
export type LiveActivityAddress =
  | { kind: 'activity'; activity: Activity }
  | { kind: 'push-to-start'; appId: string; bundleId: string; attributesType: string }
  | { kind: 'gone'; activity: GoneActivity };

interface PushToStartToken {
  appId: string;
  attributesType: string;
}

interface ActivityTimers {
  stale?: TimerHandle;
  end?: TimerHandle;
  dismiss?: TimerHandle;
  /** A dismissed activity's: when it is forgotten. */
  forget?: TimerHandle;
}

export class LiveActivities {
  private readonly activities = new Map<string, Activity>();
  private readonly byToken = new Map<string, string>();
  private readonly declarations = new Map<string, LiveActivityDeclaration>();
  /** appId → attributes type → push-to-start token. */
  private readonly startTokensByApp = new Map<string, Map<string, string>>();
  private readonly startTokens = new Map<string, PushToStartToken>();
  private readonly timers = new Map<string, ActivityTimers>();
  /** The tokens of dismissed activities already forgotten, until they too are forgotten. */
  private readonly goneTokens = new Map<string, { activity: GoneActivity; timer: TimerHandle }>();
  /** bundle id + channel id → the not-ended activities subscribed to it, so a broadcast reads only its own. */
  private readonly byChannel = new Map<string, Set<Activity>>();
  readonly budget: UpdateBudget;
  readonly settings: LiveActivitySettings;

  constructor(
    private readonly registry: Registry,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    private readonly bus: EventBus<SimulatorEvents>,
    private readonly rules: RulesTable,
    settings: Partial<LiveActivitySettings> = {},
  ) {
    this.settings = { ...DEFAULT_LIVE_ACTIVITY_SETTINGS, ...settings };
    this.budget = new UpdateBudget(this.settings.budget);
  }

  // ── what apps declare ────────────────────────────────────────────────────────────────────────────────────────

  /** Records what an app declares (its attributes types, frequent updates) and issues a push-to-start token per type. */
  declare(appId: string, declaration: LiveActivityDeclaration): void {
    this.registry.requireApp(appId);
    this.declarations.set(appId, declaration);
    const tokens = new Map<string, string>();
    for (const type of Object.keys(declaration.attributeTypes)) {
      const token = issueActivityToken();
      tokens.set(type, token);
      this.startTokens.set(token, { appId, attributesType: type });
      this.bus.emit('activity.token-issued', { appId, attributesType: type, token, kind: 'push-to-start' });
    }
    this.startTokensByApp.set(appId, tokens);
  }

  declarationOf(appId: string): LiveActivityDeclaration | undefined {
    return this.declarations.get(appId);
  }

  /** The app's push-to-start tokens by attributes type (Activity<T>.pushToStartTokenUpdates). */
  pushToStartTokens(appId: string): Record<string, string> {
    return Object.fromEntries(this.startTokensByApp.get(appId) ?? []);
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────────────────────

  get(id: string): Activity | undefined {
    return this.activities.get(id);
  }

  require(id: string): Activity {
    const activity = this.activities.get(id);
    if (!activity) throw new SimulatorError(ErrorCodes.ACTIVITY_NOT_FOUND, `no Live Activity has the id ${id}`, 'id');
    return activity;
  }

  list(filter: { appId?: string; deviceId?: string } = {}): Activity[] {
    return [...this.activities.values()].filter(
      (a) => (!filter.appId || a.appId === filter.appId) && (!filter.deviceId || a.deviceId === filter.deviceId),
    );
  }

  /** What an ActivityKit push's token names: an activity, a push-to-start token, a dismissed activity, or nothing. */
  resolveToken(token: string): LiveActivityAddress | undefined {
    const lower = token.toLowerCase();
    const id = this.byToken.get(lower);
    if (id) {
      const activity = this.activities.get(id)!;
      return activity.state === 'dismissed' ? { kind: 'gone', activity } : { kind: 'activity', activity };
    }
    const gone = this.goneTokens.get(lower);
    if (gone) return { kind: 'gone', activity: gone.activity };
    const start = this.startTokens.get(lower);
    if (start) {
      const app = this.registry.app(start.appId);
      if (app)
        return { kind: 'push-to-start', appId: app.id, bundleId: app.bundleId, attributesType: start.attributesType };
    }
    return undefined;
  }

  /** The not-ended activities subscribed to `channelId` in apps with this bundle id (broadcast push). */
  subscribers(bundleId: string, channelId: string): readonly Activity[] {
    const subscribed = this.byChannel.get(channelKey(bundleId, channelId));
    return subscribed ? [...subscribed].filter((a) => a.state === 'active' || a.state === 'stale') : [];
  }

  // ── the app's own calls (ActivityKit in the app) ──────────────────────────────────────────────────────────────

  /** Activity.request: starts an activity from the app; its push token (pushType token) comes with it. */
  request(appId: string, input: ActivityRequestInput): Activity {
    const app = this.registry.requireApp(appId);
    const declared = this.requireDeclared(appId, input.attributesType);
    const attributesProblem = decodingProblem(input.attributes, declared.attributes, 'attributes');
    if (attributesProblem) throw new SimulatorError(ErrorCodes.INVALID_INPUT, attributesProblem, 'attributes');
    const stateProblem = decodingProblem(input.contentState, declared.contentState, 'contentState');
    if (stateProblem) throw new SimulatorError(ErrorCodes.INVALID_INPUT, stateProblem, 'contentState');
    const pushType: ActivityPushType =
      input.pushType === 'token'
        ? { kind: 'token' }
        : input.pushType === 'none'
          ? { kind: 'none' }
          : { kind: 'channel', channelId: input.pushType.channel };
    const row = this.row({ trigger: 'app', event: 'start' });
    return this.start(
      { appId: app.id, deviceId: app.deviceId, bundleId: app.bundleId },
      {
        attributesType: input.attributesType,
        attributes: input.attributes,
        contentState: input.contentState,
        pushType,
        ...(input.staleDate !== undefined ? { staleDate: input.staleDate } : {}),
        ...(input.relevanceScore !== undefined ? { relevanceScore: input.relevanceScore } : {}),
      },
      'app',
      row.id,
    );
  }

  /** activity.update from the app. */
  update(activityId: string, input: ActivityUpdateInput): Activity {
    const activity = this.require(activityId);
    if (activity.state === 'ended' || activity.state === 'dismissed')
      throw new SimulatorError(ErrorCodes.ACTIVITY_ENDED, `Live Activity ${activityId} has ${activity.state}`, 'id');
    const declared = this.declarations.get(activity.appId)?.attributeTypes[activity.attributesType];
    const problem = declared && decodingProblem(input.contentState, declared.contentState, 'contentState');
    if (problem) throw new SimulatorError(ErrorCodes.INVALID_INPUT, problem, 'contentState');
    const bytes = Buffer.byteLength(JSON.stringify(input.contentState));
    if (bytes > CONTENT_STATE_LIMIT_BYTES)
      throw new SimulatorError(
        ErrorCodes.INVALID_INPUT,
        `the content state is ${bytes} bytes as JSON; ActivityKit takes at most ${CONTENT_STATE_LIMIT_BYTES}`,
        'contentState',
      );
    const row = this.row({ trigger: 'app', event: 'update', state: activity.state });
    this.applyUpdate(
      activity,
      input.contentState,
      input.staleDate,
      input.relevanceScore,
      'app',
      row.id,
      undefined,
      input.alert,
    );
    return activity;
  }

  /** activity.end from the app, with an optional final content state and a dismissal policy. */
  end(activityId: string, content: Record<string, unknown> | undefined, policy: DismissalPolicy = 'default'): Activity {
    const activity = this.require(activityId);
    if (activity.state === 'ended' || activity.state === 'dismissed') return activity;
    const row = this.row({ trigger: 'app', event: 'end', state: activity.state });
    const now = this.clock.now();
    const dismissAt = policy === 'default' ? undefined : policy === 'immediate' ? now : policy.after;
    this.applyEnd(activity, content, dismissAt, 'app', row.id);
    return activity;
  }

  // ── ActivityKit pushes ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * An ActivityKit push reaching `activity` (by its token, a broadcast channel or FCM): records a ledger entry and
   * decides its fate by the Live Activity rows (the budget, then what the activity does with it).
   */
  deliverActivityPush(activity: Activity, input: ActivityPushInput): { pushId: string } {
    const now = this.clock.now();
    const aps = apsOf(input.payload);
    const pushId = input.via === 'broadcast' ? `${input.apnsId}:${activity.id}` : input.apnsId;
    const declared = this.declarations.get(activity.appId)?.attributeTypes[activity.attributesType];
    const contentState = aps['content-state'];
    const facts: LiveActivityFacts = {
      trigger: 'push',
      via: input.via,
      event: typeof aps.event === 'string' ? aps.event : undefined,
      state: activity.state,
      timestamp: timestampOrder(aps.timestamp, activity.lastUpdateTimestamp),
      hasContentState: contentState !== undefined,
      contentStateDecodes:
        contentState === undefined || !declared || !decodingProblem(contentState, declared.contentState, 'x'),
      priority: input.priority,
      overBudget:
        input.priority === 10 &&
        this.budget.isSpent(activity.id, now, this.declarations.get(activity.appId)?.frequentUpdates === true),
      dismissNow: typeof aps['dismissal-date'] === 'number' && aps['dismissal-date'] * 1000 <= now,
    };
    const push = this.pushOf(pushId, input, input.token ?? input.channelId ?? activity.pushToken ?? '', now);
    const address = { deviceId: activity.deviceId, appId: activity.appId };
    const budgetRow = this.row(facts, 'throttle');
    if (budgetRow.outcome.fate) {
      this.ledger.open(push, fateOf(budgetRow, [budgetRow.id], problemOf(facts, aps, declared)), address);
      return { pushId };
    }
    if (input.priority === 10) this.budget.take(activity.id, now);
    const row = this.row(facts, 'decide');
    const ruleIds = [budgetRow.id, row.id];
    this.ledger.open(push, fateOf(row, ruleIds, problemOf(facts, aps, declared)), address);
    if (row.outcome.fate === 'displayed') {
      const state = isObject(contentState) ? contentState : undefined;
      if (typeof aps.timestamp === 'number') activity.lastUpdateTimestamp = aps.timestamp;
      if (facts.event === 'end') {
        const dismissal = typeof aps['dismissal-date'] === 'number' ? aps['dismissal-date'] * 1000 : undefined;
        this.applyEnd(activity, state, dismissal, 'push', row.id, pushId);
      } else {
        const stale = typeof aps['stale-date'] === 'number' ? aps['stale-date'] * 1000 : undefined;
        const relevance = typeof aps['relevance-score'] === 'number' ? aps['relevance-score'] : undefined;
        this.applyUpdate(activity, state ?? activity.contentState, stale, relevance, 'push', row.id, pushId);
      }
      this.receipt(pushId, activity, aps);
    }
    return { pushId };
  }

  /**
   * A push-to-start push (`event: start` to a push-to-start token): starts an activity of the token's attributes type
   * when the rows allow, with a push token of its own (`input-push-token`) or a channel (`input-push-channel`).
   */
  deliverStartPush(
    target: { appId: string; attributesType: string },
    input: Omit<ActivityPushInput, 'via'> & { token: string },
  ): { pushId: string; activity?: Activity } {
    const now = this.clock.now();
    const app = this.registry.requireApp(target.appId);
    const aps = apsOf(input.payload);
    const type = typeof aps['attributes-type'] === 'string' ? aps['attributes-type'] : undefined;
    const declared = type ? this.declarations.get(app.id)?.attributeTypes[type] : undefined;
    const contentState = aps['content-state'];
    const facts: LiveActivityFacts = {
      trigger: 'push',
      via: 'push-to-start',
      event: typeof aps.event === 'string' ? aps.event : undefined,
      timestamp: timestampOrder(aps.timestamp, undefined),
      hasContentState: contentState !== undefined,
      contentStateDecodes: declared !== undefined && !decodingProblem(contentState, declared.contentState, 'x'),
      attributesTypeKnown: type === target.attributesType && declared !== undefined,
      attributesDecode: declared !== undefined && !decodingProblem(aps.attributes, declared.attributes, 'x'),
      priority: input.priority,
    };
    const push = this.pushOf(input.apnsId, { ...input, via: 'token' }, input.token, now);
    const row = this.row(facts, 'decide');
    const problem =
      (type !== target.attributesType
        ? `attributes-type "${type ?? ''}" is not ${target.attributesType}, the type this push-to-start token is for`
        : undefined) ??
      (declared ? decodingProblem(aps.attributes, declared.attributes, 'attributes') : undefined) ??
      (declared ? decodingProblem(contentState, declared.contentState, 'content-state') : undefined);
    this.ledger.open(push, fateOf(row, [row.id], problem), { deviceId: app.deviceId, appId: app.id });
    if (row.outcome.fate !== 'displayed') return { pushId: input.apnsId };
    const channel = typeof aps['input-push-channel'] === 'string' ? aps['input-push-channel'] : undefined;
    const stale = typeof aps['stale-date'] === 'number' ? aps['stale-date'] * 1000 : undefined;
    const relevance = typeof aps['relevance-score'] === 'number' ? aps['relevance-score'] : undefined;
    const activity = this.start(
      { appId: app.id, deviceId: app.deviceId, bundleId: app.bundleId },
      {
        attributesType: target.attributesType,
        attributes: aps.attributes as Record<string, unknown>,
        contentState: contentState as Record<string, unknown>,
        pushType: channel ? { kind: 'channel', channelId: channel } : { kind: 'token' },
        ...(stale !== undefined ? { staleDate: stale } : {}),
        ...(relevance !== undefined ? { relevanceScore: relevance } : {}),
      },
      'push-to-start',
      row.id,
      input.apnsId,
    );
    if (typeof aps.timestamp === 'number') activity.lastUpdateTimestamp = aps.timestamp;
    this.receipt(input.apnsId, activity, aps);
    return { pushId: input.apnsId, activity };
  }

  // ── housekeeping ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Forgets an app's activities, tokens and declaration (it was uninstalled). */
  forgetApp(appId: string): void {
    for (const activity of this.list({ appId })) this.forget(activity);
    for (const [token, gone] of this.goneTokens) if (gone.activity.appId === appId) this.forgetGoneToken(token);
    for (const token of this.startTokensByApp.get(appId)?.values() ?? []) this.startTokens.delete(token);
    this.startTokensByApp.delete(appId);
    this.declarations.delete(appId);
  }

  clear(): void {
    for (const activity of [...this.activities.values()]) this.forget(activity);
    for (const token of [...this.goneTokens.keys()]) this.forgetGoneToken(token);
    this.declarations.clear();
    this.startTokens.clear();
    this.startTokensByApp.clear();
    this.budget.clear();
  }

  // ── inside ───────────────────────────────────────────────────────────────────────────────────────────────────

  private requireDeclared(appId: string, attributesType: string) {
    const declaration = this.declarations.get(appId);
    const declared = declaration?.attributeTypes[attributesType];
    if (!declared)
      throw new SimulatorError(
        ErrorCodes.LIVE_ACTIVITIES_NOT_DECLARED,
        declaration
          ? `the app declares no Live Activity attributes type ${attributesType} (it declares ${Object.keys(declaration.attributeTypes).join(', ') || 'none'})`
          : `app ${appId} declares no Live Activities; install it with liveActivities: { attributeTypes: { ${attributesType}: { attributes: {…}, contentState: {…} } } }`,
        'attributesType',
      );
    return declared;
  }

  private start(
    owner: { appId: string; deviceId: string; bundleId: string },
    input: {
      attributesType: string;
      attributes: Record<string, unknown>;
      contentState: Record<string, unknown>;
      pushType: ActivityPushType;
      staleDate?: number;
      relevanceScore?: number;
    },
    startedBy: 'app' | 'push-to-start',
    ruleId: string,
    pushId?: string,
  ): Activity {
    const now = this.clock.now();
    const activity: Activity = {
      id: randomUUID(),
      ...owner,
      attributesType: input.attributesType,
      attributes: input.attributes,
      contentState: input.contentState,
      state: 'active',
      pushType: input.pushType,
      startedAt: now,
      startedBy,
      updatedAt: now,
      history: [],
    };
    if (input.pushType.kind === 'token') activity.pushToken = issueActivityToken();
    if (input.pushType.kind === 'channel') activity.channelId = input.pushType.channelId;
    if (input.staleDate !== undefined) activity.staleDate = input.staleDate;
    if (input.relevanceScore !== undefined) activity.relevanceScore = input.relevanceScore;
    this.activities.set(activity.id, activity);
    if (activity.pushToken) this.byToken.set(activity.pushToken, activity.id);
    if (activity.channelId) {
      const key = channelKey(activity.bundleId, activity.channelId);
      const subscribed = this.byChannel.get(key) ?? new Set();
      this.byChannel.set(key, subscribed.add(activity));
    }
    this.record(activity, 'started', startedBy === 'app' ? 'app' : 'push', ruleId, pushId);
    if (activity.pushToken)
      this.bus.emit('activity.token-issued', {
        appId: activity.appId,
        activityId: activity.id,
        attributesType: activity.attributesType,
        token: activity.pushToken,
        kind: 'push',
      });
    const timers = this.timersOf(activity.id);
    timers.end = this.clock.setTimer(
      () => this.systemEnd(activity.id),
      this.settings.activeForMs,
      this.timerOf(activity, 'ends after 8 h'),
    );
    this.scheduleStale(activity);
    return activity;
  }

  private applyUpdate(
    activity: Activity,
    contentState: Record<string, unknown>,
    staleDate: number | undefined,
    relevanceScore: number | undefined,
    by: 'app' | 'push',
    ruleId: string,
    pushId?: string,
    alert?: ActivityAlert,
  ): void {
    activity.contentState = contentState;
    if (staleDate !== undefined) activity.staleDate = staleDate;
    if (relevanceScore !== undefined) activity.relevanceScore = relevanceScore;
    activity.updatedAt = this.clock.now();
    // A new content state makes a stale activity current again, unless its stale date has passed too.
    if (activity.state === 'stale' && (activity.staleDate === undefined || activity.staleDate > this.clock.now()))
      activity.state = 'active';
    this.record(activity, 'updated', by, ruleId, pushId, alert);
    this.scheduleStale(activity);
  }

  private applyEnd(
    activity: Activity,
    contentState: Record<string, unknown> | undefined,
    dismissAt: number | undefined,
    by: 'app' | 'push' | 'system',
    ruleId: string,
    pushId?: string,
  ): void {
    const now = this.clock.now();
    if (contentState) activity.contentState = contentState;
    activity.state = 'ended';
    activity.endedAt = now;
    activity.updatedAt = now;
    const latest = now + this.settings.lockScreenForMs;
    activity.dismissAt = Math.min(dismissAt ?? latest, latest);
    this.record(activity, 'ended', by, ruleId, pushId);
    const timers = this.timersOf(activity.id);
    if (timers.stale) this.clock.clearTimer(timers.stale);
    if (timers.end) this.clock.clearTimer(timers.end);
    delete timers.stale;
    delete timers.end;
    this.unsubscribe(activity);
    if (activity.dismissAt <= now) this.dismiss(activity.id);
    else
      timers.dismiss = this.clock.setTimer(
        () => this.dismiss(activity.id),
        activity.dismissAt - now,
        this.timerOf(activity, 'leaves the lock screen'),
      );
  }

  private scheduleStale(activity: Activity): void {
    const timers = this.timersOf(activity.id);
    if (timers.stale) this.clock.clearTimer(timers.stale);
    delete timers.stale;
    if (activity.staleDate === undefined || activity.state !== 'active') return;
    const wait = activity.staleDate - this.clock.now();
    if (wait <= 0) this.turnStale(activity.id);
    else
      timers.stale = this.clock.setTimer(
        () => this.turnStale(activity.id),
        wait,
        this.timerOf(activity, 'turns stale'),
      );
  }

  private turnStale(id: string): void {
    const activity = this.activities.get(id);
    if (activity?.state !== 'active') return;
    const row = this.row({ trigger: 'stale-date', state: activity.state });
    activity.state = 'stale';
    activity.updatedAt = this.clock.now();
    this.record(activity, 'stale', 'system', row.id);
  }

  private systemEnd(id: string): void {
    const activity = this.activities.get(id);
    if (!activity || (activity.state !== 'active' && activity.state !== 'stale')) return;
    const row = this.row({ trigger: 'eight-hours', state: activity.state });
    this.applyEnd(activity, undefined, undefined, 'system', row.id);
  }

  private dismiss(id: string): void {
    const activity = this.activities.get(id);
    if (!activity || activity.state === 'dismissed') return;
    const row = this.row({ trigger: 'dismissal', state: activity.state });
    activity.state = 'dismissed';
    activity.updatedAt = this.clock.now();
    const timers = this.timers.get(id);
    if (timers?.dismiss) this.clock.clearTimer(timers.dismiss);
    this.timers.set(id, {
      forget: this.clock.setTimer(
        () => this.retire(id),
        this.settings.keepDismissedForMs,
        this.timerOf(activity, 'is forgotten (dismissed)'),
      ),
    });
    this.budget.forget(id);
    this.record(activity, 'dismissed', 'system', row.id);
  }

  /** Forgets a dismissed activity, keeping only a record of its token so a push to it still answers 410 for a while. */
  private retire(id: string): void {
    const activity = this.activities.get(id);
    if (!activity) return;
    this.forget(activity);
    const token = activity.pushToken;
    if (!token) return;
    const { appId, deviceId, bundleId, updatedAt } = activity;
    const timer = this.clock.setTimer(() => this.goneTokens.delete(token), this.settings.goneTokenForMs, {
      kind: 'activity',
      label: `the token of dismissed ${activity.attributesType} activity ${id} is forgotten`,
      appId,
      deviceId,
    });
    this.goneTokens.set(token, { activity: { id, appId, deviceId, bundleId, updatedAt }, timer });
  }

  private forgetGoneToken(token: string): void {
    const gone = this.goneTokens.get(token);
    if (gone) this.clock.clearTimer(gone.timer);
    this.goneTokens.delete(token);
  }

  private unsubscribe(activity: Activity): void {
    if (!activity.channelId) return;
    const key = channelKey(activity.bundleId, activity.channelId);
    const subscribed = this.byChannel.get(key);
    subscribed?.delete(activity);
    if (subscribed?.size === 0) this.byChannel.delete(key);
  }

  private forget(activity: Activity): void {
    const timers = this.timers.get(activity.id);
    for (const handle of [timers?.stale, timers?.end, timers?.dismiss, timers?.forget])
      if (handle) this.clock.clearTimer(handle);
    this.timers.delete(activity.id);
    this.unsubscribe(activity);
    this.budget.forget(activity.id);
    if (activity.pushToken) this.byToken.delete(activity.pushToken);
    this.activities.delete(activity.id);
  }

  /** What GET /api/clock/timers says of an activity's timer. */
  private timerOf(activity: Activity, what: string): TimerDescriptor {
    return {
      kind: 'activity',
      label: `${activity.attributesType} activity ${activity.id} ${what}`,
      appId: activity.appId,
      deviceId: activity.deviceId,
    };
  }

  private timersOf(id: string): ActivityTimers {
    let timers = this.timers.get(id);
    if (!timers) {
      timers = {};
      this.timers.set(id, timers);
    }
    return timers;
  }

  private record(
    activity: Activity,
    change: 'started' | 'updated' | 'stale' | 'ended' | 'dismissed',
    by: ActivityChange['by'],
    ruleId: string,
    pushId?: string,
    alert?: ActivityAlert,
  ): void {
    const entry: ActivityChange = {
      at: this.clock.now(),
      state: activity.state,
      contentState: activity.contentState,
      by,
      ruleId,
    };
    if (pushId) entry.pushId = pushId;
    if (alert) entry.alert = { ...alert };
    activity.history.push(entry);
    if (activity.history.length > ACTIVITY_HISTORY_LIMIT) activity.history.shift();
    this.bus.emit('activity.changed', {
      activityId: activity.id,
      appId: activity.appId,
      deviceId: activity.deviceId,
      change,
      state: activity.state,
      contentState: activity.contentState,
      ruleId,
      ...(pushId ? { pushId } : {}),
      ...(alert ? { alert: { ...alert } } : {}),
    });
  }

  /** The ledger's record of what the activity showed for a push. */
  private receipt(pushId: string, activity: Activity, aps: Record<string, unknown>): void {
    const message: Record<string, unknown> = {
      activityId: activity.id,
      state: activity.state,
      contentState: activity.contentState,
    };
    if (isObject(aps.alert)) message.alert = aps.alert;
    this.ledger.receipt(pushId, { at: this.clock.now(), callback: 'Activity.contentUpdates', message });
    // An alert lights the screen and shows the update as an alert, with its sound (docs/reference/live-activities.md#payload).
    if (isObject(aps.alert)) {
      const { title, body, sound } = aps.alert as { title?: unknown; body?: unknown; sound?: unknown };
      const text = [title, body].filter((part) => typeof part === 'string').join(': ');
      this.ledger.note(
        pushId,
        this.clock.now(),
        `Live Activity alert shown${text ? ` (${text})` : ''}${typeof sound === 'string' ? `, sound ${sound}` : ''}`,
      );
    }
  }

  private pushOf(id: string, input: ActivityPushInput, token: string, now: number): Push {
    const priority: PushPriority = input.priority === 10 ? 'high' : input.priority === 5 ? 'normal' : 'low';
    return {
      id,
      provider: input.provider ?? 'apns',
      channel: 'apns',
      token,
      kind: 'liveactivity',
      priority,
      payload: isObject(input.payload) ? input.payload : {},
      headers: input.headers,
      acceptedAt: now,
    };
  }

  /** The first Live Activity row of `stage` whose condition holds; a table without them is a setup error. */
  private row(facts: LiveActivityFacts, stage: 'throttle' | 'decide' = 'decide'): StageRule<LiveActivityFacts> {
    const row = firstRule(
      this.rules.liveActivity.filter((r) => r.stage === stage),
      facts,
    );
    if (!row)
      throw new Error(
        `no Live Activity row of the ${stage} stage matches ${JSON.stringify(facts)}; the APNs service module contributes them (build the Simulation with its rules)`,
      );
    return row;
  }
}

function channelKey(bundleId: string, channelId: string): string {
  return `${bundleId}\n${channelId}`;
}

/** A Live Activity or push-to-start token: 64 hex digits, as ActivityKit's push tokens are (Data, hex-encoded). */
function issueActivityToken(): string {
  return randomBytes(32).toString('hex');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function apsOf(payload: unknown): Record<string, unknown> {
  const aps = isObject(payload) ? payload.aps : undefined;
  return isObject(aps) ? aps : {};
}

function timestampOrder(timestamp: unknown, last: number | undefined): LiveActivityFacts['timestamp'] {
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return 'missing';
  if (last === undefined) return 'first';
  return timestamp > last ? 'newer' : timestamp === last ? 'equal' : 'older';
}

function fateOf(row: StageRule<LiveActivityFacts>, ruleIds: string[], problem: string | undefined): Omit<Fate, 'at'> {
  const fate: Omit<Fate, 'at'> = { name: row.outcome.fate ?? 'dropped', ruleIds, ruleId: ruleIds.join(' → ') };
  if (row.outcome.fate === 'displayed') fate.displayed = true;
  const reason = row.outcome.reason && problem ? `${row.outcome.reason}: ${problem}` : row.outcome.reason;
  if (reason) fate.reason = reason;
  return fate;
}

/** The sentence a decoding failure adds to its fate's reason. */
function problemOf(
  facts: LiveActivityFacts,
  aps: Record<string, unknown>,
  declared: AttributesTypeDeclaration | undefined,
): string | undefined {
  if (facts.contentStateDecodes !== false || !declared) return undefined;
  return decodingProblem(aps['content-state'], declared.contentState, 'content-state');
}
