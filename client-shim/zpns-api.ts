// A ZPNs-shaped API in plain TypeScript for tests that do not load zego-zpns-react-native: the same surface and the
// same behaviour as its lib/ZPNs.js 2.8.3 (one listener per event, Android extras parsing, iOS seq completion), over
// the same native stand-in. Where ZPNs.js behaves oddly, this does too; see docs/reference/zpns.md#runtime-behaviour.
import type { BoundReactNative } from './react-native/bind-react-native.js';
import { ZPNS_HEADLESS_TASK } from './zpns-native.js';

export interface ZPNsMessage {
  title: string;
  content: string;
  extras: Record<string, any>;
  payload?: string;
  pushSourceType: number;
}
export interface ZPNsRegisterMessage {
  pushID: string;
  errorCode: number;
  msg: string;
}
export interface ZPNsEventHandler {
  registered: (message: ZPNsRegisterMessage) => void;
  notificationArrived: (message: ZPNsMessage) => void;
  notificationClicked: (message: ZPNsMessage) => void;
  throughMessageReceived: (message: ZPNsMessage) => void;
}
const EVENTS = ['registered', 'notificationArrived', 'notificationClicked', 'throughMessageReceived'] as const;

function shapeAndroid(message: Record<string, any>): void {
  if (message.extras) {
    message.extras = JSON.parse(message.extras);
    message.content = message.extras.body || message.content;
    delete message.extras.title;
    delete message.extras.body;
  }
}

export function createZpns(rn: BoundReactNative) {
  const native = rn.NativeModules.ZPNsNativeModule;
  if (!native)
    throw new Error('[pushsim] this app process has no ZPNs native module; install the app with sdkProfile "zpns-rn"');
  const { prefix } = native.getConstants() as { prefix: string };
  const emitter = new rn.NativeEventEmitter(native);

  class ZPNs {
    static readonly instance: ZPNs = new ZPNs();
    static getInstance(): ZPNs {
      return ZPNs.instance;
    }
    static getVersion(): Promise<string> {
      return native.getVersion();
    }
    static enableDebug(isDebug: boolean): Promise<void> {
      return native.enableDebug(isDebug);
    }
    static setPushConfig(config: Record<string, unknown>): Promise<void> {
      if (!config.appType) config.appType = 0;
      return native.setPushConfig(config);
    }
    /** Android only: registers the headless task and tells the native side a handler exists. */
    static setBackgroundMessageHandler(handler: (message: ZPNsMessage) => void): void {
      if (rn.Platform.OS !== 'android') return;
      rn.AppRegistry.registerHeadlessTask(
        ZPNS_HEADLESS_TASK,
        () => (message: any) =>
          new Promise<void>((resolve) => {
            try {
              shapeAndroid(message);
              handler(message);
            } catch {
              /* ZPNs.js swallows errors here */
            }
            resolve();
          }),
      );
      native.setBackgroundMessageHandler();
    }

    on<K extends keyof ZPNsEventHandler>(type: K, listener: ZPNsEventHandler[K]): void {
      if (!EVENTS.includes(type)) throw new Error(`${type} is not a supported event type.`);
      if (typeof listener !== 'function') throw new Error('listener must be a function.');
      this.off(type);
      emitter.addListener(prefix + type, (res: { message: Record<string, any> }) => {
        try {
          let message = res.message;
          if (rn.Platform.OS === 'ios') {
            if (type === 'throughMessageReceived') {
              const seq = message.seq;
              delete message.seq;
              message = { pushSourceType: 1, title: '', content: '', extras: message };
              (listener as (m: unknown) => void)(message);
              native.completeThroughMessageReceived(seq);
            } else (listener as (m: unknown) => void)(message);
          } else {
            shapeAndroid(message);
            (listener as (m: unknown) => void)(message);
          }
        } catch (error) {
          console.error(error);
        }
      });
    }

    off(type: keyof ZPNsEventHandler): void {
      if (!EVENTS.includes(type)) throw new Error(`${type} is not a supported event type.`);
      emitter.removeAllListeners(prefix + type);
    }

    applyNotificationPermission(): Promise<void> {
      return rn.Platform.OS === 'ios' ? native.applyNotificationPermission() : Promise.resolve();
    }

    registerPush(config?: {
      enableIOSVoIP?: boolean;
      iOSEnvironment?: number;
      iOSNotificationArrivedConfig?: Record<string, boolean>;
    }): Promise<void> {
      return native.registerPush(
        config?.enableIOSVoIP ?? false,
        config?.iOSEnvironment ?? -1,
        config?.iOSNotificationArrivedConfig ?? { isPresentBadge: false, isPresentSound: false, isPresentAlert: false },
      );
    }
    unregisterPush(): Promise<void> {
      return native.unregisterPush();
    }
    createNotificationChannel(channel: Record<string, string>): void {
      if (rn.Platform.OS === 'android') native.createNotificationChannel(channel);
    }
    addLocalNotification(message: Record<string, string>): void {
      native.addLocalNotification(message);
    }
    setServerBadge(badge: number): void {
      native.setServerBadge(badge);
    }
    setLocalBadge(badge: number): void {
      native.setLocalBadge(badge);
    }
  }
  return ZPNs;
}

export type ZPNsStatic = ReturnType<typeof createZpns>;
