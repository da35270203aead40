// The decide stage: the platform (or vendor channel) rows and the SDK rows say what happens to the push
// (decideDelivery).
import type { DeviceConditions } from '../../core/index.js';
import { topState } from '../../lifecycle/index.js';
import { decideDelivery, type DeliveryInput, type Outcome, type RulesTable } from '../../delivery/index.js';
import type { InFlightPush } from './pipeline-context.js';

/**
 * Outcomes already decided, per rules table and conditions object: decideDelivery is pure, and a load test asks it the
 * same question push after push (it was the stage allocating most per push; issue 14). Devices on default conditions
 * share one frozen conditions object, and a change of conditions replaces the object, so identity is the right key.
 * Outcomes are frozen: every reader gets the same one.
 */
const decided = new WeakMap<RulesTable, WeakMap<DeviceConditions, Map<string, Outcome>>>();
/** Situations kept per conditions object; past it the map starts again. */
const DECIDED_CAP = 256;

/** Decides by the simulation's table, whose vendor rows include each service module's rows for its channel. */
export function decide(flight: InFlightPush, rules: RulesTable): Outcome {
  const { push, app, device } = flight;
  const state = topState(app.lifecycle);
  const input = (): DeliveryInput => ({
    kind: push.kind,
    priority: push.priority,
    platform: device.platform,
    channel: flight.channel,
    state,
    conditions: device.conditions,
    sdkProfile: app.sdkProfile,
    sdkVersion: app.sdkVersion,
  });
  // Fidelity switches are per app and rare: those apps are decided afresh.
  if (app.fidelity) return decideDelivery({ ...input(), fidelity: app.fidelity }, rules);
  let byConditions = decided.get(rules);
  if (!byConditions) decided.set(rules, (byConditions = new WeakMap()));
  let outcomes = byConditions.get(device.conditions);
  if (!outcomes) byConditions.set(device.conditions, (outcomes = new Map()));
  const key = `${push.kind} ${push.priority} ${device.platform} ${flight.channel} ${state} ${app.sdkProfile} ${app.sdkVersion}`;
  let outcome = outcomes.get(key);
  if (!outcome) {
    outcome = frozen(decideDelivery(input(), rules));
    if (outcomes.size >= DECIDED_CAP) outcomes.clear();
    outcomes.set(key, outcome);
  }
  return outcome;
}

function frozen(outcome: Outcome): Outcome {
  Object.freeze(outcome.callbacks);
  Object.freeze(outcome.platformCallbacks);
  Object.freeze(outcome.ruleIds);
  return Object.freeze(outcome);
}
