// The pushsim command line: parses arguments and calls the same functions the programmatic API exports.
import { Command, CommanderError } from 'commander';
import { PUSHSIM_VERSION } from '../package-version.js';
import { streamOutput, type CliOutput } from './cli-output.js';
import { serveCommand } from './serve-command.js';
import { rulesCommand } from './rules-command.js';
import { pushCommand } from './push-command.js';
import { execCommand } from './exec-command.js';
import { runCommand } from './run-command.js';
import { schemaCommand } from './schema-command.js';
import { tokenCommand } from './token-command.js';

export function buildCli(output: CliOutput, setExitCode: (code: number) => void): Command {
  const program = new Command('pushsim')
    .description(
      'A local simulator of APNs, FCM and ZEGO ZPNs: which callback of your app fires when this push arrives in this app state',
    )
    .version(PUSHSIM_VERSION, '-v, --version')
    .showHelpAfterError('(run pushsim --help for usage)')
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .exitOverride();
  program.addCommand(serveCommand(output, setExitCode));
  program.addCommand(rulesCommand(output));
  program.addCommand(pushCommand(output, setExitCode));
  program.addCommand(execCommand(output, setExitCode));
  program.addCommand(tokenCommand(output, setExitCode));
  program.addCommand(runCommand(output, setExitCode, Boolean(process.stdout.isTTY)));
  program.addCommand(schemaCommand(output));
  for (const command of program.commands)
    command
      .exitOverride()
      .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) });
  return program;
}

/** Runs the CLI; resolves with the exit code for commands that finish (serve keeps running until a signal). */
export async function runCli(argv: string[], output: CliOutput = streamOutput()): Promise<number | undefined> {
  let exitCode: number | undefined;
  const program = buildCli(output, (code) => {
    exitCode = code;
    process.exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return exitCode;
}
