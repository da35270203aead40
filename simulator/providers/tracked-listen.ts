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
  /** An HTTP/2 session on which no stream opens or closes for this long is handed to `onIdle`; 0 or absent = never. */
  idleMs?: number;
  /** What an idle session gets; by default a GOAWAY (NO_ERROR) and a close once its streams are done. */
  onIdle?: (session: Http2Session) => void;
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
  const idleMs = timeouts.idleMs ?? 0;
  if (idleMs > 0) {
    const onIdle = timeouts.onIdle ?? ((session: Http2Session) => session.close());
    server.on('session', (session: Http2Session) => watchIdle(session, idleMs, onIdle));
  }
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

/**
 * Calls `onIdle` when no stream has opened or closed on `session` for `idleMs`. Our own timer, not
 * `session.setTimeout()`: on Node 20 a destroyed session's timer is never cleared (its `setTimeout(0)` returns early
 * once the session is destroyed), so every closed connection stayed reachable from the timer list until the idle
 * timeout fired, an hour later by default (the soak's killed connections, all still in the heap after a reset).
 */
function watchIdle(session: Http2Session, idleMs: number, onIdle: (session: Http2Session) => void): void {
  const timer = setTimeout(() => {
    if (!session.closed && !session.destroyed) onIdle(session);
  }, idleMs).unref();
  session.on('stream', (stream: NodeJS.EventEmitter) => {
    timer.refresh();
    stream.once('close', () => {
      if (!session.destroyed) timer.refresh();
    });
  });
  session.once('close', () => clearTimeout(timer));
}
