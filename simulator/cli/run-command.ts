// `pushsim run <files|folders|globs>`: runs scenario files, each run on its own simulator; progress on a terminal,
// plain lines in CI; a summary with each failure's expected vs actual and ledger; JUnit or JSON reports; exit 0 / 1 /
// 2.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { renderJunit, ledgerLines, type CaseResult } from '../scenario/index.js';
import type { CliOutput } from './cli-output.js';

interface RunFlags {
  reporter: string;
  output?: string;
  seed: string;
  grep?: string;
  concurrency: string;
  progress?: boolean;
  stateDir: string;
}

export function runCommand(output: CliOutput, setExitCode: (code: number) => void, isTty: boolean): Command {
  return new Command('run')
    .description('run scenario files (YAML or JSON): exit 0 when all pass, 1 on failures, 2 on invalid input')
    .argument('<paths...>', 'scenario files, folders or globs')
    .option('--reporter <name>', 'report format written to --output: junit or json', 'junit')
    .option('--output <file>', 'write the report to this file')
    .option('--seed <n>', 'seed of fault injection and chaos, to replay a run', '1')
    .option('--grep <pattern>', 'only runs whose name matches this regular expression')
    .option('--concurrency <n>', 'runs executed at the same time', '4')
    .option('--no-progress', 'plain lines even on a terminal')
    .option(
      '--state-dir <dir>',
      'where the CA is kept, as for pushsim serve (generated on first use)',
      process.env.PUSHSIM_STATE_DIR ?? '.pushsim',
    )
    .action(async (paths: string[], flags: RunFlags) => {
      if (!['junit', 'json'].includes(flags.reporter)) {
        output.err(`pushsim run: --reporter must be junit or json, got "${flags.reporter}"`);
        setExitCode(2);
        return;
      }
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed)) {
        output.err(`pushsim run: --seed must be an integer, got "${flags.seed}"`);
        setExitCode(2);
        return;
      }
      if (flags.grep) {
        try {
          new RegExp(flags.grep);
        } catch {
          output.err(`pushsim run: --grep "${flags.grep}" is not a regular expression`);
          setExitCode(2);
          return;
        }
      }
      const live = isTty && flags.progress !== false;
      // Loaded here, not at start-up: `pushsim serve` need not pay for the runner.
      const { runScenarios } = await import('../scenario/scenario-runner.js');
      const summary = await runScenarios(paths, {
        seed,
        stateDir: flags.stateDir,
        captureAppOutput: true,
        ...(flags.grep ? { grep: flags.grep } : {}),
        concurrency: Math.max(1, Number(flags.concurrency) || 4),
        onResult: (result, done, total) => {
          const mark = result.status === 'passed' ? 'PASS' : result.status === 'failed' ? 'FAIL' : 'ERROR';
          if (live)
            process.stdout.write(
              `\r\x1b[2K${`[${done}/${total}] ${mark} ${result.file} › ${result.name}`.slice(0, Math.max(20, (process.stdout.columns ?? 120) - 1))}`,
            );
          else output.out(`${mark} ${result.file} › ${result.name} (${result.durationMs.toFixed(0)} ms)`);
        },
      });
      if (live) process.stdout.write('\r\x1b[2K');
      for (const error of summary.invalid) output.err(`INVALID ${error.message}`);
      if (summary.files.length === 0) {
        output.err(`pushsim run: no scenario files found in ${paths.join(', ')}`);
        setExitCode(2);
        return;
      }

      const failed = summary.results.filter((r) => r.status !== 'passed');
      for (const result of failed) output.out(describeFailure(result));
      const passed = summary.results.length - failed.length;
      output.out(
        `\n${counted(summary.results.length, 'run')} from ${counted(summary.files.length, 'file')}: ${passed} passed, ${failed.length} failed${summary.invalid.length ? `, ${summary.invalid.length} invalid files` : ''} in ${(summary.durationMs / 1000).toFixed(2)} s (seed ${seed})`,
      );

      if (flags.output) {
        const report =
          flags.reporter === 'json'
            ? JSON.stringify(
                {
                  seed,
                  durationMs: summary.durationMs,
                  invalid: summary.invalid.map((e) => ({
                    file: e.file,
                    line: e.line,
                    column: e.column,
                    message: e.problem,
                  })),
                  results: summary.results,
                },
                null,
                2,
              )
            : renderJunit(summary.results, summary.startedAt);
        try {
          mkdirSync(dirname(flags.output), { recursive: true });
          writeFileSync(flags.output, report);
        } catch (error) {
          output.err(
            `pushsim run: cannot write the ${flags.reporter} report to ${flags.output}: ${writeProblem(error)}`,
          );
          setExitCode(2);
          return;
        }
        output.out(`${flags.reporter} report written to ${flags.output}`);
      }
      setExitCode(summary.invalid.length ? 2 : failed.length ? 1 : 0);
    });
}

function writeProblem(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EISDIR':
      return 'it is a directory; name a file, e.g. reports/pushsim.xml';
    // mkdir answers EEXIST, open ENOTDIR, when a folder on the way is a file.
    case 'EEXIST':
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return e.code ? `${e.code} (${e.message})` : e.message;
  }
}

export function describeFailure(result: CaseResult): string {
  const lines = [`\n${result.status === 'error' ? 'ERROR' : 'FAIL'} ${result.file} › ${result.name}`];
  for (const f of result.failures) lines.push(`  ${result.file}:${f.line} step ${f.step} (${f.kind}): ${f.message}`);
  lines.push('  ledger:', ...ledgerLines(result.ledger).map((l) => `  ${l}`));
  if (result.output.length)
    lines.push(
      `  app output${result.output.length > 20 ? ' (last 20 lines)' : ''}:`,
      ...result.output.slice(-20).map((l) => `    ${l}`),
    );
  return lines.join('\n');
}

const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
