// The compact in-memory ledger, the default behind the Ledger interface (issue 14): one fixed-shape record per push,
// each fate an interned shape (name, callbacks, reason, rule ids: all but its time) plus a number, the payload kept as
// JSON text and parsed when read, headers and tokens interned. Reads build plain entries (the contract allows copies).
import { FATE_NAMES, type Fate, type FateName } from './fate.js';
import type { Channel, ProviderName, Push, PushKind, PushPriority } from './push.js';
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
import { LedgerAgeSweep, type LedgerTimers } from './ledger-age-sweep.js';

/** The compact ledger store (SimulationOptions.ledger; the default). */
export const createCompactLedger = (context: Partial<LedgerContext> = {}): Ledger =>
  new CompactLedger(context.limit ?? 100_000, context.maxAgeMs ?? 0, context.now, context.timers);

/**
 * Interned values stop growing here: a reason or header set that varies per push (a detail naming the token) would
 * otherwise make the table as large as the ledger. Past the cap values are kept as they come.
 */
const INTERN_CAP = 16_384;

/** A fate without its time; equal fates share one. */
class FateShape {
  constructor(
    readonly name: FateName,
    readonly callback: string | undefined,
    readonly platformCallback: string | undefined,
    readonly displayed: boolean | undefined,
    readonly reason: string | undefined,
    readonly ruleIds: readonly string[] | undefined,
    readonly ruleId: string | undefined,
  ) {}

  at(at: number): Fate {
    const fate: Fate = { name: this.name, at };
    if (this.callback !== undefined) fate.callback = this.callback;
    if (this.platformCallback !== undefined) fate.platformCallback = this.platformCallback;
    if (this.displayed !== undefined) fate.displayed = this.displayed;
    if (this.reason !== undefined) fate.reason = this.reason;
    // Shared and frozen: a later fate builds its ids as a new array (settle's idsOf + spread).
    if (this.ruleIds !== undefined) fate.ruleIds = this.ruleIds as string[];
    if (this.ruleId !== undefined) fate.ruleId = this.ruleId;
    return fate;
  }
}

/** One push, fixed shape: every field is set in the constructor, so all records share one hidden class. */
class PushRecord {
  provider: ProviderName;
  token: string;
  deviceId: string | undefined;
  appId: string | undefined;
  channel: Channel | undefined;
  kind: PushKind;
  priority: PushPriority;
  expiresAt: number | undefined;
  collapseId: string | undefined;
  headers: Readonly<Record<string, string>> | undefined;
  acceptedAt: number;
  pushNotes: readonly string[] | undefined;
  /** The payload as JSON text; `payload` instead when it does not survive JSON (a programmatic push with a Date...). */
  payloadText: string | undefined;
  payload: Record<string, unknown> | undefined;
  first: FateShape;
  firstAt: number;
  /** The fates between the first and the last, as shape, time, shape, time...; absent for most pushes. */
  middle: (FateShape | number)[] | undefined;
  last: FateShape | undefined;
  lastAt: number;
  notes: LedgerNote[] | undefined;
  receipts: LedgerReceipt[] | undefined;

  constructor(
    readonly id: string,
    readonly arrival: number,
    push: Push,
    token: string,
    address: LedgerAddress,
    first: FateShape,
    headers: Readonly<Record<string, string>> | undefined,
  ) {
    this.provider = push.provider;
    this.token = token;
    this.deviceId = address.deviceId;
    this.appId = address.appId;
    this.channel = push.channel;
    this.kind = push.kind;
    this.priority = push.priority;
    this.expiresAt = push.expiresAt;
    this.collapseId = push.collapseId;
    this.headers = headers;
    this.acceptedAt = push.acceptedAt;
    this.pushNotes = push.notes?.length ? [...push.notes] : undefined;
    this.payloadText = undefined;
    this.payload = undefined;
    keepPayload(this, push.payload);
    this.first = first;
    this.firstAt = push.acceptedAt;
    this.middle = undefined;
    this.last = undefined;
    this.lastAt = 0;
    this.notes = undefined;
    this.receipts = undefined;
  }

  get current(): FateShape {
    return this.last ?? this.first;
  }
}

