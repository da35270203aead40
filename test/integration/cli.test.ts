// The pushsim command as a user runs it: a real process, real ports, real signals.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/pushsim.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => { for (const child of children.splice(0)) child.kill('SIGKILL'); });

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp) => new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in: ${stdout} ${stderr}`)), 10_000);
    const check = (): void => { const m = stdout.match(pattern); if (m) { clearTimeout(timer); resolve(m); } };
    child.stdout.on('data', check);
    check();
  });
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

test('serve prints its URLs, answers /api/health and shuts down cleanly on SIGTERM', async () => {
  const serve = run(['serve', '--port', '0']);
  const [, url] = await serve.waitFor(/control\s+(http:\/\/127\.0\.0\.1:\d+\/api)/);
  const health = await (await fetch(`${url}/health`)).json();
  expect(health).toMatchObject({ status: 'ok', clock: 'real' });
  serve.child.kill('SIGTERM');
  expect(await serve.exited).toBe(0);
  expect(serve.output().stdout).toMatch(/SIGTERM received, shutting down/);
});

test('serve refuses an occupied port with a message naming the port and the flag', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const serve = run(['serve'], { PUSHSIM_PORT: String(port) });
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
  test('sends an Xcode .apns file over HTTP/2, finds the token by bundle id, and prints Apple\'s answer and the fate', async () => {
    const { startSimulator } = await import('../../simulator/index.js');
    const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    try {
      const device = sim.simulation.createDevice({ platform: 'ios' });
      sim.simulation.installApp({ deviceId: device.id, bundleId: 'com.example.news', sdkProfile: 'native-ios', state: 'suspended' });
      const file = join(tmpdir(), `pushsim-${process.pid}.apns`);
      writeFileSync(file, JSON.stringify({ 'Simulator Target Bundle': 'com.example.news', aps: { 'content-available': 1 }, article: '42' }));
      const push = run(['push', file, '--control', sim.urls.control, '--push-type', 'background', '--priority', '5']);
      expect(await push.exited).toBe(0);
      expect(push.output().stdout).toMatch(/^200 apns-id: [0-9a-f-]{36}\nfate: delivered → application:didReceiveRemoteNotification:fetchCompletionHandler:/);
      const bad = run(['push', '--control', sim.urls.control, '--topic', 'com.example.news', '--token', 'ab'.repeat(32), '--payload', '{"aps":{"alert":"x"}}']);
      expect(await bad.exited).toBe(1);
      expect(bad.output().stdout).toMatch(/^400 apns-id: \S+ \{"reason":"BadDeviceToken"\}/);
    } finally { await sim.close(); }
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
    const app = sim.simulation.installApp({ deviceId: device.id, bundleId: 'com.example.backend', sdkProfile: 'native-ios', state: 'suspended' });
    const backend = fileURLToPath(new URL('../fixtures/apns2-backend.mjs', import.meta.url));
    const exec = run(['exec', '--control', sim.urls.control, '--', process.execPath, backend], {
      TEAM_ID: key.teamId, KEY_ID: key.keyId, SIGNING_KEY: key.p8, TOPIC: 'com.example.backend', DEVICE_TOKEN: app.tokens!.apns!,
    });
    expect(await exec.exited).toBe(0);
    expect(exec.output().stdout).toContain('sent');
    expect(sim.ledger.list({ appId: app.id }).at(-1)!.fate).toMatchObject({ name: 'delivered', platformCallback: 'application:didReceiveRemoteNotification:fetchCompletionHandler:' });
  } finally { await sim.close(); }
});
