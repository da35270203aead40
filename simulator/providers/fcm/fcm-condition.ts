// FCM topic conditions: `'a' in topics && ('b' in topics || !('c' in topics))`, at most five topics; parentheses first,
// then left to right (docs/reference/fcm.md#conditions; `!` is accepted as firebase-admin's docs show, unconfirmed
// in FCM's text).

export type Condition =
  | { kind: 'topic'; topic: string }
  | { kind: 'not'; operand: Condition }
  | { kind: 'and' | 'or'; left: Condition; right: Condition };

const TOPIC_NAME = /^[a-zA-Z0-9-_.~%]{1,900}$/;

export function parseCondition(text: string): Condition {
  const tokens = text.match(/'[^']*'|"[^"]*"|&&|\|\||!|\(|\)|\bin\b|\btopics\b|\S+/g) ?? [];
  let position = 0;
  const peek = (): string | undefined => tokens[position];
  const take = (expected?: string): string => {
    const token = tokens[position++];
    if (token === undefined || (expected && token !== expected))
      throw new Error(`expected ${expected ?? 'more'} at token ${position} of "${text}"`);
    return token;
  };
  const primary = (): Condition => {
    const token = peek();
    if (token === '!') {
      take('!');
      return { kind: 'not', operand: primary() };
    }
    if (token === '(') {
      take('(');
      const inner = expression();
      take(')');
      return inner;
    }
    const quoted = take();
    if (!/^['"].*['"]$/.test(quoted)) throw new Error(`expected a quoted topic name, got ${quoted}`);
    const topic = quoted.slice(1, -1);
    if (!TOPIC_NAME.test(topic)) throw new Error(`"${topic}" is not a valid topic name`);
    take('in');
    take('topics');
    return { kind: 'topic', topic };
  };
  // Google: "FCM first evaluates any conditions in parentheses, and then evaluates the expression from left to right."
  const expression = (): Condition => {
    let left = primary();
    while (peek() === '&&' || peek() === '||') {
      const operator = take() === '&&' ? 'and' : 'or';
      left = { kind: operator, left, right: primary() };
    }
    return left;
  };
  const result = expression();
  if (position !== tokens.length) throw new Error(`unexpected "${tokens[position]}" in "${text}"`);
  return result;
}

export function conditionTopics(condition: Condition): string[] {
  switch (condition.kind) {
    case 'topic':
      return [condition.topic];
    case 'not':
      return conditionTopics(condition.operand);
    default:
      return [...conditionTopics(condition.left), ...conditionTopics(condition.right)];
  }
}

export function evaluateCondition(condition: Condition, subscribed: (topic: string) => boolean): boolean {
  switch (condition.kind) {
    case 'topic':
      return subscribed(condition.topic);
    case 'not':
      return !evaluateCondition(condition.operand, subscribed);
    case 'and':
      return evaluateCondition(condition.left, subscribed) && evaluateCondition(condition.right, subscribed);
    case 'or':
      return evaluateCondition(condition.left, subscribed) || evaluateCondition(condition.right, subscribed);
  }
}