/** Keeps a payload as JSON text when it comes back from the text unchanged (plain JSON values), else as given. */
function keepPayload(record: PushRecord, payload: Record<string, unknown>): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch {
    text = undefined;
  }
  if (text !== undefined && isPlainJson(payload)) {
    record.payloadText = text;
    record.payload = undefined;
  } else {
    record.payloadText = undefined;
    record.payload = payload;
  }
}

/** Whether a value is made of what JSON keeps as it is: no undefined, Dates, Maps, functions, NaN... */
function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isPlainJson(item, depth + 1)) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value) {
    if (key === '__proto__') return false;
    if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** A bounded table of equal values, so a million pushes with the same token or headers hold one copy. */
class Interned<T> {
  private readonly table = new Map<string, T>();
  get(key: string): T | undefined {
    return this.table.get(key);
  }
  take(key: string, value: T): T {
    const known = this.table.get(key);
    if (known !== undefined) return known;
    if (this.table.size >= INTERN_CAP) this.table.clear();
    this.table.set(key, value);
    return value;
  }
  clear(): void {
    this.table.clear();
  }
}

class CompactLedger implements Ledger {
  private readonly records = new Map<string, PushRecord>();
  /** Records in arrival order, for eviction and cursors; `head` is the oldest still held. */
  private order: (PushRecord | undefined)[] = [];
  private head = 0;
  /** Arrival number of `order[0]`: a record's cursor is its arrival number, stable while older ones are evicted. */
  private base = 0;
  private observers: LedgerObserver[] = [];
  private readonly shapes = new Interned<FateShape>();
  private readonly strings = new Interned<string>();
  private readonly headerSets = new Interned<Readonly<Record<string, string>>>();
  /** Records dropped since the interned tables were last emptied; see `drop`. */
  private droppedSinceInterned = 0;

  constructor(
    private readonly limit: number,
    private readonly maxAgeMs: number,
    private readonly now: (() => number) | undefined,
    timers?: LedgerTimers,
  ) {
    this.ageSweep = new LedgerAgeSweep(timers, () => this.sweepAged());
  }

  /** Forgets entries as they age out, also on an idle server (ledger-age-sweep.ts). */
  private readonly ageSweep: LedgerAgeSweep;
  /** Entries evicted by age since the sweep last told observers (`forgot`). */
  private agedOut = 0;

  open(push: Push, first: Omit<Fate, 'at'>, address: LedgerAddress = {}): LedgerEntry {
    const shape = this.shapeOf(first);
    const token = this.strings.take(push.token, push.token);
    const headers = push.headers ? this.headersOf(push.headers) : undefined;
    let record = this.records.get(push.id);
    if (record) {
      // Opened again: a fresh record in the old one's place in the arrival order.
      const fresh = new PushRecord(push.id, record.arrival, push, token, address, shape, headers);
      this.order[record.arrival - this.base] = fresh;
      record = fresh;
    } else {
      record = new PushRecord(push.id, this.base + this.order.length, push, token, address, shape, headers);
      this.order.push(record);
    }
    this.records.set(push.id, record);
    this.evict(record);
    if (this.maxAgeMs > 0) this.ageSweep.arm(record.acceptedAt + this.maxAgeMs + 1);
    const entry = entryOf(record);
    for (const observer of this.observers) if (observer.isListening?.() !== false) observer.opened?.(entry);
    return entry;
  }

  settle(id: string, fate: Fate): void {
    const record = this.held(id);
    if (!record) throw new Error(`no push ${id} in the ledger`);
    if (record.last) (record.middle ??= []).push(record.last, record.lastAt);
    record.last = this.shapeOf(fate);
    record.lastAt = fate.at;
    let entry: LedgerEntry | undefined;
    for (const observer of this.observers)
      if (observer.settled && observer.isListening?.() !== false) observer.settled((entry ??= entryOf(record)), fate);
  }

  note(id: string, at: number, note: string): void {
    const record = this.held(id);
    if (!record) return;
    const noted = { at, note };
    (record.notes ??= []).push(noted);
    for (const observer of this.observers) observer.noted?.(id, noted);
  }

  receipt(id: string, receipt: LedgerReceipt): void {
    const record = this.held(id);
    if (!record) return;
    (record.receipts ??= []).push(receipt);
    for (const observer of this.observers) observer.received?.(id, receipt);
  }

  get(id: string): LedgerEntry | undefined {
    const record = this.held(id);
    return record ? entryOf(record) : undefined;
  }

  list(query: LedgerQuery = {}): LedgerEntry[] {
    this.evictAged();
    const result: LedgerEntry[] = [];
    for (let i = this.head; i < this.order.length; i++) {
      const record = this.order[i];
      if (record && this.matches(record, query)) result.push(entryOf(record));
    }
    return query.limit !== undefined ? result.slice(-query.limit) : result;
  }

  page(query: LedgerQuery & { before?: number } = {}): LedgerPage {
    this.evictAged();
    const entries: LedgerEntry[] = [];
    const start =
      Math.min(this.order.length, query.before === undefined ? this.order.length : query.before - this.base) - 1;
    for (let i = start; i >= this.head; i--) {
      const record = this.order[i];
      if (!record || !this.matches(record, query)) continue;
      if (query.limit !== undefined && entries.length === query.limit) return { entries, next: this.base + i + 1 };
      entries.push(entryOf(record));
    }
    return { entries };
  }

  countByFate(): Record<FateName, number> {
    this.evictAged();
    const counts = Object.fromEntries(FATE_NAMES.map((name) => [name, 0])) as Record<FateName, number>;
    for (const record of this.records.values()) counts[record.current.name]++;
    return counts;
  }

  get size(): number {
    this.evictAged();
    return this.records.size;
  }

  clear(): void {
    const count = this.records.size;
    this.records.clear();
    this.base += this.order.length;
    this.order = [];
    this.head = 0;
    this.clearInterned();
    this.ageSweep.cancel();
    this.agedOut = 0;
    if (count > 0) for (const observer of this.observers) observer.forgot?.(count, 0);
  }

  // A new array on each change, so an observer that unsubscribes while being told does not skip the next one.
  subscribe(observer: LedgerObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** The record of a push still held: evicted by count, or by age when it is past `maxAgeMs`. */
  private held(id: string): PushRecord | undefined {
    const record = this.records.get(id);
    if (record && this.isAged(record)) {
      this.evictAged();
      return undefined;
    }
    return record;
  }

  private isAged(record: PushRecord): boolean {
    return this.maxAgeMs > 0 && this.now !== undefined && record.acceptedAt < this.now() - this.maxAgeMs;
  }

  /** Filters on the record itself, so a query builds entries only for what it returns. */
  private matches(record: PushRecord, query: LedgerQuery): boolean {
    if (!query.deviceId && !query.appId && !query.provider && !query.fate && !query.token) return true;
    return matchesLedgerQuery(
      {
        deviceId: record.deviceId,
        appId: record.appId,
        provider: record.provider,
        token: record.token,
        fate: record.current,
      } as unknown as LedgerEntry,
      query,
    );
  }

  /**
   * Past the limit the oldest go first, but never the push just opened: with `ledgerLimit: 0` the push in flight stays
   * until the next one arrives, so the pipeline can still settle it (it used to be evicted at once, a 500 per push).
   */
  private evict(opened: PushRecord): void {
    const keep = Math.max(this.limit, 1);
    while (this.records.size > keep && this.head < this.order.length) {
      const oldest = this.order[this.head];
      if (oldest === opened) break;
      this.drop(oldest);
    }
    this.evictAged();
    this.compact();
  }

  private evictAged(): void {
    if (this.maxAgeMs <= 0 || this.now === undefined) return;
    const cutoff = this.now() - this.maxAgeMs;
    while (this.head < this.order.length) {
      const oldest = this.order[this.head];
      if (oldest && oldest.acceptedAt >= cutoff) break;
      this.drop(oldest);
      if (oldest) this.agedOut++;
    }
    this.compact();
  }

  /** The age sweep's timer: forget what has aged out, then wait for the oldest left to age out. */
  private sweepAged(): void {
    this.evictAged();
    const forgotten = this.agedOut;
    this.agedOut = 0;
    if (forgotten > 0) for (const observer of this.observers) observer.forgot?.(forgotten, this.records.size);
    for (let i = this.head; i < this.order.length; i++) {
      const oldest = this.order[i];
      if (oldest) {
        // At most once a second under steady traffic, where the next oldest ages out a moment later each time.
        const earliest = (this.now?.() ?? 0) + Math.min(1000, this.maxAgeMs);
        this.ageSweep.arm(Math.max(oldest.acceptedAt + this.maxAgeMs + 1, earliest));
        return;
      }
    }
  }

  private drop(record: PushRecord | undefined): void {
    if (record && this.records.get(record.id) === record) this.records.delete(record.id);
    this.order[this.head++] = undefined;
    // Once a whole window has left (or the ledger is empty), the tables hold mostly values of evicted pushes (tokens of
    // uninstalled apps, reasons naming them): start them again, so they shrink with the ledger instead of staying full.
    // Records still held keep their own references; only sharing with later pushes is lost.
    if (++this.droppedSinceInterned >= Math.max(this.limit, INTERN_CAP) || this.records.size === 0)
      this.clearInterned();
  }

  private clearInterned(): void {
    this.shapes.clear();
    this.strings.clear();
    this.headerSets.clear();
    this.droppedSinceInterned = 0;
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }

  private shapeOf(fate: Omit<Fate, 'at'>): FateShape {
    // \u0001 separates fields; \u0002 marks an absent one (so '' and absent differ).
    const key = `${fate.name}\u0001${fate.callback ?? '\u0002'}\u0001${fate.platformCallback ?? '\u0002'}\u0001${fate.displayed ?? '\u0002'}\u0001${fate.reason ?? '\u0002'}\u0001${fate.ruleId ?? '\u0002'}\u0001${fate.ruleIds?.join('\u0001') ?? '\u0002'}`;
    return (
      this.shapes.get(key) ??
      this.shapes.take(
        key,
        new FateShape(
          fate.name,
          fate.callback,
          fate.platformCallback,
          fate.displayed,
          fate.reason,
          fate.ruleIds ? Object.freeze([...fate.ruleIds]) : undefined,
          fate.ruleId,
        ),
      )
    );
  }

  private headersOf(headers: Record<string, string>): Readonly<Record<string, string>> {
    let key = '';
    for (const name in headers) key += `${name}\u0001${headers[name]}\u0001`;
    return this.headerSets.get(key) ?? this.headerSets.take(key, Object.freeze({ ...headers }));
  }
}

/** The record as a plain entry, built for each read; the payload is parsed when the entry's push is first read. */
function entryOf(record: PushRecord): LedgerEntry {
  const history: Fate[] = [record.first.at(record.firstAt)];
  if (record.middle)
    for (let i = 0; i < record.middle.length; i += 2)
      history.push((record.middle[i] as FateShape).at(record.middle[i + 1] as number));
  if (record.last) history.push(record.last.at(record.lastAt));
  const entry: LedgerEntry & { deviceId?: string; appId?: string } = {
    id: record.id,
    provider: record.provider,
    token: record.token,
    push: pushOf(record),
    fate: history.at(-1)!,
    history,
    notes: record.notes ? [...record.notes] : [],
    receipts: record.receipts ? [...record.receipts] : [],
  };
  if (record.deviceId !== undefined) entry.deviceId = record.deviceId;
  if (record.appId !== undefined) entry.appId = record.appId;
  return entry;
}

function pushOf(record: PushRecord): Push {
  const text = record.payloadText;
  let parsed = record.payload;
  const push: Push = {
    id: record.id,
    provider: record.provider,
    token: record.token,
    kind: record.kind,
    priority: record.priority,
    // Parsed on first read and kept by this copy: most reads (the router's, the feed's) never look at it.
    get payload(): Record<string, unknown> {
      parsed ??= JSON.parse(text!) as Record<string, unknown>;
      return parsed;
    },
    set payload(value: Record<string, unknown>) {
      parsed = value;
    },
    acceptedAt: record.acceptedAt,
  };
  if (record.channel !== undefined) push.channel = record.channel;
  if (record.expiresAt !== undefined) push.expiresAt = record.expiresAt;
  if (record.collapseId !== undefined) push.collapseId = record.collapseId;
  if (record.headers !== undefined) push.headers = record.headers as Record<string, string>;
  if (record.pushNotes !== undefined) push.notes = [...record.pushNotes];
  return push;
}
