// Reads a scenario file (YAML, or JSON), checks it against the schema with file:line:column errors, and expands its
// matrix and variables into the runs to execute.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, type Document, type Node } from 'yaml';
import type { ZodError } from 'zod';
import { scenarioSchema, stepSchemas, STEP_KINDS, type Scenario, type StepKind } from './scenario-schema.js';
import { ScenarioFileError } from './scenario-error.js';
import { initialLifecycle, lifecycleEvents, lifecycleStates, pathToState, type Platform } from '../lifecycle/index.js';

export interface ScenarioStep {
  kind: StepKind;
  // biome-ignore lint/suspicious/noExplicitAny: a step the scenario schema has validated; its shape is the schema's
  spec: any;
  index: number;
  line: number;
}

export interface ScenarioRun {
  /** The file as reported (relative to the working directory when run from the CLI). */
  file: string;
  /** The file's absolute path, for what the scenario refers to next to it (app entry files). */
  path: string;
  /** The scenario name, with the matrix values when there is a matrix. */
  name: string;
  matrix: Record<string, unknown>;
  scenario: Scenario;
  steps: ScenarioStep[];
}

function locate(doc: Document, counter: LineCounter, path: (string | number)[]): { line: number; col: number } {
  // The deepest node on the path that exists, so an unknown key or a missing field still points somewhere useful.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
    const range =
      (node as { range?: [number, number, number] } | undefined)?.range ??
      (depth === 0 ? (doc.contents as { range?: [number, number, number] } | null)?.range : undefined);
    if (range) {
      const pos = counter.linePos(range[0]);
      return { line: pos.line, col: pos.col };
    }
  }
  return { line: 1, col: 1 };
}

function keyPosition(
  doc: Document,
  counter: LineCounter,
  path: (string | number)[],
  key: string,
): { line: number; col: number } | undefined {
  const parent = doc.getIn(path, true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
  const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return undefined;
  const pos = counter.linePos(range[0]);
  return { line: pos.line, col: pos.col };
}

function zodProblem(
  error: ZodError,
  prefix: (string | number)[],
): { path: (string | number)[]; message: string; key?: string } {
  const issue = error.issues[0]!;
  const path = [...prefix, ...(issue.path as (string | number)[])];
  const where = path.join('.');
  if (issue.code === 'unrecognized_keys')
    return { path, key: issue.keys[0], message: `unknown key "${issue.keys[0]}" in ${where || 'the scenario'}` };
  if (issue.code === 'invalid_type') {
    const input = (issue as { input?: unknown }).input;
    const got =
      input === undefined
        ? 'nothing'
        : `${Array.isArray(input) ? 'a list' : input === null ? 'null' : typeof input}${typeof input === 'string' || typeof input === 'number' ? ` ${JSON.stringify(input)}` : ''}`;
    return { path, message: `${where}: expected ${(issue as { expected: string }).expected}, got ${got}` };
  }
  if (issue.code === 'invalid_union')
    return {
      path,
      message: `${where}: matches none of the forms this field takes (see the Reference in docs/scenarios.md)`,
    };
  return { path, message: `${where}: ${issue.message}` };
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_-]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_-]*))?\}$/;
const DROP = Symbol('drop');

/**
 * Substitutes `${name}` and `${row.field}`: a whole-string reference keeps the value's type (and a null or missing field
 * removes the key), otherwise it is interpolated. An unknown variable stays as written; a field no row has is an error.
 */
function substitute(
  value: unknown,
  vars: Record<string, unknown>,
  fields: Map<string, Set<string>>,
  path: (string | number)[],
  fail: (path: (string | number)[], message: string) => never,
): unknown {
  const lookup = (name: string, field: string | undefined): { found: boolean; value?: unknown } => {
    if (!(name in vars)) return { found: false };
    const v = vars[name];
    if (field === undefined) return { found: true, value: v };
    if (!fields.get(name)?.has(field))
      fail(path, `${path.join('.')}: \${${name}.${field}}: no row of matrix "${name}" has a field "${field}"`);
    // A field some rows leave out is null in those rows: a whole-string reference to it removes the key.
    return { found: true, value: v && typeof v === 'object' ? ((v as Record<string, unknown>)[field] ?? null) : null };
  };
  if (typeof value === 'string') {
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole) {
      const hit = lookup(whole[1]!, whole[2]);
      if (hit.found) return hit.value === null ? DROP : hit.value;
    }
    return value.replace(REFERENCE, (match, name: string, field: string | undefined) => {
      const hit = lookup(name, field);
      return hit.found ? String(hit.value) : match;
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => substitute(v, vars, fields, [...path, i], fail)).filter((v) => v !== DROP);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, path.length === 0 && k === 'matrix' ? v : substitute(v, vars, fields, [...path, k], fail)])
        .filter(([, v]) => v !== DROP),
    );
  }
  return value;
}

