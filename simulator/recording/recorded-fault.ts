// Turns a fault added to a service's fault list (the bus's `fault.changed`) into the scenario's `fault` step; the parts
// a `fault` step cannot say (a topic or project filter, a delay) are named instead.
import type { SimulatorEvents } from '../core/index.js';
import type { RecordedApp, ScenarioStepSpec } from './recorded-step.js';

type AddedFault = NonNullable<SimulatorEvents['fault.changed']['added']>;

/** The `fault` step of an added fault (`app` owns its token, when it has one), or why there is none. */
export function faultStepOf(
  fault: AddedFault,
  app: RecordedApp | undefined,
): { step: ScenarioStepSpec; notes: string[] } | { skipped: string } {
  const what = `a ${fault.provider} fault (${fault.reason ?? fault.drop ?? `${fault.delayMs} ms delay`})`;
  if (fault.topic !== undefined || fault.project !== undefined)
    return {
      skipped: `${what} for a ${fault.topic !== undefined ? 'topic' : 'project'}: the fault step narrows by app only`,
    };
  if (fault.token !== undefined && !app) return { skipped: `${what} for a token no recorded app holds` };
  if (fault.reason === undefined && fault.drop === undefined)
    return { skipped: `${what}: the fault step answers with a reason or drops; it does not delay` };
  const spec: Record<string, unknown> = { provider: fault.provider };
  if (app) spec.app = app.id;
  if (fault.reason !== undefined) spec.reason = fault.reason;
  if (fault.drop !== undefined) spec.drop = fault.drop;
  if (fault.probability !== undefined) spec.probability = fault.probability;
  if (fault.times !== undefined) spec.times = fault.times;
  const notes = fault.delayMs !== undefined ? [`${what}: its ${fault.delayMs} ms delay is left out`] : [];
  return { step: { fault: spec }, notes };
}
