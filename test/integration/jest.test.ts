// pushsim under the real jest in its default CommonJS mode, set up as the README says: a project in a temp dir with
// pushsim (this checkout) and zego-zpns-react-native in its node_modules, running test/fixtures/jest-app.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
let project: string;

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: project, timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cjs/simulator/index.js')))
    throw new Error('dist/cjs/ is missing: run `npm run build` first (npm test does)');
  project = mkdtempSync(join(tmpdir(), 'pushsim-jest-'));
  cpSync(join(root, 'test/fixtures/jest-app'), project, { recursive: true });
  mkdirSync(join(project, 'node_modules/@babel'), { recursive: true });
  symlinkSync(root, join(project, 'node_modules/pushsim'), 'dir');
  symlinkSync(join(root, 'node_modules/@babel/preset-env'), join(project, 'node_modules/@babel/preset-env'), 'dir');
  // A copy, not a link: jest resolves the SDK's `require('react-native')` (mapped to pushsim/react-native) from the
  // SDK's real path, which must sit beside pushsim in the project's node_modules as it does after `npm install`.
  cpSync(join(root, 'node_modules/zego-zpns-react-native'), join(project, 'node_modules/zego-zpns-react-native'), {
    recursive: true,
  });
});
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

test('require("pushsim") loads the CommonJS build, which reports the package version', async () => {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const { code, stdout, stderr } = await run(process.execPath, [
    '-e',
    'const p = require("pushsim"); require("pushsim/client-shim"); process.stdout.write(`${typeof p.startSimulator} ${p.PUSHSIM_VERSION}`)',
  ]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toBe(`function ${version}`);
});

test('jest with the README config starts the simulator and runs zego-zpns-react-native in an AppProcess (no "Must use import to load ES Module")', async () => {
  const jest = join(root, 'node_modules/jest/bin/jest.js');
  const { code, stdout, stderr } = await run(process.execPath, [
    jest,
    '--ci',
    '--silent',
    '--no-watchman',
    '--cacheDirectory',
    join(project, '.jest-cache'),
  ]);
  expect(stderr, stdout).toMatch(/Tests:\s+2 passed, 2 total/);
  expect(code).toBe(0);
}, 60_000);
