// The options of `pushsim serve` as one table, so CLI flags, environment variables, the config file and
// startSimulator() keys cannot drift; the services' rows (ports, settings) come from their modules. Precedence:
// defaults < config file < environment < flags.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createRequire } from 'node:module';
import type { SimulatorOptions } from '../start-simulator.js';
import { DEFAULT_PORTS } from '../start-simulator.js';
import { SERVICES, type ServiceModule } from '../providers/index.js';
import { MAX_TIMER_DELAY_MS, parseDuration } from '../core/index.js';
import { DEFAULT_UPDATE_BUDGET } from '../live-activity/index.js';

export interface ServeOption {
  /** Dotted path into SimulatorOptions (`apns.permissive`), or `virtualClock`. */
  key: string;
  flag: string;
  env: string;
  description: string;
  defaultValue: string | number | boolean | undefined;
  /** What --help says the default is, when startSimulator() picks it (no defaultValue). */
  defaultLabel?: string;
  parse: (raw: string) => unknown;
}

function port(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`"${raw}" is not a port; use 0–65535 (0 picks a free port)`);
  return value;
}

function bool(raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`"${raw}" is not a boolean; use true or false`);
}

function integer(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`"${raw}" is not an integer`);
  return value;
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** A duration flag's value in ms (`30s`, `1h`, `250ms`, or ms), within what a timer can wait. */
function timerDuration(raw: string): number {
  const ms = parseDuration(/^\d+$/.test(raw) ? Number(raw) : raw);
  if (ms > MAX_TIMER_DELAY_MS)
    throw new Error(`"${raw}" is longer than a timer can wait (at most ${MAX_TIMER_DELAY_MS} ms, about 24 days)`);
  return ms;
}

