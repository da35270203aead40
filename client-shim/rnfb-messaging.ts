// RN Firebase's messaging() surface for one app process, with its semantics: onMessage in the foreground, the
// background handler (must return a Promise), onNotificationOpenedApp / getInitialNotification for taps
// (docs/reference/fcm.md#handlers-by-app-state).
import type { JsContext } from './js-context.js';
import { rnfbState, type RemoteMessage } from './rnfb-native.js';

export type { RemoteMessage };

export const AuthorizationStatus = {
  NOT_DETERMINED: -1,
  DENIED: 0,
  AUTHORIZED: 1,
  PROVISIONAL: 2,
  EPHEMERAL: 3,
} as const;

/**
 * A rejected native call as RN Firebase's JS hands it to the app: `code` is `messaging/<native code>` and the message is
 * prefixed with it. Android's getToken() rejects with code `unknown` and the Java exception's message, as in
 * "[messaging/unknown] java.io.IOException: java.util.concurrent.ExecutionException: java.io.IOException: SERVICE_NOT_AVAILABLE"
 * (https://github.com/invertase/react-native-firebase/issues/8488; RN Firebase packages/app/lib/internal/NativeFirebaseError.js).
 */
function nativeFirebaseError(code: string, message: string): Error & { code: string; nativeErrorMessage: string } {
  const error = new Error(`[messaging/${code}] ${message}`) as Error & {
    code: string;
    nativeErrorMessage: string;
    namespace: string;
  };
  error.name = 'NativeFirebaseError';
  error.code = `messaging/${code}`;
  error.namespace = 'messaging';
  error.nativeErrorMessage = message;
  return error;
}

/** RN Firebase's `messaging()` instance for one app process. */
export class Messaging {
  constructor(private readonly context: JsContext) {
    if (!context.sdkState.rnfb)
      throw new Error(
        '[pushsim] this app process was not started with the rn-firebase SDK profile; install the app with sdkProfile "rn-firebase".',
      );
  }

  private get state() {
    return rnfbState(this.context);
  }

  /** Foreground messages. Returns the unsubscribe function. */
  onMessage(listener: (message: RemoteMessage) => unknown): () => void {
    this.state.onMessage.add(listener);
    return () => {
      this.state.onMessage.delete(listener);
    };
  }

  /** Background and quit-state messages; call it in the entry file. The handler must return a Promise. */
  setBackgroundMessageHandler(handler: (message: RemoteMessage) => Promise<unknown>): void {
    if (typeof handler !== 'function')
      throw new Error("firebase.messaging().setBackgroundMessageHandler(*) 'handler' expected a function.");
    this.state.backgroundHandler = handler;
  }

  onNotificationOpenedApp(listener: (message: RemoteMessage) => unknown): () => void {
    this.state.onOpened.add(listener);
    return () => {
      this.state.onOpened.delete(listener);
    };
  }

  /** The tap that launched the app from quit, once; null otherwise. */
  async getInitialNotification(): Promise<RemoteMessage | null> {
    const message = this.state.initialNotification ?? null;
    this.state.initialNotification = null;
    if (message)
      this.state.host.ack({ pushId: message.messageId, ran: true, callback: 'getInitialNotification', message });
    return message;
  }

  async getToken(): Promise<string> {
    const tokens = await this.state.host.register();
    const failed = this.state.host.registrationError('fcm');
    if (!tokens.fcm && failed)
      throw nativeFirebaseError(
        'unknown',
        `java.io.IOException: java.util.concurrent.ExecutionException: java.io.IOException: ${failed}`,
      );
    return tokens.fcm ?? '';
  }

  onTokenRefresh(listener: (token: string) => unknown): () => void {
    this.state.onTokenRefresh.add(listener);
    return () => {
      this.state.onTokenRefresh.delete(listener);
    };
  }

  async subscribeToTopic(topic: string): Promise<void> {
    if (topic.includes('/'))
      throw new Error('firebase.messaging().subscribeToTopic(*) \'topic\' must not include "/".');
    if (!/^[a-zA-Z0-9-_.~%]{1,900}$/.test(topic))
      throw new Error(`firebase.messaging().subscribeToTopic(*) 'topic' must match [a-zA-Z0-9-_.~%]{1,900}`);
    await this.state.host.subscribeToTopic(topic, true);
  }

  async unsubscribeFromTopic(topic: string): Promise<void> {
    if (topic.includes('/'))
      throw new Error('firebase.messaging().unsubscribeFromTopic(*) \'topic\' must not include "/".');
    await this.state.host.subscribeToTopic(topic, false);
  }
  async requestPermission(): Promise<number> {
    return AuthorizationStatus.AUTHORIZED;
  }
  async hasPermission(): Promise<number> {
    return AuthorizationStatus.AUTHORIZED;
  }
  async registerDeviceForRemoteMessages(): Promise<void> {
    await this.state.host.register();
  }
  get isDeviceRegisteredForRemoteMessages(): boolean {
    return true;
  }
  async deleteToken(): Promise<void> {}
}
