// A push, its fate and its ledger entry, as the API, the ws feed and the dashboard see them.
import { z } from 'zod';
import { channelSchema, fateNameSchema, pushKindSchema, pushPrioritySchema } from './enums.js';
import { named } from './registry.js';

export const PushSchema = named(
  'Push',
  'A push as the service took it, normalised whatever wire protocol it came on',
  z.strictObject({
    id: z.string().describe("the push id (APNs apns-id, FCM message name, or pushsim's own)"),
    provider: z
      .string()
      .describe('the service it came in through: `apns`, `fcm`, `zpns`… or `native` (POST /api/pushes)'),
    channel: channelSchema
      .optional()
      .describe(
        "the channel it reaches the device on; absent = the platform's own service (APNs on iOS, FCM on Android)",
      ),
    token: z.string().describe('the device token (or ZPNs pushID) it was sent to'),
    kind: pushKindSchema,
    priority: pushPrioritySchema,
    expiresAt: z
      .number()
      .optional()
      .describe("absolute expiry in clock ms; 0 = now or never; absent = the service's default"),
    collapseId: z.string().optional().describe('the collapse id / collapse key'),
    payload: z
      .record(z.string(), z.unknown())
      .describe('the payload the app sees: APNs userInfo (with `aps`) or FCM `{ data, notification }`'),
    headers: z.record(z.string(), z.string()).optional().describe('wire headers or options kept for the ledger'),
    acceptedAt: z.number().describe('when the service took it, in clock ms'),
    notes: z
      .array(z.string())
      .optional()
      .describe('annotations the service added (e.g. `background push sent with priority 10`)'),
  }),
);
export type PushModel = z.infer<typeof PushSchema>;

export const FateSchema = named(
  'Fate',
  'One fate of a push: what happened to it, when, and the rules-table rows that decided it',
  z.strictObject({
    name: fateNameSchema,
    at: z.number().describe('when, in clock ms'),
    callback: z
      .string()
      .optional()
      .describe('the SDK-level callback that ran or will run (`throughMessageReceived`, `onMessage`…)'),
    platformCallback: z
      .string()
      .optional()
      .describe('the platform-level callback (`application:didReceiveRemoteNotification:fetchCompletionHandler:`…)'),
    displayed: z.boolean().optional().describe('the system showed a banner or tray notification'),
    reason: z
      .string()
      .optional()
      .describe("why: the service's reason for `rejected`, the rule's reason for `dropped`, `throttled`, `expired`…"),
    ruleIds: z
      .array(z.string())
      .optional()
      .describe('ids of the rules-table rows that decided it, in stage order (GET /api/rules)'),
    ruleId: z.string().optional().describe('the same ids joined with ` → `'),
  }),
);
export type FateModel = z.infer<typeof FateSchema>;

export const LedgerNoteSchema = named(
  'LedgerNote',
  'Something that happened to a push without changing its fate',
  z.strictObject({
    at: z.number().describe('when, in clock ms'),
    note: z.string().describe('what happened (handler completed, app terminated…)'),
  }),
);

export const LedgerReceiptSchema = named(
  'LedgerReceipt',
  "What the app's code received, as its client shim reported it",
  z.strictObject({
    at: z.number().describe('when, in clock ms'),
    callback: z.string().describe('the listener that ran'),
    message: z.unknown().optional().describe('the message exactly as the listener got it'),
    durationMs: z.number().optional().describe('how long the handler took'),
  }),
);

export const LedgerEntrySchema = named(
  'LedgerEntry',
  'A push in the ledger: its current fate and how it got there',
  z.strictObject({
    id: z.string().describe('the push id'),
    provider: z.string().describe('the service it came in through'),
    token: z.string().describe('the token it was sent to'),
    deviceId: z.string().optional().describe('the device the token led to (absent when it led nowhere)'),
    appId: z.string().optional().describe('the app the token led to'),
    push: PushSchema,
    fate: FateSchema.describe('its current fate'),
    history: z.array(FateSchema).describe('every fate it has had, oldest first, the current one last'),
    notes: z.array(LedgerNoteSchema).describe('things that happened to it without changing its fate'),
    receipts: z.array(LedgerReceiptSchema).describe("what the app's code received (filled by a client shim)"),
  }),
);
export type LedgerEntryModel = z.infer<typeof LedgerEntrySchema>;

export const OutcomeSchema = named(
  'Outcome',
  "What the platform and the app's SDK do with a push (the decide stage's answer)",
  z.strictObject({
    fate: z.enum(['delivered', 'displayed', 'dropped', 'deferred']).describe('the fate the decision leads to'),
    callbacks: z.array(z.string()).describe('SDK-level callbacks that run, in order'),
    platformCallbacks: z.array(z.string()).describe('platform-level callbacks the system calls'),
    display: z.boolean().describe('the system shows a banner or tray notification'),
    wake: z
      .enum(['background', 'headless'])
      .optional()
      .describe('the system runs the app to handle it: iOS background launch, Android headless'),
    reason: z.string().optional().describe('why, when it is dropped or deferred'),
    ruleIds: z.array(z.string()).describe('ids of the rows that decided: the platform row first, then any SDK rows'),
  }),
);
export type OutcomeModel = z.infer<typeof OutcomeSchema>;

export const SentPushSchema = named(
  'SentPush',
  'The answer to POST /api/pushes: the ledger entry and, when the token led to an app, the decision',
  LedgerEntrySchema.extend({
    outcome: OutcomeSchema.optional().describe('the decision, when the push reached the decide stage'),
  }),
);
export type SentPushModel = z.infer<typeof SentPushSchema>;
