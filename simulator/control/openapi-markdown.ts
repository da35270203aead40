// Renders the control API's OpenAPI document as docs/control-api.md: a route index, then each route's parameters, body
// fields (flattened to dotted names) and an example body.
import {
  buildOpenApiDocument,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
} from './openapi-document.js';
import { routeSections, type RouteTag } from './openapi-routes.js';
import { SERVICES, type ServiceModule } from '../providers/index.js';
import { errorCatalogue } from '../core/index.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const value = (v: unknown): string => JSON.stringify(v);

/** A one-line reading of a JSON Schema: its type and constraints. */
export function describeSchema(schema: JsonSchema): string {
  const s = schema as JsonSchema & {
    anyOf?: JsonSchema[];
    oneOf?: JsonSchema[];
    enum?: unknown[];
    items?: JsonSchema;
    additionalProperties?: unknown;
    properties?: Record<string, JsonSchema>;
  };
  if (s.const !== undefined) return value(s.const);
  if (s.enum) return s.enum.map(value).join(' | ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(describeSchema).join(' or ');
  const limits: string[] = [];
  const range = (lo: string, hi: string, unit: string): void => {
    // zod's int() bounds every integer by the safe range; that says nothing to a reader.
    const min = s[lo] === Number.MIN_SAFE_INTEGER ? undefined : (s[lo] as number | undefined);
    const max = s[hi] === Number.MAX_SAFE_INTEGER ? undefined : (s[hi] as number | undefined);
    if (unit === ' chars' && min === 1 && max === undefined) {
      limits.push('non-empty');
      return;
    }
    if (min !== undefined && max !== undefined) limits.push(`${min}–${max}${unit}`);
    else if (min !== undefined) limits.push(`≥ ${min}${unit}`);
    else if (max !== undefined) limits.push(`≤ ${max}${unit}`);
  };
  let type: string;
  switch (s.type) {
    case 'string':
      type = 'string';
      range('minLength', 'maxLength', ' chars');
      if (typeof s.pattern === 'string') limits.push(`matching ${code(s.pattern)}`);
      break;
    case 'number':
    case 'integer':
      type = s.type;
      if (s.exclusiveMinimum !== undefined) limits.push(`> ${String(s.exclusiveMinimum)}`);
      range('minimum', 'maximum', '');
      break;
    case 'array':
      type = `array of ${s.items ? describeSchema(s.items) : 'anything'}`;
      range('minItems', 'maxItems', ' items');
      break;
    case 'object':
      type = s.properties ? 'object' : 'object (any keys)';
      break;
    case undefined:
      type = 'any JSON';
      break;
    default:
      type = String(s.type);
  }
  return limits.length ? `${type}, ${limits.join(', ')}` : type;
}

interface FieldRow {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

/** Top-level fields and, for nested objects and arrays of objects, their fields as `a.b` and `a[].b`. */
function fieldRows(schema: JsonSchema, prefix = ''): FieldRow[] {
  const s = schema as { properties?: Record<string, JsonSchema>; required?: string[] };
  const rows: FieldRow[] = [];
  for (const [name, field] of Object.entries(s.properties ?? {})) {
    const path = `${prefix}${name}`;
    rows.push({ name: path, schema: field, required: s.required?.includes(name) ?? false });
    const f = field as { type?: string; properties?: unknown; items?: JsonSchema };
    if (f.type === 'object' && f.properties) rows.push(...fieldRows(field, `${path}.`));
    if (f.type === 'array' && (f.items as { properties?: unknown } | undefined)?.properties)
      rows.push(...fieldRows(f.items!, `${path}[].`));
  }
  return rows;
}

function notes(schema: JsonSchema): string {
  const parts: string[] = [];
  if (typeof schema.description === 'string') parts.push(schema.description);
  if (schema.default !== undefined) parts.push(`default ${code(value(schema.default))}`);
  return parts.join('; ');
}

/** ` (a [Device](#device))` for an answer whose schema is a model schema, or a list of them. */
function modelOf(response: unknown): string {
  const content = (response as { content?: Record<string, { schema?: { $ref?: string; items?: { $ref?: string } } }> })
    .content;
  const schema = content ? Object.values(content)[0]?.schema : undefined;
  const ref = schema?.$ref ?? schema?.items?.$ref;
  if (!ref) return '';
  const name = ref.split('/').pop()!;
  return schema?.items ? ` (a list of [${name}](#${name.toLowerCase()}))` : ` ([${name}](#${name.toLowerCase()}))`;
}

/** Each model schema's members, as the API returns them. */
function renderModel(document: OpenApiDocument): string[] {
  const out = [
    '## Model',
    '',
    'What the routes answer: the schemas of simulator/model/, member by member (`GET /api/openapi.json` has them as `components.schemas`).',
    '',
  ];
  for (const [name, schema] of Object.entries(document.components.schemas)) {
    if (name === 'Error') continue;
    out.push(`### ${name}`, '');
    if (typeof schema.description === 'string') out.push(`${schema.description}.`, '');
    const rows = fieldRows(schema);
    if (rows.length) {
      out.push('| Member | Type | Always there | Notes |', '|---|---|---|---|');
      for (const row of rows)
        out.push(
          `| ${code(row.name)} | ${cell(describeModelType(row.schema))} | ${row.required ? 'yes' : 'no'} | ${cell(notes(row.schema))} |`,
        );
      out.push('');
    }
  }
  return out;
}

/** Like describeSchema, but names referenced model schemas. */
function describeModelType(schema: JsonSchema): string {
  const s = schema as { $ref?: string; type?: string; items?: JsonSchema & { $ref?: string } };
  if (s.$ref) return s.$ref.split('/').pop()!;
  if (s.type === 'array' && s.items?.$ref) return `array of ${s.items.$ref.split('/').pop()!}`;
  return describeSchema(schema);
}

function renderOperation(method: string, path: string, op: OpenApiOperation): string[] {
  const out: string[] = [
    `### ${method.toUpperCase()} ${path}`,
    '',
    op.summary + (op.summary.endsWith('.') ? '' : '.'),
    '',
  ];
  if (op.description) out.push(op.description, '');
  const params = op.parameters ?? [];
  if (params.length) {
    out.push('| Parameter | In | Type | Required | Notes |', '|---|---|---|---|---|');
    for (const p of params)
      out.push(
        `| ${code(p.name)} | ${p.in} | ${cell(describeSchema(p.schema))} | ${p.required ? 'yes' : 'no'} | ${cell([p.description ?? '', notes(p.schema)].filter(Boolean).join('; '))} |`,
      );
    out.push('');
  }
  const body = op.requestBody?.content['application/json'];
  if (body) {
    const rows = fieldRows(body.schema);
    const closed = (body.schema as { additionalProperties?: unknown }).additionalProperties === false;
    out.push(`Body (JSON${closed ? '; unknown fields are refused' : ''}):`, '');
    if (rows.length) {
      out.push('| Field | Type | Required | Notes |', '|---|---|---|---|');
      for (const row of rows)
        out.push(
          `| ${code(row.name)} | ${cell(describeSchema(row.schema))} | ${row.required ? 'yes' : 'no'} | ${cell(notes(row.schema))} |`,
        );
      out.push('');
    }
    if (body.example !== undefined) out.push('```json', JSON.stringify(body.example), '```', '');
  }
  const answers = Object.entries(op.responses).filter(([status]) => status !== 'default');
  out.push(
    `Answers: ${answers.map(([status, r]) => `${status} ${(r as { description: string }).description}${modelOf(r)}`).join('; ')}; otherwise the error shape.`,
    '',
  );
  return out;
}

/** docs/control-api.md for a control plane serving `modules` (the built-in services by default). */
export function renderControlApiMarkdown(
  modules: readonly ServiceModule[] = SERVICES,
  document: OpenApiDocument = buildOpenApiDocument('', modules),
): string {
  const out: string[] = [
    '# Control API',
    '',
    '<!-- Generated from simulator/control/openapi-routes.ts and the zod request schemas by `npm run docs:api`; do not edit. -->',
    '',
    `${document.info.description}`,
    '',
    'The same reference, machine-readable: `GET /api/openapi.json` (OpenAPI 3.1; body schemas are JSON Schema 2020-12). `GET /api` lists the entry points.',
    '',
    '## Errors',
    '',
    'Every failure answers with an HTTP status and',
    '',
    '```json',
    '{ "error": { "code": "INVALID_INPUT", "message": "platform: Invalid option: expected one of \\"ios\\"|\\"android\\"", "field": "platform" } }',
    '```',
    '',
    '`code` is one of the catalogue below (also `GET /api/errors`), `message` says what was wrong and what is allowed, `field` is the dotted path of the field at fault when there is one. No stack trace is ever sent. The client shim\'s ws (`/api/shim`) answers the same shape: an `error` frame is `{ "type": "error", "code", "message", "field"? }` and a failed reply carries `error: { code, message, field? }`.',
    '',
    '<!-- Generated from simulator/core/error-codes.ts. -->',
    '',
    '| Code | Status | Meaning | What to do |',
    '|---|---|---|---|',
    ...errorCatalogue().map((e) => `| ${code(e.code)} | ${e.status} | ${cell(e.meaning)} | ${cell(e.fix)} |`),
    '',
    '## Routes',
    '',
    '| Method | Path | Summary |',
    '|---|---|---|',
  ];
  const byTag = new Map<RouteTag, [string, string, OpenApiOperation][]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0]!;
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push([method, path, op]);
    }
  }
  const sections = routeSections(modules).filter((section) => byTag.has(section.tag));
  for (const { tag } of sections)
    for (const [method, path, op] of byTag.get(tag)!)
      out.push(`| ${method.toUpperCase()} | [${code(path)}](#${anchor(method, path)}) | ${cell(op.summary)} |`);
  out.push('');
  for (const { tag, title, description } of sections) {
    out.push(`## ${title}`, '', `${description}.`, '');
    for (const [method, path, op] of byTag.get(tag)!) out.push(...renderOperation(method, path, op));
  }
  out.push(...renderModel(document));
  return `${out.join('\n').trimEnd()}\n`;
}

/** GitHub's heading anchor for `### GET /api/devices/{id}`. */
function anchor(method: string, path: string): string {
  return `${method} ${path}`
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}
