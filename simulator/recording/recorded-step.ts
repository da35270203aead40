// What a session recording holds: the scenario's setup (devices, apps, strategies) and its steps in order, each a
// scenario step (`{ apns: {...} }`, `{ expect: {...} }`) or a comment naming what could not be one.
import type { Fate } from '../core/index.js';

/** A scenario step: one key, the step kind, and its spec (scenario/scenario-schema.ts). */
export type ScenarioStepSpec = Record<string, unknown>;

/** One entry of the recorded steps: a step, or a comment (written as a YAML comment before the next step). */
export type RecordedItem = { readonly step: ScenarioStepSpec } | { readonly comment: string };

/** A device as the scenario's `devices` declares it. */
export interface DeclaredDevice {
  id: string;
  platform: 'ios' | 'android';
  osVersion?: string;
  manufacturer?: string;
  conditions?: Record<string, unknown>;
}

/** An app as the scenario's `apps` declares it. */
export interface DeclaredApp {
  id: string;
  device: string;
  bundleId: string;
  sdk: string;
  sdkVersion?: string;
  environment?: 'sandbox' | 'production';
  state?: string;
  handlerTime?: string | number;
  fidelity?: Record<string, boolean>;
  fcmProject?: string;
  zimUser?: string;
  zimConnection?: 'auto' | 'down';
  /** Its Live Activity attributes types and frequentUpdates, as the scenario's `liveActivities` declares them. */
  liveActivities?: Record<string, unknown>;
}

/** A recorded app as the send mapping needs it: its scenario id, platform, topic and tokens. */
export interface RecordedApp {
  readonly id: string;
  readonly platform: 'ios' | 'android';
  readonly bundleId: string;
  readonly environment: 'sandbox' | 'production';
  readonly tokens: Readonly<Record<string, string | undefined>>;
  /** It ran its own code through the client shim while recorded (the scenario declares it as a virtual app). */
  attached: boolean;
}

/** The whole recording, as the writer turns it into YAML. */
export interface RecordedScenario {
  name: string;
  description: string;
  /** Lines of the comment at the file's top. */
  header: string[];
  devices: DeclaredDevice[];
  apps: DeclaredApp[];
  strategies: Record<string, unknown>[];
  /** The scenario's `settings` (a silent-push budget other than Apple's default). */
  settings?: Record<string, unknown>;
  items: RecordedItem[];
}

/** A duration as scenario files write it: `30s`, `2m`, `1h`, or `250ms`. */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  if (whole === 0) return '0s';
  if (whole % 3_600_000 === 0) return `${whole / 3_600_000}h`;
  if (whole % 60_000 === 0) return `${whole / 60_000}m`;
  if (whole % 1000 === 0) return `${whole / 1000}s`;
  return `${whole}ms`;
}

/** What an `expect` step asserts about a fate; two fates with the same signature need no second expectation. */
export function fateSignature(fate: Fate): string {
  return JSON.stringify([fate.name, fate.callback ?? '', fate.displayed ?? false, fate.ruleIds ?? []]);
}
