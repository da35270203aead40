// The hand-over stage: the decided push goes to the app's client shim (when one is attached) and the screen shows what
// the rows say — a newer notification with the same collapse id replaces the one shown. A shim that was attached and
// is gone means none of the app's code can run.
import type { Fate, Ledger, Push } from '../../core/index.js';
import { DETACH_RULES, HAND_OVER_RULES, ON_SCREEN_RULES, firstRule, type Outcome } from '../../delivery/index.js';
import type { AppConnection } from '../app-connection.js';
import type { DecidedFate, InFlightPush, Settle } from './pipeline-context.js';
import { idsOf } from './settle.js';

export class HandOverStage {
  private readonly connections = new Map<string, AppConnection>();
  /** Apps whose shim was attached and is gone: their code cannot run until a shim attaches again. */
  private readonly unreachable = new Set<string>();
  /** Deliveries handed to a shim and not yet acknowledged: push id → app id. */
  private readonly inFlight = new Map<string, string>();
  /** Notifications on screen by collapse id, per app. */
  private readonly onScreen = new Map<string, string>();

  constructor(private readonly ledger: Ledger) {}

  attach(appId: string, connection: AppConnection): void {
    this.connections.set(appId, connection);
    this.unreachable.delete(appId);
  }

  /**
   * Forgets the connection; settles the deliveries it never acknowledged. False when `connection` was not the app's.
   */
  detach(appId: string, connection: AppConnection, reason: string, stillInstalled: boolean, settle: Settle): boolean {
    if (this.connections.get(appId) !== connection) return false;
    this.connections.delete(appId);
    if (!stillInstalled) return false;
    this.unreachable.add(appId);
    const rule = firstRule(DETACH_RULES, { inFlight: true })!;
    for (const [pushId, owner] of [...this.inFlight]) {
      if (owner !== appId) continue;
      this.inFlight.delete(pushId);
      const entry = this.ledger.get(pushId);
      settle(
        pushId,
        {
          name: 'dropped',
          reason: `${reason} before the app acknowledged the delivery, so its callback may not have run`,
        },
        [...(entry ? idsOf(entry.fate) : []), rule.id],
      );
    }
    return true;
  }

  connection(appId: string): AppConnection | undefined {
    return this.connections.get(appId);
  }
  isAttached(appId: string): boolean {
    return this.connections.has(appId);
  }
  isReachable(appId: string): boolean {
    return !this.unreachable.has(appId);
  }
  acknowledged(pushId: string): void {
    this.inFlight.delete(pushId);
  }

  /**
   * Settles the decided fate and hands the push to the app's shim. Returns true when a virtual app (no shim) should
   * run the handler itself.
   */
  deliver(flight: InFlightPush, outcome: Outcome, fate: DecidedFate, ruleIds: string[], settle: Settle): boolean {
    const { push, app } = flight;
    const delivered = outcome.fate === 'delivered';
    const disconnected = firstRule(
      HAND_OVER_RULES,
      { delivered, unreachable: this.unreachable.has(app.id) },
      flight.channel,
    );
    if (disconnected) {
      settle(
        push.id,
        { ...fate, name: outcome.display ? 'displayed' : 'dropped', reason: disconnected.outcome.reason! },
        [...ruleIds, disconnected.id],
      );
      return false;
    }
    if (outcome.display && push.collapseId !== undefined) this.replaceOnScreen(app.id, push, flight, settle);
    settle(push.id, fate, ruleIds);
    const connection = this.connections.get(app.id);
    if (connection && (delivered || outcome.wake || outcome.display)) {
      if (delivered) this.inFlight.set(push.id, app.id);
      connection.deliver({ pushId: push.id, appId: app.id, push, outcome, state: flight.state });
      return false;
    }
    return delivered;
  }

  private replaceOnScreen(appId: string, push: Push, flight: InFlightPush, settle: Settle): void {
    const key = `${appId}\u0000${push.collapseId}`;
    const older = this.onScreen.get(key);
    this.onScreen.set(key, push.id);
    const entry = older ? this.ledger.get(older) : undefined;
    const rule = firstRule(
      ON_SCREEN_RULES,
      { displayed: entry?.fate.displayed === true, sameCollapseId: entry !== undefined },
      flight.channel,
    );
    if (!entry || !rule) return;
    const { at: _at, ruleIds: _ids, ruleId: _id, ...rest }: Fate = entry.fate;
    settle(
      older!,
      {
        ...rest,
        name: 'collapsed',
        displayed: false,
        reason: `replaced on screen by ${push.id} with the same collapse id "${push.collapseId}"`,
      },
      [...idsOf(entry.fate), rule.id],
    );
  }

  forget(appId: string): void {
    this.connections.delete(appId);
    this.unreachable.delete(appId);
    for (const [pushId, owner] of [...this.inFlight]) if (owner === appId) this.inFlight.delete(pushId);
  }

  clear(): void {
    this.connections.clear();
    this.unreachable.clear();
    this.inFlight.clear();
    this.onScreen.clear();
  }
}
