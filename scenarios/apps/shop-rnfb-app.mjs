// A React Native app's RN Firebase code, as rnfirebase.io tells you to write it, against pushsim's plain
// RN-Firebase-shaped API: the background handler in the entry file (it must return a Promise), the foreground and
// open listeners when the UI mounts, and getInitialNotification for a tap that started the app.
export default function main({ messaging, AppRegistry }) {
  messaging().setBackgroundMessageHandler(async (message) => {
    if (!message.data?.orderId) throw new Error('a background message without data.orderId');
  });
  AppRegistry.registerComponent('Shop', () => () => {
    messaging().onMessage(async () => {});
    messaging().onNotificationOpenedApp(() => {});
    void messaging().getInitialNotification();
  });
}
