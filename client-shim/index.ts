// pushsim/client-shim: what an app under test links against instead of its push SDK's native side.
export const SHIM_PROTOCOL_VERSION = 1;
