// pushsim/react-native-firebase/messaging: a stand-in for `@react-native-firebase/messaging` with the same surface and
// semantics, bound to the app process whose entry file is loading (alias the package to it, as with react-native).
// The published RN Firebase JS is not run: it needs @react-native-firebase/app, the `firebase` JS SDK and RN internals.
import { loadingContext } from '../js-context.js';
import { Messaging, AuthorizationStatus, type RemoteMessage } from '../rnfb-messaging.js';

export { AuthorizationStatus, type RemoteMessage };

const bound = loadingContext();
if (!bound)
  throw new Error(
    '[pushsim] pushsim/react-native-firebase/messaging was loaded outside an app process; start the app with AppProcess (pushsim/client-shim).',
  );
bound.bindings++;
const instance = new Messaging(bound);

export default function messaging(): Messaging {
  return instance;
}
export { messaging };
