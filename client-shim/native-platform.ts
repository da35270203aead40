// Native-iOS-shaped and native-Android-shaped app APIs: an app delegate with
// didReceiveRemoteNotification:completionHandler:, willPresent and didReceive; a FirebaseMessagingService with
// onMessageReceived and onDeletedMessages.
import type { JsContext } from './js-context.js';
import type { SdkHost, ShimDeliver } from './sdk-host.js';
import { remoteMessageOf, type RemoteMessage } from './rnfb-native.js';
import { PLATFORM_CALLBACKS } from '../simulator/model/index.js';

export type BackgroundFetchResult = 'newData' | 'noData' | 'failed';
export interface IosNotification {
  request: { identifier: string; content: { title: string; body: string; userInfo: Record<string, unknown> } };
}

export interface IosAppDelegate {
  didReceiveRemoteNotification?(
    userInfo: Record<string, unknown>,
    completionHandler: (result: BackgroundFetchResult) => void,
  ): void;
  willPresent?(
    notification: IosNotification,
    completionHandler: (options: ('banner' | 'list' | 'sound' | 'badge')[]) => void,
  ): void;
  didReceive?(
    response: { actionIdentifier: string; notification: IosNotification },
    completionHandler: () => void,
  ): void;
  didReceiveIncomingPush?(
    payload: { dictionaryPayload: Record<string, unknown>; type: 'voip' },
    completion: () => void,
  ): void;
}

export interface AndroidMessagingService {
  onMessageReceived?(message: RemoteMessage): void;
  onDeletedMessages?(): void;
  /** The launcher activity started by a tap: the message's data in the intent extras. */
  onLaunchIntent?(extras: Record<string, string>): void;
}

interface NativeState {
  delegate?: IosAppDelegate;
  service?: AndroidMessagingService;
}
const stateOf = (context: JsContext): NativeState => (context.sdkState.native ??= {}) as NativeState;

export function nativeApi(context: JsContext) {
  return {
    ios: {
      setDelegate(delegate: IosAppDelegate): void {
        stateOf(context).delegate = delegate;
      },
    },
    android: {
      setMessagingService(service: AndroidMessagingService): void {
        stateOf(context).service = service;
      },
    },
  };
}

function iosNotification(pushId: string, payload: Record<string, unknown>): IosNotification {
  const alert = ((payload.aps ?? {}) as { alert?: string | { title?: string; body?: string } }).alert;
  const parts = typeof alert === 'string' ? { body: alert } : (alert ?? {});
  return {
    request: { identifier: pushId, content: { title: parts.title ?? '', body: parts.body ?? '', userInfo: payload } },
  };
}

export function deliverToNative(context: JsContext | undefined, host: SdkHost, delivery: ShimDeliver): void {
  if (delivery.callbacks.length === 0) return;
  if (!context) {
    host.ack({ pushId: delivery.pushId, ran: false, reason: 'the app has no running process' });
    return;
  }
  const { delegate, service } = stateOf(context);
  const ran: string[] = [];
  for (const callback of delivery.callbacks) {
    if (callback === PLATFORM_CALLBACKS.didReceiveRemoteNotification && delegate?.didReceiveRemoteNotification) {
      let called = false;
      delegate.didReceiveRemoteNotification(structuredClone(delivery.payload), (result) => {
        if (called) return;
        called = true;
        host.complete(delivery.pushId, result);
      });
      ran.push(callback);
    } else if (callback === PLATFORM_CALLBACKS.willPresent && delegate?.willPresent) {
      delegate.willPresent(iosNotification(delivery.pushId, delivery.payload), () => {});
      ran.push(callback);
    } else if (callback === PLATFORM_CALLBACKS.pushKitIncoming && delegate?.didReceiveIncomingPush) {
      delegate.didReceiveIncomingPush({ dictionaryPayload: structuredClone(delivery.payload), type: 'voip' }, () =>
        host.complete(delivery.pushId, 'reported'),
      );
      ran.push(callback);
    } else if (callback === PLATFORM_CALLBACKS.onMessageReceived && service?.onMessageReceived) {
      service.onMessageReceived(
        remoteMessageOf(delivery.pushId, delivery.payload, delivery.sentAt, delivery.priority, delivery.collapseId),
      );
      ran.push(callback);
    }
  }
  if (ran.length) host.ack({ pushId: delivery.pushId, ran: true, callback: ran.join(', '), message: delivery.payload });
  else
    host.ack({
      pushId: delivery.pushId,
      ran: false,
      reason: `the app implements none of ${delivery.callbacks.join(', ')}`,
    });
}

export function openInNative(
  context: JsContext | undefined,
  host: SdkHost,
  pushId: string,
  payload: Record<string, unknown>,
): void {
  if (!context) return;
  const { delegate, service } = stateOf(context);
  if (context.platform === 'ios' && delegate?.didReceive) {
    delegate.didReceive(
      {
        actionIdentifier: 'com.apple.UNNotificationDefaultActionIdentifier',
        notification: iosNotification(pushId, payload),
      },
      () => {},
    );
    host.ack({ pushId, ran: true, callback: PLATFORM_CALLBACKS.didReceive, message: payload });
  } else if (context.platform === 'android' && service?.onLaunchIntent) {
    const extras = Object.fromEntries(Object.entries((payload.data ?? {}) as Record<string, string>));
    service.onLaunchIntent(extras);
    host.ack({ pushId, ran: true, callback: 'launcher intent extras', message: extras });
  }
}
