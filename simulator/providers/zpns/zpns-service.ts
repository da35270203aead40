// ZEGO's push service: a ZIM send (message, call invitation, call cancel) reaches each receiver in-app while its ZIM
// connection is up, and otherwise as an offline push chosen by the `resourcesID` strategy — through APNs on iOS, FCM on
// Android with Google services, or the phone vendor's channel — and from there through the same delivery rules as any
// push.
import { randomUUID } from 'node:crypto';
import type { Simulation } from '../../engine/index.js';
import type { Channel, Device, InstalledApp, Push } from '../../core/index.js';
import { ZPNS_CHANNEL_RULES, firstRule, isQuotaExempt, vendorQuotaRule } from '../../delivery/index.js';
import type {
  PushStrategies,
  PushStrategy,
  AppleStrategy,
  FcmStrategy,
  Vendor,
  VendorStrategy,
} from './push-strategies.js';
import { VENDORS, STRATEGY_PRESETS } from './push-strategies.js';
import type { ZimSessions } from './zim-sessions.js';
import { apnsViaZpns, fcmViaZpns, type ZpnsSend } from './zpns-payload.js';

/** The channel of each maker's push service, as the rules table names it (Huawei's is HMS). */
const VENDOR_CHANNEL: Record<Vendor, Channel> = { huawei: 'hms', xiaomi: 'xiaomi', oppo: 'oppo', vivo: 'vivo' };

export interface ReceiverResult {
  userID: string;
  appId?: string;
  /**
   * `online`: delivered in-app by ZIM; `offline-push`: sent as an offline push (see pushId); `not-logged-in`: no
   * install.
   */
  delivery: 'online' | 'offline-push' | 'not-logged-in';
  pushId?: string;
  channel?: 'apns' | 'fcm' | Vendor;
}

const DEFAULT_STRATEGY = STRATEGY_PRESETS.alert!;
const DAY_MS = 86_400_000;

export class ZpnsService {
  /** Limited-class messages each app got through its vendor channel, by app and clock day (the vendors' daily quotas). */
  private readonly quotaUsed = new Map<string, number>();

  constructor(
    private readonly sim: Simulation,
    private readonly strategies: PushStrategies,
    private readonly sessions: ZimSessions,
  ) {}

  deliver(receivers: string[], send: ZpnsSend, inAppEvent: string): ReceiverResult[] {
    const results: ReceiverResult[] = [];
    for (const userID of receivers) {
      const installs = this.sessions.appsOf(userID);
      if (installs.length === 0) {
        results.push({ userID, delivery: 'not-logged-in' });
        continue;
      }
      for (const { app, device } of installs)
        results.push(this.deliverToInstall(userID, app, device, send, inAppEvent));
    }
    return results;
  }

