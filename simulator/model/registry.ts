// The registry the model's schemas are entered in under their OpenAPI names (components.schemas.<id>).
import { z } from 'zod';

export const modelRegistry = z.registry<{ id: string; description: string }>();

/** Enters a schema in the model under `id` (its OpenAPI component name), with a description of what it is. */
export function named<S extends z.ZodType>(id: string, description: string, schema: S): S {
  modelRegistry.add(schema, { id, description });
  return schema;
}

/** Compile-time check that two types are the same: `true` or a type error at the use. */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const same = <T extends true>(): T | undefined => undefined;
