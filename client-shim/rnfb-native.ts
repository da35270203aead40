// @react-native-firebase/messaging's native side as the JS sees it: RemoteMessage shapes, the foreground onMessage
// event, the headless background handler and notification opens (docs/reference/fcm.md#react-native-firebase;
// https://rnfirebase.io/messaging/usage).
import type { JsContext } from './js-context.js';
import type { SdkHost, ShimDeliver } from './sdk-host.js';

export interface RemoteMessage {
  messageId: string;
  from?: string;
  collapseKey?: string;
  data?: Record<string, string>;
  notification?: { title?: string; body?: string; android?: Record<string, unknown>; ios?: Record<string, unknown> };
  sentTime?: number;
  ttl?: number;
  priority?: number;
  contentAvailable?: boolean;
  mutableContent?: boolean;
}

export interface RnfbState {
  onMessage: Set<(message: RemoteMessage) => unknown>;
  onOpened: Set<(message: RemoteMessage) => unknown>;
  onTokenRefresh: Set<(token: string) => unknown>;
  backgroundHandler?: (message: RemoteMessage) => Promise<unknown>;
  initialNotification?: RemoteMessage | null;
  host: SdkHost;
  context: JsContext;
}

export function rnfbState(context: JsContext): RnfbState {
  return context.sdkState.rnfb as RnfbState;
}

export function installRnfbNative(context: JsContext, host: SdkHost): void {
  const state: RnfbState = { onMessage: new Set(), onOpened: new Set(), onTokenRefresh: new Set(), host, context };
  context.sdkState.rnfb = state;
  context.nativeModules.RNFBMessagingModule = { isAutoInitEnabled: true };
  context.nativeModules.RNFBAppModule = { NATIVE_FIREBASE_APPS: [{ appConfig: { name: '[DEFAULT]' }, options: {} }] };
}

/**
 * A RemoteMessage as the RN Firebase serializers build it from the push (Android: data + notification; iOS: userInfo).
 */
export function remoteMessageOf(
  pushId: string,
  payload: Record<string, unknown>,
  sentAt: number,
  priority?: string,
  collapseKey?: string,
): RemoteMessage {
  const message: RemoteMessage = { messageId: pushId, sentTime: sentAt };
  if (collapseKey) message.collapseKey = collapseKey;
  if (priority) message.priority = priority === 'high' ? 1 : 2;
  if ('aps' in payload) {
    const { aps, ...custom } = payload as { aps: Record<string, unknown> };
    const alert = aps.alert as string | { title?: string; body?: string } | undefined;
    if (alert)
      message.notification =
        typeof alert === 'string'
          ? { body: alert }
          : { ...(alert.title ? { title: alert.title } : {}), ...(alert.body ? { body: alert.body } : {}) };
    if (aps['content-available'] === 1) message.contentAvailable = true;
    if (aps['mutable-content'] === 1) message.mutableContent = true;
    message.data = Object.fromEntries(
      Object.entries(custom).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
    return message;
  }
  const { data, notification } = payload as {
    data?: Record<string, string>;
    notification?: { title?: string; body?: string };
  };
  if (data) message.data = { ...data };
  if (notification) message.notification = { ...notification };
  return message;
}

export function deliverToRnfb(context: JsContext | undefined, host: SdkHost, delivery: ShimDeliver): void {
  const callback = delivery.callbacks[0];
  if (!callback) return;
  if (!context) {
    host.ack({ pushId: delivery.pushId, ran: false, reason: 'the app has no running JavaScript process' });
    return;
  }
  const state = rnfbState(context);
  const message = remoteMessageOf(
    delivery.pushId,
    delivery.payload,
    delivery.sentAt,
    delivery.priority,
    delivery.collapseId,
  );
  if (callback === 'onMessage') {
    if (state.onMessage.size === 0) {
      host.ack({ pushId: delivery.pushId, ran: false, reason: 'no messaging().onMessage listener is registered' });
      return;
    }
    for (const listener of [...state.onMessage]) listener(structuredClone(message));
    host.ack({ pushId: delivery.pushId, ran: true, callback, message });
    return;
  }
  if (callback === 'setBackgroundMessageHandler') {
    const handler = state.backgroundHandler;
    if (!handler) {
      host.ack({
        pushId: delivery.pushId,
        ran: false,
        reason:
          'No background message handler has been set. Set a handler via the "setBackgroundMessageHandler" method (in the entry file, outside any component).',
      });
      return;
    }
    let result: unknown;
    try {
      result = handler(structuredClone(message));
    } catch (error) {
      host.ack({ pushId: delivery.pushId, ran: true, callback, message, error: String(error) });
      host.complete(delivery.pushId, 'failed', String(error));
      return;
    }
    if (!result || typeof (result as Promise<unknown>).then !== 'function') {
      host.ack({
        pushId: delivery.pushId,
        ran: true,
        callback,
        message,
        error: 'the background message handler must return a Promise',
      });
      host.complete(delivery.pushId, 'failed', 'the background message handler did not return a Promise');
      return;
    }
    host.ack({ pushId: delivery.pushId, ran: true, callback, message });
    (result as Promise<unknown>).then(
      () => host.complete(delivery.pushId, 'newData'),
      (error: unknown) => host.complete(delivery.pushId, 'failed', String(error)),
    );
    return;
  }
  host.ack({ pushId: delivery.pushId, ran: false, reason: `RN Firebase has no JS callback for ${callback}` });
}

/** A tap: from the background, onNotificationOpenedApp; from quit, the message getInitialNotification() resolves to. */
export function openInRnfb(
  context: JsContext | undefined,
  host: SdkHost,
  pushId: string,
  payload: Record<string, unknown>,
  stateBefore: string,
): void {
  if (!context) return;
  const state = rnfbState(context);
  const message = remoteMessageOf(pushId, payload, host.now());
  // getInitialNotification answers when the tap created the app's UI (cold start, or a process that only ran headless);
  // onNotificationOpenedApp when the UI already existed in the background.
  const fromQuit = ['killed', 'notRunning', 'forceQuit', 'forceStopped', 'background.headless'].includes(stateBefore);
  if (fromQuit) {
    // Acknowledged when the app asks for it (getInitialNotification).
    state.initialNotification = message;
    return;
  }
  if (state.onOpened.size === 0) {
    host.ack({ pushId, ran: false, reason: 'no messaging().onNotificationOpenedApp listener is registered' });
    return;
  }
  for (const listener of [...state.onOpened]) listener(structuredClone(message));
  host.ack({ pushId, ran: true, callback: 'onNotificationOpenedApp', message });
}
