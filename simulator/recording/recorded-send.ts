// Turns a push the ledger holds into the scenario step that sends the same push again (`push`, `apns`, `fcm`, `hms`),
// and its fate into the `expect` step that asserts it; a ZIM send (the bus's `zim.sent`) into a `zim` step. The
// request is rebuilt from the normalised Push the service made of it (core/push.ts), so the step gives the service the
// fields that made that Push: providers/apns/apns-server.ts (headers), providers/fcm/fcm-push.ts,
// providers/hms/hms-push.ts.
import type { Fate, LedgerEntry, Push, SimulatorEvents } from '../core/index.js';
import { defaultPriority } from '../engine/index.js';
import { formatDuration, type RecordedApp, type ScenarioStepSpec } from './recorded-step.js';

/** A send as a step, with notes on what it left out; or why it cannot be one. */
export type SendMapping = { step: ScenarioStepSpec; notes: string[] } | { skipped: string };

// Headers the apns step sets itself or that name this run only: the ledger's id, the endpoint it came in on.
const APNS_OWN_HEADERS = new Set(['apns-id', 'environment', 'authorization']);

/** The step that sends `entry`'s push again, named `as`; `app` is the recorded app its token belongs to. */
export function sendStepOf(entry: LedgerEntry, app: RecordedApp | undefined, as: string): SendMapping {
  switch (entry.provider) {
    case 'native':
      return nativeStep(entry.push, app, as);
    case 'apns':
      return apnsStep(entry, app, as);
    case 'fcm':
      return fcmStep(entry.push, app, as);
    case 'hms':
      return hmsStep(entry.push, app, as);
    default:
      return { skipped: `a ${entry.provider} push (${entry.id}): no scenario step sends through ${entry.provider}` };
  }
}

function ttlOf(push: Push): number | undefined {
  if (push.expiresAt === undefined) return undefined;
  return push.expiresAt === 0 ? 0 : Math.max(0, push.expiresAt - push.acceptedAt);
}

function nativeStep(push: Push, app: RecordedApp | undefined, as: string): SendMapping {
  if (!app) return { skipped: `POST /api/pushes to a token no recorded app holds (${push.id})` };
  // The push step addresses an iOS app by its APNs token and an Android app by its FCM token.
  const kind = app.platform === 'ios' ? 'apns' : 'fcm';
  if (app.tokens[kind] !== push.token)
    return { skipped: `POST /api/pushes to ${app.id}'s non-${kind} token: the push step sends to its ${kind} token` };
  const ttl = ttlOf(push);
  const spec: Record<string, unknown> = { app: app.id, kind: push.kind };
  if (push.priority !== defaultPriority(push.kind)) spec.priority = push.priority;
  spec.payload = push.payload;
  if (push.collapseId !== undefined) spec.collapseId = push.collapseId;
  if (ttl !== undefined) spec.ttl = ttl === 0 ? 0 : formatDuration(ttl);
  spec.as = as;
  return { step: { push: spec }, notes: [] };
}

function apnsStep(entry: LedgerEntry, app: RecordedApp | undefined, as: string): SendMapping {
  const { push } = entry;
  const notes: string[] = [];
  const spec: Record<string, unknown> = {};
  if (app && app.tokens.apns === push.token) spec.app = app.id;
  else if (push.token) spec.token = push.token;
  else return { skipped: `an APNs request without a device token (${entry.id}), refused before it had one` };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(push.headers ?? {})) {
    if (APNS_OWN_HEADERS.has(name)) continue;
    if (name === 'apns-topic' && spec.app && value === app!.bundleId) continue;
    if (name === 'apns-expiration' && value !== '0') {
      // An absolute time of this session's clock: the step sets it relative to the run's.
      spec.expiresIn = formatDuration(Number(value) * 1000 - push.acceptedAt);
      continue;
    }
    headers[name] = value;
  }
  if (Object.keys(headers).length) spec.headers = headers;
  spec.payload = push.payload;
  if (push.headers?.environment === 'production') spec.production = true;
  if (entry.fate.name === 'rejected' && Object.keys(push.payload).length === 0)
    notes.push('the request was refused before its payload was read; the step sends an empty one');
  spec.as = as;
  return { step: { apns: spec }, notes };
}

