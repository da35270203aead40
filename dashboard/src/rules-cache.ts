// The rules table, read once per page: rows do not change while pushsim runs (they are composed at start).
import { type RuleModel, type RulesTableModel, get } from './api.js';

let table: Promise<RulesTableModel> | undefined;

export function rulesTable(): Promise<RulesTableModel> {
  table ??= get<RulesTableModel>('/rules').catch((error) => {
    table = undefined;
    throw error;
  });
  return table;
}

export async function rulesById(): Promise<Map<string, RuleModel>> {
  const { stages } = await rulesTable();
  return new Map(stages.flatMap((stage) => stage.rules.map((rule) => [rule.id, rule] as const)));
}

/** A source as a link when it is a URL, or the docs/reference path it names. */
export function sourceHref(source: string): string | undefined {
  if (/^https?:\/\//.test(source)) return source;
  // pushsim's own reference docs, served as pages by the control server (simulator/control/reference-docs.ts); a
  // note after the path (`docs/reference/zpns.md#voip (CallKit …)`) stays in the link's text only.
  const reference = /^docs\/reference\/[a-z0-9-]+\.md(#\S*)?/.exec(source);
  return reference ? `/${reference[0]}` : undefined;
}
