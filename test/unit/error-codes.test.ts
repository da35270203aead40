// The error catalogue against the source: every code pushsim throws, sends or answers anywhere is one of its keys, each
// entry says what to do, and none is dead. The constructor's type already refuses an unknown code; this catches the
// places a code is written as a plain string (a JSON body, a shim frame, a cast).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ERROR_CATALOGUE, ErrorCodes, errorCatalogue, SimulatorError } from '../../simulator/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name) ? [path] : [];
  });
const files = ['simulator', 'client-shim']
  .flatMap((folder) => sources(join(root, folder)))
  .filter((file) => !file.endsWith(join('core', 'error-codes.ts')));

/**
 * `file: CODE` for every code the source names: catalogue references, SimulatorError/sendError literals, `code: 'X'`
 * literals.
 */
function codesInSource(): { where: string; code: string }[] {
  const found: { where: string; code: string }[] = [];
  const patterns = [
    /ErrorCodes\.([A-Z][A-Z0-9_]*)/g,
    /new SimulatorError\(\s*'([A-Z][A-Z0-9_]*)'/g,
    /sendError\([^,]+,\s*'([A-Z][A-Z0-9_]*)'/g,
    // pushsim's own shape written out by hand: `{ code: 'X', message: … }` (wire errors of the services use other
    // keys).
    /\bcode: '([A-Z][A-Z0-9_]*)',\s*message:/g,
  ];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns)
      for (const match of text.matchAll(pattern)) found.push({ where: relative(root, file), code: match[1]! });
  }
  return found;
}

describe('the error catalogue', () => {
  test('lists every code the source throws or sends', () => {
    const found = codesInSource();
    expect(found.length, 'the scan found no codes at all; the patterns are stale').toBeGreaterThan(40);
    const unknown = found
      .filter(({ code }) => !Object.hasOwn(ERROR_CATALOGUE, code))
      .map(({ where, code }) => `${where}: ${code}`);
    expect(unknown, 'add these codes to simulator/core/error-codes.ts').toEqual([]);
  });

  test('has no code nothing uses', () => {
    const used = new Set(codesInSource().map(({ code }) => code));
    expect(
      Object.keys(ERROR_CATALOGUE).filter((code) => !used.has(code)),
      'remove these from the catalogue, or use them',
    ).toEqual([]);
  });

  test('gives each code an error status, what it means and what to do', () => {
    for (const entry of errorCatalogue()) {
      expect(entry.status, entry.code).toBeGreaterThanOrEqual(400);
      expect(entry.status, entry.code).toBeLessThan(600);
      expect(entry.meaning.length, entry.code).toBeGreaterThan(10);
      expect(entry.fix.length, entry.code).toBeGreaterThan(5);
      expect(entry.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });

  test('SimulatorError takes its status from the catalogue and answers the one shape', () => {
    const error = new SimulatorError(ErrorCodes.DEVICE_NOT_FOUND, 'no device "x"', 'deviceId');
    expect(error.status).toBe(404);
    expect(error.toJSON()).toEqual({
      error: { code: 'DEVICE_NOT_FOUND', message: 'no device "x"', field: 'deviceId' },
    });
    // @ts-expect-error: a code outside the catalogue does not compile.
    const untyped = new SimulatorError('NOT_A_CODE', 'm');
    expect(untyped.status, "a JS caller's uncatalogued code answers as an internal error").toBe(500);
  });
});
