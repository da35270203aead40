// The throttle stage: Apple's silent-push budget (a throttled push is held on the device, the newest only), App
// Standby buckets' cap on high-priority FCM messages, and seeded chaos; and what becomes of the push the device holds.
import { seededRandom, type Push } from '../../core/index.js';
import {
  DEVICE_HOLD_RULES,
  SilentPushThrottle,
  StandbyBucketBudget,
  THROTTLE_RULES,
  firstRule,
  type ThrottleFacts,
} from '../../delivery/index.js';
import type { InFlightPush, Settle } from './pipeline-context.js';

export interface ChaosSettings {
  backgroundDropProbability: number;
  seed: number;
}

export class ThrottleStage {
  readonly throttle = new SilentPushThrottle();
  private readonly standby = new StandbyBucketBudget();
  /**
   * Background pushes the device holds after throttling them, per app: the newest only
   * (docs/reference/apns.md#on-device-holding).
   */
  private readonly heldOnDevice = new Map<string, Push>();
  private chaos: ChaosSettings = { backgroundDropProbability: 0, seed: 1 };
  private chaosRandom = seededRandom(1);

  configureChaos(chaos: { backgroundDropProbability: number; seed?: number }): void {
    this.chaos = { backgroundDropProbability: chaos.backgroundDropProbability, seed: chaos.seed ?? this.chaos.seed };
    this.chaosRandom = seededRandom(this.chaos.seed);
  }

  get chaosSettings(): ChaosSettings {
    return { ...this.chaos };
  }

  /**
   * Applies the first row that holds; true when it gave the push its fate. A row without a fate (the standby downgrade)
   * changes the push, is added to `flight.via`, and the next rows are tried.
   */
  apply(flight: InFlightPush, now: number, settle: Settle, note: (text: string) => void): boolean {
    const { push, app, device } = flight;
    const facts: ThrottleFacts = {
      platform: device.platform,
      kind: push.kind,
      priority: push.priority,
      state: flight.state,
      debuggerAttached: device.conditions.debuggerAttached,
      budgetLeft: () => this.throttle.consume(app.id, now),
      standbyLeft: () => this.standby.consume(app.id, device.conditions.standbyBucket, now),
      chaosDrops: () =>
        this.chaos.backgroundDropProbability > 0 && this.chaosRandom() < this.chaos.backgroundDropProbability,
    };
    for (const rule of THROTTLE_RULES) {
      if (rule.channels && !rule.channels.includes(flight.channel)) continue;
      if (!rule.when(facts)) continue;
      switch (rule.id) {
        case 'apns.throttle.background-budget': {
          const { perWindow, windowMs } = this.throttle.current;
          const older = this.heldOnDevice.get(app.id);
          const replaced = firstRule(DEVICE_HOLD_RULES, { event: '', to: '', newerThrottled: true }, flight.channel)!;
          if (older)
            settle(older.id, { name: 'collapsed', reason: `replaced by ${push.id}: ${replaced.outcome.reason}` }, [
              replaced.id,
            ]);
          this.heldOnDevice.set(app.id, push);
          settle(
            push.id,
            {
              name: 'throttled',
              reason: `the app already had ${perWindow} background pushes in the last ${Math.round(windowMs / 60_000)} min; Apple throttles background pushes ("more than two or three per hour"). The device holds it (the newest only) and delivers it when the app is launched`,
            },
            [...flight.via, rule.id],
          );
          return true;
        }
        case 'android.standby.high-priority-cap':
          push.priority = 'normal';
          flight.via.push(rule.id);
          note(
            `high priority downgraded to normal: the app is in the "${device.conditions.standbyBucket}" App Standby bucket and used its daily high-priority allowance`,
          );
          facts.priority = 'normal';
          continue;
        default:
          settle(
            push.id,
            {
              name: 'dropped',
              reason: `APNs treats background pushes as low priority and does not guarantee their delivery; chaos dropped this one (probability ${this.chaos.backgroundDropProbability}, seed ${this.chaos.seed})`,
            },
            [...flight.via, rule.id],
          );
          return true;
      }
    }
    return false;
  }

  /**
   * The app's state changed: a force quit or kill discards the push the device holds; a launch hands it on, returned
   * with the row that did (docs/reference/apns.md#on-device-holding).
   */
  onStateChanged(
    appId: string,
    event: string,
    to: string,
    settle: Settle,
    previousIds: (pushId: string) => string[],
  ): { push: Push; via: string } | undefined {
    const held = this.heldOnDevice.get(appId);
    if (!held) return undefined;
    const rule = firstRule(DEVICE_HOLD_RULES, { event, to });
    if (!rule) return undefined;
    this.heldOnDevice.delete(appId);
    if (rule.id === 'apns.throttle.held-launch') return { push: held, via: rule.id };
    const how = event === 'forceQuit' ? 'force-quit' : event === 'reboot' ? 'stopped by a reboot' : 'killed';
    settle(held.id, { name: 'dropped', reason: `${rule.outcome.reason}: the app was ${how}` }, [
      ...previousIds(held.id),
      rule.id,
    ]);
    return undefined;
  }

  /** The push the device holds for an app, taken away (the app is uninstalled). */
  takeHeld(appId: string): Push | undefined {
    const held = this.heldOnDevice.get(appId);
    this.heldOnDevice.delete(appId);
    return held;
  }

  forget(appId: string): void {
    this.throttle.forget(appId);
  }
  clear(): void {
    this.throttle.clear();
    this.standby.clear();
    this.heldOnDevice.clear();
  }
}
