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
  const stack: [unknown, number][] = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (++nodes > maxNodes) return `holds more than ${maxNodes} values`;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return `nests deeper than ${maxDepth} levels`;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return undefined;
}
