// The one rules table, composed per simulation: the delivery core's rows plus the rows each service module contributes
// (`ServiceModule.rules`). The stages match rows of the composed table; GET /api/rules serves it, docs/delivery-rules.md
// renders it and the dashboard shows it. Rows are grouped by the pipeline stage that applies them; every ledger fate
// names the ids of the rows that decided it.
import type { Channel } from '../core/index.js';
import { PLATFORM_RULES, PLATFORM_CALLBACKS } from './platform-rules.js';
import { SDK_RULES } from './sdk-rules.js';
import { VENDOR_RULES, type VendorRule } from './vendor-rules.js';
import { DELIVERY_CONDITIONS } from './delivery-conditions.js';
import { DECIDE_RULES } from './decide-delivery.js';
import {
  ACCEPT_RULES,
  DEFER_RULES,
  DETACH_RULES,
  DEVICE_HOLD_RULES,
  EXPIRY_RULES,
  HAND_OVER_RULES,
  OFFLINE_RULES,
  ON_SCREEN_RULES,
  ACK_RULES,
  RESOLVE_RULES,
  STORE_RULES,
  THROTTLE_RULES,
  UNINSTALL_RULES,
  ZPNS_CHANNEL_RULES,
  type AcceptFacts,
  type EvictionFacts,
} from './pipeline-rules.js';
import { STAGES, type StageName, type StageRule } from './stages.js';
import type { LiveActivityFacts } from './live-activity-facts.js';

/**
 * The rows a service contributes, by the table of the stage that reads them (each stage matches rows over its own
 * facts). A service's rows are matched before the core's rows of the same table: they are about its own provider or
 * channel, so they are the more specific ones (a service's rows for apps on its own SDK before the ZPNs vendor rows).
 */
export interface ServiceRules {
  /** `accept`: what its provider records without routing (its wire rejections), matched on `provider` and fate. */
  readonly accept?: readonly StageRule<AcceptFacts>[];
  /** `offline`: how its channel's store replaces or drops a held push when another arrives (the eviction rows). */
  readonly store?: readonly StageRule<EvictionFacts>[];
  /** `decide`: what the device does with a push on its channel, per push kind, app state, SDK profile and priority. */
  readonly channel?: readonly VendorRule[];
  /**
   * `throttle` and `decide`: what an ActivityKit push does to a Live Activity (its budget, its timestamp, its content
   * state) and what the activity's dates do on the clock (simulator/live-activity/).
   */
  readonly liveActivity?: readonly StageRule<LiveActivityFacts>[];
}

/** The composed table one Simulation decides by. */
export interface RulesTable {
  readonly accept: readonly StageRule<AcceptFacts>[];
  readonly store: readonly StageRule<EvictionFacts>[];
  readonly vendor: readonly VendorRule[];
  /** The Live Activity rows (throttle, then decide), matched by simulator/live-activity/. */
  readonly liveActivity: readonly StageRule<LiveActivityFacts>[];
  /** Every row with the columns they share, in stage order. */
  readonly rows: readonly RuleRow[];
  /** The ids GET /api/rules lists: a fate naming any other id is a bug (test/setup/fate-rule-ids.ts checks it). */
  readonly knownIds: ReadonlySet<string>;
}

/** A row as the table lists it: the common columns of every kind of row. */
export interface RuleRow {
  id: string;
  stage: StageName;
  /** `platform`, `vendor`, `sdk` rows of the decide stage, or a `pipeline` row of any stage. */
  kind: 'pipeline' | 'platform' | 'vendor' | 'sdk';
  /** Channels the row applies to; absent = every channel. */
  channels?: readonly Channel[];
  condition: string;
  outcome: string;
  source: readonly string[];
  unconfirmed?: boolean;
  origin?: 'simulator';
}

const list = (values: readonly string[] | undefined): string => values?.join(', ') ?? 'any';
const whenText = (when: Record<string, boolean | undefined> | undefined): string =>
  when
    ? ` when ${Object.entries(when)
        .map(([name, value]) => (value ? name : `not ${name}`))
        .join(', ')}`
    : '';

/**
 * The table of the delivery core and the given services' rows. Throws when two rows share an id: ids are what fates
 * name, so each must mean one row.
 */
export function composeRulesTable(services: readonly ServiceRules[] = []): RulesTable {
  const accept = [...services.flatMap((s) => s.accept ?? []), ...ACCEPT_RULES];
  const store = [...services.flatMap((s) => s.store ?? []), ...STORE_RULES];
  const vendor = [...services.flatMap((s) => s.channel ?? []), ...VENDOR_RULES];
  const liveActivity = services.flatMap((s) => s.liveActivity ?? []);
  // The rows of the stages but decide's own tables, in the order the pipeline meets them (the other stages' rows are the
  // core's alone: each of those stages reads its constant list).
  const pipeline = [
    ...accept,
    ...RESOLVE_RULES,
    ...ZPNS_CHANNEL_RULES,
    ...EXPIRY_RULES,
    ...OFFLINE_RULES,
    ...store,
    ...THROTTLE_RULES,
    ...liveActivity.filter((row) => row.stage === 'throttle'),
    ...DEVICE_HOLD_RULES,
    ...liveActivity.filter((row) => row.stage !== 'throttle'),
    ...DEFER_RULES,
    ...HAND_OVER_RULES,
    ...ON_SCREEN_RULES,
    ...ACK_RULES,
    ...DETACH_RULES,
    ...UNINSTALL_RULES,
  ] as readonly StageRule<never>[];
  const rows = ruleRowsOf(pipeline, vendor);
  const knownIds = new Set<string>();
  for (const row of rows) {
    if (knownIds.has(row.id))
      throw new Error(
        `two rules-table rows have the id "${row.id}"; a fate names its rows by id, so give the service's row an id of its own (prefix it with the service's name)`,
      );
    knownIds.add(row.id);
  }
  return { accept, store, vendor, liveActivity, rows, knownIds };
}

