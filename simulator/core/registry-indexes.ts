// The in-memory registry's indexes, sized for a load test's million apps (issue 14): records in insertion order in one
// array, found by id through a typed array when the id is a generated one (`app-<n>`, `dev-<n>`), and apps found by
// token through an open-addressing table of 32-bit slots. A Map entry costs ~38 B; these cost 8–16 B per record.

/** Records in insertion order, each at a slot; ids of the generated form are found by their number. */
export class SlotIndex<T extends { readonly id: string }> {
  /** Slot → record; undefined where one was removed (compacted once they are half the array). */
  private slots: (T | undefined)[] = [];
  /** The generated id's number → its slot + 1 (0 = none). */
  private byNumber = new Int32Array(1024);
  /** Slots of ids of any other form, and of generated-looking ids too far past the last number to index. */
  private readonly byName = new Map<string, number>();
  private removed = 0;
  size = 0;

  constructor(private readonly prefix: string) {}

  /** The number of a generated-form id (`<prefix><n>`, n without leading zeros, below 2^31), else -1. */
  private numberOf(id: string): number {
    const prefix = this.prefix;
    const length = id.length;
    if (length <= prefix.length || length > prefix.length + 9 || !id.startsWith(prefix)) return -1;
    if (id.charCodeAt(prefix.length) === 48 && length > prefix.length + 1) return -1;
    let n = 0;
    for (let i = prefix.length; i < length; i++) {
      const digit = id.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return -1;
      n = n * 10 + digit;
    }
    return n;
  }

  private slotOf(id: string): number {
    const n = this.numberOf(id);
    if (n >= 0 && n < this.byNumber.length) {
      const slot = this.byNumber[n]! - 1;
      if (slot >= 0) return slot;
    }
    if (this.byName.size === 0) return -1;
    return this.byName.get(id) ?? -1;
  }

  get(id: string): T | undefined {
    const slot = this.slotOf(id);
    return slot < 0 ? undefined : this.slots[slot];
  }

  has(id: string): boolean {
    return this.slotOf(id) >= 0;
  }

  /** The record's slot (for the token index), or -1. */
  slotOfId(id: string): number {
    return this.slotOf(id);
  }

  atSlot(slot: number): T | undefined {
    return this.slots[slot];
  }

  /** Adds a record whose id is not in the index yet; returns its slot. */
  add(record: T): number {
    const slot = this.slots.length;
    this.slots.push(record);
    this.place(record.id, slot);
    this.size++;
    return slot;
  }

  private place(id: string, slot: number): void {
    const n = this.numberOf(id);
    // Generated ids count up from 1; a made-up one far past them goes to the Map rather than grow the array for it.
    if (n >= 0 && n < Math.max(this.byNumber.length * 2, this.slots.length * 2 + 1024)) {
      if (n >= this.byNumber.length) {
        let length = this.byNumber.length;
        while (length <= n) length *= 2;
        const grown = new Int32Array(length);
        grown.set(this.byNumber);
        this.byNumber = grown;
      }
      this.byNumber[n] = slot + 1;
    } else this.byName.set(id, slot);
  }

  /**
   * Removes a record. When that leaves the slots half empty they are compacted: the answer then maps each old slot to
   * its new one (-1 for none), for slot numbers kept elsewhere.
   */
  remove(id: string): Int32Array | undefined {
    const slot = this.slotOf(id);
    if (slot < 0) return undefined;
    this.slots[slot] = undefined;
    const n = this.numberOf(id);
    if (n >= 0 && n < this.byNumber.length && this.byNumber[n] === slot + 1) this.byNumber[n] = 0;
    else this.byName.delete(id);
    this.size--;
    this.removed++;
    if (this.removed < 1024 || this.removed * 2 < this.slots.length) return undefined;
    return this.compact();
  }

  private compact(): Int32Array {
    const old = this.slots;
    const moved = new Int32Array(old.length).fill(-1);
    this.slots = [];
    this.byNumber.fill(0);
    this.byName.clear();
    this.removed = 0;
    for (let slot = 0; slot < old.length; slot++) {
      const record = old[slot];
      if (record === undefined) continue;
      moved[slot] = this.slots.length;
      this.place(record.id, this.slots.length);
      this.slots.push(record);
    }
    return moved;
  }

