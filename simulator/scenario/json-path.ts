// A small JSONPath subset for scenario expectations: `$.a.b[0].c`, `$['key with.dots']`.

export function readJsonPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`JSONPath "${path}" must start with $`);
  const parts: (string | number)[] = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;
  let rest = path.slice(1);
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(rest))) {
    if (match.index !== consumed) throw new Error(`JSONPath "${path}" is not understood near "${rest.slice(consumed)}"`);
    consumed = pattern.lastIndex;
    parts.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (match[3] ?? match[4])!));
  }
  if (consumed !== rest.length) throw new Error(`JSONPath "${path}" is not understood near "${rest.slice(consumed)}"`);
  rest = '';
  let node = value;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

/** Whether `actual` contains `expected`: objects by key (recursively), everything else by deep equality. */
export function partialMatch(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([k, v]) => partialMatch((actual as Record<string, unknown>)[k], v));
  }
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((v, i) => partialMatch(actual[i], v));
  return Object.is(actual, expected) || JSON.stringify(actual) === JSON.stringify(expected);
}
