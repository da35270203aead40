// Every code block of README.md, run as a user would paste it: shell through bash, TypeScript through tsx or vitest,
// files of a user's project written where the README says, against a fresh simulator on free ports. The README names
// the default ports (127.0.0.1:4800…4806); the test maps them to this run's ports, so it passes while `npm start` runs.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { readSnippets, type Snippet } from '../support/readme-snippets.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const snippets = readSnippets(README);
const BLOCK_TIMEOUT = 90_000;

let workspace: string;

/** A user's project with pushsim installed: node_modules links to this checkout's packages and to pushsim itself. */
function createWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pushsim-readme-'));
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '.bin'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === '.bin') continue;
    // A copy, not a link: jest resolves the SDK's require('react-native') (mapped to pushsim/react-native) from the
    // SDK's real path, which must sit beside pushsim in the project's node_modules, as after `npm install`.
    if (name === 'zego-zpns-react-native')
      cpSync(join(ROOT, 'node_modules', name), join(modules, name), { recursive: true });
    else symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  for (const name of readdirSync(join(ROOT, 'node_modules', '.bin'))) {
    symlinkSync(join(ROOT, 'node_modules', '.bin', name), join(modules, '.bin', name));
  }
  symlinkSync(ROOT, join(modules, 'pushsim'));
  symlinkSync(join(ROOT, 'bin', 'pushsim.js'), join(modules, '.bin', 'pushsim'));
  // The backend's own integration tests that the CI recipes run against pushsim: here, a check that the simulator
  // `pushsim exec --serve` started is reachable at the URL it hands the command.
  const backendTest = 'fetch(process.env.PUSHSIM_URL + "/api/health").then((r) => { if (!r.ok) process.exit(1); })';
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: 'backend', private: true, type: 'module', scripts: { 'test:integration': `node -e '${backendTest}'` } },
      null,
      2,
    ),
  );
  return dir;
}

/**
 * What a block says it prints: lines `#  → …` (shell) or `//  → …` (TypeScript). Each `…` stands for anything; the
 * pieces between must appear in the block's output in that order.
 */
function expectedOutput(code: string): string[][] {
  return code.split('\n').flatMap((line) => {
    const said = /^\s*(?:#|\/\/)\s+→\s(.*)$/.exec(line);
    return said
      ? [
          said[1]!
            .split('…')
            .map((piece) => piece.trim())
            .filter(Boolean),
        ]
      : [];
  });
}

function printsWhatItSays(output: string, expected: string[][]): string[] {
  const missing: string[] = [];
  let from = 0;
  for (const pieces of expected) {
    for (const piece of pieces) {
      const at = output.indexOf(piece, from);
      if (at === -1) {
        missing.push(piece);
        continue;
      }
      from = at + piece.length;
    }
  }
  return missing;
}

function mapPorts(text: string, sim: SimulatorHandle): string {
  const port = (url: string): string => new URL(url).port;
  const ports: Record<string, string> = {
    4800: port(sim.urls.control),
    4801: port(sim.urls.apns),
    4802: port(sim.urls.fcm),
    4803: port(sim.urls.apnsProduction),
    4804: port(sim.urls.hms),
    4805: port(sim.urls.apnsChannels),
    4806: port(sim.urls.apnsChannelsProduction),
  };
  return text.replace(/(127\.0\.0\.1|localhost):(480[0-6])\b/g, (_, host: string, p: string) => `${host}:${ports[p]}`);
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: workspace,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => {
      output += '\n[timed out]';
      process.kill(-child.pid!, 'SIGKILL');
    }, BLOCK_TIMEOUT - 5_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function environment(sim: SimulatorHandle): NodeJS.ProcessEnv {
  return {
    PATH: `${join(workspace, 'node_modules', '.bin')}:${process.env.PATH}`,
    // Where the CLI finds the simulator when a command runs against one already started (the README's `npm start`).
    PUSHSIM_URL: sim.urls.control,
    // A simulator a block starts itself (a CI recipe) takes free ports, not the defaults `npm start` may hold.
    PUSHSIM_PORT: '0',
    FORCE_COLOR: '0',
    npm_config_update_notifier: 'false',
  };
}

async function runSnippet(snippet: Snippet, sim: SimulatorHandle): Promise<{ code: number | null; output: string }> {
  const env = environment(sim);
  const code = mapPorts(snippet.code, sim);
  const how =
    snippet.run ??
    (snippet.lang === 'sh'
      ? 'sh'
      : snippet.lang === 'ts'
        ? /from 'vitest'/.test(code)
          ? 'vitest'
          : 'tsx'
        : undefined);
  const file =
    snippet.file ??
    `readme-${snippet.line}.${how === 'vitest' ? 'test.ts' : snippet.lang === 'ts' ? 'mts' : snippet.lang}`;
  if (!snippet.file) writeFileSync(join(workspace, file), code);
  switch (how) {
    case 'sh':
      return run('bash', ['-euo', 'pipefail', '-c', code], env);
    case 'tsx':
      return run('npx', ['tsx', file], env);
    case 'vitest':
      return run('npx', ['vitest', 'run', '--root', workspace, file], env);
    case 'jest':
      return run('npx', ['jest', '--rootDir', workspace, file], env);
    case 'github-actions': {
      const workflow = parseYaml(code) as { jobs: Record<string, { steps: { run?: string }[] }> };
      const steps = Object.values(workflow.jobs)
        .flatMap((job) => job.steps)
        .map((step) => step.run)
        .filter((step): step is string => Boolean(step));
      // `npm ci` installs the user's project; this workspace has its packages linked already.
      const script = steps.filter((step) => step.trim() !== 'npm ci').join('\n');
      return run('bash', ['-euo', 'pipefail', '-c', script], env);
    }
    default:
      throw new Error(
        `README.md:${snippet.line}: a ${snippet.lang || 'plain'} block must be a file (<!-- file: path -->), say how it runs (<!-- run: sh|tsx|vitest|jest|github-actions -->) or be text`,
      );
  }
}

beforeAll(() => {
  workspace = createWorkspace();
  for (const snippet of snippets) {
    if (!snippet.file || snippet.skip) continue;
    mkdirSync(dirname(join(workspace, snippet.file)), { recursive: true });
    writeFileSync(join(workspace, snippet.file), snippet.code);
  }
});
afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
});

