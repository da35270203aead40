// The depth and size budget of every JSON value pushsim parses or stores: deep enough for any real push or request,
// shallow enough that JSON.stringify (recursive in V8) can always write it back out for a read route or the feed.

/** Nesting levels a body may have; FCM's own parser refuses more than 32, the strictest of the services. */
export const MAX_JSON_DEPTH = 64;
/** Objects, arrays and values a body may hold in all. */
export const MAX_JSON_NODES = 100_000;

/**
 * Why the value is over the budget (`nests deeper than 64 levels`), or undefined when it is within it. Walks with its
 * own stack, so a value deep enough to overflow a recursive walk is measured, not crashed on.
 */
export function jsonBudgetProblem(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
  maxNodes: number = MAX_JSON_NODES,
): string | undefined {
  // Two parallel stacks, not one of [value, depth] pairs: no array per value walked (it runs on every push; issue 14).
  const values: unknown[] = [value];
  const depths: number[] = [0];
  let nodes = 0;
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop()!;
    if (++nodes > maxNodes) return `holds more than ${maxNodes} values`;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return `nests deeper than ${maxDepth} levels`;
    if (Array.isArray(current)) {
      for (const child of current) {
        values.push(child);
        depths.push(depth + 1);
      }
    } else {
      for (const key in current) {
        if (!Object.hasOwn(current, key)) continue;
        values.push((current as Record<string, unknown>)[key]);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}
