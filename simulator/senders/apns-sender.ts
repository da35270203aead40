// pushsim's own APNs sender: one push over the real wire (HTTP/2 via http2-wrapper), with a provider token signed from
// a .p8 key, and Apple's answer back. Used by `pushsim push` and by scenario steps.
import { createPrivateKey, sign } from 'node:crypto';
import type http2 from 'http2-wrapper';
import { http2Wrapper } from './http2-wrapper-module.js';

export interface ApnsSendInput {
  /** Endpoint base URL, e.g. https://127.0.0.1:4801 (sandbox) or :4803 (production). */
  url: string;
  token: string;
  /** Header values; an array sends the header once per value (to provoke DuplicateHeaders). */
  headers: Record<string, string | string[]>;
  /** Overrides for requests that test the endpoint's own checks: another path (BadPath), another method. */
  path?: string;
  method?: string;
  payload: string;
  /** CA to trust (pushsim's). */
  ca?: string;
  /** Token auth: a .p8 key with its ids. */
  key?: { teamId: string; keyId: string; p8: string };
  /** Certificate auth: a client certificate and key. */
  certificate?: { cert: string; key: string };
  /** An http2-wrapper Agent to pool connections on (closed by the caller); the global agent otherwise. */
  agent?: InstanceType<typeof http2.Agent>;
}

export interface ApnsAnswer {
  status: number;
  apnsId?: string;
  uniqueId?: string;
  /** The channel management API's answer headers (a created channel's id; the request id). */
  channelId?: string;
  requestId?: string;
  reason?: string;
  timestamp?: number;
  body: string;
}

export function signProviderToken(key: { teamId: string; keyId: string; p8: string }, issuedAtMs = Date.now()): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'ES256', kid: key.keyId })}.${part({ iss: key.teamId, iat: Math.floor(issuedAtMs / 1000) })}`;
  const signature = sign('sha256', Buffer.from(unsigned), {
    key: createPrivateKey(key.p8),
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
  return `${unsigned}.${signature}`;
}

/** Errors that mean the stream was never opened on a session APNs had closed (GOAWAY): safe to send again once. */
const NOT_SENT = new Set(['ERR_HTTP2_GOAWAY_SESSION', 'ERR_HTTP2_INVALID_SESSION']);

/**
 * Whether the push was certainly not processed: a session that had gone away, or a stream the server refused
 * (REFUSED_STREAM "indicates that no application processing was performed", RFC 9113 §8.7), as pushsim does to a
 * stream sent on a connection after its Shutdown answer.
 */
function wasNotSent(error: NodeJS.ErrnoException): boolean {
  return (
    NOT_SENT.has(error.code ?? '') || (error.code === 'ERR_HTTP2_STREAM_ERROR' && /REFUSED_STREAM/.test(error.message))
  );
}

export async function sendApns(input: ApnsSendInput): Promise<ApnsAnswer> {
  try {
    return await sendOnce(input);
  } catch (error) {
    if (!wasNotSent(error as NodeJS.ErrnoException)) throw error;
    // http2-wrapper keeps handing out a session after its GOAWAY; drop the pool's sessions and connect afresh.
    (input.agent ?? http2Wrapper().globalAgent).destroy();
    return sendOnce(input);
  }
}

function sendOnce(input: ApnsSendInput): Promise<ApnsAnswer> {
  const headers: Record<string, string | string[]> = { ...input.headers };
  if (input.key) headers.authorization = `bearer ${signProviderToken(input.key)}`;
  const url = new URL(input.path ?? `/3/device/${input.token}`, input.url);
  const method = input.method ?? 'POST';
  const body = ['GET', 'HEAD', 'DELETE'].includes(method.toUpperCase()) ? undefined : input.payload;
  return new Promise((resolve, reject) => {
    const request = http2Wrapper().request(
      url,
      {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        ...(input.ca ? { ca: input.ca } : {}),
        ...(input.certificate ? { cert: input.certificate.cert, key: input.certificate.key } : {}),
        ...(input.agent ? { agent: input.agent } : {}),
        // Certificates name localhost; SNI may not be an IP address (RFC 6066).
        ...(/^[\d.]+$|:/.test(url.hostname) ? { servername: 'localhost' } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const answer: ApnsAnswer = { status: response.statusCode ?? 0, body };
          const id = response.headers['apns-id'];
          if (typeof id === 'string') answer.apnsId = id;
          const unique = response.headers['apns-unique-id'];
          if (typeof unique === 'string') answer.uniqueId = unique;
          const channelId = response.headers['apns-channel-id'];
          if (typeof channelId === 'string') answer.channelId = channelId;
          const requestId = response.headers['apns-request-id'];
          if (typeof requestId === 'string') answer.requestId = requestId;
          if (body) {
            try {
              const json = JSON.parse(body) as { reason?: string; timestamp?: number };
              if (json.reason) answer.reason = json.reason;
              if (json.timestamp !== undefined) answer.timestamp = json.timestamp;
            } catch {
              /* not JSON: keep the raw body */
            }
          }
          resolve(answer);
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
