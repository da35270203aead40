// pushsim/client-shim: what an app under test links against instead of its push SDK's native side.
export { AppProcess, type AppProcessOptions, type Receipt } from './app-process.js';
export { ShimConnection } from './shim-connection.js';
export { JsContext } from './js-context.js';
export { ZPNS_EVENT_PREFIX, ZPNS_HEADLESS_TASK } from './zpns-native.js';
export type { RemoteMessage } from './rnfb-native.js';
export { SHIM_PROTOCOL_VERSION, SHIM_PATH } from '../simulator/shim-protocol/index.js';
export { createAppApi, type AppApi } from './app-api.js';
export {
  createZpns,
  type ZPNsStatic,
  type ZPNsMessage,
  type ZPNsRegisterMessage,
  type ZPNsEventHandler,
} from './zpns-api.js';
export { Messaging, AuthorizationStatus } from './rnfb-messaging.js';
export type {
  IosAppDelegate,
  AndroidMessagingService,
  BackgroundFetchResult,
  IosNotification,
} from './native-platform.js';
export {
  ZIMSender,
  ZIMError,
  ZIM_PARAM_INVALID,
  type ZIMPushConfig,
  type ZIMMessageSendConfig,
  type ZIMCallInviteConfig,
} from './zim-sender.js';
export { reactNativeEntry } from './rn-entry.js';
export {
  ActivityKit,
  LiveActivity,
  ActivityUpdates,
  activityKit,
  type ActivityState,
  type ActivityContent,
  type ActivityRequestOptions,
  type ActivityPushTypeOption,
  type ActivityDismissalPolicy,
  type AlertConfiguration,
} from './activity-kit.js';
