// Reads a scenario file (YAML, or JSON), checks it against the schema with file:line:column errors, and expands its
// matrix and variables into the runs to execute.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node } from 'yaml';
import type { ZodError } from 'zod';
import { scenarioSchema, stepSchemas, STEP_KINDS, type Scenario, type StepKind } from './scenario-schema.js';
import { ScenarioFileError } from './scenario-error.js';

export interface ScenarioStep { kind: StepKind; spec: any; index: number; line: number }

export interface ScenarioRun {
  file: string;
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
    const range = (node as { range?: [number, number, number] } | undefined)?.range ?? (depth === 0 ? (doc.contents as { range?: [number, number, number] } | null)?.range : undefined);
    if (range) {
      // For an unknown key, point at the key itself.
      const pos = counter.linePos(range[0]);
      return { line: pos.line, col: pos.col };
    }
  }
  return { line: 1, col: 1 };
}

function keyPosition(doc: Document, counter: LineCounter, path: (string | number)[], key: string): { line: number; col: number } | undefined {
  const parent = doc.getIn(path, true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
  const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return undefined;
  const pos = counter.linePos(range[0]);
  return { line: pos.line, col: pos.col };
}

function zodProblem(error: ZodError, prefix: (string | number)[]): { path: (string | number)[]; message: string; key?: string } {
  const issue = error.issues[0]!;
  const path = [...prefix, ...(issue.path as (string | number)[])];
  const where = path.join('.');
  if (issue.code === 'unrecognized_keys') return { path, key: issue.keys[0], message: `unknown key "${issue.keys[0]}" in ${where || 'the scenario'}` };
  if (issue.code === 'invalid_type') {
    const got = (issue as { input?: unknown }).input === undefined ? 'nothing' : typeof (issue as { input?: unknown }).input;
    return { path, message: `${where}: expected ${(issue as { expected: string }).expected}, got ${got}` };
  }
  if (issue.code === 'invalid_value') return { path, message: `${where}: ${issue.message}` };
  return { path, message: `${where}: ${issue.message}` };
}

/** Substitutes `${name}`: a whole-string reference keeps the variable's type, otherwise it is interpolated. */
function substitute(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
    if (whole && whole[1]! in vars) return vars[whole[1]!];
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  return value;
}

function combinations(matrix: Record<string, unknown[]> | undefined): Record<string, unknown>[] {
  if (!matrix || Object.keys(matrix).length === 0) return [{}];
  let result: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(matrix)) result = result.flatMap((combo) => values.map((v) => ({ ...combo, [key]: v })));
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
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail([], 'a scenario file holds one mapping with name, devices, apps and steps');
  const base = raw as Record<string, unknown>;
  const matrix = base.matrix as Record<string, unknown[]> | undefined;

  return combinations(matrix && typeof matrix === 'object' ? matrix : undefined).map((combo) => {
    const vars = { ...((base.vars as Record<string, unknown>) ?? {}), ...combo };
    const expanded = substitute(base, vars) as Record<string, unknown>;
    const parsed = scenarioSchema.safeParse(expanded);
    if (!parsed.success) { const p = zodProblem(parsed.error, []); fail(p.path, p.message, p.key); }
    const scenario = parsed.data!;

    const deviceIds = new Set(scenario.devices.map((d) => d.id));
    const appIds = new Set(scenario.apps.map((a) => a.id));
    scenario.apps.forEach((app, i) => { if (!deviceIds.has(app.device)) fail(['apps', i, 'device'], `apps.${i}.device: no device "${app.device}" (devices: ${[...deviceIds].join(', ') || 'none'})`); });

    const names = new Set<string>();
    const steps: ScenarioStep[] = scenario.steps.map((step, index) => {
      const keys = Object.keys(step);
      const kind = keys[0] as StepKind;
      if (keys.length !== 1 || !STEP_KINDS.includes(kind)) {
        const bad = keys.find((k) => !STEP_KINDS.includes(k as StepKind)) ?? keys[1];
        fail(['steps', index], keys.length === 0 ? `steps.${index}: an empty step` : bad && !STEP_KINDS.includes(bad as StepKind)
          ? `steps.${index}: unknown step "${bad}" (steps: ${STEP_KINDS.join(', ')})`
          : `steps.${index}: one step per list item; found ${keys.join(' and ')}`, bad);
      }
      const result = stepSchemas[kind].safeParse(step[kind]);
      if (!result.success) { const p = zodProblem(result.error, ['steps', index, kind]); fail(p.path, p.message, p.key); }
      const spec = result.data as Record<string, unknown>;
      const checkApp = (field: string): void => {
        const ref = spec?.[field];
        if (typeof ref === 'string' && !appIds.has(ref)) fail(['steps', index, kind, field], `steps.${index}.${kind}.${field}: no app "${ref}" (apps: ${[...appIds].join(', ') || 'none'})`);
      };
      if (typeof spec === 'object' && spec) {
        checkApp('app');
        if (kind === 'conditions' && !deviceIds.has(spec.device as string)) fail(['steps', index, kind, 'device'], `steps.${index}.conditions.device: no device "${spec.device}" (devices: ${[...deviceIds].join(', ') || 'none'})`);
        for (const field of ['of', 'push'] as const) {
          const ref = spec[field];
          if (typeof ref === 'string' && !names.has(ref)) fail(['steps', index, kind, field], `steps.${index}.${kind}.${field}: no earlier step named "${ref}" (name a send with as: ${ref})`);
        }
        if (typeof spec.as === 'string') names.add(spec.as);
      }
      return { kind, spec, index, line: locate(doc, counter, ['steps', index]).line };
    });

    const suffix = Object.keys(combo).length ? ` [${Object.entries(combo).map(([k, v]) => `${k}=${v}`).join(', ')}]` : '';
    return { file, name: `${scenario.name}${suffix}`, matrix: combo, scenario, steps };
  });
}

export function loadScenarioFile(file: string): ScenarioRun[] {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (error) { throw new ScenarioFileError(file, 1, 1, `cannot read the file (${(error as NodeJS.ErrnoException).code})`); }
  return loadScenarioText(text, file);
}

export { isSeq };
