// The interface every wire provider (apns, fcm, later hms or web push) implements, so the simulator starts, stops and
// lists them the same way.
import type { Router } from 'express';
import type { EndpointInfo } from '../control/index.js';

export interface Provider {
  readonly name: string;
  /** Starts listening; resolves with the endpoints it serves. */
  start(): Promise<EndpointInfo[]>;
  stop(): Promise<void>;
  /** Control-plane routes of the provider (keys, faults...), mounted under /api. */
  routes(): Router;
  /** Forgets per-test state (faults, rate counters); configuration such as keys stays. */
  reset(): void;
}
