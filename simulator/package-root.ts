// The folder of pushsim's own package: where its package.json, dist/dashboard/ and scenarios/ are, whether pushsim runs
// from source (simulator/, by tsx), from dist/simulator/ or from dist/cjs/simulator/, or installed under node_modules/.
// One walk for everything found beside the package (package-version.ts, control/dashboard-static.ts,
// scenario/scenario-library.ts), so they never disagree on where that is.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a package.json says when it is pushsim's own (dist/cjs/package.json names pushsim too, but no bin). */
interface PushsimManifest {
  name: 'pushsim';
  version?: string;
  bin: unknown;
}

function readManifest(dir: string): PushsimManifest | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; bin?: unknown };
    return pkg.name === 'pushsim' && pkg.bin !== undefined ? (pkg as PushsimManifest) : undefined;
  } catch {
    return undefined;
  }
}

/** The first folder up from `from` (a file) holding pushsim's own package.json; none outside a pushsim package. */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (readManifest(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** pushsim's package.json, as packageRoot() finds it. */
export function packageManifest(from?: string): PushsimManifest | undefined {
  const root = packageRoot(from);
  return root === undefined ? undefined : readManifest(root);
}
