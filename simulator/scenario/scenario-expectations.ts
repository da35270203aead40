// The `expect` step: checks a provider's answer and a push's ledger entry (fate, callbacks, notes, what the app got)
// against a scenario's expectations, now or within a clock time, and says every difference in one message.
import { parseDuration, type LedgerEntry } from '../core/index.js';
import { topState } from '../lifecycle/index.js';
import type { RunContext } from './scenario-run-context.js';
import { partialMatch, readJsonPath } from './json-path.js';

function describeFate(entry: LedgerEntry | undefined): string {
  if (!entry) return 'no push in the ledger';
  const f = entry.fate;
  return `${f.name}${f.callback ? ` → ${f.callback}` : ''}${f.displayed ? ' (displayed)' : ''}${f.reason ? `: ${f.reason}` : ''}`;
}

/** Checks an expectation; with `within`, advances the clock timer by timer up to that long until it holds. */
// biome-ignore lint/suspicious/noExplicitAny: a step the scenario schema has validated; its shape is the schema's
export async function expectNow(ctx: RunContext, spec: any): Promise<string | undefined> {
  let problem = check(ctx, spec);
  if (!problem || spec.within === undefined) return problem;
  const deadline = ctx.sim.clock.now() + parseDuration(spec.within);
  while (problem && ctx.sim.clock.now() < deadline) {
    const next = ctx.sim.clock.nextTimerAt?.();
    const target = next !== undefined && next <= deadline ? next : deadline;
    await ctx.sim.advance(Math.max(0, target - ctx.sim.clock.now()));
    await ctx.settle();
    problem = check(ctx, spec);
  }
  return problem ? `${problem} (within ${spec.within})` : undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: a step the scenario schema has validated; its shape is the schema's
function check(ctx: RunContext, spec: any): string | undefined {
  const problems: string[] = [];
  const sent = spec.of ? ctx.sent.get(spec.of) : undefined;
  const entry = ctx.entry(sent?.pushIds[0]);
  if (spec.status !== undefined && sent?.status !== spec.status)
    problems.push(
      `expected status ${spec.status}, got ${sent?.status ?? 'none'}${sent?.reason ? ` (${sent.reason})` : ''}${sent?.errorCode ? ` (${sent.errorCode})` : ''}`,
    );
  if (spec.reason !== undefined && sent?.reason !== spec.reason)
    problems.push(`expected reason ${spec.reason}, got ${sent?.reason ?? 'none'} (status ${sent?.status})`);
  if (spec.errorCode !== undefined && sent?.errorCode !== spec.errorCode)
    problems.push(`expected errorCode ${spec.errorCode}, got ${sent?.errorCode ?? 'none'} (status ${sent?.status})`);
  if (spec.recipients !== undefined) {
    const reached = (sent?.pushIds ?? []).map((id) => ctx.entry(id)?.appId ?? '?').sort();
    const expected = [...spec.recipients].sort();
    if (JSON.stringify(reached) !== JSON.stringify(expected))
      problems.push(
        `expected the push to reach ${expected.join(', ') || 'no app'}, it reached ${reached.join(', ') || 'no app'}`,
      );
  }
  const needsEntry = [
    'fate',
    'rules',
    'kind',
    'callback',
    'displayed',
    'because',
    'message',
    'path',
    'absent',
    'note',
  ].some((k) => spec[k] !== undefined);
  if (spec.of && needsEntry && !entry) problems.push(`expected a push "${spec.of}" in the ledger, found none`);
  if (entry) {
    // The callbacks that ran: the fate's (for a delivered push), and every receipt (an app's own code reports what ran,
    // also for a tapped notification).
    const callbacks = [
      ...(entry.fate.name === 'delivered' ? (entry.fate.callback?.split(', ') ?? []) : []),
      ...entry.receipts.map((r) => r.callback),
    ];
    // What happened to the push is said once, after everything that was expected of it and did not hold.
    const outcome: string[] = [];
    if (spec.fate !== undefined && entry.fate.name !== spec.fate) outcome.push(`fate ${spec.fate}`);
    if (spec.callback !== undefined && !callbacks.includes(spec.callback)) outcome.push(`callback ${spec.callback}`);
    if (spec.notCallback !== undefined && callbacks.includes(spec.notCallback))
      outcome.push(`${spec.notCallback} not to run`);
    if (spec.displayed !== undefined && (entry.fate.displayed ?? false) !== spec.displayed)
      outcome.push(spec.displayed ? 'a notification shown' : 'nothing shown');
    if (spec.because !== undefined && !new RegExp(spec.because).test(entry.fate.reason ?? ''))
      outcome.push(`a reason matching /${spec.because}/`);
    const ran = entry.receipts.length ? `; callbacks that ran: ${[...new Set(callbacks)].join(', ') || 'none'}` : '';
    if (outcome.length) problems.push(`expected ${outcome.join(', ')}; got ${describeFate(entry)}${ran}`);
    // `rules: <id>` or `rules: [ids]`: every row named must be one the fate names.
    const expectedRules: string[] = spec.rules === undefined ? [] : [spec.rules].flat();
    const missingRules = expectedRules.filter((id) => !(entry.fate.ruleIds ?? []).includes(id));
    if (missingRules.length)
      problems.push(
        `expected the fate to name rule ${missingRules.join(', ')}; it names ${(entry.fate.ruleIds ?? []).join(' → ') || 'none'}`,
      );
    if (spec.kind !== undefined && entry.push.kind !== spec.kind)
      problems.push(`expected a ${spec.kind} push, it went out as ${entry.push.kind}`);
    if (spec.note !== undefined && !entry.notes.some((n) => new RegExp(spec.note).test(n.note)))
      problems.push(
        `expected a ledger note matching /${spec.note}/, got ${entry.notes.map((n) => JSON.stringify(n.note)).join(', ') || 'no notes'}`,
      );
    const received = entry.receipts[0]?.message ?? entry.push.payload;
    if (spec.message !== undefined && !partialMatch(received, spec.message))
      problems.push(`expected the message to contain ${JSON.stringify(spec.message)}, got ${JSON.stringify(received)}`);
    for (const [path, expected] of Object.entries(spec.path ?? {})) {
      let actual: unknown;
      try {
        actual = readJsonPath(received, path);
      } catch (error) {
        problems.push((error as Error).message);
        continue;
      }
      if (!partialMatch(actual, expected))
        problems.push(`expected ${path} to be ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
    for (const path of spec.absent ?? []) {
      let actual: unknown;
      try {
        actual = readJsonPath(received, path);
      } catch (error) {
        problems.push((error as Error).message);
        continue;
      }
      if (actual !== undefined) problems.push(`expected nothing at ${path}, got ${JSON.stringify(actual)}`);
    }
  } else if (spec.notCallback !== undefined && spec.app) {
    const ran = ctx.sim.ledger
      .list({ appId: spec.app })
      .some((e) => e.fate.name === 'delivered' && (e.fate.callback?.split(', ') ?? []).includes(spec.notCallback));
    if (ran) problems.push(`expected ${spec.notCallback} not to run on ${spec.app}, but it did`);
  }
  if (spec.state !== undefined) {
    const app = ctx.app(spec.app);
    if (app.lifecycle !== spec.state && topState(app.lifecycle) !== spec.state)
      problems.push(`expected ${spec.app} to be ${spec.state}, got ${app.lifecycle}`);
  }
  checkActivity(ctx, spec, problems);
  return problems.length ? problems.join('; ') : undefined;
}

/** The Live Activity expectations: its state and the content state it shows, or how many an app has. */
// biome-ignore lint/suspicious/noExplicitAny: a step the scenario schema has validated; its shape is the schema's
function checkActivity(ctx: RunContext, spec: any, problems: string[]): void {
  if (spec.activity === undefined && spec.activityOf === undefined) return;
  const activities = ctx.sim.simulation.liveActivities;
  const ofApp = spec.activityOf ? activities.list({ appId: spec.activityOf }) : [];
  if (spec.activities !== undefined && ofApp.length !== spec.activities)
    problems.push(`expected ${spec.activityOf} to have ${spec.activities} Live Activities, it has ${ofApp.length}`);
  const id = spec.activity !== undefined ? ctx.activities.get(spec.activity) : ofApp.at(-1)?.id;
  const activity = id ? activities.get(id) : undefined;
  if (!activity) {
    if (spec.activityState !== undefined || spec.contentState !== undefined)
      problems.push(
        spec.activity !== undefined
          ? `expected a Live Activity named "${spec.activity}", none was started under that name`
          : `expected a Live Activity of ${spec.activityOf}, it has none`,
      );
    return;
  }
  if (spec.activityState !== undefined && activity.state !== spec.activityState)
    problems.push(`expected the Live Activity to be ${spec.activityState}, it is ${activity.state}`);
  if (spec.contentState !== undefined && !partialMatch(activity.contentState, spec.contentState))
    problems.push(
      `expected the Live Activity to show ${JSON.stringify(spec.contentState)}, it shows ${JSON.stringify(activity.contentState)}`,
    );
}
