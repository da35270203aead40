// Citations used by the delivery rules: every rule names where its behaviour comes from.

export const SOURCES = {
  apnsBackground: 'https://developer.apple.com/documentation/usernotifications/pushing-background-updates-to-your-app',
  apnsSend: 'https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns',
  didReceiveRemote:
    'https://developer.apple.com/documentation/uikit/uiapplicationdelegate/application(_:didreceiveremotenotification:fetchcompletionhandler:)',
  handleNotifications:
    'https://developer.apple.com/documentation/usernotifications/handling-notifications-and-notification-related-actions',
  willPresent:
    'https://developer.apple.com/documentation/usernotifications/unusernotificationcenterdelegate/usernotificationcenter(_:willpresent:withcompletionhandler:)',
  pushKit: 'https://developer.apple.com/documentation/pushkit/pkpushtype/voip',
  backgroundRefresh: 'https://developer.apple.com/documentation/uikit/uiapplication/backgroundrefreshstatus',
  fcmDownstream: 'https://firebase.google.com/docs/cloud-messaging/downstream',
  fcmPriority: 'https://firebase.google.com/docs/cloud-messaging/android/message-priority',
  dozeStandby: 'https://developer.android.com/topic/performance/power/power-details',
  androidStopped:
    'AOSP commit e7f97212 "Introduce application stopped state" (FLAG_EXCLUDE_STOPPED_PACKAGES), https://android.googlesource.com/platform/frameworks/base/+/e7f972122db87dc54e41ed1a6e417534d43bca3a; docs/reference/android.md#force-stop',
  postNotifications: 'https://developer.android.com/guide/topics/ui/notifiers/notification-permission',
  fcmForegroundCheck:
    'firebase-android-sdk: firebase-messaging/src/main/java/com/google/firebase/messaging/DisplayNotification.java (keyguard + IMPORTANCE_FOREGROUND); docs/reference/fcm.md#what-foreground-means-to-the-sdk',
  zpnsJs: 'zego-zpns-react-native@2.8.3 lib/ZPNs.js; docs/reference/zpns.md#runtime-behaviour',
  zpnsAndroidReceiver:
    'zego-zpns-react-native@2.8.3 android/src/main/java/im/zego/zpns/reactnative (FCM receiver, headless task, background queue); docs/reference/zpns.md#android-fcm-messages',
  zpnsIosPlugin:
    'zego-zpns-react-native@2.8.3 ios/ (didReceiveRemoteNotification → throughMessageReceived only while hasListeners); docs/reference/zpns.md#ios-callbacks',
  zpnsSilentDoc: 'ZEGO doc "静默推送" (zim-rn silent push guide); docs/reference/zpns.md#silent-push-guide',
  zpnsVendorDoc:
    'ZEGO doc "实现离线推送" (RN), callback support by vendor; docs/reference/zpns.md#callback-support-by-vendor',
  zpnsRelease233:
    'ZEGO ZPNs release notes 2.3.3 (2023-04-03): silent push support; docs/reference/zpns.md#silent-push-arrives-in-233',
  rnfbUsage: 'https://rnfirebase.io/messaging/usage (docs/messaging/usage/index.mdx, handler matrix)',
  rnfbReceiver:
    'react-native-firebase: packages/messaging/android/src/main/java/io/invertase/firebase/messaging/ReactNativeFirebaseMessagingReceiver.java; docs/reference/fcm.md#android-receiver-and-headless-service',
} as const;