/** The delivery core's rows alone: a Simulation built without services (unit tests) decides by these. */
export const CORE_RULES: RulesTable = composeRulesTable();

function ruleRowsOf(pipeline: readonly StageRule<never>[], vendor: readonly VendorRule[]): RuleRow[] {
  const rows: RuleRow[] = [];
  for (const rule of pipeline) {
    const o = rule.outcome;
    rows.push({
      id: rule.id,
      stage: rule.stage,
      kind: 'pipeline',
      ...(rule.channels ? { channels: rule.channels } : {}),
      condition: rule.condition,
      outcome: [o.fate, o.effect, o.reason ? `reason: ${o.reason}` : undefined].filter(Boolean).join('; '),
      source: rule.source,
      ...(rule.unconfirmed ? { unconfirmed: true } : {}),
      ...(rule.origin ? { origin: rule.origin } : {}),
    });
  }
  for (const rule of DECIDE_RULES) {
    const o = rule.outcome;
    rows.push({
      id: rule.id,
      stage: 'decide',
      kind: 'pipeline',
      condition: rule.condition,
      outcome: [o.fate, o.effect].filter(Boolean).join('; '),
      source: rule.source,
      ...(rule.unconfirmed ? { unconfirmed: true } : {}),
    });
  }
  for (const rule of PLATFORM_RULES) {
    const o = rule.outcome;
    rows.push({
      id: rule.id,
      stage: 'decide',
      kind: 'platform',
      channels: rule.channels,
      condition: `${rule.kinds.join(', ')} push, app ${rule.states.join(', ')}${whenText(rule.when)}: ${rule.summary}`,
      outcome: [
        o.fate,
        o.callbacks?.join(' + '),
        o.display ? 'shown' : undefined,
        o.wake ? `wake: ${o.wake}` : undefined,
      ]
        .filter(Boolean)
        .join('; '),
      source: rule.source,
      ...(rule.unconfirmed ? { unconfirmed: true } : {}),
    });
  }
  for (const rule of vendor) {
    const o = rule.outcome;
    const only = [rule.profiles ? `SDK ${rule.profiles.join(', ')}` : '', rule.priorities?.join(', ') ?? '']
      .filter(Boolean)
      .join(', ');
    rows.push({
      id: rule.id,
      stage: 'decide',
      kind: 'vendor',
      channels: rule.channels,
      condition: `${rule.kinds.join(', ')} push${only ? ` (${only})` : ''}, app ${rule.states.join(', ')}: ${rule.summary}`,
      outcome: [
        o.fate,
        o.callbacks.join(' + ') || undefined,
        o.display ? 'shown' : undefined,
        o.wake ? `wake: ${o.wake}` : undefined,
      ]
        .filter(Boolean)
        .join('; '),
      source: rule.source,
      ...(rule.unconfirmed ? { unconfirmed: true } : {}),
    });
  }
  for (const rule of SDK_RULES) {
    const r = rule.result;
    rows.push({
      id: rule.id,
      stage: 'decide',
      kind: 'sdk',
      channels: rule.channels,
      condition: `${rule.profile}, ${rule.on}, ${list(rule.kinds)} push, app ${list(rule.states)}${whenText(rule.when)}: ${rule.summary}`,
      outcome: [r.callback ?? 'no callback', r.fate, r.wake ? `wake: ${r.wake}` : undefined].filter(Boolean).join('; '),
      source: rule.source,
    });
  }
  const order = STAGES.map((s) => s.name as StageName);
  return rows.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
}

/** The table as GET /api/rules serves it: rows by stage, and the decide stage's tables in their own columns. */
export function rulesTable(table: RulesTable) {
  return {
    stages: STAGES.map((stage) => ({ ...stage, rules: table.rows.filter((row) => row.stage === stage.name) })),
    platformCallbacks: PLATFORM_CALLBACKS,
    conditions: Object.keys(DELIVERY_CONDITIONS),
    platformRules: PLATFORM_RULES,
    vendorRules: table.vendor,
    sdkRules: SDK_RULES,
  };
}

/**
 * Why a fate breaks the invariant "every fate names the rows that decided it, all listed by GET /api/rules", or
 * undefined. `known` is the ids of the table of the simulation that recorded the fate.
 */
export function fateRuleIdProblem(
  fate: { name: string; ruleIds?: readonly string[] },
  known: ReadonlySet<string>,
): string | undefined {
  if (!fate.ruleIds || fate.ruleIds.length === 0) return `fate "${fate.name}" names no rules-table row`;
  const unknown = fate.ruleIds.filter((id) => !known.has(id));
  return unknown.length
    ? `fate "${fate.name}" names ${unknown.map((id) => `"${id}"`).join(', ')}, which GET /api/rules does not list`
    : undefined;
}
