// jose, imported the first time a JWT is checked (an APNs provider token, an FCM service account's assertion): a
// `pushsim serve` that no sender has reached yet loads none of it (issue 14: start-up loads only what serve needs).
import type * as Jose from 'jose';

let loaded: Promise<typeof Jose> | undefined;

/** The jose module, imported on first use. */
export function loadJose(): Promise<typeof Jose> {
  loaded ??= import('jose').then(
    // The CommonJS build (scripts/build-cjs.mjs) imports jose's CommonJS bundle, whose exports Node puts on `default`.
    (module) => ('jwtVerify' in module ? module : (module as unknown as { default: typeof Jose }).default),
  );
  return loaded;
}
