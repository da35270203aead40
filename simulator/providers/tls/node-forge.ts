// node-forge, loaded the first time a certificate is built, signed or parsed: `pushsim serve` with a stored CA needs
// none of it, and loading it was a fifth of start-up (issue 14). Synchronous, so the certificate functions stay so.
import { createRequire } from 'node:module';
import type Forge from 'node-forge';

let loaded: typeof Forge | undefined;

/** The node-forge module, required on first use. */
export function nodeForge(): typeof Forge {
  loaded ??= createRequire(import.meta.url)('node-forge') as typeof Forge;
  return loaded;
}
