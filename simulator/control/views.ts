// The control API's answers, built member by member from the simulator's objects into the public model
// (simulator/model/): nothing internal is spread into an answer, so a field added inside the simulator stays inside.
import type { Device, DeviceConditions, Fate, InstalledApp, LedgerEntry, Push } from '../core/index.js';
import type { Outcome, RuleRow, rulesTable } from '../delivery/index.js';
import type { Simulation } from '../engine/index.js';
import type { Activity } from '../live-activity/index.js';
import { topState } from '../lifecycle/index.js';
import type {
  ActivityModel,
  AppLiveActivitiesModel,
  AppModel,
  DeviceConditionsModel,
  DeviceModel,
  FateModel,
  LedgerEntryModel,
  OutcomeModel,
  PushModel,
  RuleModel,
  RulesTableModel,
  SentPushModel,
} from '../model/index.js';

/** Copies `key` from `from` when it is set: optional members stay absent rather than `undefined`. */
function optional<T, K extends keyof T>(from: T, key: K): { [P in K]?: NonNullable<T[K]> } {
  return from[key] === undefined ? {} : ({ [key]: from[key] } as { [P in K]?: NonNullable<T[K]> });
}

/** A record without its undefined values (AppTokens may hold `undefined` for a kind not issued). */
function definedValues(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => e[1] !== undefined));
}

export function conditionsView(c: DeviceConditions): DeviceConditionsModel {
  return {
    online: c.online,
    lowPowerMode: c.lowPowerMode,
    backgroundAppRefresh: c.backgroundAppRefresh,
    doze: c.doze,
    standbyBucket: c.standbyBucket,
    notificationPermission: c.notificationPermission,
    hasGoogleServices: c.hasGoogleServices,
    hasHmsCore: c.hasHmsCore,
    screenLocked: c.screenLocked,
    debuggerAttached: c.debuggerAttached,
  };
}

export function deviceView(sim: Simulation, device: Device): DeviceModel {
  return {
    id: device.id,
    platform: device.platform,
    ...optional(device, 'manufacturer'),
    osVersion: device.osVersion,
    name: device.name,
    conditions: conditionsView(device.conditions),
    createdAt: device.createdAt,
    apps: sim.registry.listApps(device.id).map((app) => app.id),
  };
}

export function appView(sim: Simulation, app: InstalledApp): AppModel {
  const device = sim.registry.device(app.deviceId);
  return {
    id: app.id,
    deviceId: app.deviceId,
    ...(device ? { platform: device.platform } : {}),
    bundleId: app.bundleId,
    sdkProfile: app.sdkProfile,
    sdkVersion: app.sdkVersion,
    environment: app.environment,
    ...optional(app, 'fcmProject'),
    lifecycle: app.lifecycle,
    state: topState(app.lifecycle),
    ...optional(app, 'stoppedBecause'),
    tokens: definedValues(app.tokens ?? {}),
    ...(app.registrationErrors ? { registrationErrors: { ...app.registrationErrors } } : {}),
    installedAt: app.installedAt,
    ...optional(app, 'suspendAfterMs'),
    ...optional(app, 'handlerTimeMs'),
    ...(app.fidelity
      ? {
          fidelity: {
            ...optional(app.fidelity, 'zpnsDocumentedAndroidBackground'),
            ...optional(app.fidelity, 'zpnsDocumentedSourceType'),
            ...optional(app.fidelity, 'zpnsPayloadInAps'),
          },
        }
      : {}),
    ...budgetView(sim.lifecycle.budgetEndsAt(app.id)),
    attached: sim.router.isAttached(app.id),
    held: sim.router.heldFor(app.id).map((push) => push.id),
    ...liveActivitiesView(sim, app.id),
  };
}

function liveActivitiesView(sim: Simulation, appId: string): { liveActivities?: AppLiveActivitiesModel } {
  const declaration = sim.liveActivities.declarationOf(appId);
  if (!declaration) return {};
  return {
    liveActivities: {
      attributeTypes: Object.keys(declaration.attributeTypes),
      frequentUpdates: declaration.frequentUpdates,
      pushToStartTokens: sim.liveActivities.pushToStartTokens(appId),
    },
  };
}

/** A Live Activity as the API returns it. */
export function activityView(activity: Activity): ActivityModel {
  return {
    ...activityNowView(activity),
    history: activity.history.map((change) => ({
      at: change.at,
      state: change.state,
      contentState: { ...change.contentState },
      by: change.by,
      ...optional(change, 'pushId'),
      ruleId: change.ruleId,
      ...(change.alert ? { alert: { ...change.alert } } : {}),
    })),
  };
}

