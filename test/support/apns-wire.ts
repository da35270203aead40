// Raw HTTP/2 requests to pushsim's APNs endpoint for tests that need byte-level control (duplicate headers, bad
// bodies).
import http2, { type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';

export interface WireAnswer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  json?: { reason?: string; timestamp?: number };
}

export function connectApns(
  url: string,
  ca: string,
  extra: http2.SecureClientSessionOptions = {},
): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { ca, ...extra });
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

export function request(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  body?: string | Buffer,
): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ...headers });
    let responseHeaders: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      responseHeaders = h as Record<string, unknown>;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({
        status: Number(responseHeaders[':status']),
        headers: responseHeaders,
        body: text,
        ...(text ? { json: JSON.parse(text) } : {}),
      });
    });
    stream.on('error', reject);
    if (body === undefined || headers[':method'] === 'GET') stream.end();
    else stream.end(body);
  });
}

/** Signs an APNs provider token (ES256): pushsim's own sender does it. */
export { signProviderToken as providerToken } from '../../simulator/senders/apns-sender.js';
