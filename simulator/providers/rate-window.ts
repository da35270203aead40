// A sliding-window counter of events over time: a queue of timestamps with a moving head, so checking a rate costs
// O(expired events), not O(window) per request (filtering a 600,000-entry array per push made sends quadratic).

export class RateWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  /** Events still inside the window at `now`. */
  count(now: number): number {
    const since = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! <= since) this.head++;
    if (this.head > 0 && this.head === this.times.length) {
      // All expired: let go of the array (it held a whole window at the last peak), not only of its head.
      this.times = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** Records an event at `now` if fewer than `limit` are in the window; false when the limit is reached. */
  tryTake(now: number, limit: number): boolean {
    if (this.count(now) >= limit) return false;
    this.times.push(now);
    return true;
  }
}

/** A RateWindow per key (device token...); windows left empty are dropped, so keys no longer used cost nothing. */
export class KeyedRateWindows {
  private readonly windows = new Map<string, RateWindow>();
  private takesSincePrune = 0;
  constructor(private readonly windowMs: number) {}
  tryTake(key: string, now: number, limit: number): boolean {
    let window = this.windows.get(key);
    if (!window) {
      window = new RateWindow(this.windowMs);
      this.windows.set(key, window);
    }
    const taken = window.tryTake(now, limit);
    // Every token ever sent to kept its window until a reset (uninstalled apps' too, issue 13's soak): once per as
    // many takes as there are windows, drop those with nothing left in them, so the cost per take stays O(1).
    if (++this.takesSincePrune >= Math.max(1024, this.windows.size)) this.prune(now);
    return taken;
  }
  /** How many keys have a window now. */
  get size(): number {
    return this.windows.size;
  }
  clear(): void {
    this.windows.clear();
    this.takesSincePrune = 0;
  }
  private prune(now: number): void {
    this.takesSincePrune = 0;
    for (const [key, window] of this.windows) if (window.count(now) === 0) this.windows.delete(key);
  }
}
