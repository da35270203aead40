// http2-wrapper, required the first time a push is sent: `pushsim serve` sends none, and the service modules' scenario
// steps (which send) are imported at start-up (issue 14: start-up loads only what serve needs).
import { createRequire } from 'node:module';
import type Http2Wrapper from 'http2-wrapper';

let loaded: typeof Http2Wrapper | undefined;

/** The http2-wrapper module, required on first use. */
export function http2Wrapper(): typeof Http2Wrapper {
  loaded ??= createRequire(import.meta.url)('http2-wrapper') as typeof Http2Wrapper;
  return loaded;
}
