// The ledger's contract: every push the simulator sees, its current fate and the history of how it got there. The
// in-memory store (in-memory-ledger-store.ts) is the default; a compact or shared store can implement the same
// interface.
import type { LedgerTimers } from './ledger-age-sweep.js';
import type { Fate, FateName } from './fate.js';
import type { ProviderName, Push } from './push.js';

export interface LedgerNote {
  readonly at: number;
  readonly note: string;
}

/** What the app's code received: the callback that ran and the message exactly as the listener got it. */
export interface LedgerReceipt {
  at: number;
  callback: string;
  message?: unknown;
  durationMs?: number;
}

/** A push as the ledger holds it. Read-only: the ledger's methods are the only way to change it. */
export interface LedgerEntry {
  readonly id: string;
  readonly provider: ProviderName;
  readonly token: string;
  readonly deviceId?: string;
  readonly appId?: string;
  readonly push: Push;
  readonly fate: Fate;
  /** Every fate the push has had, oldest first, the current one last. */
  readonly history: readonly Fate[];
  /** Things that happened to the push without changing its fate (handler completed, app terminated...). */
  readonly notes: readonly LedgerNote[];
  /** Filled by a client shim: which listener ran with which message. */
  readonly receipts: readonly LedgerReceipt[];
}

/** The device and app a push addresses, when its token resolved. */
export interface LedgerAddress {
  deviceId?: string;
  appId?: string;
}

export interface LedgerQuery {
  deviceId?: string;
  appId?: string;
  provider?: ProviderName;
  fate?: FateName;
  token?: string;
  limit?: number;
}

/** One page, newest first; `next` is the `before` cursor of the next page when older matches remain. */
export interface LedgerPage {
  entries: LedgerEntry[];
  next?: number;
}

/**
 * Told of every change, in the order the ledger made them, synchronously. Simulation forwards them to the bus
 * (`push.accepted`, `push.fate`, `push.note`, `push.received`); test/setup/fate-rule-ids.ts checks every fate.
 */
export interface LedgerObserver {
  /** A push entered the ledger with its first fate (`entry.fate`). */
  opened?(entry: LedgerEntry): void;
  /** A push got its next fate; `entry` is the entry with it. */
  settled?(entry: LedgerEntry, fate: Fate): void;
  noted?(id: string, note: LedgerNote): void;
  received?(id: string, receipt: LedgerReceipt): void;
  /**
   * `count` entries left at once, by age (the age sweep) or `clear()`, and `left` are held now. Not told of the one
   * entry a push past the count limit evicts, which happens on every push.
   */
  forgot?(count: number, left: number): void;
  /**
   * Whether it wants `opened` and `settled` now; a store builds no entry for an observer that says no (the push path
   * builds none when nobody reads the bus's `push.*` events). Always, when absent.
   */
  isListening?(): boolean;
}

/**
 * The ledger. An entry a read returns is the entry as it was at that read: read it again (get, list, page) to see a
 * later fate — a store may hand out copies (column arrays, Redis), so nothing may depend on a returned entry changing
 * or on writing to one. Entries past the store's retention are evicted oldest first; `get` then finds nothing.
 */
export interface Ledger {
  /**
   * Opens an entry for a push with its first fate (`accepted`, or `rejected` when a provider refused it), at
   * `push.acceptedAt`.
   */
  open(push: Push, first: Omit<Fate, 'at'>, address?: LedgerAddress): LedgerEntry;
  /**
   * Opens an entry as `open` does, without building one to hand back: the push path reads none, and building it was the
   * largest allocation per push (issue 14). Observers are told the same. A store without it is opened instead.
   */
  enter?(push: Push, first: Omit<Fate, 'at'>, address?: LedgerAddress): void;
  /** Gives a push its next fate; the old one stays in the history. Throws for a push the ledger does not hold. */
  settle(id: string, fate: Fate): void;
  /** Adds a note to a push; nothing for a push the ledger does not hold (evicted, or never seen). */
  note(id: string, at: number, note: string): void;
  /** Records what the app's code received; nothing for a push the ledger does not hold. */
  receipt(id: string, receipt: LedgerReceipt): void;
  get(id: string): LedgerEntry | undefined;
  /** Oldest first: every matching entry, or the newest `limit` of them. */
  list(query?: LedgerQuery): LedgerEntry[];
  /**
   * Newest first: up to `limit` matching entries that arrived before the `before` cursor (all of them without a limit),
   * and the cursor of the next page when older matches remain. Cursors are arrival numbers, so a page stays put while
   * new pushes arrive, older ones are evicted, and after a clear (an old cursor then matches nothing newer).
   */
  page(query?: LedgerQuery & { before?: number }): LedgerPage;
  /** Counts of current fates, for summaries and the dashboard. */
  countByFate(): Record<FateName, number>;
  /** How many entries it holds now. */
  readonly size: number;
  /** Forgets every entry; cursors keep counting. */
  clear(): void;
  /** Adds an observer of every change from now on; returns the function that removes it. */
  subscribe(observer: LedgerObserver): () => void;
}

/** What a ledger store is built with (Simulation passes its own). */
export interface LedgerContext {
  /** Most entries kept; the oldest go first (SimulationOptions.ledgerLimit, 100,000 by default). */
  readonly limit: number;
  /** Entries accepted longer ago than this many ms are evicted (SimulationOptions.ledgerMaxAge); 0 or absent = no age limit. */
  readonly maxAgeMs?: number;
  /** The simulation clock's time, for the age limit. */
  readonly now?: () => number;
  /** The simulation clock's timers, to forget aged entries when they age out rather than at the next read. */
  readonly timers?: LedgerTimers;
}

/** Builds a ledger store; SimulationOptions.ledger takes one (createInMemoryLedger by default). */
export type LedgerFactory = (context: LedgerContext) => Ledger;

/** Whether an entry matches a query's filters (its `limit` aside); for stores that filter in process. */
export function matchesLedgerQuery(entry: LedgerEntry, query: LedgerQuery): boolean {
  return (
    (!query.deviceId || entry.deviceId === query.deviceId) &&
    (!query.appId || entry.appId === query.appId) &&
    (!query.provider || entry.provider === query.provider) &&
    (!query.fate || entry.fate.name === query.fate) &&
    (!query.token || entry.token === query.token)
  );
}
