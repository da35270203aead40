// The timers the simulator's clock waits on (GET /api/clock/timers): background budgets, suspension, held pushes'
// expiry and TTL, a virtual app's handler time, each labelled where it was created.
import { z } from 'zod';
import { named } from './registry.js';

export type ClockTimerModel = z.infer<typeof ClockTimerSchema>;
export const ClockTimerSchema = named(
  'ClockTimer',
  'A timer waiting on the clock',
  z.strictObject({
    id: z.number().int().describe("the clock's id of the timer"),
    kind: z
      .string()
      .describe(
        '`budget` (iOS background execution time), `suspend` (suspension after backgrounding), `ttl` (a push held in the offline store), `expiry` (a deferred push), `handler` (a virtual app calling its completion handler), `activity` (another delayed lifecycle transition), `other`',
      ),
    label: z.string().describe('what happens when it fires, in words'),
    dueAt: z.string().describe('when it fires, ISO 8601 in clock time'),
    inMs: z.number().describe('milliseconds of clock time until it fires (0 when due)'),
    appId: z.string().optional().describe('the app it concerns'),
    deviceId: z.string().optional().describe('the device it concerns'),
    pushId: z.string().optional().describe('the push it concerns'),
  }),
);

export type ClockTimersModel = z.infer<typeof ClockTimersSchema>;
export const ClockTimersSchema = named(
  'ClockTimers',
  'The answer to GET /api/clock/timers',
  z.strictObject({
    timers: z
      .array(ClockTimerSchema)
      .describe('the earliest pending timers, earliest first, at most `limit` of them (default 200, at most 1000)'),
    total: z.number().int().describe('how many timers are pending in all (more than listed when it exceeds `limit`)'),
  }),
);
