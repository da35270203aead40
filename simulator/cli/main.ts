// The pushsim command line: parses arguments and calls the same functions the programmatic API exports.
import { Command, CommanderError } from 'commander';
import { PUSHSIM_VERSION } from '../package-version.js';
import { streamOutput, type CliOutput } from './cli-output.js';

type SetExitCode = (code: number) => void;

/**
 * Each command's module, imported when the command line names it: `pushsim serve` then loads neither the scenario
 * runner nor YAML nor the other commands (issue 14: start-up). Help and unknown commands load them all.
 */
const COMMANDS: Record<string, (output: CliOutput, setExitCode: SetExitCode) => Promise<Command>> = {
  serve: async (output, setExitCode) => (await import('./serve-command.js')).serveCommand(output, setExitCode),
  rules: async (output) => (await import('./rules-command.js')).rulesCommand(output),
  push: async (output, setExitCode) => (await import('./push-command.js')).pushCommand(output, setExitCode),
  exec: async (output, setExitCode) => (await import('./exec-command.js')).execCommand(output, setExitCode),
  token: async (output, setExitCode) => (await import('./token-command.js')).tokenCommand(output, setExitCode),
  run: async (output, setExitCode) =>
    (await import('./run-command.js')).runCommand(output, setExitCode, Boolean(process.stdout.isTTY)),
  schema: async (output) => (await import('./schema-command.js')).schemaCommand(output),
};

/** The program with the commands `argv` needs: the one it names, or every one (help, version, a typo). */
export async function buildCli(output: CliOutput, setExitCode: SetExitCode, argv: string[] = []): Promise<Command> {
  const program = new Command('pushsim')
    .description(
      'A local simulator of APNs, FCM and ZEGO ZPNs: which callback of your app fires when this push arrives in this app state',
    )
    .version(PUSHSIM_VERSION, '-v, --version')
    .showHelpAfterError('(run pushsim --help for usage)')
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .exitOverride();
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  const commands = await Promise.all(named.map((name) => COMMANDS[name]!(output, setExitCode)));
  for (const command of commands) program.addCommand(command);
  for (const command of program.commands)
    command
      .exitOverride()
      .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) });
  return program;
}

/** Runs the CLI; resolves with the exit code for commands that finish (serve keeps running until a signal). */
export async function runCli(argv: string[], output: CliOutput = streamOutput()): Promise<number | undefined> {
  let exitCode: number | undefined;
  const program = await buildCli(
    output,
    (code) => {
      exitCode = code;
      process.exitCode = code;
    },
    argv,
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return exitCode;
}
