// Every package pushsim needs at run time (its dependencies and theirs, as installed) must run on every Node version
// pushsim's own `engines` claims; otherwise `npm install pushsim` warns EBADENGINE (jsonpath-plus 11 wanted Node >=
// 22).
import { expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Where Node would find `name` from a package in `from`: the nearest node_modules/<name> up the tree. */
function installedDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(dir)) return undefined;
  }
}

function runtimePackages(): { manifest: Manifest; via: string }[] {
  const seen = new Map<string, { manifest: Manifest; via: string }>();
  const visit = (dir: string, via: string): void => {
    const manifest = read(dir);
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const name of Object.keys(deps)) {
      const child = installedDir(name, dir);
      if (!child || seen.has(child)) continue;
      const childManifest = read(child);
      seen.set(child, { manifest: childManifest, via: via ? `${via} > ${name}` : name });
      visit(child, seen.get(child)!.via);
    }
  };
  visit(root, '');
  return [...seen.values()];
}

test('every installed runtime dependency, direct or transitive, supports every Node version in our engines range', () => {
  const ours = read(root).engines?.node;
  expect(ours, 'package.json needs engines.node').toBeTruthy();
  const packages = runtimePackages();
  expect(packages.map((p) => p.manifest.name)).toEqual(
    expect.arrayContaining(['express', 'jsonpath-plus', 'zod', 'xstate']),
  );
  const refusing = packages
    .filter(({ manifest }) => manifest.engines?.node && !semver.subset(ours!, manifest.engines.node))
    .map(({ manifest, via }) => `${via}@${manifest.version} wants node ${manifest.engines!.node}`);
  expect(refusing, `pushsim claims node ${ours}; pick versions that support it, or narrow engines`).toEqual([]);
});
