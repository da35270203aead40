// The plain TypeScript app API, for tests that do not load the SDKs: everything an app's code would import, bound to
// one app process. Pass `main: (api) => { … }` to AppProcess instead of an entry file; it runs in each fresh process.
import type { JsContext } from './js-context.js';
import { bindReactNative } from './react-native/bind-react-native.js';
import { createZpns, type ZPNsStatic } from './zpns-api.js';
import { Messaging } from './rnfb-messaging.js';
import { nativeApi } from './native-platform.js';

export interface AppApi extends ReturnType<typeof bindReactNative>, ReturnType<typeof nativeApi> {
  /** ZPNs-shaped API (zpns-rn profile): `ZPNs.getInstance().on(...)`, `ZPNs.setBackgroundMessageHandler(...)`. */
  readonly ZPNs: ZPNsStatic;
  /** RN-Firebase-shaped `messaging()` (rn-firebase profile). */
  messaging(): Messaging;
}

export function createAppApi(context: JsContext): AppApi {
  const rn = bindReactNative(context);
  let zpns: ZPNsStatic | undefined;
  let messaging: Messaging | undefined;
  return {
    ...rn,
    ...nativeApi(context),
    get ZPNs() {
      return (zpns ??= createZpns(rn));
    },
    messaging: () => (messaging ??= new Messaging(context)),
  };
}