/** Variables may refer to each other (`kb4: "${kb1}${kb1}${kb1}${kb1}"`): substituted until nothing changes. */
function resolveVars(
  vars: Record<string, unknown>,
  fields: Map<string, Set<string>>,
  fail: (path: (string | number)[], message: string) => never,
): Record<string, unknown> {
  let current = vars;
  for (let pass = 0; pass < 8; pass++) {
    const next = Object.fromEntries(
      Object.entries(current).map(([k, v]) => [
        k,
        substitute(v, current, fields, [fields.has(k) ? 'matrix' : 'vars', k], fail),
      ]),
    );
    if (JSON.stringify(next) === JSON.stringify(current)) return next;
    current = next;
  }
  return fail(['vars'], 'vars: variables refer to each other in a cycle');
}

function describeCombination(combo: Record<string, unknown>): string {
  return Object.entries(combo)
    .map(([k, v]) => {
      if (v && typeof v === 'object') {
        const row = v as Record<string, unknown>;
        return String(row.name ?? Object.values(row).find((x) => typeof x === 'string' || typeof x === 'number') ?? k);
      }
      return `${k}=${v}`;
    })
    .join(', ');
}

function combinations(matrix: Record<string, unknown[]> | undefined): Record<string, unknown>[] {
  if (!matrix || Object.keys(matrix).length === 0) return [{}];
  let result: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(matrix))
    result = result.flatMap((combo) => values.map((v) => ({ ...combo, [key]: v })));
  return result;
}