test('README.md opens with exactly the two set-up commands', () => {
  const first = snippets[0]!;
  expect(first.skip).toBeDefined();
  expect(
    first.code
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => line.replace(/\s+#.*$/, '').trim()),
  ).toEqual(['npm install && npm start', 'npm test']);
});

test('every README block is run, is a file of the project, or is text', () => {
  const unaccounted = snippets.filter((s) => !s.skip && !s.file && !s.run && !['sh', 'ts', 'text'].includes(s.lang));
  expect(unaccounted.map((s) => `README.md:${s.line} (${s.lang || 'no language'})`)).toEqual([]);
});

test('regression: README commands called a bare `pushsim`, which is not on PATH after `npm install`', () => {
  const bare = snippets
    .filter((s) => !s.skip && (s.lang === 'sh' || s.run === 'github-actions'))
    .flatMap((s) => s.code.split('\n').map((line, i) => ({ line: s.line + 1 + i, text: line })))
    .filter(
      ({ text }) => /(^|[\s;&|(])pushsim\s/.test(text.replace(/#.*$/, '')) && !/(npx|exec)\s+pushsim\s/.test(text),
    );
  expect(bare.map(({ line, text }) => `README.md:${line}: ${text.trim()}`)).toEqual([]);
});

describe('README.md blocks run as written', () => {
  const runnable = snippets.filter((s) => !s.skip && s.lang !== 'text' && (!s.file || s.run));
  for (const snippet of runnable) {
    test(
      `README.md:${snippet.line} (${snippet.section}, ${snippet.file ?? snippet.lang}) runs as written`,
      async () => {
        // A fresh simulator, with its CA where the README's curl finds it (.pushsim/ca.pem).
        await using sim = await startSimulator({ controlPort: 0, stateDir: join(workspace, '.pushsim') });
        for (const s of snippets) {
          if (s.file && !s.skip) writeFileSync(join(workspace, s.file), mapPorts(s.code, sim));
        }
        const result = await runSnippet(snippet, sim);
        if (process.env.README_SHOW) console.log(`README.md:${snippet.line}\n${result.output}`);
        expect(result.code, `README.md:${snippet.line} exited ${result.code}:\n${result.output}`).toBe(0);
        expect(
          printsWhatItSays(result.output, expectedOutput(snippet.code)),
          `README.md:${snippet.line} printed:\n${result.output}`,
        ).toEqual([]);
      },
      BLOCK_TIMEOUT,
    );
  }
});
