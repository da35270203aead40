// The pushes view's filters as the URL holds them (/pushes?service=&app=&device=&fate=&callback=&rule=&q=), applied
// to ledger entries in the page: the list is live, so filtering where the entries already are keeps it instant.
import type { LedgerEntryModel } from './model.js';

export const FILTER_KEYS = ['service', 'app', 'device', 'fate', 'callback', 'rule', 'q'] as const;
export type PushFilter = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

export function filterFromQuery(query: URLSearchParams): PushFilter {
  const filter: PushFilter = {};
  for (const key of FILTER_KEYS) {
    const value = query.get(key);
    if (value) filter[key] = value;
  }
  return filter;
}

const payloadText = new WeakMap<object, string>();

/** The payload and headers as lower-case text, built once per entry, for the text search. */
function searchText(entry: LedgerEntryModel): string {
  let text = payloadText.get(entry);
  if (text === undefined) {
    text =
      `${JSON.stringify(entry.push.payload)} ${JSON.stringify(entry.push.headers ?? {})} ${entry.id} ${entry.fate.reason ?? ''}`.toLowerCase();
    payloadText.set(entry, text);
  }
  return text;
}

/** The rule ids that decided any of the entry's fates. */
export function ruleIdsOf(entry: LedgerEntryModel): string[] {
  return entry.history.flatMap((fate) => fate.ruleIds ?? []);
}

export function matchesFilter(entry: LedgerEntryModel, filter: PushFilter): boolean {
  if (filter.service && entry.provider !== filter.service && entry.push.channel !== filter.service) return false;
  if (filter.app && entry.appId !== filter.app) return false;
  if (filter.device && entry.deviceId !== filter.device) return false;
  if (filter.fate && entry.fate.name !== filter.fate) return false;
  if (filter.callback && !entry.history.some((fate) => fate.callback === filter.callback)) return false;
  if (filter.rule && !ruleIdsOf(entry).includes(filter.rule)) return false;
  if (filter.q && !searchText(entry).includes(filter.q.toLowerCase())) return false;
  return true;
}
