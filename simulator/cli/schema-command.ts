// `pushsim schema`: prints the scenario JSON Schema (also published as scenarios/scenario.schema.json) for editors.
import { Command } from 'commander';
import { scenarioJsonSchema } from '../scenario/index.js';
import type { CliOutput } from './cli-output.js';

export function schemaCommand(output: CliOutput): Command {
  return new Command('schema').description('print the JSON Schema of scenario files').action(() => {
    output.out(JSON.stringify(scenarioJsonSchema(), null, 2));
  });
}
