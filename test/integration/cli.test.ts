// The pushsim command as a user runs it: a real process, real ports, real signals. Every server here listens on free
// ports: a user's `npm start` may hold the defaults (4800-4803) while the tests run.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect, createServer } from 'node:net';
import http2 from 'node:http2';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { sendFcm } from '../../simulator/senders/index.js';

const BIN = fileURLToPath(new URL('../../bin/pushsim.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCENARIO = fileURLToPath(
  new URL('../../scenarios/apns/alert-needs-notification-permission.yaml', import.meta.url),
);
const children: ChildProcessWithoutNullStreams[] = [];
/** Servers started behind a wrapper (npm), which killing the wrapper may not reach. */
const serverPids: number[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const pid of serverPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

function spawnTracked(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, ...(cwd ? { cwd } : {}) });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // 'close' comes once every process holding the pipes (a wrapper's children too) has exited.
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const text = (): string => (stream === 'stdout' ? stdout : stderr);
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in: ${stdout} ${stderr}`)), 10_000);
      const check = (): void => {
        const m = text().match(pattern);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      };
      child[stream].on('data', check);
      check();
    });
  return { child, exited, closed, waitFor, output: () => ({ stdout, stderr }) };
}

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnTracked(process.execPath, [BIN, ...args], env);

/** `what` is a function so that the message can show the output gathered until the timeout. */
function withTimeout<T>(promise: Promise<T>, what: () => string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what()}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * 'open' when something listens on the URL's port, else the connect error's code (ECONNREFUSED once a server is gone).
 */
function probe(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Alive and not a zombie: an orphan that exited stays a zombie where pid 1 does not reap (some containers). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return true;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const endpointPort = (stdout: string, name: string): number =>
  Number(stdout.match(new RegExp(`^  ${name}\\s+\\S+:(\\d+)`, 'm'))?.[1]);
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'pushsim-cli-'));

test('serve prints its URLs, answers /api/health and shuts down cleanly on SIGTERM', async () => {
  const serve = run(['serve', '--port', '0']);
  const [, url] = await serve.waitFor(/control\s+(http:\/\/127\.0\.0\.1:\d+\/api)/);
  const health = await (await fetch(`${url}/health`)).json();
  expect(health).toMatchObject({ status: 'ok', clock: 'real' });
  // The dashboard's URL is the control plane's root (the test run builds dist/dashboard first).
  const [, dashboard] = await serve.waitFor(/^Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/m);
  expect(`${dashboard}api`).toBe(url);
  serve.child.kill('SIGTERM');
  expect(await serve.exited).toBe(0);
  expect(serve.output().stdout).toMatch(/SIGTERM received, shutting down/);
});

test('serve refuses an occupied port with a message naming the port and the flag', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const serve = run(['serve', '--apns-port', '0', '--apns-production-port', '0', '--fcm-port', '0'], {
      PUSHSIM_PORT: String(port),
    });
    expect(await serve.exited).toBe(1);
    expect(serve.output().stderr).toContain(`127.0.0.1:${port} is already in use`);
    expect(serve.output().stderr).toContain('--port');
    expect(serve.output().stderr).not.toMatch(/\n\s+at /);
  } finally {
    blocker.close();
  }
});

test('a bad flag value is an error naming the flag, exit code 2', async () => {
  const serve = run(['serve', '--port', 'eighty']);
  expect(await serve.exited).toBe(2);
  expect(serve.output().stderr).toContain('--port: "eighty" is not a port');
});

test('--help lists the commands and exits 0', async () => {
  const help = run(['--help']);
  expect(await help.exited).toBe(0);
  expect(help.output().stdout).toMatch(/serve \[options\]/);
});

test('rules --markdown prints the rules table', async () => {
  const rules = run(['rules', '--markdown']);
  expect(await rules.exited).toBe(0);
  expect(rules.output().stdout).toContain('`zpns-rn.android.background-handler`');
});

describe('pushsim push', () => {
  test("sends an Xcode .apns file over HTTP/2, finds the token by bundle id, and prints Apple's answer and the fate", async () => {
    const { startSimulator } = await import('../../simulator/index.js');
    const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    try {
      const device = sim.simulation.createDevice({ platform: 'ios' });
      sim.simulation.installApp({
        deviceId: device.id,
        bundleId: 'com.example.news',
        sdkProfile: 'native-ios',
        state: 'suspended',
      });
      const file = join(tmpdir(), `pushsim-${process.pid}.apns`);
      writeFileSync(
        file,
        JSON.stringify({
          'Simulator Target Bundle': 'com.example.news',
          aps: { 'content-available': 1 },
          article: '42',
        }),
      );
      const push = run(['push', file, '--control', sim.urls.control, '--push-type', 'background', '--priority', '5']);
      expect(await push.exited).toBe(0);
      expect(push.output().stdout).toMatch(
        /^200 apns-id: [0-9a-f-]{36}\nfate: delivered → application:didReceiveRemoteNotification:fetchCompletionHandler:/,
      );
      const bad = run([
        'push',
        '--control',
        sim.urls.control,
        '--topic',
        'com.example.news',
        '--token',
        'ab'.repeat(32),
        '--payload',
        '{"aps":{"alert":"x"}}',
      ]);
      expect(await bad.exited).toBe(1);
      expect(bad.output().stdout).toMatch(/^400 apns-id: \S+ \{"reason":"BadDeviceToken"\}/);
    } finally {
      await sim.close();
    }
  });

  test('a payload that is not JSON is an error naming the file, exit code 2', async () => {
    const file = join(tmpdir(), `pushsim-bad-${process.pid}.apns`);
    writeFileSync(file, '{ not json');
    const push = run(['push', file, '--topic', 'x']);
    expect(await push.exited).toBe(2);
    expect(push.output().stderr).toContain(`the payload in ${file} is not valid JSON`);
  });
});

test('pushsim exec runs an unmodified apns2 backend against pushsim', async () => {
  const { startSimulator } = await import('../../simulator/index.js');
  const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  try {
    const key = sim.apns!.keyring.mint();
    const device = sim.simulation.createDevice({ platform: 'ios' });
    const app = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.backend',
      sdkProfile: 'native-ios',
      state: 'suspended',
    });
    const backend = fileURLToPath(new URL('../fixtures/apns2-backend.mjs', import.meta.url));
    const exec = run(['exec', '--control', sim.urls.control, '--', process.execPath, backend], {
      TEAM_ID: key.teamId,
      KEY_ID: key.keyId,
      SIGNING_KEY: key.p8,
      TOPIC: 'com.example.backend',
      DEVICE_TOKEN: app.tokens!.apns!,
    });
    expect(await exec.exited).toBe(0);
    expect(exec.output().stdout).toContain('sent');
    expect(sim.ledger.list({ appId: app.id }).at(-1)!.fate).toMatchObject({
      name: 'delivered',
      platformCallback: 'application:didReceiveRemoteNotification:fetchCompletionHandler:',
    });
  } finally {
    await sim.close();
  }
});

describe('serve --port 0', () => {
  test('two `serve --port 0` come up side by side: APNs and FCM no longer stay on their default ports', async () => {
    const [first, second] = [run(['serve', '--port', '0']), run(['serve', '--port', '0'])];
    await Promise.all([first.waitFor(/Press Ctrl\+C/), second.waitFor(/Press Ctrl\+C/)]);
    const names = ['control', 'apns', 'apns-production', 'fcm', 'apns-channels', 'apns-channels-production'];
    const ports = [first, second].flatMap((serve) => names.map((name) => endpointPort(serve.output().stdout, name)));
    expect(new Set(ports).size).toBe(12);
    for (const port of ports) expect([4800, 4801, 4802, 4803, 4805, 4806]).not.toContain(port);
  });

  test('the channel management ports take --apns-channels-port and PUSHSIM_APNS_CHANNELS_PRODUCTION_PORT', async () => {
    const [sandbox, production] = [await freePort(), await freePort()];
    const serve = run(['serve', '--port', '0', '--apns-channels-port', String(sandbox)], {
      PUSHSIM_APNS_CHANNELS_PRODUCTION_PORT: String(production),
    });
    await serve.waitFor(/Press Ctrl\+C/);
    expect(endpointPort(serve.output().stdout, 'apns-channels')).toBe(sandbox);
    expect(endpointPort(serve.output().stdout, 'apns-channels-production')).toBe(production);
  });

  test('an explicit provider port still wins over --port 0', async () => {
    const apnsPort = await freePort();
    const serve = run(['serve', '--port', '0', '--apns-port', String(apnsPort)]);
    await serve.waitFor(/Press Ctrl\+C/);
    expect(endpointPort(serve.output().stdout, 'apns')).toBe(apnsPort);
    expect([4801, 4802, 4803]).not.toContain(endpointPort(serve.output().stdout, 'fcm'));
  });
});

describe('run --output', () => {
  test('writes the report into a folder that does not exist yet instead of crashing after PASS', async () => {
    const report = join(tempDir(), 'reports', 'pushsim.xml');
    const runner = run(['run', SCENARIO, '--output', report]);
    expect(await runner.exited).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('<testsuites');
  });

  test.each([
    ['is a directory', (dir: string) => dir, /it is a directory/],
    [
      'runs through a file',
      (dir: string) => {
        writeFileSync(join(dir, 'reports'), '');
        return join(dir, 'reports', 'pushsim.xml');
      },
      /a part of the path is a file/,
    ],
  ])(
    'a report path that %s is one line on stderr naming the path and the cause, exit code 2',
    async (_, target, cause) => {
      const path = target(tempDir());
      const runner = run(['run', SCENARIO, '--output', path]);
      expect(await runner.exited).toBe(2);
      const { stderr } = runner.output();
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`cannot write the junit report to ${path}`);
      expect(stderr).toMatch(cause);
    },
  );
});

describe('stopping the server cannot leak it', () => {
  test('serve --ready-file and --pid-file name the real server once it listens and vanish when it stops', async () => {
    const dir = tempDir();
    const [readyFile, pidFile] = [join(dir, 'state', 'ready.json'), join(dir, 'pushsim.pid')];
    const serve = run(['serve', '--port', '0', '--ready-file', readyFile, '--pid-file', pidFile]);
    await serve.waitFor(/Press Ctrl\+C/);
    const ready = JSON.parse(readFileSync(readyFile, 'utf8'));
    expect(ready).toMatchObject({
      pid: serve.child.pid,
      control: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      api: expect.stringMatching(/\/api$/),
    });
    expect(ready.endpoints.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(['control', 'apns', 'fcm']),
    );
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(serve.child.pid));
    expect(await (await fetch(`${ready.api}/health`)).json()).toMatchObject({ status: 'ok' });
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(existsSync(readyFile)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
  });

  test('SIGTERM to `npm start` stops the server instead of orphaning it on its ports', async () => {
    const pidFile = join(tempDir(), 'pushsim.pid');
    const npm = spawnTracked('npm', ['start', '--', '--port', '0', '--pid-file', pidFile], {}, ROOT);
    const [, api] = await npm.waitFor(/control\s+(http:\/\/127\.0\.0\.1:\d+\/api)/);
    const serverPid = Number(readFileSync(pidFile, 'utf8'));
    serverPids.push(serverPid);
    expect(serverPid).not.toBe(npm.child.pid);
    npm.child.kill('SIGTERM');
    await withTimeout(
      npm.closed,
      () => `every process of \`npm start\` to exit; output so far: ${JSON.stringify(npm.output())}`,
    );
    expect(isRunning(serverPid)).toBe(false);
    expect(await probe(api!)).toBe('ECONNREFUSED');
    expect(npm.output().stdout).toContain('shutting down');
  });

  test('exec --serve runs the command against its own simulator, stops it when the command exits and exits with its code', async () => {
    const script =
      'const h = await (await fetch(process.env.PUSHSIM_URL + "/api/health")).json(); console.log("child", process.env.PUSHSIM_URL, h.status); process.exit(3);';
    const exec = run(['exec', '--serve', '--port', '0', '--', process.execPath, '--input-type=module', '-e', script]);
    expect(await exec.exited).toBe(3);
    const [, url] = exec.output().stdout.match(/^child (http:\/\/127\.0\.0\.1:\d+) ok$/m) ?? [];
    expect(url).toBeDefined();
    expect(await probe(url!)).toBe('ECONNREFUSED');
  });

  test('SIGTERM to exec --serve reaches the command, which exits 143 as in a shell, and the simulator stops', async () => {
    const exec = run([
      'exec',
      '--serve',
      '--port',
      '0',
      '--',
      process.execPath,
      '-e',
      'console.log("child up", process.env.PUSHSIM_URL); setInterval(() => {}, 1000);',
    ]);
    const [, url] = await exec.waitFor(/child up (\S+)/);
    exec.child.kill('SIGTERM');
    expect(await exec.exited).toBe(128 + 15);
    expect(await probe(url!)).toBe('ECONNREFUSED');
  });

  test('serve options on exec without --serve are refused, exit code 2', async () => {
    const exec = run(['exec', '--port', '0', '--', process.execPath, '-e', '']);
    expect(await exec.exited).toBe(2);
    expect(exec.output().stderr).toContain('--port only apply with --serve');
  });
});

