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
    if (this.head > 4096 && this.head * 2 > this.times.length) {
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

/** A RateWindow per key (device token...). */
export class KeyedRateWindows {
  private readonly windows = new Map<string, RateWindow>();
  constructor(private readonly windowMs: number) {}
  tryTake(key: string, now: number, limit: number): boolean {
    let window = this.windows.get(key);
    if (!window) {
      window = new RateWindow(this.windowMs);
      this.windows.set(key, window);
    }
    return window.tryTake(now, limit);
  }
  clear(): void {
    this.windows.clear();
  }
}
