// The compact in-memory ledger, the default behind the Ledger interface (issue 14): column arrays in chunks of
// CHUNK pushes (numbers in typed arrays, references in plain arrays; no object per push), UUID ids kept as their 16
// bytes and found through an open-addressing index, each fate an interned shape (all but its time), the payload kept
// as JSON text (interned, parsed when read), headers and tokens interned. Reads build plain entries (the contract
// allows copies).
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

/** Pushes per chunk of columns: a chunk is allocated when its first push arrives and let go when its last has left. */
const CHUNK = 512;

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

/** What few pushes have: kept beside the columns, by arrival number, so the columns stay small for the rest. */
class Extras {
  /** The id when it is not a lower-case UUID (those are kept as 16 bytes in the columns). */
  id: string | undefined = undefined;
  collapseId: string | undefined = undefined;
  pushNotes: readonly string[] | undefined = undefined;
  /** The fates between the first and the last, as shape, time, shape, time... */
  middle: (FateShape | number)[] | undefined = undefined;
  notes: LedgerNote[] | undefined = undefined;
  receipts: LedgerReceipt[] | undefined = undefined;
}

// Column offsets.
const CODE_PROVIDER = 0;
const CODE_KIND = 1;
const CODE_PRIORITY = 2;
const CODE_CHANNEL = 3;
const CODES = 4;
const TIME_ACCEPTED = 0;
const TIME_LAST = 1;
const TIME_EXPIRES = 2;
const TIMES = 3;
const REF_TOKEN = 0;
const REF_DEVICE = 1;
const REF_APP = 2;
const REF_HEADERS = 3;
/** The payload's JSON text, or the payload itself when it does not survive JSON (a programmatic push with a Date...). */
const REF_PAYLOAD = 4;
const REF_FIRST = 5;
const REF_LAST = 6;
const REFS = 7;

/** CHUNK pushes as columns; slot `i` of every column is the push of arrival number `chunk start + i`. */
class Chunk {
  /** The id's 16 bytes when `hasExtraId` is 0. */
  readonly uuid = new Uint8Array(16 * CHUNK);
  readonly hashes = new Int32Array(CHUNK);
  /** Provider, kind, priority and channel as codes of the ledger's code table; 0 = absent. */
  readonly codes = new Uint16Array(CODES * CHUNK);
  /** 1 when the push has Extras (an id that is no UUID, a collapse id, notes...). */
  readonly hasExtras = new Uint8Array(CHUNK);
  /** Accepted at, the last fate's time, expires at (NaN = absent). */
  readonly times = new Float64Array(TIMES * CHUNK);
  readonly refs: unknown[] = new Array(REFS * CHUNK).fill(undefined);
}

