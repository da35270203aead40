// Listening for a provider's server so that closing it never waits on a client: every socket is kept (also one still
// in its TLS handshake, an HTTP/1.1 keep-alive or an HTTP/2 session a client leaves open) and ended on close.
import type { AddressInfo, Server, Socket } from 'node:net';

export interface TrackedListener {
  port: number;
  /** Stops accepting, ends every open socket and resolves when the server has closed. */
  close(): Promise<void>;
}

export async function listenTracked(server: Server, port: number, host: string): Promise<TrackedListener> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
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
