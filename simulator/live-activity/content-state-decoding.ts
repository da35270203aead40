// Whether a JSON object decodes as the app's Codable type: ActivityKit decodes `content-state` and `attributes` with
// JSONDecoder, so a missing required field or a field of the wrong JSON type fails and the push changes nothing, while
// unknown fields are ignored (docs/reference/live-activities.md#content-state-decoding).
import type { CodableFieldType } from './activity.js';

/** Why `value` does not decode against `fields`, or undefined when it does. */
export function decodingProblem(
  value: unknown,
  fields: Readonly<Record<string, CodableFieldType>>,
  what: string,
): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `${what} is not a JSON object`;
  const object = value as Record<string, unknown>;
  for (const [name, declared] of Object.entries(fields)) {
    const optional = declared.endsWith('?');
    const type = (optional ? declared.slice(0, -1) : declared) as string;
    const field = object[name];
    if (field === undefined || field === null) {
      if (optional) continue;
      return `${what} has no "${name}" (keyNotFound: the declared type needs a ${type})`;
    }
    if (!matchesJsonType(field, type))
      return `${what}.${name} is ${describe(field)}, the declared type needs a ${type} (typeMismatch)`;
  }
  return undefined;
}

function matchesJsonType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return false;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value} (${JSON.stringify(value)})`;
}
