// ZPNsNativeModule, as zego-zpns-react-native@2.8.3's native layers present it to lib/ZPNs.js, and how a delivery
// reaches its JS: event names, `{ message }` bodies and message shapes per platform
// (docs/reference/zpns.md#runtime-behaviour, docs/reference/zpns.md#which-callback-fires-when).
import type { JsContext } from './js-context.js';
import type { SdkHost, ShimDeliver } from './sdk-host.js';
import { isVersionBelow } from '../simulator/model/index.js';

export const ZPNS_EVENT_PREFIX = 'im.zego.zpns.reactnative.';
export const ZPNS_HEADLESS_TASK = 'ZPNsRNSDKHeadlessJsTaskService';
/**
 * ZPNs 2.8.2 added the native queue that holds background messages until setBackgroundMessageHandler
 * (docs/reference/zpns.md#the-background-queue-282).
 */
export const ZPNS_BACKGROUND_QUEUE_VERSION = '2.8.2';

interface ZpnsState {
  backgroundHandlerSet: boolean;
  /** Messages waiting for setBackgroundMessageHandler; `settled` once the ledger already has their final fate. */
  queue: { pushId: string; body: Record<string, unknown>; settled: boolean }[];
  registerInvoked: boolean;
  unregistered: boolean;
  clickBuffer: { pushId: string; body: Record<string, unknown> }[];
  /**
   * Android's one buffered click (RCTZegoZPNsModule.clickedResultMap): a vendor notification tapped before registerPush
   * in this process; a later tap replaces it.
   */
  androidClick?: { pushId: string; body: Record<string, unknown> };
  seqToPush: Map<number, { pushId: string; startedAt: number }>;
  nextSeq: number;
  localBadge: number;
  serverBadge?: number;
  channels: unknown[];
  localNotifications: unknown[];
  config?: Record<string, unknown>;
  debug: boolean;
  logs: { log: string; tag: string }[];
}

export function zpnsState(context: JsContext): ZpnsState {
  return context.sdkState.zpns as ZpnsState;
}

/**
 * Android's native ZPNsConverter.convertPushSourceType: FCM 1, Huawei 2, Xiaomi 3, OPPO 4, vivo 5, ZEGO or other 0 —
 * one lower than the TS enum ZPNsPushSourceType (APNs 1, FCM 2, Huawei 3, Xiaomi 4, OPPO 5, vivo 6), so FCM reports 1
 * (== APNs) (docs/reference/zpns.md#push-source-type-on-android).
 */
const ANDROID_SOURCE_TYPE: Readonly<Record<string, number>> = { fcm: 1, hms: 2, xiaomi: 3, oppo: 4, vivo: 5 };

/** The `pushSourceType` Android reports for a channel; `documented` numbers it as the TS enum does. */
export function androidSourceType(channel: string | undefined, documented = false): number {
  const native = ANDROID_SOURCE_TYPE[channel ?? 'fcm'] ?? 0;
  return documented && native > 0 ? native + 1 : native;
}