  values(): T[] {
    const values: T[] = [];
    for (const record of this.slots) if (record !== undefined) values.push(record);
    return values;
  }

  /** Every slot in use with its record, in insertion order. */
  forEachSlot(visit: (record: T, slot: number) => void): void {
    const slots = this.slots;
    for (let slot = 0; slot < slots.length; slot++) {
      const record = slots[slot];
      if (record !== undefined) visit(record, slot);
    }
  }

  clear(): void {
    this.slots = [];
    this.byNumber = new Int32Array(1024);
    this.byName.clear();
    this.removed = 0;
    this.size = 0;
  }
}

/** FNV-1a over the string's UTF-16 code units. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * Token → slot of the app holding it, by linear probing in two typed arrays (slot + 1, 0 = empty; and the token's
 * hash) kept at most half full. The token strings stay where they are (the app's own tokens): a probe whose hash
 * matches asks `holds` whether that slot's app has the token, so the table keeps ~16 bytes per token, not a Map entry.
 */
export class TokenIndex {
  private slots = new Int32Array(2048);
  private hashes = new Uint32Array(2048);
  private mask = 2047;
  private count = 0;

  constructor(private readonly holds: (slot: number, token: string) => boolean) {}

  get size(): number {
    return this.count;
  }

  /** The slot of the app holding the token, or -1. */
  find(token: string): number {
    const at = this.positionOf(token, hashOf(token));
    return at < 0 ? -1 : this.slots[at]! - 1;
  }

  private positionOf(token: string, hash: number): number {
    const slots = this.slots;
    const hashes = this.hashes;
    const mask = this.mask;
    let at = hash & mask;
    for (;;) {
      const entry = slots[at]!;
      if (entry === 0) return -1;
      if (hashes[at] === hash && this.holds(entry - 1, token)) return at;
      at = (at + 1) & mask;
    }
  }

  /** Adds a token not in the table yet. */
  add(token: string, slot: number): void {
    if ((this.count + 1) * 2 > this.slots.length) this.resize(this.slots.length * 2);
    this.insert(hashOf(token), slot + 1);
    this.count++;
  }

  private insert(hash: number, entry: number): void {
    const mask = this.mask;
    let at = hash & mask;
    while (this.slots[at] !== 0) at = (at + 1) & mask;
    this.slots[at] = entry;
    this.hashes[at] = hash;
  }

  /** Removes the token (while the app at its slot still holds it); backward-shift deletion, no tombstones. */
  remove(token: string): void {
    const at = this.positionOf(token, hashOf(token));
    if (at < 0) return;
    const slots = this.slots;
    const hashes = this.hashes;
    const mask = this.mask;
    slots[at] = 0;
    this.count--;
    // Move later entries of the run back into the gap unless their home lies between the gap and them.
    let gap = at;
    let next = (at + 1) & mask;
    while (slots[next] !== 0) {
      const home = hashes[next]! & mask;
      if (((next - home) & mask) >= ((next - gap) & mask)) {
        slots[gap] = slots[next]!;
        hashes[gap] = hashes[next]!;
        slots[next] = 0;
        gap = next;
      }
      next = (next + 1) & mask;
    }
  }

  /** Renumbers every entry's slot (after the app slots were compacted); -1 drops it. */
  renumber(slotFor: (slot: number) => number): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(oldSlots.length);
    this.hashes = new Uint32Array(oldSlots.length);
    this.count = 0;
    for (let at = 0; at < oldSlots.length; at++) {
      const entry = oldSlots[at]!;
      if (entry === 0) continue;
      const slot = slotFor(entry - 1);
      if (slot < 0) continue;
      this.insert(oldHashes[at]!, slot + 1);
      this.count++;
    }
  }

  private resize(length: number): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(length);
    this.hashes = new Uint32Array(length);
    this.mask = length - 1;
    for (let at = 0; at < oldSlots.length; at++) if (oldSlots[at] !== 0) this.insert(oldHashes[at]!, oldSlots[at]!);
  }

  clear(): void {
    this.slots = new Int32Array(2048);
    this.hashes = new Uint32Array(2048);
    this.mask = 2047;
    this.count = 0;
  }
}
