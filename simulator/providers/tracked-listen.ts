// Listening for a provider's server so that closing it never waits on a client: every socket is kept (also one still
// in its TLS handshake, an HTTP/1.1 keep-alive or an HTTP/2 session a client leaves open) and ended on close; and an
// HTTP/2 connection whose client never sends the connection preface is closed (issue 13, item 5: 300 such TLS
// connections were all held).
import type { Http2Session } from 'node:http2';
import type { AddressInfo, Server, Socket } from 'node:net';

/** How long an HTTP/2 client may take to send its preface (and SETTINGS) once connected, by default. */
export const DEFAULT_PREFACE_TIMEOUT_MS = 10_000;

export interface ListenTimeouts {
  /**
   * An HTTP/2 session (after TLS, if any) whose client sends no preface within this is destroyed; 0 = never. Node's
   * http2 server waits for it without limit (only the session's idle timeout, when one is set, ends it).
   */
  prefaceMs?: number;
}

export interface TrackedListener {
  port: number;
  /** Stops accepting, ends every open socket and resolves when the server has closed. */
  close(): Promise<void>;
}

export async function listenTracked(
  server: Server,
  port: number,
  host: string,
  timeouts: ListenTimeouts = {},
): Promise<TrackedListener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const prefaceMs = timeouts.prefaceMs ?? DEFAULT_PREFACE_TIMEOUT_MS;
  // Http2Server and Http2SecureServer emit 'session' when the connection is taken as HTTP/2, before the client has
  // sent anything; its first SETTINGS frame (right after the preface) is 'remoteSettings'.
  if (prefaceMs > 0)
    server.on('session', (session: Http2Session) => {
      const timer = setTimeout(() => {
        if (!session.destroyed) session.destroy();
      }, prefaceMs).unref();
      session.once('remoteSettings', () => clearTimeout(timer));
      session.once('close', () => clearTimeout(timer));
    });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
  };
}
