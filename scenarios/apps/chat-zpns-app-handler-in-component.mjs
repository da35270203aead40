// The mistake ZEGO's guide warns about: ZPNs.setBackgroundMessageHandler called inside a UI component. A killed
// Android app is started headless for a push, the component never mounts, and the handler is never set.
export default function main({ ZPNs, AppRegistry }) {
  AppRegistry.registerComponent('Chat', () => () => {
    ZPNs.setBackgroundMessageHandler(() => {});
    ZPNs.getInstance().on('throughMessageReceived', () => {});
  });
}
