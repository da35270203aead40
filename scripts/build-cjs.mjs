// Emits dist/cjs/, a CommonJS twin of the ES build, so `require('pushsim')` and jest's default (CommonJS) module system
// load pushsim unchanged; package.json's "require" conditions point here. Runs after tsc (it copies tsc's .d.ts files).
import { build } from 'esbuild';
import { glob } from 'tinyglobby';
import { createRequire } from 'node:module';
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'cjs');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const requireFromRoot = createRequire(join(root, 'package.json'));

// Top-level await cannot be CommonJS; `pushsim/redirect` is a `node --import` preload, so it stays ES only.
const ES_ONLY = ['simulator/redirect/register.ts'];

const sources = (
  await glob(['simulator/**/*.ts', 'client-shim/**/*.ts'], {
    cwd: root,
    ignore: ['**/*.test.ts', '**/*.d.ts', ...ES_ONLY],
  })
).sort();

/** Whether a bare specifier resolves to an ES module (jose 6 ships only those), which jest's require cannot load. */
function isEsOnly(specifier) {
  let file;
  try {
    file = requireFromRoot.resolve(specifier);
  } catch {
    return false;
  }
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs') || !file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
  }
  return false;
}

const vendored = new Map();
const vendorFile = (specifier) => join(out, 'vendor', `${specifier.replace(/[^A-Za-z0-9_.-]/g, '_')}.js`);

// Every import stays a require of the same file (no bundling), except ES-only packages, which point at a CommonJS
// bundle of that package under dist/cjs/vendor/.
const perFile = {
  name: 'pushsim-cjs-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const bare = !args.path.startsWith('.') && !args.path.startsWith('/') && !args.path.startsWith('node:');
      if (!bare || !isEsOnly(args.path)) return { path: args.path, external: true };
      vendored.set(args.path, vendorFile(args.path));
      const importerOut = join(out, relative(root, dirname(args.importer)));
      let path = relative(importerOut, vendorFile(args.path)).split(sep).join('/');
      if (!path.startsWith('.')) path = `./${path}`;
      return { path, external: true };
    });
  },
};

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: sources.map((s) => join(root, s)),
  outdir: out,
  outbase: root,
  bundle: true,
  plugins: [perFile],
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // CommonJS has no import.meta; the files that read it (package-version.ts, rn-entry.ts) want their own file URL.
  define: { 'import.meta.url': '__pushsimFileUrl' },
  banner: { js: 'const __pushsimFileUrl = require("node:url").pathToFileURL(__filename).href;' },
});

for (const [specifier, file] of vendored) {
  await build({
    stdin: { contents: `module.exports = require(${JSON.stringify(specifier)});`, resolveDir: root },
    outfile: file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
}

for (const folder of ['simulator', 'client-shim']) {
  cpSync(join(root, 'dist', folder), join(out, folder), {
    recursive: true,
    filter: (src) => src.endsWith('.d.ts') || statSync(src).isDirectory(),
  });
}
// "type": "commonjs" makes Node (and TypeScript, for the copied .d.ts) read this tree as CommonJS; name and version
// let package-version.ts, which looks one and two folders up, find pushsim's version from dist/cjs/simulator/.
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'commonjs' }, null, 2)}\n`,
);