  private deliverToInstall(
    userID: string,
    app: InstalledApp,
    device: Device,
    send: ZpnsSend,
    inAppEvent: string,
  ): ReceiverResult {
    const now = this.sim.clock.now();
    const id = randomUUID();
    const vendor = VENDORS.find((v) => v === device.manufacturer);
    const channel = firstRule(ZPNS_CHANNEL_RULES, {
      zimConnected: this.sessions.isConnected(app, device),
      platform: device.platform,
      hasGoogleServices: device.conditions.hasGoogleServices,
      hasHmsCore: device.conditions.hasHmsCore,
      ...(vendor ? { vendor } : {}),
    });
    if (channel?.id === 'zim.in-app.delivered') {
      const push: Push = {
        id,
        provider: 'zpns',
        channel: 'zim',
        token: app.tokens?.zpns ?? '',
        kind: 'data',
        priority: 'high',
        payload: { from: send.fromUserID, event: inAppEvent, callID: send.callID },
        acceptedAt: now,
        notes: ["the receiver's ZIM connection is up: ZIM delivers in-app and ZEGO sends no offline push"],
      };
      this.sim.record(push, {
        name: 'delivered',
        callback: `ZIM.${inAppEvent}`,
        reason: channel.outcome.reason!,
        ruleIds: [channel.id],
      });
      return { userID, appId: app.id, delivery: 'online', pushId: id };
    }
    const { strategy, notes } = this.strategyFor(send.pushConfig.resourcesID);
    const tokens = this.sim.registry.register(app.id);

    if (device.platform === 'ios') {
      const apple: AppleStrategy = strategy.apple ?? DEFAULT_STRATEGY.apple!;
      if (!strategy.apple)
        notes.push(
          `resourcesID "${send.pushConfig.resourcesID}" has no Apple configuration; pushsim sent ZEGO's default alert (ZEGO's behaviour here is undocumented)`,
        );
      const push = apnsViaZpns(id, tokens.apns!, send, apple, app.fidelity, now);
      push.notes = notes;
      this.sim.router.route(push);
      return { userID, appId: app.id, delivery: 'offline-push', pushId: id, channel: 'apns' };
    }
    if (device.conditions.hasGoogleServices) {
      const fcm: FcmStrategy = strategy.fcm ?? DEFAULT_STRATEGY.fcm!;
      if (!strategy.fcm)
        notes.push(
          `resourcesID "${send.pushConfig.resourcesID}" has no FCM configuration; pushsim sent ZEGO's default notification (ZEGO's behaviour here is undocumented)`,
        );
      const push = fcmViaZpns(id, tokens.fcm!, send, fcm, now);
      push.notes = notes;
      this.sim.router.route(push);
      return { userID, appId: app.id, delivery: 'offline-push', pushId: id, channel: 'fcm' };
    }

    // Android without Google services: the vendor channel of the phone's maker. A resourcesID without a configuration
    // for that vendor gets the vendor's default notification, as the APNs and FCM branches above get theirs: a
    // resourcesID maps "advanced push configurations" per vendor (docs/reference/zpns.md#resourcesid), and ZEGO does
    // not document a strategy that lacks one (docs/zpns-fidelity.md, "Where the reference is silent").
    const configured = vendor !== undefined && strategy[vendor] !== undefined;
    if (vendor && !configured)
      notes.push(
        `resourcesID "${send.pushConfig.resourcesID}" has no ${vendor} configuration; pushsim sent ZEGO's default notification through the ${vendor} channel (ZEGO's behaviour here is undocumented)`,
      );
    const silent =
      configured &&
      (strategy.fcm?.messageType === 'data' || (!strategy.fcm && strategy.apple?.pushType === 'background'));
    const push: Push = {
      id,
      provider: 'zpns',
      token: tokens.zpns ?? '',
      kind: silent ? 'data' : 'notification',
      priority: 'high',
      acceptedAt: now,
      // What ZEGO's server hands the vendor: title and content for the notification, and the extras ZPNs's receiver
      // passes on (the sender's payload, ZEGO's block, the call id), as in the FCM data message
      // (docs/reference/zpns.md#payload-as-delivered).
      payload: {
        title: send.pushConfig.title,
        content: send.pushConfig.content,
        payload: send.pushConfig.payload,
        zego: JSON.stringify({ version: 1, zpns_request_id: id.replace(/-/g, '') }),
        ...(send.callID ? { call_id: send.callID } : {}),
      },
      headers: { channel: vendor ?? 'none', resourcesID: send.pushConfig.resourcesID },
      notes,
    };
    // Past the in-app branch a channel row that matched is a no-channel row (no vendor, or Huawei without HMS Core).
    if (!vendor || channel) {
      this.sim.record(push, { name: 'dropped', reason: channel!.outcome.reason!, ruleIds: [channel!.id] });
      return { userID, appId: app.id, delivery: 'offline-push', pushId: id };
    }
    // The vendor channel's push goes through the same pipeline as APNs and FCM: store, wake, lifecycle, the app's JS.
    push.channel = VENDOR_CHANNEL[vendor];
    const overQuota = this.takeQuota(app, push, configured ? strategy[vendor] : undefined, now);
    if (overQuota) {
      this.sim.record(push, { name: 'dropped', reason: overQuota.outcome.reason!, ruleIds: [overQuota.id] });
      return { userID, appId: app.id, delivery: 'offline-push', pushId: id, channel: vendor };
    }
    this.sim.router.route(push, { app, device, kind: 'zpns' });
    return { userID, appId: app.id, delivery: 'offline-push', pushId: id, channel: vendor };
  }

  /**
   * Counts a push against its vendor's daily quota for the limited (non-IM) class; the quota row when the app already
   * had its share today (docs/reference/vendors.md#daily-limits-for-non-im-messages).
   */
  private takeQuota(app: InstalledApp, push: Push, vendorStrategy: VendorStrategy | undefined, now: number) {
    const rule = push.channel ? vendorQuotaRule(push.channel) : undefined;
    if (!rule?.kinds.includes(push.kind) || isQuotaExempt(rule.quota, vendorStrategy)) return undefined;
    const key = `${app.id}\u0000${push.channel}\u0000${Math.floor(now / DAY_MS)}`;
    const used = this.quotaUsed.get(key) ?? 0;
    if (used >= rule.quota.perDevicePerDay) return rule;
    this.quotaUsed.set(key, used + 1);
    return undefined;
  }

  /** Forgets the quota counts (the simulator's reset). */
  reset(): void {
    this.quotaUsed.clear();
  }

  private strategyFor(resourcesID: string): { strategy: Partial<PushStrategy>; notes: string[] } {
    if (resourcesID === '')
      return {
        strategy: DEFAULT_STRATEGY,
        notes: ["no resourcesID: ZEGO's default offline push (a notification with title and content)"],
      };
    const strategy = this.strategies.get(resourcesID);
    if (strategy) return { strategy, notes: [`push strategy resourcesID "${resourcesID}"`] };
    return {
      strategy: DEFAULT_STRATEGY,
      notes: [
        `unknown resourcesID "${resourcesID}": pushsim used ZEGO's default offline push (ZEGO's behaviour for an unknown resourcesID is undocumented)`,
      ],
    };
  }
}
