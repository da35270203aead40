// `pushsim rules`: prints the delivery rules table as JSON or Markdown (the source of docs/delivery-rules.md).
import { Command } from 'commander';
import { renderRulesMarkdown, rulesTable } from '../delivery/index.js';
import { SERVICES, rulesTableOf } from '../providers/index.js';
import type { CliOutput } from './cli-output.js';

export function rulesCommand(output: CliOutput): Command {
  return new Command('rules')
    .description('print the delivery rules table that decides which callback fires')
    .option('--markdown', 'print as Markdown (as in docs/delivery-rules.md) instead of JSON')
    .action((flags: { markdown?: boolean }) => {
      // The table of the built-in services, as `pushsim serve` decides by.
      const table = rulesTableOf(SERVICES);
      output.out(flags.markdown ? renderRulesMarkdown(table) : JSON.stringify(rulesTable(table), null, 2));
    });
}
