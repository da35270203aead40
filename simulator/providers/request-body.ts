// Reads an HTTP/1.1 or HTTP/2 compatibility request's body with a size cap, for the JSON-over-HTTP services (FCM,
// HMS): past the cap it stops reading and says so, so the service answers with its own "too large" error.
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';

export function readCappedBody(
  req: IncomingMessage | Http2ServerRequest,
  maxBytes: number,
): Promise<Buffer | 'too-large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: Buffer | 'too-large'): void => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish('too-large');
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', () => finish(Buffer.concat(chunks)));
  });
}
