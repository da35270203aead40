// The wake stage: the app is woken or launched for a push (LifecycleDriver 'wakeForPush'); on iOS its background
// handler must complete within the budget, or the app is terminated. A virtual app completes after its handlerTime.
import type { InstalledApp } from '../../core/index.js';
import type { Outcome } from '../../delivery/index.js';
import type { HandlerCompletion } from '../app-connection.js';
import type { InFlightPush, PipelineContext } from './pipeline-context.js';

export class WakeStage {
  /** Pushes whose iOS background handler has not completed yet, per app. */
  private readonly awaitingCompletion = new Map<string, Set<string>>();

  constructor(private readonly ctx: PipelineContext) {}

  wake(flight: InFlightPush, outcome: Outcome): void {
    if (!outcome.wake) return;
    const { push, app, device } = flight;
    const step = this.ctx.lifecycle.send(app.id, 'wakeForPush');
    if (step.to !== step.from || step.timers.length)
      this.ctx.ledger.note(push.id, this.ctx.clock.now(), `app woken: ${step.from} → ${step.to}`);
    if (device.platform === 'ios' && outcome.wake === 'background') {
      const pending = this.awaitingCompletion.get(app.id) ?? new Set<string>();
      pending.add(push.id);
      this.awaitingCompletion.set(app.id, pending);
    }
  }

  /**
   * The app finished handling a push: on iOS this is the fetch completion handler, which lets the system suspend it.
   */
  complete(appId: string, completion: HandlerCompletion): void {
    const pending = this.awaitingCompletion.get(appId);
    const described = [
      completion.result && `result ${completion.result}`,
      completion.error && `error: ${completion.error}`,
      completion.durationMs !== undefined && `after ${completion.durationMs} ms`,
    ]
      .filter(Boolean)
      .join(', ');
    this.ctx.ledger.note(
      completion.pushId,
      this.ctx.clock.now(),
      `handler completed${described ? ` (${described})` : ''}`,
    );
    if (!pending?.delete(completion.pushId)) return;
    if (pending.size === 0) {
      this.awaitingCompletion.delete(appId);
      const app = this.ctx.registry.app(appId);
      if (app && app.lifecycle === 'background.pushWake') this.ctx.lifecycle.send(appId, 'handlerCompleted');
    }
  }

  /**
   * A virtual app (no shim attached) runs its handler for `handlerTimeMs` of clock time, then calls the completion
   * handler.
   */
  completeVirtually(app: InstalledApp, pushId: string): void {
    const handlerTimeMs = app.handlerTimeMs ?? 0;
    if (handlerTimeMs < 0) return;
    const finish = (): void => {
      if (this.ctx.registry.app(app.id))
        this.complete(app.id, { pushId, result: 'newData', durationMs: handlerTimeMs });
    };
    if (handlerTimeMs === 0) finish();
    else
      this.ctx.clock.setTimer(finish, handlerTimeMs, {
        kind: 'handler',
        label: `${app.bundleId} (${app.id}) calls its completion handler for push ${pushId} after its handler time (${handlerTimeMs} ms)`,
        appId: app.id,
        deviceId: app.deviceId,
        pushId,
      });
  }

  /** The background budget ran out: the pushes still waiting for their completion handler say so. */
  onStateChanged(appId: string, from: string, to: string): void {
    if (from !== 'background.pushWake' || to !== 'notRunning') return;
    const pending = this.awaitingCompletion.get(appId);
    this.awaitingCompletion.delete(appId);
    for (const pushId of pending ?? [])
      this.ctx.ledger.note(
        pushId,
        this.ctx.clock.now(),
        'app terminated: the completion handler was not called within the background time ("or your app will be terminated")',
      );
  }

  forget(appId: string): void {
    this.awaitingCompletion.delete(appId);
  }
  clear(): void {
    this.awaitingCompletion.clear();
  }
}
