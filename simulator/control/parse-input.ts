// Validates a request part against its schema, throwing pushsim's 400 naming the field.
import type { z } from 'zod';
import { invalidInput } from './http-errors.js';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error, where);
  return result.data;
}
