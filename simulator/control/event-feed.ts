// The live event feed at ws://…/api/events: every simulator event as one JSON message `{ type, at, data }`. Devices,
// apps and ledger entries in `data` go out as the public model (views.ts), as the REST API returns them.
import type { Server } from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';
import type { Simulation } from '../engine/index.js';
import type { Device, InstalledApp, LedgerEntry, SimulatorEvents } from '../core/index.js';
import { appView, deviceView, entryView } from './views.js';

export interface EventFeed {
  close(): Promise<void>;
  readonly clients: number;
}

export function attachEventFeed(server: Server, sim: Simulation, path = '/api/events'): EventFeed {
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  // Subscribed only while someone watches, so an unwatched simulator builds no events it would throw away.
  let unsubscribe: (() => void) | undefined;
  const forward = <K extends keyof SimulatorEvents>(type: K, data: SimulatorEvents[K]): void => {
    const message = JSON.stringify({ type, at: sim.clock.now(), data: publicData(sim, data) });
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(message);
  };
  wss.on('connection', (ws) => {
    unsubscribe ??= sim.bus.onAny(forward);
    ws.on('close', () => {
      if (wss.clients.size === 0) {
        unsubscribe?.();
        unsubscribe = undefined;
      }
    });
    ws.on('error', () => ws.terminate());
    ws.send(JSON.stringify({ type: 'feed.hello', at: sim.clock.now(), data: { clock: sim.clock.kind } }));
  });
  return {
    get clients() {
      return wss.clients.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe?.();
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** The event's data with its device, app and ledger entry mapped to the public model. */
function publicData(sim: Simulation, data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  const d = data as { device?: Device; app?: InstalledApp; entry?: LedgerEntry };
  if (!d.device && !d.app && !d.entry) return data;
  return {
    ...data,
    ...(d.device ? { device: deviceView(sim, d.device) } : {}),
    ...(d.app ? { app: appView(sim, d.app) } : {}),
    ...(d.entry ? { entry: entryView(d.entry) } : {}),
  };
}
