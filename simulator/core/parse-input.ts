// Validates input against its zod schema, throwing pushsim's INVALID_INPUT naming the field: what the control routes,
// the services' routes and the shim gateway use.
import type { z } from 'zod';
import { ErrorCodes, type ErrorCode } from './error-codes.js';
import { SimulatorError } from './simulator-error.js';

/** The first problem of a failed schema check as a SimulatorError, with the field's dotted path. */
export function invalidInput(
  error: z.ZodError,
  where = 'body',
  code: ErrorCode = ErrorCodes.INVALID_INPUT,
): SimulatorError {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : where;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys')
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
  return new SimulatorError(code, `${field}: ${message}`, issue.code === 'unrecognized_keys' ? issue.keys[0] : field);
}

/** The parsed value, or an INVALID_INPUT (or `code`) SimulatorError naming the first field at fault. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where = 'body',
  code: ErrorCode = ErrorCodes.INVALID_INPUT,
): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error, where, code);
  return result.data;
}
