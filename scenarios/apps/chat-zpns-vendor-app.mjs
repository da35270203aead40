// A chat app's ZPNs code for phones without Google services: every ZPNs event has a listener, set when the app starts,
// and the background handler sits in the entry file, as ZEGO's guides say.
export default function main({ ZPNs, AppRegistry }) {
  ZPNs.setBackgroundMessageHandler((message) => {
    if (!message.extras) throw new Error('a through message without extras');
  });
  const zpns = ZPNs.getInstance();
  zpns.on('notificationArrived', (message) => {
    if (typeof message.pushSourceType !== 'number') throw new Error('no pushSourceType');
  });
  zpns.on('notificationClicked', (message) => {
    if (!message.payload) throw new Error('a click without the payload');
  });
  zpns.on('throughMessageReceived', () => {});
  zpns.registerPush();
  AppRegistry.registerComponent('Chat', () => () => null);
}
