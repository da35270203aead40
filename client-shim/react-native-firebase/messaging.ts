// pushsim/react-native-firebase/messaging: a stand-in for `@react-native-firebase/messaging` with the same surface and
// semantics, bound to the app process whose entry file is loading (alias the package to it, as with react-native).
// The published RN Firebase JS is not run: it needs @react-native-firebase/app, the `firebase` JS SDK and RN internals.
import { loadingContext, type JsContext } from '../js-context.js';
import { rnfbState, type RemoteMessage } from '../rnfb-native.js';

export type { RemoteMessage };

const context: JsContext = (() => {
  const bound = loadingContext();
  if (!bound) throw new Error('[pushsim] pushsim/react-native-firebase/messaging was loaded outside an app process; start the app with AppProcess (pushsim/client-shim).');
  if (!bound.sdkState.rnfb) throw new Error('[pushsim] this app process was not started with the rn-firebase SDK profile; install the app with sdkProfile "rn-firebase".');
  bound.bindings++;
  return bound;
})();

export const AuthorizationStatus = { NOT_DETERMINED: -1, DENIED: 0, AUTHORIZED: 1, PROVISIONAL: 2, EPHEMERAL: 3 } as const;

class Messaging {
  private get state() { return rnfbState(context); }

  /** Foreground messages. Returns the unsubscribe function. */
  onMessage(listener: (message: RemoteMessage) => unknown): () => void {
    this.state.onMessage.add(listener);
    return () => { this.state.onMessage.delete(listener); };
  }

  /** Background and quit-state messages; call it in the entry file. The handler must return a Promise. */
  setBackgroundMessageHandler(handler: (message: RemoteMessage) => Promise<unknown>): void {
    if (typeof handler !== 'function') throw new Error("firebase.messaging().setBackgroundMessageHandler(*) 'handler' expected a function.");
    this.state.backgroundHandler = handler;
  }

  onNotificationOpenedApp(listener: (message: RemoteMessage) => unknown): () => void {
    this.state.onOpened.add(listener);
    return () => { this.state.onOpened.delete(listener); };
  }

  /** The tap that launched the app from quit, once; null otherwise. */
  async getInitialNotification(): Promise<RemoteMessage | null> {
    const message = this.state.initialNotification ?? null;
    this.state.initialNotification = null;
    if (message) this.state.host.ack({ pushId: message.messageId, ran: true, callback: 'getInitialNotification', message });
    return message;
  }

  async getToken(): Promise<string> {
    const tokens = await this.state.host.register();
    return tokens.fcm ?? '';
  }

  onTokenRefresh(listener: (token: string) => unknown): () => void {
    this.state.onTokenRefresh.add(listener);
    return () => { this.state.onTokenRefresh.delete(listener); };
  }

  async subscribeToTopic(topic: string): Promise<void> {
    if (!/^[a-zA-Z0-9-_.~%]{1,900}$/.test(topic)) throw new Error(`firebase.messaging().subscribeToTopic(*) 'topic' must match [a-zA-Z0-9-_.~%]{1,900}`);
    throw new Error('[pushsim] topic subscriptions arrive with the FCM provider');
  }

  async unsubscribeFromTopic(topic: string): Promise<void> { return this.subscribeToTopic(topic); }
  async requestPermission(): Promise<number> { return AuthorizationStatus.AUTHORIZED; }
  async hasPermission(): Promise<number> { return AuthorizationStatus.AUTHORIZED; }
  async registerDeviceForRemoteMessages(): Promise<void> { await this.state.host.register(); }
  get isDeviceRegisteredForRemoteMessages(): boolean { return true; }
  async deleteToken(): Promise<void> {}
}

const instance = new Messaging();

export default function messaging(): Messaging { return instance; }
export { messaging };
