// The scenario library the package ships (its scenarios/ folder), as the control plane lists and reads it: found
// beside the package whether pushsim runs from source (tsx), from dist/ or from dist/cjs/.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';
import { parse } from 'yaml';
import { ErrorCodes, SimulatorError } from '../core/index.js';
import { packageRoot } from '../package-root.js';

export interface LibraryFile {
  /** Relative to the library folder, with forward slashes: `zpns/silent-push-by-ios-app-state.yaml`. */
  path: string;
  name: string;
  description?: string;
}

/** The package's scenarios/ folder (package-root.ts), when the package has one. */
export function scenarioLibraryDir(from: string = fileURLToPath(import.meta.url)): string | undefined {
  const root = packageRoot(from);
  return root !== undefined && existsSync(join(root, 'scenarios')) ? join(root, 'scenarios') : undefined;
}

/** Every scenario file of the library, by path, with the name and description it declares. */
export async function listLibrary(dir: string): Promise<LibraryFile[]> {
  const files = await glob('**/*.{yaml,yml,json}', { cwd: dir, ignore: ['**/node_modules/**', '**/*.schema.json'] });
  return files.sort().map((path) => {
    const declared = declaredNames(readFileSync(join(dir, path), 'utf8'));
    return {
      path,
      name: declared.name ?? path,
      ...(declared.description !== undefined ? { description: declared.description } : {}),
    };
  });
}

/** A file's `name` and `description`; nothing for a file that does not parse (running it says why). */
function declaredNames(text: string): { name?: string; description?: string } {
  try {
    const doc = parse(text) as { name?: unknown; description?: unknown } | null;
    return {
      ...(typeof doc?.name === 'string' ? { name: doc.name } : {}),
      ...(typeof doc?.description === 'string' ? { description: doc.description.trim() } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * The absolute path of a library file, refusing a path that leaves the library (`../`, an absolute path) or names no
 * scenario file, and every path when there is no library (read against '' it named files of the working directory).
 */
export function libraryFile(dir: string | undefined, path: string, field = 'path'): string {
  if (!dir)
    throw new SimulatorError(
      ErrorCodes.SCENARIO_NOT_FOUND,
      "this pushsim has no scenario library (the package's scenarios/ folder is missing); POST /api/scenarios/runs takes a scenario's text as `yaml`",
      field,
    );
  const absolute = resolve(dir, path);
  const inside = relative(dir, absolute);
  if (path.includes('\0') || inside === '' || inside.split(sep)[0] === '..' || isAbsolute(inside))
    throw new SimulatorError(
      ErrorCodes.INVALID_INPUT,
      `"${path}" is not inside the scenario library; give a path relative to it, as GET /api/scenarios/library lists them`,
      field,
    );
  if (!/\.(ya?ml|json)$/.test(absolute) || absolute.endsWith('.schema.json'))
    throw new SimulatorError(
      ErrorCodes.INVALID_INPUT,
      `"${path}" is not a scenario file (.yaml, .yml or .json); GET /api/scenarios/library lists them`,
      field,
    );
  if (!existsSync(absolute) || !statSync(absolute).isFile())
    throw new SimulatorError(
      ErrorCodes.SCENARIO_NOT_FOUND,
      `no scenario file "${path}" in the library; GET /api/scenarios/library lists them`,
      field,
    );
  return absolute;
}

/** A library file's text. */
export function readLibraryFile(dir: string | undefined, path: string): string {
  return readFileSync(libraryFile(dir, path), 'utf8');
}
