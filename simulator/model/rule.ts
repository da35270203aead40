// A row of the rules table and the table as GET /api/rules serves it.
import { z } from 'zod';
import { channelSchema } from './enums.js';
import { named } from './registry.js';

export const RuleSchema = named(
  'Rule',
  'A row of the one rules table: what it matches, what it decides and the source it relies on',
  z.strictObject({
    id: z.string().describe('the row id fates name in `ruleIds`, e.g. `apns.throttle.background-budget`'),
    stage: z
      .string()
      .describe(
        'the pipeline stage that applies it (accept, resolve, expiry, offline, throttle, decide, defer, wake, hand-over, settle)',
      ),
    kind: z
      .enum(['pipeline', 'platform', 'vendor', 'sdk'])
      .describe('`platform`, `vendor`, `sdk` rows of the decide stage, or a `pipeline` row of any stage'),
    channels: z.array(channelSchema).optional().describe('the channels it applies to; absent = every channel'),
    condition: z.string().describe('when it matches, in words'),
    outcome: z.string().describe('what it decides, in words'),
    source: z.array(z.string()).describe('where the fact comes from: a vendor URL or a section of docs/reference/'),
    unconfirmed: z.boolean().optional().describe('the source does not say it outright; observed or inferred'),
    origin: z.literal('simulator').optional().describe('a rule of the simulator itself (no vendor behind it)'),
  }),
);
export type RuleModel = z.infer<typeof RuleSchema>;

export const RulesTableSchema = named(
  'RulesTable',
  'The rules table, grouped by pipeline stage',
  z.strictObject({
    stages: z
      .array(
        z.strictObject({
          name: z.string().describe('the stage'),
          job: z.string().describe('what the stage does'),
          rules: z.array(RuleSchema).describe('its rows, first match first'),
        }),
      )
      .describe('every stage in pipeline order with its rows'),
    platformCallbacks: z
      .record(z.string(), z.string())
      .describe('platform-level callbacks by short name, spelled as Apple and Google spell them'),
    conditions: z.array(z.string()).describe('the named device conditions rows test'),
    platformRules: z
      .array(z.record(z.string(), z.unknown()))
      .describe('the platform rows in their own columns (the same rows as in `stages`)'),
    vendorRules: z.array(z.record(z.string(), z.unknown())).describe('the vendor-channel rows in their own columns'),
    sdkRules: z.array(z.record(z.string(), z.unknown())).describe('the SDK rows in their own columns'),
  }),
);
export type RulesTableModel = z.infer<typeof RulesTableSchema>;