describe('pushsim token', () => {
  async function simulatorWithApp() {
    const { startSimulator } = await import('../../simulator/index.js');
    const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const device = sim.simulation.createDevice({ platform: 'ios' });
    const app = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.chat',
      sdkProfile: 'native-ios',
      state: 'background',
    });
    return { sim, deviceToken: app.tokens!.apns! };
  }

  /** The README's curl, with node:http2: one alert with `authorization: bearer <jwt>`. */
  function sendWithBearer(
    url: string,
    ca: string,
    deviceToken: string,
    jwt: string,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(url, { ca, servername: 'localhost' });
      session.on('error', reject);
      const request = session.request({
        ':method': 'POST',
        ':path': `/3/device/${deviceToken}`,
        authorization: `bearer ${jwt}`,
        'apns-topic': 'com.example.chat',
        'apns-push-type': 'alert',
      });
      let body = '';
      let status = 0;
      request.on('response', (headers) => {
        status = Number(headers[':status']);
      });
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        session.close();
        resolve({ status, body });
      });
      request.on('error', reject);
      request.end(JSON.stringify({ aps: { alert: 'Lunch?' } }));
    });
  }

  test('prints a provider JWT, signed with a key it mints, that APNs accepts over HTTP/2', async () => {
    const { sim, deviceToken } = await simulatorWithApp();
    try {
      const token = run(['token', '--control', sim.urls.api]);
      expect(await token.exited).toBe(0);
      const jwt = token.output().stdout.trim();
      expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(token.output().stderr).toMatch(/minted key \w+ \(team \w+\)/);
      expect(await sendWithBearer(sim.urls.apns, sim.caPem, deviceToken, jwt)).toEqual({ status: 200, body: '' });
    } finally {
      await sim.close();
    }
  });

  test('--key signs with a key the simulator knows', async () => {
    const { sim, deviceToken } = await simulatorWithApp();
    try {
      const key = sim.apns!.keyring.mint();
      const p8 = join(tempDir(), 'AuthKey.p8');
      writeFileSync(p8, key.p8);
      const token = run(['token', '--key', p8, '--key-id', key.keyId, '--team-id', key.teamId], {
        PUSHSIM_URL: 'http://127.0.0.1:9',
      });
      expect(await token.exited).toBe(0);
      expect(await sendWithBearer(sim.urls.apns, sim.caPem, deviceToken, token.output().stdout.trim())).toEqual({
        status: 200,
        body: '',
      });
    } finally {
      await sim.close();
    }
  });

  test('--fcm prints an OAuth access token that messages:send accepts', async () => {
    const { startSimulator } = await import('../../simulator/index.js');
    const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    try {
      const device = sim.simulation.createDevice({ platform: 'android' });
      const app = sim.simulation.installApp({
        deviceId: device.id,
        bundleId: 'com.example.shop',
        sdkProfile: 'native-android',
        state: 'foreground',
      });
      const token = run(['token', '--fcm'], { PUSHSIM_URL: sim.urls.control });
      expect(await token.exited).toBe(0);
      const [, project] = token.output().stderr.match(/\(project (\S+)\)/) ?? [];
      const answer = await sendFcm(sim.urls.fcm, sim.caPem, token.output().stdout.trim(), project!, {
        message: { token: app.tokens!.fcm!, data: { hello: 'world' } },
      });
      expect(answer.status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  test('no simulator at --control is one line saying how to start one, exit code 2', async () => {
    const token = run(['token', '--control', `http://127.0.0.1:${await freePort()}`]);
    expect(await token.exited).toBe(2);
    expect(token.output().stderr).toMatch(
      /^pushsim token: cannot reach pushsim at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); start it with `pushsim serve`/,
    );
  });
});

test('output into a pipe closed early (`pushsim schema | head`) ends quietly with 0 instead of an EPIPE stack trace', async () => {
  // The shell pipeline itself: head exits after 100 bytes while pushsim still has most of its ~100 kB schema to write,
  // more than the pipe buffers, so the write fails with EPIPE every time.
  const pipeline = spawnTracked('sh', [
    '-c',
    `{ "${process.execPath}" "${BIN}" schema; echo "pushsim exited $?" >&2; } | head -c 100`,
  ]);
  expect(await pipeline.exited).toBe(0);
  expect(pipeline.output().stdout).toHaveLength(100);
  expect(pipeline.output().stderr).toBe('pushsim exited 0\n');
});
