#!/usr/bin/env node
// The pushsim command. It runs the compiled CLI in dist/ (built by `npm install`, or `npm run build`).
import { existsSync } from 'node:fs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

// The server hands its heap back to the OS with one full GC once its ledger has emptied (an idle server runs none;
// simulator/engine/heap-release.ts, bench/README.md "Soak"). Node names that GC `gc` only under --expose-gc, which a
// bin script cannot pass to its own process; the flag is set in-process instead, on the first call, so start-up pays
// nothing for it (and a process that already has `gc` keeps its own).
if (typeof globalThis.gc !== 'function') {
  let collect;
  globalThis.gc = () => {
    if (!collect) {
      v8.setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc');
    }
    collect();
  };
}

// A reader that stops early (`pushsim schema | head`) closes the pipe; like any Unix tool, end quietly with 0 rather
// than die on the unhandled EPIPE. Nothing can be said on a closed stderr, so its EPIPE is dropped.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.stderr.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
});

const main = new URL('../dist/simulator/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'pushsim: dist/ is missing; run `npm install` (or `npm run build`) in the pushsim folder first\n',
  );
  process.exit(1);
}
const { runCli } = await import(main.href);
const code = await runCli(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