/** Small enumerations (providers, kinds, priorities, channels) as 16-bit codes; 0 is absent. */
class CodeTable {
  private readonly codes = new Map<string, number>();
  private readonly values: (string | undefined)[] = [undefined];
  code(value: string | undefined): number {
    if (value === undefined) return 0;
    let code = this.codes.get(value);
    if (code === undefined) {
      if (this.values.length > 0xffff) throw new Error(`more than 65,535 distinct values in the ledger: "${value}"`);
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }
  value(code: number): string | undefined {
    return this.values[code];
  }
}

/** Keeps a payload as JSON text when it comes back from the text unchanged (plain JSON values), else as given. */
function keptPayload(payload: Record<string, unknown>): string | Record<string, unknown> {
  if (!isPlainJson(payload)) return payload;
  try {
    return JSON.stringify(payload);
  } catch {
    return payload;
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

/** Whether a shape is the fate's (all but its time). */
function isShapeOf(shape: FateShape, fate: Omit<Fate, 'at'>): boolean {
  if (
    shape.name !== fate.name ||
    shape.callback !== fate.callback ||
    shape.platformCallback !== fate.platformCallback ||
    shape.displayed !== fate.displayed ||
    shape.reason !== fate.reason ||
    shape.ruleId !== fate.ruleId
  )
    return false;
  const ids = fate.ruleIds;
  const known = shape.ruleIds;
  if (ids === undefined || known === undefined) return ids === known;
  if (ids.length !== known.length) return false;
  for (let i = 0; i < ids.length; i++) if (ids[i] !== known[i]) return false;
  return true;
}

/** Whether a header set holds `names` in that order, with the values of `known`. */
function sameHeaders(
  known: Readonly<Record<string, string>>,
  names: readonly string[],
  headers: Readonly<Record<string, string>>,
): boolean {
  let i = 0;
  for (const name in headers) if (name !== names[i++] || known[name] !== headers[name]) return false;
  return i === names.length;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;

/** Reads a lower-case UUID into `into` (16 bytes); false for any other id. */
function readUuid(id: string, into: Uint8Array): boolean {
  if (id.length !== 36) return false;
  let byte = 0;
  for (let i = 0; i < 36; ) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (id.charCodeAt(i) !== 45) return false;
      i++;
      continue;
    }
    const high = id.charCodeAt(i);
    const low = id.charCodeAt(i + 1);
    const h = high < 128 ? NIBBLE[high] : -1;
    const l = low < 128 ? NIBBLE[low] : -1;
    if (h < 0 || l < 0) return false;
    into[byte++] = (h << 4) | l;
    i += 2;
  }
  return true;
}

function uuidText(bytes: Uint8Array, at: number): string {
  const h = (i: number): string => HEX[bytes[at + i]];
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

function hashBytes(bytes: Uint8Array, at: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < 16; i++) hash = Math.imul(hash ^ bytes[at + i], 0x01000193);
  return hash | 0;
}

function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

class CompactLedger implements Ledger {
  /** Arrival numbers [head, next) are held; a push's cursor is its arrival number, stable while older ones leave. */
  private head = 0;
  private next = 0;
  private chunks: (Chunk | undefined)[] = [];
  /** Chunk number of `chunks[0]`. */
  private chunkBase = 0;
  private readonly extras = new Map<number, Extras>();
  /** id → arrival: open addressing, linear probing; a slot holds arrival − indexBase + 1, 0 = empty. */
  private index = new Int32Array(1024);
  private indexBase = 0;
  private readonly scratch = new Uint8Array(16);
  private observers: LedgerObserver[] = [];
  private readonly codes = new CodeTable();
  private readonly shapes = new Interned<FateShape[]>();
  private readonly strings = new Interned<string>();
  private readonly headerSets = new Interned<Readonly<Record<string, string>>>();
  private lastHeaders: Readonly<Record<string, string>> | undefined = undefined;
  private lastHeaderNames: readonly string[] = [];
  /** Pushes dropped since the interned tables were last emptied; see `drop`. */
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
    const arrival = this.write(push, first, address);
    const entry = this.entryOf(arrival);
    for (const observer of this.observers) if (observer.isListening?.() !== false) observer.opened?.(entry);
    return entry;
  }

  enter(push: Push, first: Omit<Fate, 'at'>, address: LedgerAddress = {}): void {
    const arrival = this.write(push, first, address);
    let entry: LedgerEntry | undefined;
    for (const observer of this.observers)
      if (observer.opened && observer.isListening?.() !== false) observer.opened((entry ??= this.entryOf(arrival)));
  }

  /** Writes a push's columns (a new arrival, or its old one when opened again); its arrival number. */
  private write(push: Push, first: Omit<Fate, 'at'>, address: LedgerAddress): number {
    const found = this.find(push.id);
    let arrival: number;
    if (found >= 0) {
      // Opened again: fresh columns in the old push's place in the arrival order.
      arrival = found;
      this.extras.delete(arrival);
    } else {
      arrival = this.next++;
      this.chunkFor(arrival, true);
    }
    const chunk = this.chunkFor(arrival, false)!;
    const i = arrival % CHUNK;
    let extras: Extras | undefined;
    if (found < 0) {
      if (readUuid(push.id, this.scratch)) {
        chunk.uuid.set(this.scratch, i * 16);
        chunk.hashes[i] = hashBytes(this.scratch, 0);
      } else {
        extras = new Extras();
        extras.id = push.id;
        chunk.hashes[i] = hashText(push.id);
      }
      this.insert(chunk.hashes[i], arrival);
    } else if (!readUuid(push.id, this.scratch)) {
      extras = new Extras();
      extras.id = push.id;
    }
    const c = i * CODES;
    chunk.codes[c + CODE_PROVIDER] = this.codes.code(push.provider);
    chunk.codes[c + CODE_KIND] = this.codes.code(push.kind);
    chunk.codes[c + CODE_PRIORITY] = this.codes.code(push.priority);
    chunk.codes[c + CODE_CHANNEL] = this.codes.code(push.channel);
    const t = i * TIMES;
    chunk.times[t + TIME_ACCEPTED] = push.acceptedAt;
    chunk.times[t + TIME_LAST] = Number.NaN;
    chunk.times[t + TIME_EXPIRES] = push.expiresAt ?? Number.NaN;
    const r = i * REFS;
    const refs = chunk.refs;
    refs[r + REF_TOKEN] = this.strings.take(push.token, push.token);
    refs[r + REF_DEVICE] = address.deviceId;
    refs[r + REF_APP] = address.appId;
    refs[r + REF_HEADERS] = push.headers ? this.headersOf(push.headers) : undefined;
    const payload = push.payloadText ?? keptPayload(push.payload);
    refs[r + REF_PAYLOAD] = typeof payload === 'string' ? this.strings.take(payload, payload) : payload;
    refs[r + REF_FIRST] = this.shapeOf(first);
    refs[r + REF_LAST] = undefined;
    if (push.collapseId !== undefined || push.notes?.length) {
      extras ??= new Extras();
      extras.collapseId = push.collapseId;
      if (push.notes?.length) extras.pushNotes = [...push.notes];
    }
    chunk.hasExtras[i] = extras ? 1 : 0;
    if (extras) this.extras.set(arrival, extras);
    this.evict(arrival);
    if (this.maxAgeMs > 0) this.ageSweep.arm(this.acceptedAtOf(arrival) + this.maxAgeMs + 1);
    return arrival;
  }

  settle(id: string, fate: Fate): void {
    const arrival = this.held(id);
    if (arrival < 0) throw new Error(`no push ${id} in the ledger`);
    const chunk = this.chunkFor(arrival, false)!;
    const i = arrival % CHUNK;
    const r = i * REFS + REF_LAST;
    const t = i * TIMES + TIME_LAST;
    const last = chunk.refs[r] as FateShape | undefined;
    if (last) (this.extrasOf(arrival, chunk, i).middle ??= []).push(last, chunk.times[t]);
    chunk.refs[r] = this.shapeOf(fate);
    chunk.times[t] = fate.at;
    let entry: LedgerEntry | undefined;
    for (const observer of this.observers)
      if (observer.settled && observer.isListening?.() !== false)
        observer.settled((entry ??= this.entryOf(arrival)), fate);
  }

  note(id: string, at: number, note: string): void {
    const arrival = this.held(id);
    if (arrival < 0) return;
    const noted = { at, note };
    (this.extrasOf(arrival).notes ??= []).push(noted);
    for (const observer of this.observers) observer.noted?.(id, noted);
  }

  receipt(id: string, receipt: LedgerReceipt): void {
    const arrival = this.held(id);
    if (arrival < 0) return;
    (this.extrasOf(arrival).receipts ??= []).push(receipt);
    for (const observer of this.observers) observer.received?.(id, receipt);
  }

  get(id: string): LedgerEntry | undefined {
    const arrival = this.held(id);
    return arrival >= 0 ? this.entryOf(arrival) : undefined;
  }

  list(query: LedgerQuery = {}): LedgerEntry[] {
    this.evictAged();
    const result: LedgerEntry[] = [];
    // Newest first up to the limit, then turned round: a limit builds only the entries it returns.
    for (let a = this.next - 1; a >= this.head; a--) {
      if (query.limit !== undefined && result.length >= query.limit) break;
      if (this.matches(a, query)) result.push(this.entryOf(a));
    }
    return result.reverse();
  }

  page(query: LedgerQuery & { before?: number } = {}): LedgerPage {
    this.evictAged();
    const entries: LedgerEntry[] = [];
    const start = Math.min(this.next, query.before === undefined ? this.next : query.before) - 1;
    for (let a = start; a >= this.head; a--) {
      if (!this.matches(a, query)) continue;
      if (query.limit !== undefined && entries.length === query.limit) return { entries, next: a + 1 };
      entries.push(this.entryOf(a));
    }
    return { entries };
  }

  countByFate(): Record<FateName, number> {
    this.evictAged();
    const counts = Object.fromEntries(FATE_NAMES.map((name) => [name, 0])) as Record<FateName, number>;
    for (let a = this.head; a < this.next; a++) counts[this.currentOf(a).name]++;
    return counts;
  }

  get size(): number {
    this.evictAged();
    return this.next - this.head;
  }

  clear(): void {
    const count = this.next - this.head;
    this.head = this.next;
    this.chunks = [];
    this.chunkBase = Math.floor(this.next / CHUNK);
    this.extras.clear();
    this.index = new Int32Array(1024);
    this.indexBase = this.next;
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

  private chunkFor(arrival: number, create: boolean): Chunk | undefined {
    const at = Math.floor(arrival / CHUNK) - this.chunkBase;
    let chunk = this.chunks[at];
    if (!chunk && create) {
      while (this.chunks.length < at) this.chunks.push(undefined);
      chunk = new Chunk();
      this.chunks[at] = chunk;
    }
    return chunk;
  }

  private extrasOf(arrival: number, chunk = this.chunkFor(arrival, false)!, i = arrival % CHUNK): Extras {
    let extras = this.extras.get(arrival);
    if (!extras) {
      extras = new Extras();
      this.extras.set(arrival, extras);
      chunk.hasExtras[i] = 1;
    }
    return extras;
  }

  /** The arrival number of a push held (evicted by count, or by age when it is past `maxAgeMs`); −1 when none. */
  private held(id: string): number {
    const arrival = this.find(id);
    if (arrival >= 0 && this.isAged(arrival)) {
      this.evictAged();
      return -1;
    }
    return arrival;
  }

  private isAged(arrival: number): boolean {
    return this.maxAgeMs > 0 && this.now !== undefined && this.acceptedAtOf(arrival) < this.now() - this.maxAgeMs;
  }

  private acceptedAtOf(arrival: number): number {
    return this.chunkFor(arrival, false)!.times[(arrival % CHUNK) * TIMES + TIME_ACCEPTED];
  }

  private currentOf(arrival: number): FateShape {
    const chunk = this.chunkFor(arrival, false)!;
    const r = (arrival % CHUNK) * REFS;
    return (chunk.refs[r + REF_LAST] ?? chunk.refs[r + REF_FIRST]) as FateShape;
  }

  // The id index. A slot holds arrival − indexBase + 1 (0 = empty); the table is at most half full.

  private find(id: string): number {
    const isUuid = readUuid(id, this.scratch);
    const hash = isUuid ? hashBytes(this.scratch, 0) : hashText(id);
    const mask = this.index.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.index[slot];
      if (held === 0) return -1;
      const arrival = held - 1 + this.indexBase;
      const chunk = this.chunkFor(arrival, false)!;
      const i = arrival % CHUNK;
      if (chunk.hashes[i] !== hash) continue;
      if (isUuid) {
        if (chunk.hasExtras[i] && this.extras.get(arrival)?.id !== undefined) continue;
        if (this.sameUuid(chunk.uuid, i * 16)) return arrival;
      } else if (chunk.hasExtras[i] && this.extras.get(arrival)?.id === id) return arrival;
    }
  }

  private sameUuid(bytes: Uint8Array, at: number): boolean {
    for (let b = 0; b < 16; b++) if (bytes[at + b] !== this.scratch[b]) return false;
    return true;
  }

  private insert(hash: number, arrival: number): void {
    if ((this.next - this.head) * 2 > this.index.length || arrival - this.indexBase > 0x3fffffff) this.rehash(arrival);
    const mask = this.index.length - 1;
    let slot = hash & mask;
    while (this.index[slot] !== 0) slot = (slot + 1) & mask;
    this.index[slot] = arrival - this.indexBase + 1;
  }

  /** Removes an arrival from the index, shifting back the slots after it that probed past it (no tombstones). */
  private remove(arrival: number): void {
    const index = this.index;
    const mask = index.length - 1;
    const held = arrival - this.indexBase + 1;
    const hash = this.chunkFor(arrival, false)!.hashes[arrival % CHUNK];
    let slot = hash & mask;
    while (index[slot] !== held) {
      if (index[slot] === 0) return;
      slot = (slot + 1) & mask;
    }
    let hole = slot;
    for (let next = (hole + 1) & mask; index[next] !== 0; next = (next + 1) & mask) {
      const other = index[next] - 1 + this.indexBase;
      const home = this.chunkFor(other, false)!.hashes[other % CHUNK] & mask;
      // Move it back when its home is not in (hole, next], cyclically.
      if (hole <= next ? home <= hole || home > next : home <= hole && home > next) {
        index[hole] = index[next];
        hole = next;
      }
    }
    index[hole] = 0;
  }

  /** A table sized for what is held (a quarter full), indexBase moved up to the oldest held push; `upTo` excluded. */
  private rehash(upTo: number): void {
    const held = this.next - this.head;
    let size = 1024;
    while (size < held * 4) size *= 2;
    const index = new Int32Array(size);
    const mask = size - 1;
    this.indexBase = this.head;
    for (let a = this.head; a < upTo; a++) {
      const chunk = this.chunkFor(a, false)!;
      let slot = chunk.hashes[a % CHUNK] & mask;
      while (index[slot] !== 0) slot = (slot + 1) & mask;
      index[slot] = a - this.indexBase + 1;
    }
    this.index = index;
  }

  /** Filters on the columns, so a query builds entries only for what it returns. */
  private matches(arrival: number, query: LedgerQuery): boolean {
    if (!query.deviceId && !query.appId && !query.provider && !query.fate && !query.token) return true;
    const chunk = this.chunkFor(arrival, false)!;
    const i = arrival % CHUNK;
    const r = i * REFS;
    return matchesLedgerQuery(
      {
        deviceId: chunk.refs[r + REF_DEVICE],
        appId: chunk.refs[r + REF_APP],
        provider: this.codes.value(chunk.codes[i * CODES + CODE_PROVIDER]),
        token: chunk.refs[r + REF_TOKEN],
        fate: this.currentOf(arrival),
      } as unknown as LedgerEntry,
      query,
    );
  }

  /**
   * Past the limit the oldest go first, but never the push just opened: with `ledgerLimit: 0` the push in flight stays
   * until the next one arrives, so the pipeline can still settle it (it used to be evicted at once, a 500 per push).
   */
  private evict(opened: number): void {
    const keep = Math.max(this.limit, 1);
    while (this.next - this.head > keep && this.head !== opened) this.drop();
    this.evictAged();
  }

  private evictAged(): void {
    if (this.maxAgeMs <= 0 || this.now === undefined) return;
    const cutoff = this.now() - this.maxAgeMs;
    while (this.head < this.next && this.acceptedAtOf(this.head) < cutoff) {
      this.drop();
      this.agedOut++;
    }
  }

  /** The age sweep's timer: forget what has aged out, then wait for the oldest left to age out. */
  private sweepAged(): void {
    this.evictAged();
    const forgotten = this.agedOut;
    this.agedOut = 0;
    const left = this.next - this.head;
    if (forgotten > 0) for (const observer of this.observers) observer.forgot?.(forgotten, left);
    if (left === 0) return;
    // At most once a second under steady traffic, where the next oldest ages out a moment later each time.
    const earliest = (this.now?.() ?? 0) + Math.min(1000, this.maxAgeMs);
    this.ageSweep.arm(Math.max(this.acceptedAtOf(this.head) + this.maxAgeMs + 1, earliest));
  }

  /** Lets the oldest push go: its index slot, its extras, its references, and its chunk once its last push has left. */
  private drop(): void {
    const arrival = this.head;
    const chunk = this.chunkFor(arrival, false)!;
    const i = arrival % CHUNK;
    this.remove(arrival);
    if (chunk.hasExtras[i]) this.extras.delete(arrival);
    chunk.refs.fill(undefined, i * REFS, (i + 1) * REFS);
    this.head++;
    if (this.head % CHUNK === 0) {
      this.chunks[Math.floor(arrival / CHUNK) - this.chunkBase] = undefined;
      // Chunks left behind are cut off the front now and then, not on every chunk.
      let gone = 0;
      while (gone < this.chunks.length && this.chunks[gone] === undefined) gone++;
      if (gone >= 64 || gone === this.chunks.length) {
        this.chunks = this.chunks.slice(gone);
        this.chunkBase += gone;
      }
    }
    // Once a whole window has left (or the ledger is empty), the tables hold mostly values of evicted pushes (tokens of
    // uninstalled apps, reasons naming them): start them again, so they shrink with the ledger instead of staying full.
    // Pushes still held keep their own references; only sharing with later pushes is lost.
    if (++this.droppedSinceInterned >= Math.max(this.limit, INTERN_CAP) || this.head === this.next)
      this.clearInterned();
  }

  private clearInterned(): void {
    this.lastHeaders = undefined;
    this.shapes.clear();
    this.strings.clear();
    this.headerSets.clear();
    this.droppedSinceInterned = 0;
  }

  /**
   * The interned shape of a fate: found by its rule id (a string the fate already holds) and compared field by field, so
   * no key string is built per push (that was a third of what the ledger allocated per push).
   */
  private shapeOf(fate: Omit<Fate, 'at'>): FateShape {
    const key = fate.ruleId ?? fate.ruleIds?.join(' → ') ?? '';
    const known = this.shapes.get(key);
    if (known) for (const shape of known) if (isShapeOf(shape, fate)) return shape;
    const shape = new FateShape(
      fate.name,
      fate.callback,
      fate.platformCallback,
      fate.displayed,
      fate.reason,
      fate.ruleIds ? Object.freeze([...fate.ruleIds]) : undefined,
      fate.ruleId,
    );
    // A bounded list per rule id: a reason that names the push (a token, a time) makes a shape per push.
    if (known && known.length < 64) known.push(shape);
    else if (!known) this.shapes.take(key, [shape]);
    return shape;
  }

  private headersOf(headers: Record<string, string>): Readonly<Record<string, string>> {
    // A load test sends the same headers push after push: compared with the last set first, without a key string.
    const last = this.lastHeaders;
    if (last !== undefined && sameHeaders(last, this.lastHeaderNames, headers)) return last;
    let key = '';
    for (const name in headers) key += `${name}\u0001${headers[name]}\u0001`;
    const interned = this.headerSets.get(key) ?? this.headerSets.take(key, Object.freeze({ ...headers }));
    this.lastHeaders = interned;
    this.lastHeaderNames = Object.keys(interned);
    return interned;
  }

  /** The push as a plain entry, built for each read; the payload is parsed when the entry's push is first read. */
  private entryOf(arrival: number): LedgerEntry {
    const chunk = this.chunkFor(arrival, false)!;
    const i = arrival % CHUNK;
    const r = i * REFS;
    const refs = chunk.refs;
    const extras = chunk.hasExtras[i] ? this.extras.get(arrival) : undefined;
    const acceptedAt = chunk.times[i * TIMES + TIME_ACCEPTED];
    const history: Fate[] = [(refs[r + REF_FIRST] as FateShape).at(acceptedAt)];
    const middle = extras?.middle;
    if (middle)
      for (let m = 0; m < middle.length; m += 2) history.push((middle[m] as FateShape).at(middle[m + 1] as number));
    const last = refs[r + REF_LAST] as FateShape | undefined;
    if (last) history.push(last.at(chunk.times[i * TIMES + TIME_LAST]));
    const id = extras?.id ?? uuidText(chunk.uuid, i * 16);
    const provider = this.codes.value(chunk.codes[i * CODES + CODE_PROVIDER]) as ProviderName;
    const token = refs[r + REF_TOKEN] as string;
    const entry: LedgerEntry & { deviceId?: string; appId?: string } = {
      id,
      provider,
      token,
      push: this.pushOf(chunk, i, id, provider, token, acceptedAt, extras),
      fate: history.at(-1)!,
      history,
      notes: extras?.notes ? [...extras.notes] : [],
      receipts: extras?.receipts ? [...extras.receipts] : [],
    };
    const deviceId = refs[r + REF_DEVICE] as string | undefined;
    const appId = refs[r + REF_APP] as string | undefined;
    if (deviceId !== undefined) entry.deviceId = deviceId;
    if (appId !== undefined) entry.appId = appId;
    return entry;
  }

  private pushOf(
    chunk: Chunk,
    i: number,
    id: string,
    provider: ProviderName,
    token: string,
    acceptedAt: number,
    extras: Extras | undefined,
  ): Push {
    const kept = chunk.refs[i * REFS + REF_PAYLOAD] as string | Record<string, unknown>;
    let parsed = typeof kept === 'string' ? undefined : kept;
    const c = i * CODES;
    const push: Push = {
      id,
      provider,
      token,
      kind: this.codes.value(chunk.codes[c + CODE_KIND]) as PushKind,
      priority: this.codes.value(chunk.codes[c + CODE_PRIORITY]) as PushPriority,
      // Parsed on first read and kept by this copy: most reads (the router's, the feed's) never look at it.
      get payload(): Record<string, unknown> {
        parsed ??= JSON.parse(kept as string) as Record<string, unknown>;
        return parsed;
      },
      set payload(value: Record<string, unknown>) {
        parsed = value;
      },
      acceptedAt,
    };
    const channel = this.codes.value(chunk.codes[c + CODE_CHANNEL]) as Channel | undefined;
    if (channel !== undefined) push.channel = channel;
    const expiresAt = chunk.times[i * TIMES + TIME_EXPIRES];
    if (!Number.isNaN(expiresAt)) push.expiresAt = expiresAt;
    if (extras?.collapseId !== undefined) push.collapseId = extras.collapseId;
    const headers = chunk.refs[i * REFS + REF_HEADERS] as Record<string, string> | undefined;
    if (headers !== undefined) push.headers = headers;
    if (extras?.pushNotes !== undefined) push.notes = [...extras.pushNotes];
    return push;
  }
}
