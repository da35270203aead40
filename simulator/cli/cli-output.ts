// Where the CLI writes: injected streams, so commands are testable and quiet where asked.

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export function streamOutput(
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): CliOutput {
  return {
    out: (line) => {
      stdout.write(`${line}\n`);
    },
    err: (line) => {
      stderr.write(`${line}\n`);
    },
  };
}
