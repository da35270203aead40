// The Live Activity rows of the rules table (providers/apns/apns-live-activity-rules.ts), table-driven: for each row,
// facts it claims pick it (by its stage, in table order, as simulator/live-activity/ matches them), and the nearest facts
// outside it pick another row. Each case is named with the row's id and source. The wire rows are named by the
// rejections that decide them (test/integration/apns-live-activity.test.ts produces each through the wire).
import { describe, expect, test } from 'vitest';
import { firstRule, type LiveActivityFacts } from '../../simulator/delivery/index.js';
import { SERVICES, rulesTableOf } from '../../simulator/providers/index.js';
import {
  LIVE_ACTIVITY_ACCEPT_RULES,
  LIVE_ACTIVITY_DECIDE_RULES,
  LIVE_ACTIVITY_THROTTLE_RULES,
} from '../../simulator/providers/apns/apns-live-activity-rules.js';
import { decodingProblem, UpdateBudget } from '../../simulator/live-activity/index.js';

const TABLE = rulesTableOf(SERVICES);
const pick = (facts: LiveActivityFacts, stage: 'throttle' | 'decide') =>
  firstRule(
    TABLE.liveActivity.filter((r) => r.stage === stage),
    facts,
  )?.id;

/** A push to an activity that every decide row but the last lets through: newer timestamp, decoding update. */
const UPDATE: LiveActivityFacts = {
  trigger: 'push',
  via: 'token',
  event: 'update',
  state: 'active',
  timestamp: 'newer',
  hasContentState: true,
  contentStateDecodes: true,
  priority: 10,
  overBudget: false,
};
const START: LiveActivityFacts = {
  trigger: 'push',
  via: 'push-to-start',
  event: 'start',
  timestamp: 'first',
  hasContentState: true,
  contentStateDecodes: true,
  attributesTypeKnown: true,
  attributesDecode: true,
  priority: 10,
};

const CASES: Record<string, { stage: 'throttle' | 'decide'; claims: LiveActivityFacts; outside: LiveActivityFacts }> = {
  'apns.liveactivity.budget.exceeded': {
    stage: 'throttle',
    claims: { ...UPDATE, overBudget: true },
    outside: { ...UPDATE, overBudget: true, priority: 5 },
  },
  'apns.liveactivity.budget.counted': { stage: 'throttle', claims: UPDATE, outside: { ...UPDATE, priority: 5 } },
  'apns.liveactivity.budget.not-counted': {
    stage: 'throttle',
    claims: { ...UPDATE, priority: 5 },
    outside: UPDATE,
  },
  'apns.liveactivity.timestamp.missing': {
    stage: 'decide',
    claims: { ...UPDATE, timestamp: 'missing' },
    outside: UPDATE,
  },
  'apns.liveactivity.start.not-start-event': {
    stage: 'decide',
    claims: { ...START, event: 'update' },
    outside: START,
  },
  'apns.liveactivity.start.unknown-attributes-type': {
    stage: 'decide',
    claims: { ...START, attributesTypeKnown: false },
    outside: START,
  },
  'apns.liveactivity.start.undecodable': {
    stage: 'decide',
    claims: { ...START, attributesDecode: false },
    outside: START,
  },
  'apns.liveactivity.start.started': { stage: 'decide', claims: START, outside: { ...START, event: 'end' } },
  'apns.liveactivity.event.unknown': { stage: 'decide', claims: { ...UPDATE, event: 'start' }, outside: UPDATE },
  'apns.liveactivity.activity.ended': { stage: 'decide', claims: { ...UPDATE, state: 'ended' }, outside: UPDATE },
  'apns.liveactivity.timestamp.older': {
    stage: 'decide',
    claims: { ...UPDATE, timestamp: 'older' },
    outside: UPDATE,
  },
  'apns.liveactivity.timestamp.equal': {
    stage: 'decide',
    claims: { ...UPDATE, timestamp: 'equal' },
    outside: UPDATE,
  },
  'apns.liveactivity.content-state.undecodable': {
    stage: 'decide',
    claims: { ...UPDATE, contentStateDecodes: false },
    outside: UPDATE,
  },
  'apns.liveactivity.update.no-content-state': {
    stage: 'decide',
    claims: { ...UPDATE, hasContentState: false },
    outside: UPDATE,
  },
  'apns.liveactivity.end.applied': {
    stage: 'decide',
    claims: { ...UPDATE, event: 'end', hasContentState: false },
    outside: { ...UPDATE, event: 'end', state: 'ended' },
  },
  'apns.liveactivity.update.applied': { stage: 'decide', claims: UPDATE, outside: { ...UPDATE, state: 'dismissed' } },
  'apns.liveactivity.app.start': {
    stage: 'decide',
    claims: { trigger: 'app', event: 'start' },
    outside: { trigger: 'app', event: 'end' },
  },
  'apns.liveactivity.app.update': {
    stage: 'decide',
    claims: { trigger: 'app', event: 'update' },
    outside: { trigger: 'app', event: 'start' },
  },
  'apns.liveactivity.app.end': {
    stage: 'decide',
    claims: { trigger: 'app', event: 'end' },
    outside: { trigger: 'app', event: 'update' },
  },
  'apns.liveactivity.stale-date.passed': {
    stage: 'decide',
    claims: { trigger: 'stale-date' },
    outside: { trigger: 'eight-hours' },
  },
  'apns.liveactivity.eight-hours': {
    stage: 'decide',
    claims: { trigger: 'eight-hours' },
    outside: { trigger: 'dismissal' },
  },
  'apns.liveactivity.dismissed': {
    stage: 'decide',
    claims: { trigger: 'dismissal' },
    outside: { trigger: 'stale-date' },
  },
};