/** A Live Activity as it is now, without its history: what the shim's `activity` notice carries for each change. */
export function activityNowView(activity: Activity): Omit<ActivityModel, 'history'> {
  return {
    id: activity.id,
    appId: activity.appId,
    deviceId: activity.deviceId,
    bundleId: activity.bundleId,
    attributesType: activity.attributesType,
    attributes: { ...activity.attributes },
    contentState: { ...activity.contentState },
    state: activity.state,
    pushType: activity.pushType.kind,
    ...optional(activity, 'pushToken'),
    ...optional(activity, 'channelId'),
    ...optional(activity, 'staleDate'),
    ...optional(activity, 'relevanceScore'),
    ...optional(activity, 'lastUpdateTimestamp'),
    startedAt: activity.startedAt,
    startedBy: activity.startedBy,
    updatedAt: activity.updatedAt,
    ...optional(activity, 'endedAt'),
    ...optional(activity, 'dismissAt'),
  };
}

function budgetView(endsAt: number | undefined): { budgetEndsAt?: string } {
  return endsAt === undefined ? {} : { budgetEndsAt: new Date(endsAt).toISOString() };
}

export function pushView(push: Push): PushModel {
  return {
    id: push.id,
    provider: push.provider,
    ...optional(push, 'channel'),
    token: push.token,
    kind: push.kind,
    priority: push.priority,
    ...optional(push, 'expiresAt'),
    ...optional(push, 'collapseId'),
    payload: push.payload,
    ...(push.headers ? { headers: { ...push.headers } } : {}),
    acceptedAt: push.acceptedAt,
    ...(push.notes ? { notes: [...push.notes] } : {}),
  };
}

export function fateView(fate: Fate): FateModel {
  return {
    name: fate.name,
    at: fate.at,
    ...optional(fate, 'callback'),
    ...optional(fate, 'platformCallback'),
    ...optional(fate, 'displayed'),
    ...optional(fate, 'reason'),
    ...(fate.ruleIds ? { ruleIds: [...fate.ruleIds] } : {}),
    ...optional(fate, 'ruleId'),
  };
}

export function entryView(entry: LedgerEntry): LedgerEntryModel {
  return {
    id: entry.id,
    provider: entry.provider,
    token: entry.token,
    ...optional(entry, 'deviceId'),
    ...optional(entry, 'appId'),
    push: pushView(entry.push),
    fate: fateView(entry.fate),
    history: entry.history.map(fateView),
    notes: entry.notes.map((n) => ({ at: n.at, note: n.note })),
    receipts: entry.receipts.map((r) => ({
      at: r.at,
      callback: r.callback,
      ...optional(r, 'message'),
      ...optional(r, 'durationMs'),
    })),
  };
}

export function outcomeView(outcome: Outcome): OutcomeModel {
  return {
    fate: outcome.fate,
    callbacks: [...outcome.callbacks],
    platformCallbacks: [...outcome.platformCallbacks],
    display: outcome.display,
    ...optional(outcome, 'wake'),
    ...optional(outcome, 'reason'),
    ruleIds: [...outcome.ruleIds],
  };
}

export function sentPushView(entry: LedgerEntry, outcome: Outcome | undefined): SentPushModel {
  return { ...entryView(entry), ...(outcome ? { outcome: outcomeView(outcome) } : {}) };
}

export function ruleView(row: RuleRow): RuleModel {
  return {
    id: row.id,
    stage: row.stage,
    kind: row.kind,
    ...(row.channels ? { channels: [...row.channels] } : {}),
    condition: row.condition,
    outcome: row.outcome,
    source: [...row.source],
    ...optional(row, 'unconfirmed'),
    ...optional(row, 'origin'),
  };
}

export function rulesTableView(table: ReturnType<typeof rulesTable>): RulesTableModel {
  const rows = (list: readonly object[]): Record<string, unknown>[] => list.map((row) => ({ ...row }));
  return {
    stages: table.stages.map((stage) => ({ name: stage.name, job: stage.job, rules: stage.rules.map(ruleView) })),
    platformCallbacks: { ...table.platformCallbacks },
    conditions: [...table.conditions],
    platformRules: rows(table.platformRules),
    vendorRules: rows(table.vendorRules),
    sdkRules: rows(table.sdkRules),
  };
}