/** 3600000 → `1h`, 10000 → `10s`: the largest unit that divides the duration. */
function durationLabel(ms: number): string {
  if (ms === 0) return '0 (off)';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function providerPortDefault(defaultPort: number): string {
  return `${defaultPort}, or a free port when --port is 0`;
}

/** The table for a list of service modules: the simulator's own options around each module's ports and settings. */
export function serveOptionsFor(services: readonly ServiceModule[]): ServeOption[] {
  return [
    {
      key: 'host',
      flag: '--host <host>',
      env: 'PUSHSIM_HOST',
      description: 'interface to listen on',
      defaultValue: '127.0.0.1',
      parse: (raw) => raw,
    },
    {
      key: 'token',
      flag: '--token <token>',
      env: 'PUSHSIM_TOKEN',
      description:
        'access token every control call must carry (Authorization: Bearer <token>; ws ?token=); required with a non-loopback --host',
      defaultValue: undefined,
      defaultLabel: 'none',
      parse: (raw) => raw,
    },
    {
      key: 'insecurePublic',
      flag: '--insecure-public',
      env: 'PUSHSIM_INSECURE_PUBLIC',
      description: 'serve a non-loopback --host without a token (anyone who reaches it drives the simulator)',
      defaultValue: false,
      parse: bool,
    },
    {
      key: 'allowedHosts',
      flag: '--allowed-host <names>',
      env: 'PUSHSIM_ALLOWED_HOSTS',
      description: 'comma-separated Host names the control plane answers besides loopback and --host',
      defaultValue: undefined,
      defaultLabel: 'none',
      parse: list,
    },
    {
      key: 'corsOrigins',
      flag: '--cors-origin <origins>',
      env: 'PUSHSIM_CORS_ORIGINS',
      description: 'comma-separated browser origins allowed to call the control plane (CORS; * for any)',
      defaultValue: undefined,
      defaultLabel: 'none',
      parse: list,
    },
    {
      key: 'controlPort',
      flag: '--port <port>',
      env: 'PUSHSIM_PORT',
      description: 'control plane port (REST API, ws feed)',
      defaultValue: DEFAULT_PORTS.control,
      parse: port,
    },
    // No defaultValue for the service ports: startSimulator() gives them theirs, or free ones when the control port is
    // 0, so `--port 0` (or PUSHSIM_PORT=0) means every port free, as `startSimulator({ controlPort: 0 })` does.
    ...services.flatMap((service) =>
      service.endpoints.map(
        (endpoint): ServeOption => ({
          key: endpoint.portOption,
          flag: `${endpoint.flag} <port>`,
          env: endpoint.env,
          description: endpoint.description,
          defaultValue: undefined,
          defaultLabel: providerPortDefault(endpoint.defaultPort),
          parse: port,
        }),
      ),
    ),
    ...services.flatMap((service) =>
      service.settings.map(
        (setting): ServeOption =>
          setting.kind === 'duration'
            ? {
                key: `${service.name}.${setting.key}`,
                flag: setting.flag,
                env: setting.env,
                description: setting.description,
                // The service applies its default, so a config file's value is not overridden by the table's.
                defaultValue: undefined,
                defaultLabel: durationLabel(setting.defaultMs),
                parse: timerDuration,
              }
            : {
                key: `${service.name}.${setting.key}`,
                flag: setting.flag,
                env: setting.env,
                description: setting.description,
                defaultValue: setting.defaultValue,
                parse: bool,
              },
      ),
    ),
    {
      key: 'stateDir',
      flag: '--state-dir <dir>',
      env: 'PUSHSIM_STATE_DIR',
      description: 'where the generated CA and server certificate are kept',
      defaultValue: '.pushsim',
      parse: (raw) => raw,
    },
    {
      key: 'faultSeed',
      flag: '--fault-seed <n>',
      env: 'PUSHSIM_FAULT_SEED',
      description: 'seed of fault injection, to replay chaos',
      defaultValue: 1,
      parse: integer,
    },
    {
      key: 'ledgerLimit',
      flag: '--ledger-limit <n>',
      env: 'PUSHSIM_LEDGER_LIMIT',
      description: 'most pushes the ledger keeps, the oldest forgotten first (0 keeps only the push in flight)',
      defaultValue: 100_000,
      parse: (raw) => {
        const value = integer(raw);
        if (value < 0) throw new Error(`"${raw}" is negative; use 0 or more pushes`);
        return value;
      },
    },
    {
      key: 'ledgerMaxAge',
      flag: '--ledger-max-age <duration>',
      env: 'PUSHSIM_LEDGER_MAX_AGE',
      description: 'forget pushes accepted longer ago than this (e.g. 10m, 1h, or ms)',
      defaultValue: undefined,
      defaultLabel: 'no age limit',
      parse: (raw) => {
        parseDuration(raw);
        return /^\d+$/.test(raw) ? Number(raw) : raw;
      },
    },
    // Apple publishes no number for the Live Activity budget (docs/reference/live-activities.md#update-budget): pushsim's
    // model, a setting.
    {
      key: 'liveActivities.budget.perWindow',
      flag: '--live-activity-budget <n>',
      env: 'PUSHSIM_LIVE_ACTIVITY_BUDGET',
      description: "priority-10 pushes a Live Activity takes an hour before they are throttled (pushsim's model)",
      defaultValue: DEFAULT_UPDATE_BUDGET.perWindow,
      parse: pushesPerBudgetWindow,
    },
    {
      key: 'liveActivities.budget.frequentPerWindow',
      flag: '--live-activity-frequent-budget <n>',
      env: 'PUSHSIM_LIVE_ACTIVITY_FREQUENT_BUDGET',
      description: 'the same for apps that declare NSSupportsLiveActivitiesFrequentUpdates (frequentUpdates)',
      defaultValue: DEFAULT_UPDATE_BUDGET.frequentPerWindow,
      parse: pushesPerBudgetWindow,
    },
    {
      key: 'recordings.stepLimit',
      flag: '--recording-step-limit <n>',
      env: 'PUSHSIM_RECORDING_STEP_LIMIT',
      description: 'most steps a session recording writes before it stops by itself (its scenario says so)',
      defaultValue: 10_000,
      parse: (raw) => {
        const value = integer(raw);
        if (value < 1) throw new Error(`"${raw}" is below 1; use 1 or more steps`);
        return value;
      },
    },
    {
      key: 'virtualClock',
      flag: '--virtual-clock',
      env: 'PUSHSIM_VIRTUAL_CLOCK',
      description: 'run on a virtual clock advanced through POST /api/clock/advance',
      defaultValue: false,
      parse: bool,
    },
  ];
}

export const SERVE_OPTIONS: readonly ServeOption[] = serveOptionsFor(SERVICES);

/** The property commander stores a flag under: `--apns-port <port>` → `apnsPort`. */
export function flagAttribute(option: ServeOption): string {
  return option.flag
    .split(' ')[0]!
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Declares `--config` and every SERVE_OPTIONS flag on a command (`serve`, `exec --serve`); values stay raw for
 * resolveServeOptions.
 */
export function addServeOptions(command: Command, table: readonly ServeOption[] = SERVE_OPTIONS): Command {
  command.option('--config <file>', 'a JSON or YAML file of startSimulator() options (keys, faults, ports...)');
  for (const option of table)
    command.option(
      option.flag,
      `${option.description} (env ${option.env}, default ${option.defaultLabel ?? option.defaultValue})`,
    );
  return command;
}

/** The serve flags given on a command line (for commands where they only apply with another flag). */
export function givenServeFlags(flags: Record<string, unknown>): string[] {
  return [
    ...(flags.config !== undefined ? ['--config'] : []),
    // --token is also the token of the pushsim at --control, so it applies without --serve too.
    ...SERVE_OPTIONS.filter((o) => o.key !== 'token' && flags[flagAttribute(o)] !== undefined).map(
      (o) => o.flag.split(' ')[0]!,
    ),
  ];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

function getPath(source: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      source,
    );
}

/** yaml, required when a YAML config file is read: a plain `serve` loads none of it (issue 14: start-up). */
const parseYaml = (text: string): unknown =>
  (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

/** Reads a JSON or YAML config file holding startSimulator() options. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`--config: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(
      `--config: ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`--config: ${path} must hold an object of options`);
  return parsed as Record<string, unknown>;
}

/**
 * Resolves options with precedence defaults < config file < environment < flags; throws naming the variable or flag at
 * fault.
 */
export function resolveServeOptions(
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  table: readonly ServeOption[] = SERVE_OPTIONS,
): SimulatorOptions {
  const file = typeof flags.config === 'string' ? readConfigFile(flags.config) : {};
  const resolved: Record<string, unknown> = structuredClone(file);
  for (const option of table) {
    let value: unknown = getPath(file, option.key) ?? option.defaultValue;
    const fromEnv = env[option.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      try {
        value = option.parse(fromEnv);
      } catch (error) {
        throw new Error(`${option.env}: ${(error as Error).message}`);
      }
    }
    const flagValue = flags[flagAttribute(option)];
    if (flagValue !== undefined) {
      try {
        value = typeof flagValue === 'string' ? option.parse(flagValue) : flagValue;
      } catch (error) {
        throw new Error(`${option.flag.split(' ')[0]}: ${(error as Error).message}`);
      }
    }
    if (value !== undefined) setPath(resolved, option.key, value);
  }
  const { virtualClock, ...rest } = resolved;
  return { ...(rest as SimulatorOptions), clock: virtualClock ? 'virtual' : 'real' };
}

/** A Live Activity budget's count: whole pushes per budget window (update-budget.ts), 0 or more. */
function pushesPerBudgetWindow(raw: string): number {
  const value = integer(raw);
  if (value < 0) throw new Error(`"${raw}" is negative; use 0 or more pushes an hour`);
  return value;
}
