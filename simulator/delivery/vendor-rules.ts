// What a phone maker's push channel (HMS, Xiaomi, OPPO, vivo) does with a ZPNs push on an Android phone without Google
// services: the callback support table of ZEGO's "实现离线推送" doc (docs/reference/zpns.md#callback-support-by-vendor)
// and the ZPNs receiver's foreground/background routing (docs/reference/zpns.md#android-vendor-channels).
// Rows of the `decide` stage for the vendor channels; first match wins. A `notification` push is ZEGO's notification
// message, a `data` push its through (silent) message. The callbacks are the ZPNs events the app's JS hears.
import type { Channel, PushKind } from '../core/index.js';
import { SOURCES } from './sources.js';

export interface VendorRule {
  id: string;
  stage: 'decide';
  channels: readonly Channel[];
  kinds: readonly PushKind[];
  states: readonly string[];
  outcome: { fate: 'delivered' | 'displayed' | 'dropped'; callbacks: string[]; display: boolean; wake?: 'headless'; reason?: string };
  summary: string;
  source: readonly string[];
  unconfirmed?: boolean;
}

const ALL: readonly Channel[] = ['hms', 'xiaomi', 'oppo', 'vivo'];
const ANY_STATE = ['foreground', 'background', 'killed', 'forceStopped'] as const;

export const VENDOR_RULES: readonly VendorRule[] = [
  {
    id: 'vendor.notification.xiaomi-arrived', stage: 'decide', channels: ['xiaomi'], kinds: ['notification'], states: ['foreground', 'background'],
    outcome: { fate: 'delivered', callbacks: ['notificationArrived'], display: true },
    summary: 'Xiaomi shows the notification and, while the app runs, ZPNs raises notificationArrived.',
    source: [SOURCES.zpnsVendorDoc],
  },
  {
    id: 'vendor.notification.tray', stage: 'decide', channels: ALL, kinds: ['notification'], states: ANY_STATE,
    outcome: { fate: 'displayed', callbacks: [], display: true },
    summary: 'The vendor channel shows the notification; no ZPNs event fires until a tap (system-level display for killed and force-stopped apps is pushsim\'s choice).',
    source: [SOURCES.zpnsVendorDoc], unconfirmed: true,
  },
  {
    id: 'vendor.through.huawei.foreground', stage: 'decide', channels: ['hms'], kinds: ['data'], states: ['foreground'],
    outcome: { fate: 'delivered', callbacks: ['throughMessageReceived'], display: false },
    summary: 'An HMS through message in the foreground raises throughMessageReceived.',
    source: [SOURCES.zpnsVendorDoc, SOURCES.zpnsAndroidReceiver],
  },
  {
    id: 'vendor.through.huawei.background', stage: 'decide', channels: ['hms'], kinds: ['data'], states: ['background', 'killed'],
    outcome: { fate: 'delivered', callbacks: ['setBackgroundMessageHandler'], display: false, wake: 'headless' },
    summary: 'An HMS through message in the background or to a killed app runs the setBackgroundMessageHandler handler (a killed app\'s process is started headless).',
    source: [SOURCES.zpnsAndroidReceiver, 'docs/reference/zpns.md#android-vendor-channels'],
  },
  {
    id: 'vendor.through.unsupported', stage: 'decide', channels: ['xiaomi', 'oppo', 'vivo'], kinds: ['data'], states: ANY_STATE,
    outcome: { fate: 'dropped', callbacks: [], display: false, reason: 'this vendor channel has no through (silent) messages; ZEGO\'s silent push works on iOS and on Android with Google services only' },
    summary: 'Xiaomi, OPPO and vivo have no through messages in ZPNs.',
    source: [SOURCES.zpnsVendorDoc],
  },
  {
    id: 'vendor.through.force-stopped', stage: 'decide', channels: ['hms'], kinds: ['data'], states: ['forceStopped'],
    outcome: { fate: 'dropped', callbacks: [], display: false, reason: 'the app was force-stopped; a through message needs its process' },
    summary: 'A force-stopped app gets no HMS through message.',
    source: [SOURCES.androidStopped],
  },
];

export function matchVendorRule(channel: Channel, kind: PushKind, state: string): VendorRule | undefined {
  return VENDOR_RULES.find((rule) => rule.channels.includes(channel) && rule.kinds.includes(kind) && rule.states.includes(state));
}
