// ZIM logins: which app installs a ZIM userID is logged in on (ZPNs and ZIM bind the pushID automatically), and whether
// that install's ZIM long connection is up. ZEGO sends an offline push only when the receiver is offline
// (docs/reference/zpns.md#offline-push-only-when-offline);
// when a backgrounded app's connection counts as offline is pushsim's model, written here.
import type { Device, InstalledApp, Registry } from '../../core/index.js';
import { ErrorCodes, SimulatorError } from '../../core/index.js';

/**
 * Whether the app's ZIM long connection is up: iOS keeps sockets while the app runs (active, inactive, backgrounded and
 * not yet suspended) and loses them when it is suspended or terminated; Android keeps them while the process is alive
 * with its UI started (foreground or background), not in a headless process, and not in Doze (no network); an offline
 * device has none.
 */
export function isZimConnected(app: InstalledApp, device: Device): boolean {
  if (!device.conditions.online) return false;
  if (device.platform === 'ios') return ['active', 'inactive', 'background.running'].includes(app.lifecycle);
  if (device.conditions.doze) return false;
  return app.lifecycle === 'foreground' || app.lifecycle === 'background.ui';
}

export class ZimSessions {
  private readonly users = new Map<string, Set<string>>();
  /** Installs whose ZIM connection is held down (logged in for push, but not connected), e.g. while reconnecting. */
  private readonly heldDown = new Set<string>();

  constructor(private readonly registry: Registry) {}

  /** Whether ZIM delivers to this install in-app right now. */
  isConnected(app: InstalledApp, device: Device): boolean {
    return !this.heldDown.has(app.id) && isZimConnected(app, device);
  }

  /** `auto` follows the app's state (isZimConnected); `down` keeps the connection down whatever the state. */
  setConnection(appId: string, connection: 'auto' | 'down'): void {
    if (connection === 'down') this.heldDown.add(appId);
    else this.heldDown.delete(appId);
  }

  /** Whether the install's connection is held down (`down`) or follows its state (`auto`). */
  connectionOf(appId: string): 'auto' | 'down' {
    return this.heldDown.has(appId) ? 'down' : 'auto';
  }

  login(userID: string, appId: string): void {
    const app = this.registry.requireApp(appId);
    if (app.sdkProfile !== 'zpns-rn')
      throw new SimulatorError(
        ErrorCodes.NOT_A_ZPNS_APP,
        `app ${appId} uses ${app.sdkProfile}; ZIM logins need a zpns-rn app`,
        'appId',
      );
    this.registry.register(appId);
    for (const apps of this.users.values()) apps.delete(appId); // one user per install: login switches users (and unbinds the pushID)
    let apps = this.users.get(userID);
    if (!apps) {
      apps = new Set();
      this.users.set(userID, apps);
    }
    apps.add(appId);
  }

  logout(userID: string, appId?: string): void {
    if (appId === undefined) this.users.delete(userID);
    else this.users.get(userID)?.delete(appId);
  }

  /** The installs a user is logged in on, skipping any since uninstalled. */
  appsOf(userID: string): { app: InstalledApp; device: Device }[] {
    const out: { app: InstalledApp; device: Device }[] = [];
    for (const appId of this.users.get(userID) ?? []) {
      const app = this.registry.app(appId);
      const device = app && this.registry.device(app.deviceId);
      if (app && device) out.push({ app, device });
    }
    return out;
  }

  list(): { userID: string; apps: string[] }[] {
    return [...this.users].map(([userID, apps]) => ({ userID, apps: [...apps] }));
  }

  clear(): void {
    this.users.clear();
    this.heldDown.clear();
  }
}
