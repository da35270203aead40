// ZEGO's push service: a ZIM send (message, call invitation, call cancel) reaches each receiver in-app while its ZIM
// connection is up, and otherwise as an offline push chosen by the `resourcesID` strategy — through APNs on iOS, FCM on
// Android with Google services, or the phone vendor's channel — and from there through the same delivery rules as any push.
import { randomUUID } from 'node:crypto';
import type { Simulation } from '../../engine/index.js';
import type { Device, InstalledApp, Push } from '../../core/index.js';
import { topState } from '../../lifecycle/index.js';
import type { PushStrategies, PushStrategy, AppleStrategy, FcmStrategy, Vendor } from './push-strategies.js';
import { VENDORS, STRATEGY_PRESETS } from './push-strategies.js';
import type { ZimSessions } from './zim-sessions.js';
import { apnsViaZpns, fcmViaZpns, type ZpnsSend } from './zpns-payload.js';
import { decideVendorDelivery } from './vendor-rules.js';

export interface ReceiverResult {
  userID: string;
  appId?: string;
  /** `online`: delivered in-app by ZIM; `offline-push`: sent as an offline push (see pushId); `not-logged-in`: no install. */
  delivery: 'online' | 'offline-push' | 'not-logged-in';
  pushId?: string;
  channel?: 'apns' | 'fcm' | Vendor;
}

const DEFAULT_STRATEGY = STRATEGY_PRESETS.alert!;

export class ZpnsService {
  constructor(private readonly sim: Simulation, private readonly strategies: PushStrategies, private readonly sessions: ZimSessions) {}

  deliver(receivers: string[], send: ZpnsSend, inAppEvent: string): ReceiverResult[] {
    const results: ReceiverResult[] = [];
    for (const userID of receivers) {
      const installs = this.sessions.appsOf(userID);
      if (installs.length === 0) { results.push({ userID, delivery: 'not-logged-in' }); continue; }
      for (const { app, device } of installs) results.push(this.deliverToInstall(userID, app, device, send, inAppEvent));
    }
    return results;
  }

  private deliverToInstall(userID: string, app: InstalledApp, device: Device, send: ZpnsSend, inAppEvent: string): ReceiverResult {
    const now = this.sim.clock.now();
    const id = randomUUID();
    if (this.sessions.isConnected(app, device)) {
      const push: Push = { id, provider: 'zpns', token: app.tokens?.zpns ?? '', kind: 'data', priority: 'high', payload: { from: send.fromUserID, event: inAppEvent, callID: send.callID }, acceptedAt: now, notes: ['the receiver\'s ZIM connection is up: ZIM delivers in-app and ZEGO sends no offline push'] };
      this.sim.record(push, { name: 'delivered', callback: `ZIM.${inAppEvent}`, reason: 'delivered in-app over the ZIM long connection' });
      return { userID, appId: app.id, delivery: 'online', pushId: id };
    }
    const { strategy, notes } = this.strategyFor(send.pushConfig.resourcesID);
    const tokens = this.sim.registry.register(app.id);

    if (device.platform === 'ios') {
      const apple: AppleStrategy = strategy.apple ?? DEFAULT_STRATEGY.apple!;
      if (!strategy.apple) notes.push(`resourcesID "${send.pushConfig.resourcesID}" has no Apple configuration; pushsim sent ZEGO's default alert (ZEGO's behaviour here is undocumented)`);
      const push = apnsViaZpns(id, tokens.apns!, send, apple, app.fidelity, now);
      push.notes = notes;
      this.sim.router.route(push);
      return { userID, appId: app.id, delivery: 'offline-push', pushId: id, channel: 'apns' };
    }
    if (device.conditions.hasGoogleServices) {
      const fcm: FcmStrategy = strategy.fcm ?? DEFAULT_STRATEGY.fcm!;
      if (!strategy.fcm) notes.push(`resourcesID "${send.pushConfig.resourcesID}" has no FCM configuration; pushsim sent ZEGO's default notification (ZEGO's behaviour here is undocumented)`);
      const push = fcmViaZpns(id, tokens.fcm!, send, fcm, now);
      push.notes = notes;
      this.sim.router.route(push);
      return { userID, appId: app.id, delivery: 'offline-push', pushId: id, channel: 'fcm' };
    }

    // Android without Google services: the vendor channel of the phone's maker, when the strategy configures one.
    const vendor = VENDORS.find((v) => v === device.manufacturer);
    const silent = strategy.fcm?.messageType === 'data' || (!strategy.fcm && strategy.apple?.pushType === 'background');
    const push: Push = { id, provider: 'zpns', token: tokens.zpns ?? '', kind: silent ? 'data' : 'notification', priority: 'high', acceptedAt: now,
      payload: { title: send.pushConfig.title, content: send.pushConfig.content, payload: send.pushConfig.payload, ...(send.callID ? { call_id: send.callID } : {}) },
      headers: { channel: vendor ?? 'none', resourcesID: send.pushConfig.resourcesID }, notes };
    if (!vendor || (!strategy[vendor] && send.pushConfig.resourcesID !== '')) {
      const reason = vendor
        ? `the device has no Google services, and resourcesID "${send.pushConfig.resourcesID}" has no ${vendor} configuration, so ZEGO has no channel to this phone`
        : `the device has no Google services and is not a Huawei, Xiaomi, OPPO or vivo phone, so ZEGO has no push channel to it (FCM needs Google services)`;
      this.sim.record(push, { name: 'dropped', reason });
      return { userID, appId: app.id, delivery: 'offline-push', pushId: id };
    }
    const outcome = decideVendorDelivery(vendor, silent ? 'through' : 'notification', topState(app.lifecycle));
    this.sim.record(push, { name: outcome.fate, displayed: outcome.display, ruleId: outcome.ruleId, ...(outcome.callback ? { callback: outcome.callback } : {}), ...(outcome.reason ? { reason: outcome.reason } : {}) });
    return { userID, appId: app.id, delivery: 'offline-push', pushId: id, channel: vendor };
  }

  private strategyFor(resourcesID: string): { strategy: Partial<PushStrategy>; notes: string[] } {
    if (resourcesID === '') return { strategy: DEFAULT_STRATEGY, notes: ['no resourcesID: ZEGO\'s default offline push (a notification with title and content)'] };
    const strategy = this.strategies.get(resourcesID);
    if (strategy) return { strategy, notes: [`push strategy resourcesID "${resourcesID}"`] };
    return { strategy: DEFAULT_STRATEGY, notes: [`unknown resourcesID "${resourcesID}": pushsim used ZEGO's default offline push (ZEGO's behaviour for an unknown resourcesID is undocumented)`] };
  }
}
