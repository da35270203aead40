// What every stage of the delivery pipeline may reach: the registry, the ledger, the clock, the lifecycles, the bus,
// the simulation's rules table, and the one way to give a push a fate (settle.ts).
import type {
  Channel,
  Clock,
  Device,
  EventBus,
  Fate,
  InstalledApp,
  Ledger,
  Push,
  Registry,
  SimulatorEvents,
} from '../../core/index.js';
import type { RulesTable } from '../../delivery/index.js';
import type { LifecycleDriver } from '../lifecycle-driver.js';

export interface PipelineContext {
  registry: Registry;
  ledger: Ledger;
  clock: Clock;
  lifecycle: LifecycleDriver;
  bus: EventBus<SimulatorEvents>;
  /** The simulation's composed rules table: the core's rows and its service modules'. */
  rules: RulesTable;
}

/** A fate before the settle stage stamps its time and the ids of the rows that decided it. */
export type DecidedFate = Omit<Fate, 'at' | 'ruleIds' | 'ruleId'>;

/** Gives a push its next fate, naming the rules-table rows that decided it. */
export type Settle = (pushId: string, fate: DecidedFate, ruleIds: readonly string[]) => void;

/** One push on its way through the stages. */
export interface InFlightPush {
  push: Push;
  app: InstalledApp;
  device: Device;
  channel: Channel;
  /** Top-level lifecycle state when the push arrived at the stage. */
  state: string;
  /** Rows earlier stages applied without deciding the fate (a held push handed on, a priority lowered). */
  via: string[];
}

/**
 * The channel a push reaches the device on: the one the provider named (a ZPNs vendor channel), or else the platform's
 * own service — FCM reaches an iOS app through APNs, so an FCM send to an iOS token arrives on `apns`.
 */
export function channelOf(push: Push, device: Device): Channel {
  return push.channel ?? (device.platform === 'ios' ? 'apns' : 'fcm');
}
