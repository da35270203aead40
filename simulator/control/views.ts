// The JSON shapes the control API returns for devices, apps and ledger entries.
import type { Device, InstalledApp, LedgerEntry } from '../core/index.js';
import type { Simulation } from '../engine/index.js';
import { topState } from '../lifecycle/index.js';

export function deviceView(sim: Simulation, device: Device) {
  return { ...device, apps: sim.registry.listApps(device.id).map((app) => app.id) };
}

export function appView(sim: Simulation, app: InstalledApp) {
  const device = sim.registry.device(app.deviceId);
  return {
    ...app,
    platform: device?.platform,
    state: topState(app.lifecycle),
    tokens: app.tokens ?? {},
    attached: sim.router.isAttached(app.id),
    held: sim.router.heldFor(app.id).map((push) => push.id),
  };
}

export function entryView(entry: LedgerEntry) {
  return entry;
}
