// One walk finds pushsim's package (simulator/package-root.ts) for its version, the dashboard's folder and the scenario
// library. The two walkers before it disagreed: the dashboard's gave up six folders up, the library's took any
// package.json named pushsim (dist/cjs/package.json is one) as the package's.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { dashboardFolder } from '../../simulator/control/index.js';
import { packageRoot } from '../../simulator/package-root.js';
import { PUSHSIM_VERSION } from '../../simulator/package-version.js';
import { scenarioLibraryDir } from '../../simulator/scenario/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');

/** A pushsim package in a temporary folder: its package.json, scenarios/, and a CommonJS tree naming pushsim too. */
function fakePackage(): string {
  const root = mkdtempSync(join(tmpdir(), 'pushsim-root-'));
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'pushsim', version: '9.9.9', bin: { pushsim: 'x' } }),
  );
  mkdirSync(join(root, 'scenarios'));
  mkdirSync(join(root, 'dist', 'cjs', 'scenarios'), { recursive: true });
  writeFileSync(join(root, 'dist', 'cjs', 'package.json'), JSON.stringify({ name: 'pushsim', type: 'commonjs' }));
  return root;
}

test('finds the package from the source tree and from the ES and CommonJS builds', () => {
  expect(packageRoot()).toBe(ROOT);
  for (const file of [
    'simulator/control/dashboard-static.ts',
    'dist/simulator/control/dashboard-static.js',
    'dist/cjs/simulator/control/dashboard-static.js',
    'dist/cjs/simulator/scenario/scenario-library.js',
  ])
    expect(packageRoot(join(ROOT, file)), file).toBe(ROOT);
  expect(PUSHSIM_VERSION).toBe(
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
  );
});

test('the dashboard and the library agree on the package, however deep the file and whatever names pushsim on the way', () => {
  const root = fakePackage();
  const deep = join(root, 'dist', 'cjs', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'file.js');
  expect(packageRoot(deep)).toBe(root);
  expect(dashboardFolder(deep)).toBe(join(root, 'dist', 'dashboard'));
  expect(scenarioLibraryDir(deep)).toBe(join(root, 'scenarios'));
  expect(scenarioLibraryDir(join(root, 'dist', 'cjs', 'simulator', 'file.js'))).toBe(join(root, 'scenarios'));
});

test('outside a pushsim package there is none, and nothing is found beside it', () => {
  const outside = join(mkdtempSync(join(tmpdir(), 'not-pushsim-')), 'file.js');
  expect(packageRoot(outside)).toBeUndefined();
  expect(dashboardFolder(outside)).toBeUndefined();
  expect(scenarioLibraryDir(outside)).toBeUndefined();
});
