// `pushsim exec -- <command>`: runs an unmodified backend with its push traffic redirected to pushsim — Apple's and
// Google's push hosts dialled on the simulator, its CA trusted — in that process tree only; no system file is touched.
// With --serve the simulator runs in this process for exactly as long as the command, so nothing is left listening.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { startSimulator, type SimulatorHandle } from '../start-simulator.js';
import type { CliOutput } from './cli-output.js';
import { controlBase, controlToken, defaultControlUrl, fetchCa, unreachableMessage } from './control-client.js';
import { addServeOptions, givenServeFlags, resolveServeOptions } from './serve-options.js';
import { isRunByNpm, whenParentExits } from './parent-watch.js';

type ExecFlags = Record<string, unknown> & { control: string; serve?: boolean; token?: string };

/** Runs the command with the redirect's environment; resolves with the exit code a shell would report for it. */
async function runRedirected(
  command: string[],
  control: string,
  token: string | undefined,
  ca: string,
  output: CliOutput,
): Promise<number> {
  const caDir = mkdtempSync(join(tmpdir(), 'pushsim-exec-'));
  const caFile = join(caDir, 'ca.pem');
  writeFileSync(caFile, ca);
  const register = fileURLToPath(new URL('../redirect/register.js', import.meta.url));
  const env = {
    ...process.env,
    PUSHSIM_URL: control,
    // The child's control calls (client shim, pushsim CLI) carry the token the simulator wants.
    ...(token ? { PUSHSIM_TOKEN: token } : {}),
    NODE_EXTRA_CA_CERTS: caFile,
    NODE_OPTIONS:
      `${process.env.NODE_OPTIONS ?? ''} --import ${register.includes(' ') ? `"${register}"` : register}`.trim(),
  };
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  const stopWatching = isRunByNpm() ? whenParentExits(() => forward('SIGTERM')) : () => {};
  try {
    return await new Promise<number>((resolve) => {
      child.on('error', (error) => {
        output.err(`pushsim exec: cannot run ${command[0]}: ${error.message}`);
        resolve(127);
      });
      // A shell reports death by signal N as 128 + N.
      child.on('exit', (code, signal) => {
        resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
      });
    });
  } finally {
    stopWatching();
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    process.off('SIGHUP', forward);
    rmSync(caDir, { recursive: true, force: true });
  }
}

export function execCommand(output: CliOutput, setExitCode: (code: number) => void): Command {
  const command = new Command('exec')
    .description(
      "run a command with its APNs and FCM traffic redirected to pushsim (Node.js processes); exits with the command's code",
    )
    .option('--control <url>', 'the running pushsim to redirect to (env PUSHSIM_URL)', defaultControlUrl())
    .option(
      '--serve',
      "start a simulator in this process for the command's lifetime instead (takes every `pushsim serve` option)",
    );
  addServeOptions(command);
  return command
    .argument('<command...>', 'the command to run, after --')
    .action(async (commandLine: string[], flags: ExecFlags) => {
      if (!flags.serve) {
        const serveOnly = givenServeFlags(flags);
        if (serveOnly.length) {
          output.err(
            `pushsim exec: ${serveOnly.join(', ')} only apply with --serve; add --serve to start a simulator, or drop them to use the one at --control`,
          );
          setExitCode(2);
          return;
        }
      } else if (command.getOptionValueSource('control') === 'cli') {
        output.err('pushsim exec: --control and --serve exclude each other: --serve starts its own simulator');
        setExitCode(2);
        return;
      }
      let sim: SimulatorHandle | undefined;
      let control: string;
      let ca: string;
      let token: string | undefined;
      if (flags.serve) {
        let options: ReturnType<typeof resolveServeOptions>;
        try {
          options = resolveServeOptions(flags, process.env);
        } catch (error) {
          output.err(`pushsim exec: ${(error as Error).message}`);
          setExitCode(2);
          return;
        }
        try {
          sim = await startSimulator(options);
        } catch (error) {
          output.err(`pushsim exec: ${(error as Error).message}`);
          setExitCode(1);
          return;
        }
        control = sim.urls.control;
        ca = sim.caPem;
        token = options.token;
        // stderr: the command's stdout stays its own.
        output.err(`pushsim exec: simulator on ${sim.urls.api} (PUSHSIM_URL) until ${commandLine[0]} exits`);
      } else {
        control = controlBase(flags.control);
        token = controlToken(flags.token);
        try {
          ca = await fetchCa(control, token);
        } catch (error) {
          output.err(`pushsim exec: ${unreachableMessage(control, error) ?? (error as Error).message}`);
          setExitCode(2);
          return;
        }
      }
      try {
        setExitCode(await runRedirected(commandLine, control, token, ca, output));
      } finally {
        await sim?.close();
      }
    });
}
