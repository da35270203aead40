// Schemas of every control-plane request body and query; unknown fields are errors so typos do not pass silently.
import { z } from 'zod';
import { FATE_NAMES } from '../core/index.js';
import { NewAppSchema, NewDeviceConditionsSchema, NewDeviceSchema } from '../model/index.js';

const durationValue = z.union([
  z.number().nonnegative(),
  z
    .string()
    .regex(
      /^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/,
      'write a duration like "30s", "250ms", "1h" or a number of milliseconds',
    ),
]);

/** Node's timers hold at most 2^31 − 1 ms (24.8 days); a longer delay would fire at once (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function durationMs(value: unknown): number {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value) : null;
  // Not a duration at all: the union's own issue says so; this check then stays quiet.
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : 0;
}

/** A duration the simulator waits out on a timer: at most MAX_TIMER_MS, refused above with the field named. */
function timerDuration(field: string) {
  return durationValue.refine((value) => Number.isFinite(durationMs(value)) && durationMs(value) <= MAX_TIMER_MS, {
    message: `${field} is longer than the simulator can wait (at most ${MAX_TIMER_MS} ms, about 24.8 days, "24d"); give a shorter duration`,
  });
}

export const conditionsSchema = NewDeviceConditionsSchema;

/** The shim's hello creates devices with the same schema (model/requests.ts). */
export const createDeviceSchema = NewDeviceSchema;

export const installAppSchema = NewAppSchema.extend({
  register: z.boolean().optional(),
  state: z.string().min(1).optional(),
  suspendAfter: timerDuration('suspendAfter').optional(),
  handlerTime: z.union([timerDuration('handlerTime'), z.literal('never')]).optional(),
}).strict();

export const lifecycleEventSchema = z.object({ event: z.string().min(1) }).strict();
export const setStateSchema = z.object({ state: z.string().min(1) }).strict();

export const sendPushSchema = z
  .object({
    token: z.string().min(1).max(4096),
    kind: z.enum(['alert', 'background', 'alert+background', 'voip', 'notification', 'data', 'notification+data']),
    priority: z.enum(['high', 'normal', 'low']).optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
    collapseId: z.string().min(1).max(64).optional(),
    expiresAt: z.number().int().nonnegative().optional(),
    ttl: durationValue.optional(),
  })
  .strict()
  .refine((b) => !(b.expiresAt !== undefined && b.ttl !== undefined), {
    message: 'give either expiresAt or ttl, not both',
    path: ['ttl'],
  });

export const pushQuerySchema = z
  .object({
    device: z.string().optional(),
    app: z.string().optional(),
    provider: z.enum(['apns', 'fcm', 'zpns', 'native']).optional(),
    fate: z.enum(FATE_NAMES as [string, ...string[]]).optional(),
    token: z.string().optional(),
    limit: z.coerce.number().int().positive().max(100_000).optional(),
    /** The cursor of the page before (`Pushsim-Next-Cursor`, or the `Link rel="next"` URL of the last answer). */
    before: z.coerce.number().int().nonnegative().optional(),
  })
  .strict();

/** How many timers GET /api/clock/timers lists by default, and at most: a page, not every timer a load test made. */
export const CLOCK_TIMERS_DEFAULT_LIMIT = 200;
export const CLOCK_TIMERS_MAX_LIMIT = 1000;

export const clockTimersQuerySchema = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .positive()
      .max(CLOCK_TIMERS_MAX_LIMIT)
      .optional()
      .describe(
        `how many of the earliest timers to list (default ${CLOCK_TIMERS_DEFAULT_LIMIT}, at most ${CLOCK_TIMERS_MAX_LIMIT})`,
      ),
  })
  .strict();

export const advanceClockSchema = z.object({ by: durationValue }).strict();
export const completeHandlerSchema = z
  .object({
    pushId: z.string().min(1),
    result: z.enum(['newData', 'noData', 'failed', 'resolved', 'rejected']).optional(),
    error: z.string().optional(),
  })
  .strict();

export const tapSchema = z.object({ pushId: z.string().min(1) }).strict();

export const chaosSchema = z
  .object({ backgroundDropProbability: z.number().min(0).max(1), seed: z.number().int().optional() })
  .strict();
