// The stages of the delivery pipeline, in the order a push meets them, and the shape of a rules-table row of a stage
// other than `decide` (whose platform, vendor and SDK rows have their own shapes).
import type { Channel, FateName } from '../core/index.js';

export const STAGES = [
  { name: 'accept', job: "The provider answers the request: rejected with the service's own reason, or taken." },
  {
    name: 'resolve',
    job: 'The token (or ZIM user) leads to an installed app and its device, and a channel to reach it.',
  },
  { name: 'expiry', job: 'A push past its expiry, or with expiry 0 when it cannot be delivered at once, expires.' },
  { name: 'offline', job: "The service holds pushes for an offline device under the channel's storage policy." },
  { name: 'throttle', job: 'Budgets and on-device holding: the silent-push budget, App Standby buckets, chaos.' },
  { name: 'decide', job: "What the platform (or the vendor channel) and the app's SDK do with the push." },
  { name: 'defer', job: 'Pushes the device defers (Doze) wait until conditions allow.' },
  { name: 'wake', job: 'The app is woken or launched for the push; its handler completes or runs out of time.' },
  { name: 'hand-over', job: "The push goes to the app's client shim or a virtual app; what the screen shows." },
  {
    name: 'settle',
    job: "What the app's code reported, a shim gone mid-delivery, an app uninstalled while a push waited.",
  },
] as const;

export type StageName = (typeof STAGES)[number]['name'];

export interface StageOutcome {
  /** The fate the row gives; absent for a row that changes the push and lets later stages decide. */
  fate?: FateName;
  reason?: string;
  /** What the row does when it gives no fate of its own (a priority downgrade, a held push handed on). */
  effect?: string;
}

/** A row of a pipeline stage: an id, the condition in words and in code, the outcome and where it comes from. */
export interface StageRule<Facts = unknown> {
  id: string;
  stage: StageName;
  /** Channels the row applies to; absent = every channel. */
  channels?: readonly Channel[];
  /** The condition, in words. */
  condition: string;
  /** The condition, in code: the facts the stage has at hand. */
  when: (facts: Facts) => boolean;
  outcome: StageOutcome;
  source: readonly string[];
  /** The behaviour is pushsim's choice where the sources are silent. */
  unconfirmed?: boolean;
  /** `simulator`: the row is about pushsim's own machinery (the client shim), not a platform's behaviour. */
  origin?: 'simulator';
}

/** The first row whose channel and condition hold. */
export function firstRule<Facts>(
  rows: readonly StageRule<Facts>[],
  facts: NoInfer<Facts>,
  channel?: Channel,
): StageRule<Facts> | undefined {
  return rows.find(
    (row) => (!row.channels || channel === undefined || row.channels.includes(channel)) && row.when(facts),
  );
}

/** Defines a row, keeping its facts type. */
export function stageRule<Facts>(row: StageRule<Facts>): StageRule<Facts> {
  return row;
}
