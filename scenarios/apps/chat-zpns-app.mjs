// A React Native chat app's ZPNs code, as ZEGO's silent-push guide tells you to write it, against pushsim's plain
// ZPNs-shaped API: the background handler is set in the entry file (index.js), the listeners when the app starts.
export default function main({ ZPNs, AppRegistry }) {
  ZPNs.setBackgroundMessageHandler((message) => {
    if (!message.extras) throw new Error('a silent push without extras');
  });
  const zpns = ZPNs.getInstance();
  zpns.on('throughMessageReceived', (message) => {
    if (!message.extras) throw new Error('a silent push without extras');
  });
  zpns.on('notificationClicked', () => {});
  zpns.registerPush({ enableIOSVoIP: false });
  AppRegistry.registerComponent('Chat', () => () => null);
}
