// `pushsim serve`: starts the simulator with startSimulator() and keeps it up until SIGINT or SIGTERM.
import { Command } from 'commander';
import { startSimulator } from '../start-simulator.js';
import { PUSHSIM_VERSION } from '../package-version.js';
import { SERVE_OPTIONS, resolveServeOptions } from './serve-options.js';
import type { CliOutput } from './cli-output.js';

export function serveCommand(output: CliOutput, setExitCode: (code: number) => void): Command {
  const command = new Command('serve').description('start the simulator: control API, event feed and provider endpoints on loopback');
  command.option('--config <file>', 'a JSON or YAML file of startSimulator() options (keys, faults, ports...)');
  for (const option of SERVE_OPTIONS) command.option(option.flag, `${option.description} (env ${option.env}, default ${option.defaultValue})`);
  command.action(async (flags: Record<string, unknown>) => {
    let options;
    try { options = resolveServeOptions(flags, process.env); } catch (error) { output.err(`pushsim: ${(error as Error).message}`); setExitCode(2); return; }
    let handle;
    try { handle = await startSimulator(options); } catch (error) {
      output.err(`pushsim: ${(error as Error).message}`);
      setExitCode(1);
      return;
    }
    output.out(`pushsim ${PUSHSIM_VERSION} is running (${handle.clock.kind} clock)`);
    for (const endpoint of handle.endpoints) output.out(`  ${endpoint.name.padEnd(16)} ${endpoint.url.padEnd(38)} ${endpoint.status === 'reserved' ? '(reserved) ' : ''}${endpoint.description}`);
    output.out(`Trust the CA at ${handle.urls.api}/ca.pem${options.stateDir ? ` (stored in ${options.stateDir}/ca.pem)` : ''}; mint an APNs key with POST ${handle.urls.api}/apns/keys`);
    output.out('Press Ctrl+C to stop.');
    const stop = (signal: string): void => {
      output.out(`pushsim: ${signal} received, shutting down`);
      handle.close().then(() => setExitCode(0), (error: unknown) => { output.err(`pushsim: error while closing: ${(error as Error).message}`); setExitCode(1); });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return command;
}
