// A native iOS app's push code, written against pushsim's plain app API (what AppDelegate and the notification center
// delegate would do). Scenarios name it with `entry:`; it runs in each fresh app process the simulator's lifecycle starts.
export default function main({ ios, AppRegistry }) {
  ios.setDelegate({
    // Background fetch: new data only when the push names an article; a push without one is a bug in the backend.
    didReceiveRemoteNotification(userInfo, completionHandler) {
      if (typeof userInfo.articleId !== 'string') {
        completionHandler('failed');
        return;
      }
      completionHandler('newData');
    },
    willPresent(_notification, completionHandler) {
      completionHandler(['banner', 'sound']);
    },
    didReceive(_response, completionHandler) {
      completionHandler();
    },
  });
  AppRegistry.registerComponent('News', () => () => null);
}
