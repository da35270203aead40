// The control API as an OpenAPI 3.1 document, built from the route table (the core's routes and those the service
// modules document) and the zod schemas the routes validate with (served at GET /api/openapi.json; docs/control-api.md
// renders it for the built-in services).
import { z } from 'zod';
import { ErrorSchema, modelJsonSchemas, modelRegistry } from '../model/index.js';
import { SERVICES, type ServiceModule } from '../providers/index.js';
import { controlRoutes, routeSections, type RouteDescriptor, type RouteTag } from './openapi-routes.js';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  tags: { name: RouteTag; description: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, unknown> };
}

export interface OpenApiOperation {
  operationId: string;
  tags: RouteTag[];
  summary: string;
  description?: string;
  parameters?: { name: string; in: 'path' | 'query'; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema; example?: unknown } } };
  responses: Record<string, unknown>;
}

/** pushsim's error answer, inlined (no references) so it compiles on its own. */
function errorSchema(): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(ErrorSchema, {
    target: 'draft-2020-12',
    io: 'output',
  }) as JsonSchema;
  return json;
}

/** The OpenAPI schema of a route's success answer: a reference to its model schema, or an array of them. */
export function responseSchema(route: RouteDescriptor): JsonSchema | undefined {
  if (!route.response) return undefined;
  const list = Array.isArray(route.response);
  const schema = (list ? (route.response as readonly [z.ZodType])[0] : route.response) as z.ZodType;
  const name = modelRegistry.get(schema)?.id;
  if (!name)
    throw new Error(
      `the response schema of ${route.method.toUpperCase()} ${route.path} is not a model schema (simulator/model/)`,
    );
  const ref = { $ref: `#/components/schemas/${name}` };
  return list ? { type: 'array', items: ref } : ref;
}

/** The JSON Schema (2020-12, OpenAPI 3.1's dialect) of what a request may send: defaults make fields optional. */
export function requestJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return json;
}

/** `/devices/:id` under /api → `/api/devices/{id}`. */
export function openApiPath(path: string): string {
  // `:id` and express 5's wildcard `*path` (a path of several segments) are both one OpenAPI path parameter.
  return `/api${path === '/' ? '' : path}`.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');
}

export function operationId(route: RouteDescriptor): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') || part.startsWith('*') ? `by-${part.slice(1)}` : part));
  const camel = [route.method, ...(words.length ? words : ['index'])]
    .join('-')
    .replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase());
  return camel.replace(/[^A-Za-z0-9]/g, '');
}

function parameters(route: RouteDescriptor): OpenApiOperation['parameters'] {
  const list: NonNullable<OpenApiOperation['parameters']> = [];
  for (const [, name] of route.path.matchAll(/[:*]([A-Za-z0-9_]+)/g)) {
    list.push({
      name: name!,
      in: 'path',
      required: true,
      ...(route.params?.[name!] ? { description: route.params[name!] } : {}),
      schema: { type: 'string' },
    });
  }
  if (route.query) {
    const json = requestJsonSchema(route.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = schema;
      list.push({
        name,
        in: 'query',
        required: json.required?.includes(name) ?? false,
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  }
  return list.length ? list : undefined;
}

function responses(route: RouteDescriptor): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  const all: Record<number, string> = { ...route.responses };
  if (route.body || route.query) all[400] ??= 'invalid input: the message names the field and what is allowed';
  for (const [status, description] of Object.entries(all)) {
    const code = Number(status);
    if (code >= 400)
      answers[status] = {
        description,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    else if (code === 204 || code === 101) answers[status] = { description };
    else {
      const schema = responseSchema(route);
      answers[status] = { description, content: { [route.produces ?? 'application/json']: schema ? { schema } : {} } };
    }
  }
  answers.default = { $ref: '#/components/responses/Error' };
  return answers;
}

/** `APNs, FCM and ZPNs`: the titles of the modules that document routes. */
function titles(modules: readonly ServiceModule[]): string {
  const names = modules.filter((m) => m.controlRoutes).map((m) => m.title);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'no');
}

/** The document of a control plane serving `modules` (the built-in services by default). */
export function buildOpenApiDocument(version: string, modules: readonly ServiceModule[] = SERVICES): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of controlRoutes(modules)) {
    const operation: OpenApiOperation = {
      operationId: operationId(route),
      tags: [route.tag],
      summary: route.summary,
      ...(route.description || route.websocket
        ? {
            description: [
              route.websocket ? 'A WebSocket endpoint: GET with `Upgrade: websocket`.' : '',
              route.description ?? '',
            ]
              .filter(Boolean)
              .join(' '),
          }
        : {}),
      ...(parameters(route) ? { parameters: parameters(route)! } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: requestJsonSchema(route.body),
                  ...(route.example !== undefined ? { example: route.example } : {}),
                },
              },
            },
          }
        : {}),
      responses: responses(route),
    };
    (paths[openApiPath(route.path)] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'pushsim control API',
      version,
      description:
        `Drive the simulator: devices, apps and their lifecycles, pushes and their fates, and the ${titles(modules)} providers. ` +
        'Request bodies are JSON (any content-type is read as JSON); unknown fields are refused so typos do not pass silently. ' +
        'Every error is `{ "error": { "code", "message", "field"? } }`, its code one of the catalogue (`GET /api/errors`).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: routeSections(modules).map(({ tag, description }) => ({ name: tag, description })),
    paths,
    components: {
      schemas: { ...modelJsonSchemas(), Error: errorSchema() },
      responses: {
        Error: {
          description: "pushsim's error shape",
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