describe('each Live Activity row decides what it claims, and not the case next to it', () => {
  const rows = [...LIVE_ACTIVITY_THROTTLE_RULES, ...LIVE_ACTIVITY_DECIDE_RULES];
  test.each(rows.map((row) => [row.id, row.source.join(', '), row] as const))('%s (%s)', (id, _source, row) => {
    const c = CASES[id];
    expect(c, `no case for ${id}: add one to CASES`).toBeDefined();
    expect(row.stage).toBe(c!.stage);
    expect(pick(c!.claims, c!.stage)).toBe(id);
    expect(pick(c!.outside, c!.stage)).not.toBe(id);
  });

  test('every case names a row of the table (none is left over from a removed row)', () => {
    expect(Object.keys(CASES).filter((id) => !TABLE.knownIds.has(id))).toEqual([]);
  });
});

describe("the wire rows (APNs's answers) are named by their rejections, never picked by provider and fate alone", () => {
  test.each(LIVE_ACTIVITY_ACCEPT_RULES.map((row) => [row.id, row.source.join(', '), row] as const))(
    '%s (%s)',
    (id, _source, row) => {
      expect(TABLE.knownIds.has(id)).toBe(true);
      expect(row.when({ provider: 'apns', fate: 'rejected' })).toBe(false);
      expect(firstRule(TABLE.accept, { provider: 'apns', fate: 'rejected' })?.id).toBe('apns.wire.rejected');
    },
  );
});

describe('content-state decoding (docs/reference/live-activities.md#content-state-decoding)', () => {
  const fields = { status: 'string', eta: 'integer', note: 'string?', at: 'number' } as const;
  test.each([
    [{ status: 'a', eta: 1, at: 1.5 }, undefined],
    [{ status: 'a', eta: 1, at: 2, extra: true, note: null }, undefined],
    [{ status: 'a', at: 2 }, /no "eta"/],
    [{ status: 'a', eta: 1.5, at: 2 }, /eta is a number \(1\.5\), the declared type needs a integer/],
    [{ status: ['a'], eta: 1, at: 2 }, /status is an array/],
    ['text', /not a JSON object/],
  ])('%j', (value, problem) => {
    const found = decodingProblem(value, fields, 'content-state');
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });
});

describe("the priority-10 budget (pushsim's model, docs/reference/live-activities.md#update-budget)", () => {
  test('spends per activity in a sliding window, frequent updates have their own limit', () => {
    const budget = new UpdateBudget({ perWindow: 2, frequentPerWindow: 3, windowMs: 1000 });
    budget.take('a', 0);
    budget.take('a', 100);
    expect(budget.isSpent('a', 200, false)).toBe(true);
    expect(budget.isSpent('a', 200, true)).toBe(false);
    expect(budget.isSpent('b', 200, false)).toBe(false);
    expect(budget.isSpent('a', 1000, false)).toBe(false);
  });
});
