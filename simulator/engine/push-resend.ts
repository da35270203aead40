// Sends a push of the ledger again (POST /api/pushes/{id}/resend, the dashboard's "resend"): the request as the ledger
// keeps it (the normalised push: payload, headers, kind, priority, collapse id, expiry), under a new id, along the same
// path the service hands its accepted pushes on (the router, on the push's channel; a Live Activity push to its
// activity). The wire checks that already passed once (authentication, topic, injected faults, rate) are not run
// again; the token is checked again, as the service would, so a resend to an uninstalled app answers the way the
// service answers it. What the service answers (its ids, bodies and reasons) is the service module's `resend`
// (simulator/providers/service-module.ts); this file only orchestrates.
import { randomUUID } from 'node:crypto';
import { ErrorCodes, SimulatorError, type LedgerEntry, type Push, type TokenAddress } from '../core/index.js';
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

/** What the service answers a resend with: its status and body, and the new push's id when it took it. */
export type ResendAnswer = Omit<ResendResult, 'resentFrom'>;

/** How a push service answers a push of its ledger sent again; each service module declares its own. */
export interface PushResend {
  /** A new push id in the service's own spelling (APNs: a UUID; FCM: `0:<time><hex>%<hex>`). */
  newPushId(now: number): string;
  /** The body the service answers a taken push with (`{ "apns-id" }`, `{ name }`). */
  accepted(push: Push, address: TokenAddress): Record<string, unknown>;
  /**
   * The answer when the token no longer leads to an app (`uninstalledAt` when one owned it once); `push` is the
   * request that was refused (its id a request id of the service's spelling).
   */
  refused(entry: LedgerEntry, uninstalledAt: number | undefined, push: Push): ResendAnswer;
  /**
   * A push the router does not carry (a Live Activity push): sent its own way, with the service's answer; or a
   * sentence saying why it cannot be sent again (answered 409 PUSH_NOT_RESENDABLE); undefined for the router's path.
   */
  ownWay?(sim: Simulation, entry: LedgerEntry, push: Push): ResendAnswer | string | undefined;
}

/** Resends the ledger's push `id`; `resendOf` finds the service's answers (pushsim's own when it has none). */
export function resendPush(
  sim: Simulation,
  id: string,
  resendOf: (provider: string) => PushResend | undefined = () => undefined,
): ResendResult {
  const entry = sim.ledger.get(id);
  if (!entry)
    throw new SimulatorError(
      ErrorCodes.PUSH_NOT_FOUND,
      `no push "${id}" in the ledger (it may have been evicted); list pushes with GET /api/pushes`,
      'id',
    );
  const problem = unsendable(entry);
  if (problem) throw new SimulatorError(ErrorCodes.PUSH_NOT_RESENDABLE, `push "${id}" ${problem}`, 'id');
  const service = resendOf(entry.push.provider) ?? NATIVE_RESEND;
  const now = sim.clock.now();
  const push = pushAgain(entry, service.newPushId(now), now);
  const own = service.ownWay?.(sim, entry, push);
  if (typeof own === 'string') throw new SimulatorError(ErrorCodes.PUSH_NOT_RESENDABLE, `push "${id}" ${own}`, 'id');
  if (own) return { resentFrom: id, ...own };
  const address = sim.registry.resolveToken(push.token);
  if (!address) {
    const gone = sim.registry.uninstalledToken(push.token);
    return { resentFrom: id, ...service.refused(entry, gone ? gone.uninstalledAt : undefined, push) };
  }
  sim.router.route(push, address);
  return { resentFrom: id, pushId: push.id, status: 200, answer: service.accepted(push, address) };
}

/** The entry's push as a new request: a new id, accepted now, its time to live counted from now. */
function pushAgain(entry: LedgerEntry, newId: string, now: number): Push {
  const original = entry.push;
  const push: Push = {
    id: newId,
    provider: original.provider,
    ...(original.channel ? { channel: original.channel } : {}),
    token: original.token,
    kind: original.kind,
    priority: original.priority,
    payload: structuredClone(original.payload),
    acceptedAt: now,
    notes: [...(original.notes ?? []), `resent from push ${entry.id}`],
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
  return push;
}

/** Why the entry holds no request to send again; undefined when it does. */
function unsendable(entry: LedgerEntry): string | undefined {
  if (entry.history[0]?.name === 'rejected')
    return `was refused by ${entry.provider} (${entry.history[0].reason ?? 'rejected'}): its ledger entry keeps only what the refusal recorded, not a request to send again; send it anew (POST /api/pushes or the service's endpoint)`;
  if (entry.push.kind === undefined)
    return 'is of a push type pushsim does not deliver; there is no request to route again';
  return undefined;
}

/** pushsim's own answers, for a service that declares none (a push sent with POST /api/pushes answers alike). */
const NATIVE_RESEND: PushResend = {
  newPushId: () => randomUUID(),
  accepted: (push) => ({ id: push.id }),
  refused: (entry, uninstalledAt) => ({
    status: uninstalledAt !== undefined ? 410 : 404,
    answer: {
      reason:
        uninstalledAt !== undefined
          ? `the app that owned the token (${entry.appId ?? 'unknown'}) was uninstalled at ${new Date(uninstalledAt).toISOString()}`
          : 'no installed app owns the token any more',
    },
  }),
};
