// `pushsim exec -- <command>`: runs an unmodified backend with its push traffic redirected to a running pushsim — Apple's
// and Google's push hosts dialled on the simulator, its CA trusted — in that process tree only; no system file is touched.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { CliOutput } from './cli-output.js';

export function execCommand(output: CliOutput, setExitCode: (code: number) => void): Command {
  return new Command('exec')
    .description('run a command with its APNs and FCM traffic redirected to pushsim (Node.js processes)')
    .option('--control <url>', 'pushsim control URL', process.env.PUSHSIM_URL ?? 'http://127.0.0.1:4800')
    .argument('<command...>', 'the command to run, after --')
    .action(async (command: string[], flags: { control: string }) => {
      const control = flags.control.replace(/\/+$/, '');
      let ca: string;
      try {
        const response = await fetch(`${control}/api/ca.pem`);
        if (!response.ok) throw new Error(`GET /api/ca.pem answered ${response.status}`);
        ca = await response.text();
      } catch (error) {
        output.err(`pushsim exec: cannot reach pushsim at ${control} (${(error as Error).message}); start it with \`pushsim serve\` or pass --control`);
        setExitCode(2);
        return;
      }
      const caFile = join(mkdtempSync(join(tmpdir(), 'pushsim-exec-')), 'ca.pem');
      writeFileSync(caFile, ca);
      const register = fileURLToPath(new URL('../redirect/register.js', import.meta.url));
      const env = {
        ...process.env,
        PUSHSIM_URL: control,
        NODE_EXTRA_CA_CERTS: caFile,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${register.includes(' ') ? `"${register}"` : register}`.trim(),
      };
      const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env });
      const forward = (signal: NodeJS.Signals): void => { child.kill(signal); };
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      await new Promise<void>((resolve) => {
        child.on('error', (error) => { output.err(`pushsim exec: cannot run ${command[0]}: ${error.message}`); setExitCode(127); resolve(); });
        child.on('exit', (code, signal) => { setExitCode(code ?? (signal ? 128 : 1)); resolve(); });
      });
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    });
}
