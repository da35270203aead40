// The priority-10 update budget of Live Activities. Apple says priority-10 ActivityKit pushes draw down a budget and
// priority-5 ones do not, and that NSSupportsLiveActivitiesFrequentUpdates raises it, but publishes no number
// (docs/reference/live-activities.md#update-budget): pushsim models it as so many priority-10 pushes per activity in a
// sliding window, a setting (LiveActivitySettings.budget) whose defaults are its own choice.

export interface UpdateBudgetSettings {
  /** Priority-10 pushes an activity takes within `windowMs` (pushsim's default: 16 an hour). */
  perWindow: number;
  /** The same with NSSupportsLiveActivitiesFrequentUpdates (pushsim's default: 160 an hour). */
  frequentPerWindow: number;
  windowMs: number;
}

export const DEFAULT_UPDATE_BUDGET: UpdateBudgetSettings = {
  perWindow: 16,
  frequentPerWindow: 160,
  windowMs: 60 * 60 * 1000,
};

export class UpdateBudget {
  private readonly spent = new Map<string, number[]>();
  settings: UpdateBudgetSettings;

  constructor(settings: Partial<UpdateBudgetSettings> = {}) {
    this.settings = { ...DEFAULT_UPDATE_BUDGET, ...settings };
  }

  configure(settings: Partial<UpdateBudgetSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  /** Whether a priority-10 push to `activityId` now would find the budget spent (it takes nothing). */
  isSpent(activityId: string, now: number, frequentUpdates: boolean): boolean {
    const limit = frequentUpdates ? this.settings.frequentPerWindow : this.settings.perWindow;
    return this.recent(activityId, now).length >= limit;
  }

  /** Draws one priority-10 push from `activityId`'s budget. */
  take(activityId: string, now: number): void {
    const times = this.recent(activityId, now);
    times.push(now);
    this.spent.set(activityId, times);
  }

  forget(activityId: string): void {
    this.spent.delete(activityId);
  }

  clear(): void {
    this.spent.clear();
  }

  private recent(activityId: string, now: number): number[] {
    const times = this.spent.get(activityId) ?? [];
    const from = now - this.settings.windowMs;
    let drop = 0;
    while (drop < times.length && times[drop]! <= from) drop++;
    if (drop) times.splice(0, drop);
    return times;
  }
}
