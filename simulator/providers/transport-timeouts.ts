// The transport timeouts a service's port applies to clients that stop talking (issue 13): one check of the values
// given, shared by the APNs, FCM and HMS providers, each with its own defaults.
import { ErrorCodes, SimulatorError } from '../core/index.js';

/** Node's timers wait at most 2^31−1 ms; a longer timeout would fire at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A timeout option as given, or its default; refused when it is not a duration a timer can wait. */
export function transportTimeout<K extends string>(
  service: string,
  options: Partial<Record<K, number | undefined>>,
  defaults: Readonly<Record<K, number>>,
  key: K,
): number {
  const value = options[key] ?? defaults[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMEOUT_MS) {
    throw new SimulatorError(
      ErrorCodes.INVALID_INPUT,
      `${service}.${key} is ${JSON.stringify(value)}; give milliseconds from 0 (off) to ${MAX_TIMEOUT_MS}`,
      `${service}.${key}`,
    );
  }
  return value;
}
