// The in-memory ledger store, the default behind the Ledger interface: one mutable record per push in a Map, and the
// arrival order in an array for eviction and cursors. Reads return the records themselves (no copy per read).
import { FATE_NAMES, type Fate, type FateName } from './fate.js';
import type { Push } from './push.js';
import {
  matchesLedgerQuery,
  type Ledger,
  type LedgerAddress,
  type LedgerContext,
  type LedgerEntry,
  type LedgerNote,
  type LedgerObserver,
  type LedgerPage,
  type LedgerQuery,
  type LedgerReceipt,
} from './ledger.js';

/** The default ledger store (SimulationOptions.ledger). */
export const createInMemoryLedger = (context: Partial<LedgerContext> = {}): Ledger =>
  new InMemoryLedger(context.limit ?? 100_000);

/** The store's own, writable view of an entry. */
interface EntryRecord extends LedgerEntry {
  fate: Fate;
  history: Fate[];
  notes: LedgerNote[];
  receipts: LedgerReceipt[];
}

class InMemoryLedger implements Ledger {
  private readonly entries = new Map<string, EntryRecord>();
  /**
   * Ids in arrival order, for eviction. Iterating a Map from its front after many deletions skips every deleted slot
   * (V8 keeps them until a rehash), so taking the oldest through `keys().next()` made each push cost microseconds.
   */
  private order: string[] = [];
  private head = 0;
  /** Arrival number of `order[0]`: an entry's cursor is its arrival number, stable while older entries are evicted. */
  private base = 0;
  private observers: LedgerObserver[] = [];

  constructor(private readonly limit: number) {}

  open(push: Push, first: Omit<Fate, 'at'>, address: LedgerAddress = {}): LedgerEntry {
    // Field by field, not `{ ...first, at }`: a spread gives each fate a hidden class of its own (issue 14).
    const fate: Fate = { name: first.name, at: push.acceptedAt };
    if (first.callback !== undefined) fate.callback = first.callback;
    if (first.platformCallback !== undefined) fate.platformCallback = first.platformCallback;
    if (first.displayed !== undefined) fate.displayed = first.displayed;
    if (first.reason !== undefined) fate.reason = first.reason;
    if (first.ruleIds !== undefined) fate.ruleIds = first.ruleIds;
    if (first.ruleId !== undefined) fate.ruleId = first.ruleId;
    const entry: EntryRecord = {
      id: push.id,
      provider: push.provider,
      token: push.token,
      ...address,
      push,
      fate,
      history: [fate],
      notes: [],
      receipts: [],
    };
    if (!this.entries.has(push.id)) this.order.push(push.id);
    this.entries.set(push.id, entry);
    this.evictOldest(push.id);
    for (const observer of this.observers) observer.opened?.(entry);
    return entry;
  }

  settle(id: string, fate: Fate): void {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`no push ${id} in the ledger`);
    entry.fate = fate;
    entry.history.push(fate);
    for (const observer of this.observers) observer.settled?.(entry, fate);
  }

  note(id: string, at: number, note: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    const noted = { at, note };
    entry.notes.push(noted);
    for (const observer of this.observers) observer.noted?.(id, noted);
  }

  receipt(id: string, receipt: LedgerReceipt): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.receipts.push(receipt);
    for (const observer of this.observers) observer.received?.(id, receipt);
  }

  get(id: string): LedgerEntry | undefined {
    return this.entries.get(id);
  }

  list(query: LedgerQuery = {}): LedgerEntry[] {
    const result: LedgerEntry[] = [];
    for (const entry of this.entries.values()) if (matchesLedgerQuery(entry, query)) result.push(entry);
    return query.limit !== undefined ? result.slice(-query.limit) : result;
  }

  page(query: LedgerQuery & { before?: number } = {}): LedgerPage {
    const entries: LedgerEntry[] = [];
    const start =
      Math.min(this.order.length, query.before === undefined ? this.order.length : query.before - this.base) - 1;
    for (let i = start; i >= this.head; i--) {
      const entry = this.entries.get(this.order[i]!);
      if (!entry || !matchesLedgerQuery(entry, query)) continue;
      if (query.limit !== undefined && entries.length === query.limit) return { entries, next: this.base + i + 1 };
      entries.push(entry);
    }
    return { entries };
  }

  countByFate(): Record<FateName, number> {
    const counts = Object.fromEntries(FATE_NAMES.map((name) => [name, 0])) as Record<FateName, number>;
    for (const entry of this.entries.values()) counts[entry.fate.name]++;
    return counts;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    const count = this.entries.size;
    this.entries.clear();
    this.base += this.order.length;
    this.order = [];
    this.head = 0;
    if (count > 0) for (const observer of this.observers) observer.forgot?.(count, 0);
  }

  // A new array on each change, so an observer that unsubscribes while being told does not skip the next one.
  subscribe(observer: LedgerObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /**
   * Never the push just opened: with `ledgerLimit: 0` the push in flight stays until the next one arrives, so the
   * pipeline can still settle it (evicting it at once made every push a 500).
   */
  private evictOldest(opened: string): void {
    while (this.entries.size > Math.max(this.limit, 1) && this.head < this.order.length) {
      if (this.order[this.head] === opened) break;
      this.entries.delete(this.order[this.head++]!);
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }
}
