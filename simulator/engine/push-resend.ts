// Sends a push of the ledger again (POST /api/pushes/{id}/resend, the dashboard's "resend"): the request as the ledger
// keeps it (the normalised push: payload, headers, kind, priority, collapse id, expiry), under a new id, along the same
// path the service hands its accepted pushes on (the router, on the push's channel). The wire checks that already
// passed once (authentication, topic, injected faults, rate) are not run again; the token is checked again, as the
// service would, so a resend to an uninstalled app answers the way the service answers it.
import { randomBytes, randomUUID } from 'node:crypto';
import { ErrorCodes, SimulatorError, type LedgerEntry, type Push } from '../core/index.js';
import type { Simulation } from './simulation.js';

export interface ResendResult {
  resentFrom: string;
  /** The new push's id, when the service took it. */
  pushId?: string;
  /** The status the service answers the send with. */
  status: number;
  /** The service's answer body (`{ "apns-id" }`, `{ name }`) or `{ reason }`. */
  answer: Record<string, unknown>;
}

export function resendPush(sim: Simulation, id: string): ResendResult {
  const entry = sim.ledger.get(id);
  if (!entry)
    throw new SimulatorError(
      ErrorCodes.PUSH_NOT_FOUND,
      `no push "${id}" in the ledger (it may have been evicted); list pushes with GET /api/pushes`,
      'id',
    );
  const problem = unsendable(entry);
  if (problem) throw new SimulatorError(ErrorCodes.PUSH_NOT_RESENDABLE, `push "${id}" ${problem}`, 'id');
  const now = sim.clock.now();
  const original = entry.push;
  const address = sim.registry.resolveToken(original.token);
  if (!address) {
    const gone = sim.registry.uninstalledToken(original.token);
    return { resentFrom: id, ...refusal(original.provider, gone ? gone.uninstalledAt : undefined, entry) };
  }
  const newId = newPushId(original.provider, now);
  const push: Push = {
    id: newId,
    provider: original.provider,
    ...(original.channel ? { channel: original.channel } : {}),
    token: original.token,
    kind: original.kind,
    priority: original.priority,
    payload: structuredClone(original.payload),
    acceptedAt: now,
    notes: [...(original.notes ?? []), `resent from push ${id}`],
  };
  if (original.headers)
    push.headers = {
      ...original.headers,
      ...(original.headers['apns-id'] !== undefined ? { 'apns-id': newId } : {}),
    };
  // The same time to live from the new acceptance: an apns-expiration / ttl is relative to when the service took it.
  if (original.expiresAt !== undefined)
    push.expiresAt = original.expiresAt === 0 ? 0 : now + Math.max(0, original.expiresAt - original.acceptedAt);
  if (original.collapseId !== undefined) push.collapseId = original.collapseId;
  sim.router.route(push, address);
  return { resentFrom: id, pushId: newId, status: 200, answer: acceptedAnswer(push, address.app.fcmProject) };
}

/** Why the entry holds no request to send again; undefined when it does. */
function unsendable(entry: LedgerEntry): string | undefined {
  if (entry.history[0]?.name === 'rejected')
    return `was refused by ${entry.provider} (${entry.history[0].reason ?? 'rejected'}): its ledger entry keeps only what the refusal recorded, not a request to send again; send it anew (POST /api/pushes or the service's endpoint)`;
  if (entry.push.kind === undefined)
    return 'is of a push type pushsim does not deliver; there is no request to route again';
  return undefined;
}

/** A new push id in the service's own spelling: APNs ids are UUIDs, FCM message ids `0:<time><hex>%<hex>`. */
function newPushId(provider: string, now: number): string {
  if (provider === 'fcm') return `0:${now}${randomBytes(4).toString('hex')}%${randomBytes(8).toString('hex')}`;
  return randomUUID();
}

/** The body the service answers a taken push with. */
function acceptedAnswer(push: Push, fcmProject: string | undefined): Record<string, unknown> {
  if (push.provider === 'apns') return { 'apns-id': push.id };
  // "-" is Google's wildcard for a project the answer does not name (the ledger does not keep it).
  if (push.provider === 'fcm') return { name: `projects/${fcmProject ?? '-'}/messages/${push.id}` };
  return { id: push.id };
}

/** The answer when the token no longer leads to an app: the service's status and reason. */
function refusal(
  provider: string,
  uninstalledAt: number | undefined,
  entry: LedgerEntry,
): Omit<ResendResult, 'resentFrom'> {
  const gone = uninstalledAt !== undefined;
  if (provider === 'apns')
    return gone
      ? { status: 410, answer: { reason: 'Unregistered', timestamp: uninstalledAt } }
      : { status: 400, answer: { reason: 'BadDeviceToken' } };
  if (provider === 'fcm')
    return {
      status: 404,
      answer: {
        error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
        reason: 'UNREGISTERED',
      },
    };
  return {
    status: gone ? 410 : 404,
    answer: {
      reason: gone
        ? `the app that owned the token (${entry.appId ?? 'unknown'}) was uninstalled at ${new Date(uninstalledAt).toISOString()}`
        : 'no installed app owns the token any more',
    },
  };
}