export function loadScenarioText(text: string, file: string): ScenarioRun[] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const fail = (path: (string | number)[], message: string, key?: string): never => {
    const pos = (key !== undefined && keyPosition(doc, counter, path, key)) || locate(doc, counter, path);
    throw new ScenarioFileError(file, pos.line, pos.col, message);
  };
  if (doc.errors.length) {
    const error = doc.errors[0]!;
    const pos = error.linePos?.[0] ?? counter.linePos(error.pos[0]);
    throw new ScenarioFileError(file, pos.line, pos.col, `not valid YAML: ${error.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    fail([], 'a scenario file holds one mapping with name, devices, apps and steps');
  const base = raw as Record<string, unknown>;
  const matrix = base.matrix as Record<string, unknown[]> | undefined;

  // The fields the rows of each matrix key have between them (a row may leave some out).
  const fields = new Map<string, Set<string>>();
  for (const [key, rows] of Object.entries(matrix && typeof matrix === 'object' ? matrix : {})) {
    fields.set(
      key,
      new Set(
        (Array.isArray(rows) ? rows : []).flatMap((row) => (row && typeof row === 'object' ? Object.keys(row) : [])),
      ),
    );
  }
  return combinations(matrix && typeof matrix === 'object' ? matrix : undefined).map((combo) => {
    const vars = resolveVars({ ...((base.vars as Record<string, unknown>) ?? {}), ...combo }, fields, fail);
    const expanded = substitute(base, vars, fields, [], fail) as Record<string, unknown>;
    const parsed = scenarioSchema.safeParse(expanded, { reportInput: true });
    if (!parsed.success) {
      const p = zodProblem(parsed.error, []);
      fail(p.path, p.message, p.key);
    }
    const scenario = parsed.data!;

    const deviceIds = new Set(scenario.devices.map((d) => d.id));
    const keyIds = new Set((scenario.keys?.apns ?? []).map((k) => k.id));
    (scenario.keys?.apns ?? []).forEach((key, i) => {
      if (key.p8 && (!key.teamId || !key.keyId))
        fail(
          ['keys', 'apns', i],
          `keys.apns.${i}: a .p8 file needs the teamId and keyId it is registered under (Apple shows both with the key)`,
        );
    });
    const appIds = new Set(scenario.apps.map((a) => a.id));
    scenario.apps.forEach((app, i) => {
      if (app.entry && app.rnEntry)
        fail(
          ['apps', i, 'rnEntry'],
          `apps.${i}: give entry (a main(api) module) or rnEntry (a React Native index.js), not both`,
        );
    });
    scenario.apps.forEach((app, i) => {
      if (!deviceIds.has(app.device))
        fail(
          ['apps', i, 'device'],
          `apps.${i}.device: no device "${app.device}" (devices: ${[...deviceIds].join(', ') || 'none'})`,
        );
    });
    // Lifecycle states and events are the platform machine's (simulator/lifecycle), so they are checked here against
    // the platform of the app's device, not by the schema: a typo fails at load with its line, not halfway through a
    // run.
    const platformOf = new Map(
      scenario.apps.map((app) => [app.id, scenario.devices.find((d) => d.id === app.device)!.platform as Platform]),
    );
    const checkState = (path: (string | number)[], appId: string, state: string): void => {
      const platform = platformOf.get(appId)!;
      const states = lifecycleStates(platform);
      if (!states.includes(state))
        fail(
          path,
          `${path.join('.')}: "${state}" is not a lifecycle state of an ${platform === 'ios' ? 'iOS' : 'Android'} app (app "${appId}"); states: ${states.join(', ')}`,
        );
    };
    scenario.apps.forEach((app, i) => {
      if (app.state === undefined) return;
      checkState(['apps', i, 'state'], app.id, app.state);
      const platform = platformOf.get(app.id)!;
      if (!pathToState(platform, initialLifecycle(platform), app.state)) {
        fail(
          ['apps', i, 'state'],
          `apps.${i}.state: an app cannot start in "${app.state}": only a push or the clock leads there; start it in a state before and send the push (or advance the clock) in a step`,
        );
      }
    });

    const names = new Set<string>();
    const steps: ScenarioStep[] = scenario.steps.map((step, index) => {
      const keys = Object.keys(step);
      const kind = keys[0] as StepKind;
      if (keys.length !== 1 || !STEP_KINDS.includes(kind)) {
        const bad = keys.find((k) => !STEP_KINDS.includes(k as StepKind)) ?? keys[1];
        fail(
          ['steps', index],
          keys.length === 0
            ? `steps.${index}: an empty step`
            : bad && !STEP_KINDS.includes(bad as StepKind)
              ? `steps.${index}: unknown step "${bad}" (steps: ${STEP_KINDS.join(', ')})`
              : `steps.${index}: one step per list item; found ${keys.join(' and ')}`,
          bad,
        );
      }
      const result = stepSchemas[kind].safeParse(step[kind], { reportInput: true });
      if (!result.success) {
        const p = zodProblem(result.error, ['steps', index, kind]);
        fail(p.path, p.message, p.key);
      }
      const spec = result.data as Record<string, unknown>;
      const checkApp = (field: string): void => {
        const ref = spec?.[field];
        if (typeof ref === 'string' && !appIds.has(ref))
          fail(
            ['steps', index, kind, field],
            `steps.${index}.${kind}.${field}: no app "${ref}" (apps: ${[...appIds].join(', ') || 'none'})`,
          );
      };
      if (typeof spec === 'object' && spec) {
        checkApp('app');
        if (kind === 'apns' && typeof spec.key === 'string' && !keyIds.has(spec.key))
          fail(
            ['steps', index, kind, 'key'],
            `steps.${index}.apns.key: no key "${spec.key}" in keys.apns (keys: ${[...keyIds].join(', ') || 'none'})`,
          );
        (Array.isArray(spec.recipients) ? (spec.recipients as string[]) : []).forEach((ref, i) => {
          if (!appIds.has(ref))
            fail(
              ['steps', index, kind, 'recipients', i],
              `steps.${index}.${kind}.recipients.${i}: no app "${ref}" (apps: ${[...appIds].join(', ') || 'none'})`,
            );
        });
        if (
          (kind === 'lifecycle' || kind === 'expect') &&
          typeof spec.app === 'string' &&
          typeof spec.state === 'string'
        )
          checkState(['steps', index, kind, 'state'], spec.app, spec.state);
        if (kind === 'lifecycle' && typeof spec.event === 'string') {
          const events = lifecycleEvents(platformOf.get(spec.app as string)!);
          if (!events.includes(spec.event))
            fail(
              ['steps', index, kind, 'event'],
              `steps.${index}.lifecycle.event: "${spec.event}" is not a lifecycle event of an ${platformOf.get(spec.app as string) === 'ios' ? 'iOS' : 'Android'} app; events: ${events.join(', ')}`,
            );
        }
        if (kind === 'conditions' && !deviceIds.has(spec.device as string))
          fail(
            ['steps', index, kind, 'device'],
            `steps.${index}.conditions.device: no device "${spec.device}" (devices: ${[...deviceIds].join(', ') || 'none'})`,
          );
        for (const field of ['of', 'push'] as const) {
          const ref = spec[field];
          if (typeof ref === 'string' && !names.has(ref))
            fail(
              ['steps', index, kind, field],
              `steps.${index}.${kind}.${field}: no earlier step named "${ref}" (name a send with as: ${ref})`,
            );
        }
        if (typeof spec.as === 'string') names.add(spec.as);
      }
      return { kind, spec, index, line: locate(doc, counter, ['steps', index]).line };
    });

    const suffix = Object.keys(combo).length ? ` [${describeCombination(combo)}]` : '';
    return { file, path: resolve(file), name: `${scenario.name}${suffix}`, matrix: combo, scenario, steps };
  });
}

export function loadScenarioFile(file: string): ScenarioRun[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioFileError(file, 1, 1, `cannot read the file (${(error as NodeJS.ErrnoException).code})`);
  }
  return loadScenarioText(text, file);
}
