// What a phone vendor's push channel does with a ZPNs push on an Android phone without Google services: the callback
// support table of ZEGO's "实现离线推送" doc (zpns.md §3.3) and the ZPNs receiver's foreground/background routing (§1.5).
import { SOURCES } from '../../delivery/sources.js';
import type { Vendor } from './push-strategies.js';

export interface VendorOutcome { fate: 'delivered' | 'displayed' | 'dropped'; callback?: string; display: boolean; reason?: string; ruleId: string; source: string }

export interface VendorRule {
  id: string;
  vendors: readonly Vendor[];
  message: 'notification' | 'through';
  states: readonly string[];
  outcome: Omit<VendorOutcome, 'ruleId' | 'source'>;
  source: string;
}

const ALL: readonly Vendor[] = ['huawei', 'xiaomi', 'oppo', 'vivo'];

export const VENDOR_RULES: readonly VendorRule[] = [
  { id: 'vendor.notification.xiaomi-arrived', vendors: ['xiaomi'], message: 'notification', states: ['foreground', 'background'],
    outcome: { fate: 'delivered', callback: 'notificationArrived', display: true }, source: SOURCES.zpnsVendorDoc },
  { id: 'vendor.notification.tray', vendors: ALL, message: 'notification', states: ['foreground', 'background', 'killed', 'forceStopped'],
    outcome: { fate: 'displayed', display: true }, source: `${SOURCES.zpnsVendorDoc} (system-level display for killed and force-stopped apps is pushsim's choice, unconfirmed)` },
  { id: 'vendor.through.huawei.foreground', vendors: ['huawei'], message: 'through', states: ['foreground'],
    outcome: { fate: 'delivered', callback: 'throughMessageReceived', display: false }, source: `${SOURCES.zpnsVendorDoc}; ${SOURCES.zpnsAndroidReceiver}` },
  { id: 'vendor.through.huawei.background', vendors: ['huawei'], message: 'through', states: ['background', 'killed'],
    outcome: { fate: 'delivered', callback: 'setBackgroundMessageHandler', display: false }, source: SOURCES.zpnsAndroidReceiver },
  { id: 'vendor.through.unsupported', vendors: ['xiaomi', 'oppo', 'vivo'], message: 'through', states: ['foreground', 'background', 'killed', 'forceStopped'],
    outcome: { fate: 'dropped', display: false, reason: 'this vendor channel has no through (silent) messages; ZEGO\'s silent push works on iOS and on Android with Google services only' }, source: SOURCES.zpnsVendorDoc },
  { id: 'vendor.through.force-stopped', vendors: ['huawei'], message: 'through', states: ['forceStopped'],
    outcome: { fate: 'dropped', display: false, reason: 'the app was force-stopped; a through message needs its process' }, source: SOURCES.androidStopped },
];

export function decideVendorDelivery(vendor: Vendor, message: 'notification' | 'through', state: string): VendorOutcome {
  const rule = VENDOR_RULES.find((r) => r.vendors.includes(vendor) && r.message === message && r.states.includes(state));
  if (!rule) return { fate: 'dropped', display: false, reason: `no vendor rule covers a ${message} message on ${vendor} in state ${state}`, ruleId: 'vendor.no-rule', source: '' };
  return { ...rule.outcome, ruleId: rule.id, source: rule.source };
}
