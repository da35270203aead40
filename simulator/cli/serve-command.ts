// `pushsim serve`: starts the simulator with startSimulator() and keeps it up until SIGINT or SIGTERM (or, under npm,
// until npm exits); --pid-file and --ready-file let scripts wait for it and stop it without guessing pids or polling
// ports.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { startSimulator, type SimulatorHandle } from '../start-simulator.js';
import { PUSHSIM_VERSION } from '../package-version.js';
import { addServeOptions, resolveServeOptions } from './serve-options.js';
import { isRunByNpm, whenParentExits } from './parent-watch.js';
import type { CliOutput } from './cli-output.js';
import { DASHBOARD_BUILD_HINT, dashboardFolder, isLoopbackHost } from '../control/index.js';

/** What --ready-file holds once every endpoint listens. */
export interface ReadyFile {
  pid: number;
  version: string;
  control: string;
  api: string;
  urls: SimulatorHandle['urls'];
  endpoints: SimulatorHandle['endpoints'];
}

/** Writes through a temporary file and a rename, so a script polling for the file never reads half of it. */
function writeWhole(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(partial, text);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

function fileProblem(flag: string, path: string, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return `${flag}: cannot write ${path} (${e.code === 'EISDIR' ? 'it is a directory' : (e.code ?? e.message)})`;
}

/** What the banner says about who can reach the control plane. */
function securityLine(options: ReturnType<typeof resolveServeOptions>): string {
  const host = options.host ?? '127.0.0.1';
  const where = isLoopbackHost(host)
    ? `loopback only (${host})`
    : `the network on ${host}: anyone who can reach this machine`;
  if (options.token)
    return `Control plane: ${where}; every call must carry the access token (Authorization: Bearer …, ws ?token=…)`;
  if (!isLoopbackHost(host))
    return `WARNING: --insecure-public: the control plane is open to ${where} can drive the simulator and mint keys; give --token to require one`;
  return `Control plane: ${where}, no access token (give --token to require one); browser pages of other origins are refused`;
}

/** Where the dashboard is (control/dashboard-static.ts serves it), or how to build it when this checkout has none. */
function dashboardLine(control: string, hasToken: boolean): string {
  const folder = dashboardFolder();
  if (!folder || !existsSync(join(folder, 'index.html'))) return `Dashboard: not built; ${DASHBOARD_BUILD_HINT}`;
  // The token is not echoed: the page takes it once from ?token= and keeps it for the tab.
  return `Dashboard: ${control}/${hasToken ? '?token=<your token>' : ''}`;
}

export function serveCommand(output: CliOutput, setExitCode: (code: number) => void): Command {
  const command = addServeOptions(
    new Command('serve').description('start the simulator: control API, event feed and provider endpoints on loopback'),
  )
    .option('--pid-file <file>', 'write the server\'s pid here (removed on exit), for `kill "$(cat file)"`')
    .option(
      '--ready-file <file>',
      'once every endpoint listens, write {pid, control, api, urls, endpoints} JSON here (removed on exit)',
    );
  command.action(async (flags: Record<string, unknown> & { pidFile?: string; readyFile?: string }) => {
    let options: ReturnType<typeof resolveServeOptions>;
    try {
      options = resolveServeOptions(flags, process.env);
    } catch (error) {
      output.err(`pushsim: ${(error as Error).message}`);
      setExitCode(2);
      return;
    }
    const written: string[] = [];
    const removeWritten = (): void => {
      for (const path of written.splice(0)) rmSync(path, { force: true });
    };
    // 'exit' also runs on process.exit() (a closed stdout, see bin/pushsim.js), where no close() gets to run.
    process.once('exit', removeWritten);
    if (flags.pidFile) {
      try {
        writeWhole(flags.pidFile, `${process.pid}\n`);
        written.push(flags.pidFile);
      } catch (error) {
        output.err(`pushsim: ${fileProblem('--pid-file', flags.pidFile, error)}`);
        setExitCode(2);
        return;
      }
    }
    let handle: SimulatorHandle;
    try {
      handle = await startSimulator(options);
    } catch (error) {
      output.err(`pushsim: ${(error as Error).message}`);
      removeWritten();
      setExitCode(1);
      return;
    }
    if (flags.readyFile) {
      const ready: ReadyFile = {
        pid: process.pid,
        version: PUSHSIM_VERSION,
        control: handle.urls.control,
        api: handle.urls.api,
        urls: handle.urls,
        endpoints: handle.endpoints,
      };
      try {
        writeWhole(flags.readyFile, `${JSON.stringify(ready, null, 2)}\n`);
        written.push(flags.readyFile);
      } catch (error) {
        output.err(`pushsim: ${fileProblem('--ready-file', flags.readyFile, error)}`);
        await handle.close();
        removeWritten();
        setExitCode(2);
        return;
      }
    }
    output.out(`pushsim ${PUSHSIM_VERSION} is running (${handle.clock.kind} clock)`);
    // The name column fits the longest name (apns-channels-production).
    const nameWidth = Math.max(16, ...handle.endpoints.map((e) => e.name.length));
    for (const endpoint of handle.endpoints)
      output.out(
        `  ${endpoint.name.padEnd(nameWidth)} ${endpoint.url.padEnd(38)} ${endpoint.status === 'reserved' ? '(reserved) ' : ''}${endpoint.description}`,
      );
    output.out(
      `Trust the CA at ${handle.urls.api}/ca.pem${options.stateDir ? ` (stored in ${options.stateDir}/ca.pem)` : ''}; mint an APNs key with POST ${handle.urls.api}/apns/keys`,
    );
    output.out(dashboardLine(handle.urls.control, options.token !== undefined));
    output.out(securityLine(options));
    output.out('Press Ctrl+C to stop.');
    let isStopping = false;
    const stop = (why: string): void => {
      if (isStopping) return;
      isStopping = true;
      output.out(`pushsim: ${why}, shutting down`);
      handle.close().then(
        () => {
          removeWritten();
          setExitCode(0);
        },
        (error: unknown) => {
          output.err(`pushsim: error while closing: ${(error as Error).message}`);
          removeWritten();
          setExitCode(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT received'));
    process.once('SIGTERM', () => stop('SIGTERM received'));
    if (isRunByNpm()) whenParentExits(() => stop('the npm process that started it exited'));
  });
  return command;
}