function fcmStep(push: Push, app: RecordedApp | undefined, as: string): SendMapping {
  if (!app || app.tokens.fcm !== push.token)
    return { skipped: `an FCM message to a token no recorded app holds (${push.id})` };
  const notes: string[] = [];
  let message: Record<string, unknown>;
  if (app.platform === 'ios') {
    // FCM hands an iOS token's message to APNs; its apns block alone makes the same push (fcm-push.ts iosPush).
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(push.headers ?? {})) {
      if (name === 'apns-expiration' && value !== '0') {
        notes.push(`apns-expiration ${value} left out: an absolute time of the recorded session's clock`);
        continue;
      }
      headers[name] = value;
    }
    message = { apns: { headers, payload: push.payload } };
  } else {
    const android: Record<string, unknown> = {};
    const { data, notification } = push.payload as { data?: unknown; notification?: unknown };
    if (notification !== undefined) android.notification = notification;
    if (push.headers?.priority) android.priority = push.headers.priority;
    const ttl = ttlOf(push);
    if (ttl !== undefined) android.ttl = `${ttl / 1000}s`;
    if (push.collapseId !== undefined) android.collapse_key = push.collapseId;
    message = { ...(data !== undefined ? { data } : {}), ...(Object.keys(android).length ? { android } : {}) };
  }
  return { step: { fcm: { app: app.id, message, as } }, notes };
}

function hmsStep(push: Push, app: RecordedApp | undefined, as: string): SendMapping {
  if (!app || app.tokens.hms !== push.token)
    return { skipped: `a Push Kit message to a token no recorded app holds (${push.id})` };
  const headers = push.headers ?? {};
  const android: Record<string, unknown> = {};
  for (const name of ['urgency', 'category', 'bi_tag', 'fast_app_target', 'collapse_key'])
    if (headers[name] !== undefined) android[name] = name === 'collapse_key' ? Number(headers[name]) : headers[name];
  const ttl = ttlOf(push);
  if (ttl !== undefined) android.ttl = `${Math.round(ttl / 1000)}s`;
  const { data, notification } = push.payload as { data?: unknown; notification?: Record<string, unknown> };
  if (notification) {
    const { clickAction, ...rest } = notification as { clickAction?: Record<string, unknown> };
    const { richResource, ...action } = clickAction ?? { type: 3 };
    android.notification = {
      ...rest,
      click_action: { ...action, ...(richResource !== undefined ? { rich_resource: richResource } : {}) },
    };
  }
  const spec: Record<string, unknown> = {
    app: app.id,
    message: { ...(data !== undefined ? { data } : {}), ...(Object.keys(android).length ? { android } : {}) },
  };
  // A data message kept HIGH was sent by a Push Kit app holding the permission (hms-push.ts).
  if (push.kind === 'data' && headers.urgency === 'HIGH' && push.priority === 'high')
    spec.highPriorityDataMessages = true;
  spec.as = as;
  return { step: { hms: spec }, notes: [] };
}

/** The `zim` step of a ZIM send; a call cancellation has none. */
export function zimStepOf(send: SimulatorEvents['zim.sent'], as: string): SendMapping {
  if (send.kind === 'call-cancel')
    return { skipped: `a ZIM call cancellation from ${send.fromUserID}: the zim step sends messages and invitations` };
  const spec: Record<string, unknown> = { from: send.fromUserID };
  if (send.kind === 'call-invite') {
    spec.call = true;
    spec.invitees = send.receivers;
  } else {
    spec.to = send.receivers[0];
    if (send.message) spec.message = send.message;
    if (send.priority !== undefined && send.priority !== 2) spec.priority = send.priority;
  }
  if (Object.keys(send.pushConfig).length) spec.pushConfig = send.pushConfig;
  spec.as = as;
  return { step: { zim: spec }, notes: [] };
}

/**
 * The `expect` step asserting a push's fate as observed: its name, the callback that ran, whether a notification was
 * shown, and the rules-table rows that decided it (`rules`); for a refusal, the service's reason (`because`). Where the
 * app ran its own code while recorded (`exact: false`), only the fate is asserted: a virtual app replays it.
 */
export function expectationOf(as: string, fate: Fate, exact = true): ScenarioStepSpec {
  const spec: Record<string, unknown> = { of: as, fate: fate.name };
  if (exact && fate.callback) spec.callback = fate.callback.split(', ')[0];
  if (fate.displayed) spec.displayed = true;
  if (fate.name === 'rejected' && fate.reason) {
    const reason = /^[A-Za-z_]+/.exec(fate.reason)?.[0];
    if (reason) spec.because = `^${reason}`;
  }
  if (exact && fate.ruleIds?.length) spec.rules = [...fate.ruleIds];
  return { expect: spec };
}
