// The typed events the simulator publishes; names are dot-namespaced and lower-case, as the ws feed sends them.
import type { Device, DeviceConditions } from './device.js';
import type { Fate } from './fate.js';
import type { InstalledApp, AppTokens } from './installed-app.js';
import type { LedgerEntry, LedgerReceipt } from './ledger.js';

export interface SimulatorEvents extends Record<string, unknown> {
  'device.created': { device: Device };
  'device.removed': { deviceId: string };
  'device.conditions-changed': { deviceId: string; conditions: DeviceConditions; changed: Partial<DeviceConditions> };
  'app.installed': { app: InstalledApp };
  'app.uninstalled': { appId: string; deviceId: string; bundleId: string };
  'app.state-changed': { appId: string; deviceId: string; from: string; to: string; event: string; reason?: string };
  'token.issued': { appId: string; tokens: AppTokens };
  'push.accepted': { entry: LedgerEntry };
  'push.fate': { id: string; fate: Fate; entry: LedgerEntry };
  'push.note': { id: string; at: number; note: string };
  'push.received': { id: string; receipt: LedgerReceipt };
  'app.attached': { appId: string };
  'app.detached': { appId: string; reason: string };
  'clock.advanced': { now: number };
  'simulator.reset': { at: number };
  /** A step of a scenario run the control plane started (POST /api/scenarios/runs) has run. */
  'scenario.progress': {
    runId: string;
    scenario: string;
    /** The step's place, from 1, of `steps`. */
    step: number;
    steps: number;
    title: string;
    status: 'passed' | 'failed';
  };
  /** A scenario run ended. */
  'scenario.finished': { runId: string; status: 'passed' | 'failed' | 'error' };
}

export type SimulatorEventName = keyof SimulatorEvents;
