// The options of `pushsim serve` as one table, so CLI flags, environment variables and startSimulator() keys cannot drift.
import type { SimulatorOptions } from '../start-simulator.js';
import { DEFAULT_PORTS } from '../start-simulator.js';

export interface ServeOption {
  key: keyof SimulatorOptions | 'virtualClock';
  flag: string;
  env: string;
  description: string;
  defaultValue: string | number | boolean;
  parse: (raw: string) => unknown;
}

function port(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`"${raw}" is not a port; use 0–65535 (0 picks a free port)`);
  return value;
}

function bool(raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`"${raw}" is not a boolean; use true or false`);
}

export const SERVE_OPTIONS: readonly ServeOption[] = [
  { key: 'host', flag: '--host <host>', env: 'PUSHSIM_HOST', description: 'interface to listen on', defaultValue: '127.0.0.1', parse: (raw) => raw },
  { key: 'controlPort', flag: '--port <port>', env: 'PUSHSIM_PORT', description: 'control plane port (REST API, ws feed)', defaultValue: DEFAULT_PORTS.control, parse: port },
  { key: 'apnsPort', flag: '--apns-port <port>', env: 'PUSHSIM_APNS_PORT', description: 'APNs provider port', defaultValue: DEFAULT_PORTS.apns, parse: port },
  { key: 'fcmPort', flag: '--fcm-port <port>', env: 'PUSHSIM_FCM_PORT', description: 'FCM provider port', defaultValue: DEFAULT_PORTS.fcm, parse: port },
  { key: 'virtualClock', flag: '--virtual-clock', env: 'PUSHSIM_VIRTUAL_CLOCK', description: 'run on a virtual clock advanced through POST /api/clock/advance', defaultValue: false, parse: bool },
];

/** The property commander stores a flag under: `--apns-port <port>` → `apnsPort`. */
export function flagAttribute(option: ServeOption): string {
  return option.flag.split(' ')[0]!.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Resolves options with precedence defaults < environment < flags; throws naming the variable or flag at fault. */
export function resolveServeOptions(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): SimulatorOptions {
  const resolved: Record<string, unknown> = {};
  for (const option of SERVE_OPTIONS) {
    let value: unknown = option.defaultValue;
    const fromEnv = env[option.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      try { value = option.parse(fromEnv); } catch (error) { throw new Error(`${option.env}: ${(error as Error).message}`); }
    }
    const flagValue = flags[flagAttribute(option)];
    if (flagValue !== undefined) {
      try { value = typeof flagValue === 'string' ? option.parse(flagValue) : flagValue; } catch (error) { throw new Error(`${option.flag.split(' ')[0]}: ${(error as Error).message}`); }
    }
    resolved[option.key] = value;
  }
  const { virtualClock, ...rest } = resolved;
  return { ...(rest as SimulatorOptions), clock: virtualClock ? 'virtual' : 'real' };
}
