// Runs a React Native entry file (index.js) in plain Node as an app process's JavaScript: registers the module hooks
// of rn-entry-hooks.ts once, and imports the entry afresh for each launch. Needs pushsim's compiled tree (dist/), as
// `pushsim run` and a project depending on pushsim have; under vitest or jest, alias react-native instead (README).
import { register } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RnEntryHooksData } from './rn-entry-hooks.js';

let registered = false;
let launches = 0;

// A native import: under a test runner's transform a plain `import()` would go through the runner's own loader.
const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

function ensureHooks(): void {
  if (registered) return;
  const hooks = new URL('./rn-entry-hooks.js', import.meta.url);
  const reactNative = new URL('./react-native/index.js', import.meta.url);
  if (!existsSync(fileURLToPath(hooks)) || !existsSync(fileURLToPath(reactNative))) {
    throw new Error(
      '[pushsim] a React Native entry file runs with the compiled pushsim (dist/): use `pushsim run`, or import pushsim from its package; under vitest or jest, start an AppProcess with the react-native alias instead',
    );
  }
  const data: RnEntryHooksData = {
    standIns: {
      'react-native': reactNative.href,
      '@react-native-firebase/messaging': new URL('./react-native-firebase/messaging.js', import.meta.url).href,
    },
    pushsimRoot: new URL('../', import.meta.url).href,
  };
  register(hooks.href, { data });
  registered = true;
}

/** The `entry` of an AppProcess for a React Native entry file: each call imports it (and all it reaches) afresh. */
export function reactNativeEntry(file: string): () => Promise<unknown> {
  if (!existsSync(file)) throw new Error(`[pushsim] no React Native entry file at ${file}`);
  ensureHooks();
  const url = pathToFileURL(file);
  return () => {
    url.searchParams.set('pushsim-launch', String(++launches));
    return nativeImport(url.href);
  };
}
