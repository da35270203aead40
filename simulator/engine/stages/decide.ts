// The decide stage: the platform (or vendor channel) rows and the SDK rows say what happens to the push
// (decideDelivery).
import { topState } from '../../lifecycle/index.js';
import { decideDelivery, type Outcome, type RulesTable } from '../../delivery/index.js';
import type { InFlightPush } from './pipeline-context.js';

/** Decides by the simulation's table, whose vendor rows include each service module's rows for its channel. */
export function decide(flight: InFlightPush, rules: RulesTable): Outcome {
  const { push, app, device } = flight;
  return decideDelivery(
    {
      kind: push.kind,
      priority: push.priority,
      platform: device.platform,
      channel: flight.channel,
      state: topState(app.lifecycle),
      conditions: device.conditions,
      sdkProfile: app.sdkProfile,
      sdkVersion: app.sdkVersion,
      ...(app.fidelity ? { fidelity: app.fidelity } : {}),
    },
    rules,
  );
}
