// The live event feed at ws://…/api/events: every simulator event as one JSON message `{ type, at, data }`. Devices,
// apps and ledger entries in `data` go out as the public model (views.ts), as the REST API returns them.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { WS_OPEN, wsModule } from './ws-module.js';
import type { Simulation } from '../engine/index.js';
import type { Device, InstalledApp, LedgerEntry, SimulatorEvents } from '../core/index.js';
import { appView, deviceView, entryView } from './views.js';
import { scenarioFinishedView, scenarioProgressView } from './scenario-runs-routes.js';

export interface EventFeed {
  /** Takes a ws upgrade the control server routed here (control-guard.ts routeUpgrades checked it). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
  readonly clients: number;
}

export interface EventFeedOptions {
  /**
   * Bytes a subscriber may have waiting in its socket before it is dropped (close 1008 with the reason): a client that
   * stops reading costs at most this much, never memory without bound. 4 MiB by default.
   */
  maxBufferedBytes?: number;
}

/** The feed only sends; what a client may send it (nothing it reads) is capped at this. */
const MAX_CLIENT_FRAME = 4 * 1024;
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function attachEventFeed(sim: Simulation, options: EventFeedOptions = {}): EventFeed {
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  // Built at the first upgrade, so ws is loaded only once someone opens the feed.
  let server: WebSocketServer | undefined;
  const wss = (): WebSocketServer => {
    if (server) return server;
    server = new (wsModule().WebSocketServer)({ noServer: true, maxPayload: MAX_CLIENT_FRAME });
    server.on('connection', (ws) => {
      unsubscribe ??= sim.bus.onAny(forward);
      ws.on('close', () => {
        if (server!.clients.size === 0) {
          unsubscribe?.();
          unsubscribe = undefined;
        }
      });
      ws.on('error', () => ws.terminate());
      ws.send(JSON.stringify({ type: 'feed.hello', at: sim.clock.now(), data: { clock: sim.clock.kind } }));
    });
    return server;
  };
  // Subscribed only while someone watches, so an unwatched simulator builds no events it would throw away.
  let unsubscribe: (() => void) | undefined;
  const forward = <K extends keyof SimulatorEvents>(type: K, data: SimulatorEvents[K]): void => {
    const message = JSON.stringify({ type, at: sim.clock.now(), data: publicData(sim, type, data) });
    for (const client of server!.clients) {
      if (client.readyState !== WS_OPEN) continue;
      if (client.bufferedAmount + message.length > maxBuffered) {
        // Closing sends the reason after what is already queued; a client that never reads is cut off by ws's close
        // timeout. Nothing more is queued for it either way.
        client.close(
          1008,
          `dropped: more than ${maxBuffered} bytes of events waiting unread; read the feed as fast as it is written`,
        );
        continue;
      }
      client.send(message);
    }
  };
  return {
    upgrade: (req, socket, head) => wss().handleUpgrade(req, socket, head, (ws) => wss().emit('connection', ws, req)),
    get clients() {
      return server?.clients.size ?? 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe?.();
        if (!server) return resolve();
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/**
 * The event's data with its device, app and ledger entry mapped to the public model; a scenario run's progress and end
 * (runs the control plane started, on simulators of their own) as the model's ScenarioProgress and ScenarioFinished.
 */
function publicData(sim: Simulation, type: keyof SimulatorEvents, data: unknown): unknown {
  if (type === 'scenario.progress') return scenarioProgressView(data as SimulatorEvents['scenario.progress']);
  if (type === 'scenario.finished') return scenarioFinishedView(data as SimulatorEvents['scenario.finished']);
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
