// The ledger of a run as readable lines for failure reports: each push (APNs UUIDs shortened), its provider and kind,
// and its fate history.
import type { LedgerEntry } from '../core/index.js';

export function ledgerLines(entries: LedgerEntry[]): string[] {
  if (entries.length === 0) return ['  (no pushes)'];
  return entries.map((e) => {
    const history = e.history.map((f) => `${f.name}${f.callback ? `→${f.callback}` : ''}`).join(' > ');
    return `  ${/^[0-9a-f]{8}-/.test(e.id) ? e.id.slice(0, 13) : e.id} ${e.provider} ${e.push.kind}${e.appId ? ` to ${e.appId}` : ''}: ${history}${e.fate.reason ? ` (${e.fate.reason})` : ''}`;
  });
}
