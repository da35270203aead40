// The one rules table, serialisable: what GET /api/rules serves, docs/delivery-rules.md renders and the dashboard
// shows. Rows are grouped by the pipeline stage that applies them; every ledger fate names the ids of the rows that
// decided it.
import type { Channel } from '../core/index.js';
import { PLATFORM_RULES, PLATFORM_CALLBACKS } from './platform-rules.js';
import { SDK_RULES } from './sdk-rules.js';
import { VENDOR_RULES } from './vendor-rules.js';
import { DELIVERY_CONDITIONS } from './delivery-conditions.js';
import { DECIDE_RULES } from './decide-delivery.js';
import { PIPELINE_RULES } from './pipeline-rules.js';
import { STAGES, type StageName } from './stages.js';

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

/** Every row of the table, in stage order, with the columns they share. */
export function ruleRows(): RuleRow[] {
  const rows: RuleRow[] = [];
  for (const rule of PIPELINE_RULES) {
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
  for (const rule of VENDOR_RULES) {
    const o = rule.outcome;
    rows.push({
      id: rule.id,
      stage: 'decide',
      kind: 'vendor',
      channels: rule.channels,
      condition: `${rule.kinds.join(', ')} push, app ${rule.states.join(', ')}: ${rule.summary}`,
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

/**
 * The ids GET /api/rules lists: a fate naming any other id is a bug (test/setup/fate-rule-ids.ts checks every fate).
 */
export function knownRuleIds(): ReadonlySet<string> {
  known ??= new Set(ruleRows().map((row) => row.id));
  return known;
}
/** The table is constant, so its ids are computed once (read-only after that). */
let known: ReadonlySet<string> | undefined;

export function rulesTable() {
  const rows = ruleRows();
  return {
    stages: STAGES.map((stage) => ({ ...stage, rules: rows.filter((row) => row.stage === stage.name) })),
    platformCallbacks: PLATFORM_CALLBACKS,
    conditions: Object.keys(DELIVERY_CONDITIONS),
    platformRules: PLATFORM_RULES,
    vendorRules: VENDOR_RULES,
    sdkRules: SDK_RULES,
  };
}

/**
 * Why a fate breaks the invariant "every fate names the rows that decided it, all listed by GET /api/rules", or
 * undefined.
 */
export function fateRuleIdProblem(
  fate: { name: string; ruleIds?: readonly string[] },
  known: ReadonlySet<string> = knownRuleIds(),
): string | undefined {
  if (!fate.ruleIds || fate.ruleIds.length === 0) return `fate "${fate.name}" names no rules-table row`;
  const unknown = fate.ruleIds.filter((id) => !known.has(id));
  return unknown.length
    ? `fate "${fate.name}" names ${unknown.map((id) => `"${id}"`).join(', ')}, which GET /api/rules does not list`
    : undefined;
}