/** Whether the push came through a phone maker's channel (ZPNs's own receiver), not FCM. */
export function isVendorChannel(channel: string | undefined): boolean {
  return channel === 'hms' || channel === 'xiaomi' || channel === 'oppo' || channel === 'vivo';
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/**
 * The Android message map ZPNs's native side emits (ZPNsPluginEventHandler): `{ event, title, content, extras,
 * pushSourceType }` with `extras` a JSON string, plus `payload` for notificationClicked only. An FCM data message gives
 * title/content from its data and the whole data map as extras (ZPNsFCMReceiver); a vendor push gives the
 * notification's title and content and ZEGO's extras (the sender's payload, ZEGO's block, the call id).
 */
export function androidMessageBody(
  delivery: Pick<ShimDeliver, 'payload' | 'channel'>,
  event: string,
  documentedSourceType = false,
): Record<string, unknown> {
  const vendor = isVendorChannel(delivery.channel);
  const source = vendor ? delivery.payload : (delivery.payload as { data?: unknown }).data;
  const { title = '', content = '', ...rest } = stringMap(source);
  const body: Record<string, unknown> = {
    event,
    title,
    content,
    extras: JSON.stringify(vendor ? rest : stringMap(source)),
    pushSourceType: androidSourceType(vendor ? delivery.channel : 'fcm', documentedSourceType),
  };
  if (event === 'notificationClicked') body.payload = rest.payload ?? '';
  return body;
}

/**
 * iOS notificationArrived / notificationClicked: {title, content, extras: userInfo, pushSourceType: 1}, no `payload`
 * key.
 */
export function iosNotificationBody(payload: Record<string, unknown>): Record<string, unknown> {
  const aps = (payload.aps ?? {}) as { alert?: string | { title?: string; body?: string } };
  const alert = typeof aps.alert === 'string' ? { body: aps.alert } : (aps.alert ?? {});
  return { title: alert.title ?? '', content: alert.body ?? '', extras: payload, pushSourceType: 1 };
}

export function installZpnsNativeModule(context: JsContext, host: SdkHost): void {
  const state: ZpnsState = {
    backgroundHandlerSet: false,
    queue: [],
    registerInvoked: false,
    unregistered: false,
    clickBuffer: [],
    seqToPush: new Map(),
    nextSeq: 1,
    localBadge: 0,
    channels: [],
    localNotifications: [],
    debug: false,
    logs: [],
  };
  context.sdkState.zpns = state;
  const emit = (type: string, message: Record<string, unknown>): number =>
    context.events.emit(ZPNS_EVENT_PREFIX + type, { message });

  const module: Record<string, unknown> = {
    getConstants: () => ({ prefix: ZPNS_EVENT_PREFIX }),
    getVersion: async () => host.sdkVersion,
    enableDebug: async (isDebug: boolean) => {
      state.debug = isDebug;
    },
    setPushConfig: async (config: Record<string, unknown>) => {
      state.config = { ...config };
      return null;
    },
    writeCustomLog: (log: string, tag: string) => {
      state.logs.push({ log, tag });
    },
    registerPush: (enableIOSVoIP: boolean, _iOSEnvironment: number, _arrivedConfig: unknown) => {
      // iOS with VoIP needs zego-callkit-react-native's ZegoCallkitMethodHandler; without it the native method never
      // resolves.
      if (context.platform === 'ios' && enableIOSVoIP) return new Promise(() => {});
      state.registerInvoked = true;
      state.unregistered = false;
      // Android's registerPush emits the buffered click at once (posted to the main looper), before registering.
      if (context.platform === 'android') queueMicrotask(() => flushAndroidClick(context, host));
      return host.register().then(
        (tokens) => {
          if (!context.alive) return;
          emit('registered', { pushID: tokens.zpns ?? '', errorCode: 0, msg: '' });
          flushClicks(context, host);
        },
        (error: Error) => {
          if (context.alive) emit('registered', { pushID: '', errorCode: 1, msg: error.message });
        },
      );
    },
    unregisterPush: async () => {
      state.unregistered = true;
    },
    applyNotificationPermission: async () => undefined,
    createNotificationChannel: (channel: unknown) => {
      state.channels.push(channel);
    },
    addLocalNotification: (message: unknown) => {
      state.localNotifications.push(message);
    },
    setLocalBadge: (badge: number) => {
      state.localBadge = badge;
    },
    completeThroughMessageReceived: (seq: number) => {
      const pending = state.seqToPush.get(seq);
      if (!pending) return;
      state.seqToPush.delete(seq);
      host.complete(pending.pushId, 'newData');
    },
    addListener: () => {},
    removeListeners: () => {},
  };
  if (context.platform === 'ios')
    module.setServerBadge = (badge: number) => {
      state.serverBadge = badge;
    };
  if (context.platform === 'android') {
    module.setBackgroundMessageHandler = () => {
      state.backgroundHandlerSet = true;
      const queued = state.queue.splice(0);
      for (const item of queued) runHeadlessTask(context, host, item.pushId, item.body);
    };
  }
  context.nativeModules.ZPNsNativeModule = module;
}

function runHeadlessTask(context: JsContext, host: SdkHost, pushId: string, body: Record<string, unknown>): void {
  const provider = context.headlessTasks.get(ZPNS_HEADLESS_TASK);
  if (!provider) {
    host.ack({
      pushId,
      ran: false,
      reason: `no headless task is registered for "${ZPNS_HEADLESS_TASK}" in this process, so the background handler cannot run`,
    });
    return;
  }
  const message = structuredClone(body);
  const startedAt = host.now();
  let result: unknown;
  try {
    result = provider()(body);
  } catch (error) {
    host.ack({ pushId, ran: true, callback: 'setBackgroundMessageHandler', message, error: String(error) });
    return;
  }
  host.ack({ pushId, ran: true, callback: 'setBackgroundMessageHandler', message });
  Promise.resolve(result)
    .then(
      () => host.complete(pushId, 'resolved'),
      (error: unknown) => host.complete(pushId, 'rejected', String(error)),
    )
    .finally(() => void startedAt);
}

function flushClicks(context: JsContext, host: SdkHost): void {
  const state = zpnsState(context);
  if (context.events.count(`${ZPNS_EVENT_PREFIX}notificationClicked`) === 0) return;
  for (const click of state.clickBuffer.splice(0)) {
    const message = structuredClone(click.body);
    context.events.emit(`${ZPNS_EVENT_PREFIX}notificationClicked`, { message: click.body });
    host.ack({ pushId: click.pushId, ran: true, callback: 'notificationClicked', message });
  }
}

/** Hands a delivery to ZPNs's JS the way its native layers do, and acknowledges what ran (or why nothing did). */
export function deliverToZpns(context: JsContext | undefined, host: SdkHost, delivery: ShimDeliver): void {
  const callback = delivery.callbacks[0];
  if (!callback) return; // displayed only: nothing reaches ZPNs's JS until a tap
  if (!context) {
    host.ack({ pushId: delivery.pushId, ran: false, reason: 'the app has no running JavaScript process' });
    return;
  }
  const state = zpnsState(context);
  if (state.unregistered) {
    host.ack({
      pushId: delivery.pushId,
      ran: false,
      reason: 'the app called unregisterPush, which stops banner and silent pushes',
    });
    return;
  }

  if (context.platform === 'ios') {
    if (callback === 'throughMessageReceived') {
      const event = `${ZPNS_EVENT_PREFIX}throughMessageReceived`;
      // The iOS plugin forwards the fetch callback only while a JS listener exists (hasListeners); otherwise it drops
      // it and never calls the completion handler.
      if (context.events.count(event) === 0) {
        host.ack({
          pushId: delivery.pushId,
          ran: false,
          reason:
            'no throughMessageReceived listener is registered in JS, so ZPNs drops the push and never calls the completion handler',
        });
        return;
      }
      const seq = state.nextSeq++;
      state.seqToPush.set(seq, { pushId: delivery.pushId, startedAt: host.now() });
      const message = { ...delivery.payload, seq };
      const snapshot = structuredClone(message);
      context.events.emit(event, { message });
      host.ack({ pushId: delivery.pushId, ran: true, callback, message: snapshot });
      return;
    }
    if (callback === 'notificationArrived') {
      const body = iosNotificationBody(delivery.payload);
      const ran = context.events.emit(`${ZPNS_EVENT_PREFIX}notificationArrived`, { message: structuredClone(body) });
      host.ack(
        ran
          ? { pushId: delivery.pushId, ran: true, callback, message: body }
          : { pushId: delivery.pushId, ran: false, reason: 'no notificationArrived listener is registered in JS' },
      );
      return;
    }
    host.ack({
      pushId: delivery.pushId,
      ran: false,
      reason: `${callback} is handled by zego-callkit-react-native, which pushsim does not stand in for yet`,
    });
    return;
  }

  // Android: FCM data messages (ZPNsFCMReceiver) and vendor pushes (ZPNsPluginEventHandler), same routing
  const documented = host.fidelity.zpnsDocumentedSourceType === true;
  if (callback === 'notificationArrived') {
    // Only Xiaomi's channel reports an arrival while the app runs (docs/reference/zpns.md#callback-support-by-vendor).
    const body = androidMessageBody(delivery, 'notificationArrived', documented);
    const snapshot = structuredClone(body);
    const ran = context.events.emit(`${ZPNS_EVENT_PREFIX}notificationArrived`, { message: body });
    host.ack(
      ran
        ? { pushId: delivery.pushId, ran: true, callback, message: snapshot }
        : {
            pushId: delivery.pushId,
            ran: false,
            reason: 'no notificationArrived listener is registered in JS, so the event is lost',
          },
    );
    return;
  }
  if (callback === 'throughMessageReceived') {
    const body = androidMessageBody(delivery, 'throughMessageReceived', documented);
    const snapshot = structuredClone(body);
    const ran = context.events.emit(`${ZPNS_EVENT_PREFIX}throughMessageReceived`, { message: body });
    host.ack(
      ran
        ? { pushId: delivery.pushId, ran: true, callback, message: snapshot }
        : {
            pushId: delivery.pushId,
            ran: false,
            reason: 'no throughMessageReceived listener is registered in JS, so the event is lost',
          },
    );
    return;
  }
  if (callback === 'setBackgroundMessageHandler') {
    const body = androidMessageBody(delivery, 'throughMessageReceived', documented);
    if (state.backgroundHandlerSet) {
      runHeadlessTask(context, host, delivery.pushId, body);
      return;
    }
    if (isVersionBelow(host.sdkVersion, ZPNS_BACKGROUND_QUEUE_VERSION)) {
      host.ack({
        pushId: delivery.pushId,
        ran: false,
        reason: `ZPNs ${host.sdkVersion} has no background queue (added in ${ZPNS_BACKGROUND_QUEUE_VERSION}): the message arrived before setBackgroundMessageHandler was called in this process and is lost`,
      });
      return;
    }
    state.queue.push({ pushId: delivery.pushId, body, settled: context.headless });
    if (context.headless) {
      host.ack({
        pushId: delivery.pushId,
        ran: false,
        reason: `the app was killed, so Android started a headless process that ran the entry file, but the entry file never called ZPNs.setBackgroundMessageHandler (is it inside a UI component?): no headless task is registered for "${ZPNS_HEADLESS_TASK}", and the message waits in ZPNs's queue until the process dies`,
      });
    } else {
      host.ack({
        pushId: delivery.pushId,
        ran: false,
        queued: true,
        reason: 'ZPNs queues the message until ZPNs.setBackgroundMessageHandler is called in this process',
      });
    }
    return;
  }
  host.ack({ pushId: delivery.pushId, ran: false, reason: `ZPNs has no JS event for ${callback}` });
}

/**
 * A tap on a displayed notification: iOS raises notificationClicked (buffered until a listener exists); on Android a
 * Huawei, Xiaomi or OPPO notification raises it (held in one slot until registerPush), vivo's and FCM's raise nothing.
 */
export function openInZpns(
  context: JsContext | undefined,
  host: SdkHost,
  pushId: string,
  payload: Record<string, unknown>,
  channel?: ShimDeliver['channel'],
): void {
  if (!context) return;
  if (context.platform === 'android') {
    if (!isVendorChannel(channel)) {
      host.ack({
        pushId,
        ran: false,
        reason:
          "ZPNs raises no notificationClicked for FCM notifications; the payload is in the launch Activity's intent extras",
      });
      return;
    }
    if (channel === 'vivo') {
      host.ack({
        pushId,
        ran: false,
        reason:
          "ZEGO's vendor table gives vivo's click payload through the launch Activity's intent, not notificationClicked",
      });
      return;
    }
    const state = zpnsState(context);
    const body = androidMessageBody(
      { payload, channel },
      'notificationClicked',
      host.fidelity.zpnsDocumentedSourceType,
    );
    if (state.registerInvoked) {
      emitAndroidClick(context, host, pushId, body);
      return;
    }
    // RCTZegoZPNsModule.clickedResultMap holds one click until registerPush; a later tap replaces it.
    const replaced = state.androidClick;
    state.androidClick = { pushId, body };
    if (replaced)
      host.ack({
        pushId: replaced.pushId,
        ran: false,
        reason:
          "a later tap replaced this click in ZPNs's one-click buffer before registerPush was called, so it is never emitted",
      });
    return;
  }
  const state = zpnsState(context);
  state.clickBuffer.push({ pushId, body: iosNotificationBody(payload) });
  if (state.registerInvoked) flushClicks(context, host);
}

function flushAndroidClick(context: JsContext, host: SdkHost): void {
  const state = zpnsState(context);
  const click = state.androidClick;
  if (!click || !context.alive) return;
  state.androidClick = undefined;
  emitAndroidClick(context, host, click.pushId, click.body);
}

function emitAndroidClick(context: JsContext, host: SdkHost, pushId: string, body: Record<string, unknown>): void {
  const message = structuredClone(body);
  const ran = context.events.emit(`${ZPNS_EVENT_PREFIX}notificationClicked`, { message: body });
  host.ack(
    ran
      ? { pushId, ran: true, callback: 'notificationClicked', message }
      : { pushId, ran: false, reason: 'no notificationClicked listener is registered in JS, so the click is lost' },
  );
}

/** Messages still in ZPNs's queue when its process dies are lost. */
export function abandonZpnsQueue(context: JsContext, host: SdkHost): void {
  const state = zpnsState(context);
  for (const item of state.queue.splice(0).filter((i) => !i.settled))
    host.ack({
      pushId: item.pushId,
      ran: false,
      reason:
        "the process died with the message still in ZPNs's queue (setBackgroundMessageHandler was never called in it)",
    });
}
