// The platform-level callbacks a push can reach, spelled as Apple and Google spell them: the values of a deliver
// message's `platformCallbacks`, a fate's `platformCallback` and the rules table's `platformCallbacks`.

export const PLATFORM_CALLBACKS = {
  didReceiveRemoteNotification: 'application:didReceiveRemoteNotification:fetchCompletionHandler:',
  willPresent: 'userNotificationCenter:willPresentNotification:withCompletionHandler:',
  didReceive: 'userNotificationCenter:didReceiveNotificationResponse:withCompletionHandler:',
  pushKitIncoming: 'pushRegistry:didReceiveIncomingPushWithPayload:forType:withCompletionHandler:',
  onMessageReceived: 'FirebaseMessagingService.onMessageReceived',
} as const;
export type PlatformCallback = (typeof PLATFORM_CALLBACKS)[keyof typeof PLATFORM_CALLBACKS];
