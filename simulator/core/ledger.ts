// The ledger: every push the simulator sees, its current fate and the history of how it got there.
import type { EventBus } from './event-bus.js';
import type { SimulatorEvents } from './simulator-events.js';
import { FATE_NAMES, type Fate, type FateName } from './fate.js';
import type { ProviderName, Push } from './push.js';

export interface LedgerNote { at: number; note: string }

/** What the app's code received: the callback that ran and the message exactly as the listener got it. */
export interface LedgerReceipt { at: number; callback: string; message?: unknown; durationMs?: number }

export interface LedgerEntry {
  id: string;
  provider: ProviderName;
  token: string;
  deviceId?: string;
  appId?: string;
  push: Push;
  fate: Fate;
  /** Every fate the push has had, oldest first, the current one last. */
  history: Fate[];
  /** Things that happened to the push without changing its fate (handler completed, app terminated...). */
  notes: LedgerNote[];
  /** Filled by a client shim: which listener ran with which message. */
  receipts: LedgerReceipt[];
}

export interface LedgerQuery {
  deviceId?: string;
  appId?: string;
  provider?: ProviderName;
  fate?: FateName;
  token?: string;
  limit?: number;
}

export class Ledger {
  private readonly entries = new Map<string, LedgerEntry>();
  /**
   * Ids in arrival order, for eviction. Iterating a Map from its front after many deletions skips every deleted slot
   * (V8 keeps them until a rehash), so taking the oldest through `keys().next()` made each push cost microseconds.
   */
  private order: string[] = [];
  private head = 0;
  /** Arrival number of `order[0]`: an entry's cursor is its arrival number, stable while older entries are evicted. */
  private base = 0;

  constructor(private readonly bus: EventBus<SimulatorEvents>, private readonly limit = 100_000) {}

  /** Opens an entry for a push with its first fate (`accepted`, or `rejected` when a provider refused it). */
  open(push: Push, first: Omit<Fate, 'at'>, address: { deviceId?: string; appId?: string } = {}): LedgerEntry {
    const fate: Fate = { ...first, at: push.acceptedAt };
    const entry: LedgerEntry = { id: push.id, provider: push.provider, token: push.token, ...address, push, fate, history: [fate], notes: [], receipts: [] };
    if (!this.entries.has(push.id)) this.order.push(push.id);
    this.entries.set(push.id, entry);
    this.evictOldest();
    if (this.bus.hasListeners('push.accepted')) this.bus.emit('push.accepted', { entry });
    if (fate.name !== 'accepted' && this.bus.hasListeners('push.fate')) this.bus.emit('push.fate', { id: entry.id, fate, entry });
    return entry;
  }

  /** Gives a push its next fate; the old one stays in the history. */
  settle(id: string, fate: Fate): LedgerEntry {
    const entry = this.require(id);
    entry.fate = fate;
    entry.history.push(fate);
    if (this.bus.hasListeners('push.fate')) this.bus.emit('push.fate', { id, fate, entry });
    return entry;
  }

  note(id: string, at: number, note: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.notes.push({ at, note });
    this.bus.emit('push.note', { id, at, note });
  }

  receipt(id: string, receipt: LedgerReceipt): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.receipts.push(receipt);
    this.bus.emit('push.received', { id, receipt });
  }

  get(id: string): LedgerEntry | undefined { return this.entries.get(id); }

  /** Oldest first: every matching entry, or the newest `limit` of them. */
  list(query: LedgerQuery = {}): LedgerEntry[] {
    const result: LedgerEntry[] = [];
    for (const entry of this.entries.values()) if (matches(entry, query)) result.push(entry);
    return query.limit !== undefined ? result.slice(-query.limit) : result;
  }

  /**
   * Newest first: up to `limit` matching entries that arrived before the `before` cursor (all of them without a limit),
   * and the cursor of the next page when older matches remain. Cursors are arrival numbers, so a page stays put while
   * new pushes arrive.
   */
  page(query: LedgerQuery & { before?: number } = {}): { entries: LedgerEntry[]; next?: number } {
    const entries: LedgerEntry[] = [];
    const start = Math.min(this.order.length, query.before === undefined ? this.order.length : query.before - this.base) - 1;
    for (let i = start; i >= this.head; i--) {
      const entry = this.entries.get(this.order[i]!);
      if (!entry || !matches(entry, query)) continue;
      if (query.limit !== undefined && entries.length === query.limit) return { entries, next: this.base + i + 1 };
      entries.push(entry);
    }
    return { entries };
  }

  /** Counts of current fates, for summaries and the dashboard. */
  countByFate(): Record<FateName, number> {
    const counts = Object.fromEntries(FATE_NAMES.map((name) => [name, 0])) as Record<FateName, number>;
    for (const entry of this.entries.values()) counts[entry.fate.name]++;
    return counts;
  }

  get size(): number { return this.entries.size; }

  clear(): void { this.entries.clear(); this.base += this.order.length; this.order = []; this.head = 0; }

  private require(id: string): LedgerEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`no push ${id} in the ledger`);
    return entry;
  }

  private evictOldest(): void {
    while (this.entries.size > this.limit && this.head < this.order.length) this.entries.delete(this.order[this.head++]!);
    if (this.head > 4096 && this.head * 2 > this.order.length) { this.order = this.order.slice(this.head); this.base += this.head; this.head = 0; }
  }
}

function matches(entry: LedgerEntry, query: LedgerQuery): boolean {
  return (!query.deviceId || entry.deviceId === query.deviceId) && (!query.appId || entry.appId === query.appId)
    && (!query.provider || entry.provider === query.provider) && (!query.fate || entry.fate.name === query.fate)
    && (!query.token || entry.token === query.token);
}
