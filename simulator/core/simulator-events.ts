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
  /** A Live Activity started, showed a new content state or took a new state (simulator/live-activity/). */
  'activity.changed': {
    activityId: string;
    appId: string;
    deviceId: string;
    change: 'started' | 'updated' | 'stale' | 'ended' | 'dismissed';
    state: string;
    contentState: Record<string, unknown>;
    pushId?: string;
    ruleId: string;
  };
  /** A Live Activity's push token, or an app's push-to-start token for an attributes type, was issued. */
  'activity.token-issued': {
    appId: string;
    activityId?: string;
    attributesType: string;
    token: string;
    kind: 'push' | 'push-to-start';
  };
  'clock.advanced': { now: number };
  'simulator.reset': { at: number };
}

export type SimulatorEventName = keyof SimulatorEvents;
