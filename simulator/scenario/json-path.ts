// JSONPath over what an app received (jsonpath-plus): a definite path (`$.aps.alert.title`, `$['key.with.dots']`) gives
// its value or undefined; a path that can match several nodes (`$..badge`, `$.items[*].id`, filters) gives the array
// of matches. And the partial match scenario expectations use.
import { JSONPath } from 'jsonpath-plus';

const INDEFINITE = /\*|\.\.|\[\?|\[[^\]]*[:,][^\]]*\]/;

export function readJsonPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`JSONPath "${path}" must start with $`);
  let matches: unknown[];
  try {
    matches = JSONPath({ path, json: value as object, wrap: true, eval: 'safe' }) as unknown[];
  } catch (error) {
    throw new Error(`JSONPath "${path}" is not understood: ${(error as Error).message}`);
  }
  return INDEFINITE.test(path) ? matches : matches[0];
}

/** Whether `actual` contains `expected`: objects by key (recursively), everything else by deep equality. */
export function partialMatch(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([k, v]) => partialMatch((actual as Record<string, unknown>)[k], v));
  }
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) && expected.length === actual.length && expected.every((v, i) => partialMatch(actual[i], v))
    );
  return Object.is(actual, expected) || JSON.stringify(actual) === JSON.stringify(expected);
}
