// An invalid scenario file: one line with the file, line and column, what is wrong and what is allowed.

export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${problem}`);
    this.name = 'ScenarioFileError';
  }
}
