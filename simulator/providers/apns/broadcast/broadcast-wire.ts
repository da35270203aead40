// The wire conventions the channel management API and broadcast sends share: the `apns-request-id` every answer carries
// (the sender's, or a new UUID), the JSON `{ "reason" }` body of a refusal, and the header checks both make
// (docs/reference/apns-broadcast.md#request-ids).
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { ApnsRejection } from '../apns-reasons.js';
import { BroadcastRejection } from './broadcast-reasons.js';
import { isWellFormedChannelId } from './broadcast-channels.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The request id to answer with: the sender's `apns-request-id` when it is a UUID, else a new one. Apple documents no
 * reason for a malformed one, so pushsim does not refuse it (docs/reference/apns-broadcast.md#request-ids).
 */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headerOf(headers, 'apns-request-id');
  return given && UUID.test(given) ? given.toLowerCase() : randomUUID();
}

/** The `apns-channel-id` header, checked: MissingChannelId when absent, BadChannelId when not a channel id. */
export function channelIdOf(headers: IncomingHttpHeaders): string {
  const channelId = headerOf(headers, 'apns-channel-id');
  if (channelId === undefined || channelId === '')
    throw new BroadcastRejection(
      'MissingChannelId',
      'the apns-channel-id header is required: the id POST /1/apps/<bundle id>/channels answered with',
    );
  if (!isWellFormedChannelId(channelId))
    throw new BroadcastRejection(
      'BadChannelId',
      `apns-channel-id "${channelId.slice(0, 40)}" is not a base64 channel id of at most 128 characters`,
    );
  return channelId;
}

/** An APNs auth or topic refusal (apns-auth.ts) as a broadcast refusal with the same reason. */
export function asBroadcastRejection(error: unknown): BroadcastRejection {
  if (error instanceof BroadcastRejection) return error;
  if (error instanceof ApnsRejection) return new BroadcastRejection(error.reason, error.detail);
  throw error;
}

/** Answers a refusal: its status, `apns-request-id`, and `{ "reason" }`. */
export function answerRejection(stream: ServerHttp2Stream, requestId: string, rejection: BroadcastRejection): void {
  answer(stream, rejection.status, { 'apns-request-id': requestId }, { reason: rejection.reason });
}

/** Answers with a status, headers and an optional JSON body; a stream the client reset meanwhile is left alone. */
export function answer(
  stream: ServerHttp2Stream,
  status: number,
  headers: Record<string, string>,
  body?: Record<string, unknown>,
): void {
  if (stream.destroyed || stream.closed) return;
  try {
    if (body === undefined) {
      stream.respond({ ':status': status, ...headers }, { endStream: true });
      return;
    }
    const text = JSON.stringify(body);
    stream.respond({
      ':status': status,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    stream.end(text);
  } catch {
    /* the client reset the stream meanwhile */
  }
}
