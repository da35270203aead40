// A push from the ledger written out again: as a curl call of POST /api/pushes (the simulator-native send, which needs
// no key) and as a scenario step (docs/scenarios.md: `apns:` / `fcm:` / `push:` steps with an `expect`).
import type { LedgerEntryModel } from './model.js';

export function pushAsCurl(entry: LedgerEntryModel, origin: string): string {
  const { push } = entry;
  const body: Record<string, unknown> = {
    token: push.token,
    kind: push.kind,
    priority: push.priority,
    payload: push.payload,
  };
  if (push.collapseId) body.collapseId = push.collapseId;
  return `curl -sf --json '${JSON.stringify(body).replaceAll("'", "'\\''")}' ${origin}/api/pushes`;
}

const APNS_PUSH_TYPE: Record<string, string> = {
  alert: 'alert',
  'alert+background': 'alert',
  background: 'background',
  voip: 'voip',
};
const APNS_PRIORITY: Record<string, number> = { high: 10, normal: 5, low: 1 };

/** A YAML step (flow style, as the library's files write them) that sends the push again, then expects its fate. */
export function pushAsScenarioStep(entry: LedgerEntryModel): string {
  const { push, fate } = entry;
  const app = entry.appId ?? '<app id>';
  const as = `push${entry.id.slice(0, 4).replace(/[^a-z0-9]/gi, '')}`;
  const payload = JSON.stringify(push.payload);
  let send: string;
  if (entry.provider === 'apns' && APNS_PUSH_TYPE[push.kind]) {
    const headers = JSON.stringify({
      'apns-push-type': APNS_PUSH_TYPE[push.kind],
      'apns-priority': APNS_PRIORITY[push.priority] ?? 10,
      ...(push.collapseId ? { 'apns-collapse-id': push.collapseId } : {}),
    });
    send = `  - apns: { app: ${app}, headers: ${headers}, payload: ${payload}, as: ${as} }`;
  } else if (entry.provider === 'fcm') {
    send = `  - fcm: { app: ${app}, message: ${payload}, as: ${as} }`;
  } else {
    const collapse = push.collapseId ? `, collapseId: ${JSON.stringify(push.collapseId)}` : '';
    send = `  - push: { app: ${app}, kind: ${push.kind}, priority: ${push.priority}, payload: ${payload}${collapse}, as: ${as} }`;
  }
  const callback = fate.callback ? `, callback: ${JSON.stringify(fate.callback)}` : '';
  return `${send}\n  - expect: { of: ${as}, fate: ${fate.name}${callback} }`;
}
