// The seam between the simulator and an app's code: a live client shim attaches one per app install.
import type { Push } from '../core/index.js';
import type { Outcome } from '../delivery/index.js';

export interface Delivery {
  pushId: string;
  appId: string;
  push: Push;
  outcome: Outcome;
  /** Top-level lifecycle state at delivery time. */
  state: string;
}

/** What the engine calls on an attached app; the shim's ws transport implements it. */
export interface AppConnection {
  deliver(delivery: Delivery): void;
  /** Lifecycle notices from the simulator side (`app.state-changed`). */
  lifecycleChanged?(from: string, to: string, event: string, reason?: string): void;
  /** The user tapped the notification of a push. */
  opened?(push: Push, stateBefore: string): void;
}

/** What the app's code did with a delivery, as the shim reports it. */
export interface DeliveryAck {
  pushId: string;
  /** The callback that ran, e.g. `throughMessageReceived`; absent when none ran. */
  callback?: string;
  ran: boolean;
  /** Why nothing ran, in the SDK's terms (no listener, no headless task...). */
  reason?: string;
  /** The message object exactly as the app's listener received it. */
  message?: unknown;
  /** Held on the device (e.g. ZPNs's queue until setBackgroundMessageHandler); a later ack settles it. */
  queued?: boolean;
  /** What the app's code threw. */
  error?: string;
  durationMs?: number;
}

/** How the app finished handling a delivery (an iOS fetch completion result, a thrown error...). */
export interface HandlerCompletion {
  pushId: string;
  /** `newData`, `noData`, `failed` on iOS; `resolved`/`rejected` for JS handlers. */
  result?: string;
  error?: string;
  /** Clock time the handler took. */
  durationMs?: number;
}
