// The public model: the shapes the control API returns, the ws feed sends and the dashboard reads, declared once as zod
// schemas (each member described) with their TypeScript types inferred. The API builds these with explicit mapping
// functions (control/views.ts), never by spreading internal objects; GET /api/openapi.json uses the schemas as its
// response schemas (components.schemas, by the names below). Both the simulator and the client shim may import it.
import { z } from 'zod';
import { modelRegistry } from './registry.js';

export * from './enums.js';
export * from './device.js';
export * from './app.js';
export * from './push.js';
export * from './rule.js';
export * from './error.js';
export * from './service.js';
export * from './broadcast-channel.js';
export * from './platform-callbacks.js';
export * from './sdk-version.js';
export * from './requests.js';
export * from './clock-timer.js';
export * from './resend.js';
export * from './scenario-run.js';
export * from './recording.js';
export * from './live-activity.js';
export * from './wire-send.js';
export { modelRegistry } from './registry.js';

/**
 * The JSON Schemas (2020-12, what the API answers) of every model schema by name, cross-referenced as
 * `#/components/schemas/<name>`.
 */
export function modelJsonSchemas(): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(modelRegistry, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Record<string, unknown>> };
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, { $schema: _dialect, $id: _id, ...schema }] of Object.entries(schemas)) out[name] = schema;
  return out;
}
