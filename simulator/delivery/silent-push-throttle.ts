// Apple's budget for background (silent) pushes: two or three an hour, rate-limited above about three
// (docs/reference/apns.md#silent-push-budget). Off with a debugger attached.

export interface ThrottleSettings {
  /** Background pushes per app per rolling window that wake the app; 0 turns the throttle off. */
  perWindow: number;
  windowMs: number;
}

export const DEFAULT_SILENT_PUSH_THROTTLE: ThrottleSettings = { perWindow: 3, windowMs: 3_600_000 };

export class SilentPushThrottle {
  private readonly recent = new Map<string, number[]>();

  constructor(private settings: ThrottleSettings = DEFAULT_SILENT_PUSH_THROTTLE) {}

  configure(settings: Partial<ThrottleSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }
  get current(): ThrottleSettings {
    return this.settings;
  }

  /** Takes one unit of the app's budget at `now`; false when the budget is spent. */
  consume(appId: string, now: number): boolean {
    if (this.settings.perWindow <= 0) return true;
    const since = now - this.settings.windowMs;
    const times = (this.recent.get(appId) ?? []).filter((t) => t > since);
    if (times.length >= this.settings.perWindow) {
      this.recent.set(appId, times);
      return false;
    }
    times.push(now);
    this.recent.set(appId, times);
    return true;
  }

  forget(appId: string): void {
    this.recent.delete(appId);
  }
  clear(): void {
    this.recent.clear();
  }
}

/**
 * App Standby bucket caps on high-priority FCM messages per day (table "prior to Android 13",
 * https://developer.android.com/topic/performance/power/power-details); past the cap they are treated as normal priority.
 */
export const STANDBY_HIGH_PRIORITY_PER_DAY: Record<string, number> = {
  active: Infinity,
  working_set: Infinity,
  frequent: 10,
  rare: 5,
  restricted: 5,
};

export class StandbyBucketBudget {
  private readonly used = new Map<string, number[]>();

  /** Takes one high-priority message from the app's daily allowance; false when its bucket's cap is reached. */
  consume(appId: string, bucket: string, now: number): boolean {
    const cap = STANDBY_HIGH_PRIORITY_PER_DAY[bucket] ?? Infinity;
    if (cap === Infinity) return true;
    const since = now - 86_400_000;
    const times = (this.used.get(appId) ?? []).filter((t) => t > since);
    if (times.length >= cap) {
      this.used.set(appId, times);
      return false;
    }
    times.push(now);
    this.used.set(appId, times);
    return true;
  }

  clear(): void {
    this.used.clear();
  }
}
