// pushsim/react-native: a stand-in for the `react-native` module. Alias `react-native` to it (vitest resolve.alias,
// jest moduleNameMapper) and the published SDK JavaScript (zego-zpns-react-native) runs unchanged against the
// simulator. Each evaluation binds to the app process whose entry file is loading, so a fresh module context is a fresh
// process.
import { loadingContext } from '../js-context.js';
import { bindReactNative } from './bind-react-native.js';

const context = loadingContext();
if (!context) {
  throw new Error(
    '[pushsim] pushsim/react-native was loaded outside an app process. Start the app with AppProcess (pushsim/client-shim) and import the entry file through its `entry` option, so the module binds to that process.',
  );
}
context.bindings++;
const bound = bindReactNative(context);

export const { NativeModules, Platform, NativeEventEmitter, DeviceEventEmitter, AppRegistry, AppState } = bound;
export type { EmitterSubscription } from './bind-react-native.js';
export default bound;
