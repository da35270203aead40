// ws, required when the first WebSocket upgrade arrives (/api/events, /api/shim): a `pushsim serve` nobody has opened a
// feed or a shim on loads none of it (issue 14: start-up loads only what serve needs). Synchronous, so an upgrade is
// handled in the tick it arrives in, as before.
import { createRequire } from 'node:module';
import type * as Ws from 'ws';

let loaded: typeof Ws | undefined;

/** The ws module, required on first use. */
export function wsModule(): typeof Ws {
  loaded ??= createRequire(import.meta.url)('ws') as typeof Ws;
  return loaded;
}

/** ws's readyState of an open socket (WebSocket.OPEN), without loading ws to read it. */
export const WS_OPEN = 1;
