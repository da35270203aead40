// Durations as people write them in tests and scenarios ('30s', '1h', '250ms', 1500) turned into milliseconds.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

export type Duration = number | string;

/**
 * Parses `30s`, `1.5m`, `250ms`, `2h`, `1d` or a number of milliseconds; throws a RangeError naming the accepted forms.
 */
export function parseDuration(value: Duration): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`duration must be a non-negative number of milliseconds, got ${value}`);
    return value;
  }
  const match = DURATION.exec(value);
  if (!match)
    throw new RangeError(
      `duration "${value}" is not understood; write a number of milliseconds or a number with ms, s, m, h or d (e.g. "30s")`,
    );
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}
