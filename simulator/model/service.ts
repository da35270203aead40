// The simulator's own resources: health, endpoints, the clock, chaos, lifecycle vocabularies, reset, registration.
import { z } from 'zod';
import { AppSchema, AppTokensSchema } from './app.js';
import { named } from './registry.js';

export type HealthModel = z.infer<typeof HealthSchema>;
export const HealthSchema = named(
  'Health',
  'Liveness, version, clock and counts',
  z.strictObject({
    status: z.literal('ok').describe('always `ok` when it answers'),
    version: z.string().describe('the pushsim version'),
    clock: z.enum(['real', 'virtual']).describe('the kind of clock'),
    now: z.number().describe("the clock's time, in ms since the epoch"),
    devices: z.number().int().describe('how many devices exist'),
    apps: z.number().int().describe('how many apps are installed'),
    pushes: z.number().int().describe('how many pushes the ledger holds'),
  }),
);

export type EndpointModel = z.infer<typeof EndpointSchema>;
export const EndpointSchema = named(
  'Endpoint',
  'An endpoint pushsim serves',
  z.strictObject({
    name: z.string().describe('the endpoint name, e.g. `apns`, `fcm`, `control`'),
    protocol: z.string().describe('the wire protocol, e.g. `HTTP/2 + TLS`'),
    url: z.string().describe('where it listens'),
    status: z.enum(['listening', 'reserved']).describe('`reserved` = declared but not served yet'),
    description: z.string().describe('what it is'),
    hosts: z
      .array(z.string())
      .optional()
      .describe('the public host names it stands in for (what the redirect dials here)'),
  }),
);

/** An endpoint, under the name startSimulator's handle and the service modules use. */
export type EndpointInfo = EndpointModel;
export type ClockModel = z.infer<typeof ClockSchema>;
export const ClockSchema = named(
  'Clock',
  "The simulator's clock",
  z.strictObject({
    kind: z.enum(['real', 'virtual']).describe('`virtual` when advanced by POST /api/clock/advance'),
    now: z.number().describe("the clock's time, in ms since the epoch"),
    iso: z.string().describe('the same time in ISO 8601'),
    pendingTimers: z.number().int().describe('how many timers wait to fire'),
  }),
);

export type ChaosModel = z.infer<typeof ChaosSchema>;
export const ChaosSchema = named(
  'Chaos',
  'The chaos settings',
  z.strictObject({
    backgroundDropProbability: z.number().describe('the chance that a background delivery is dropped (0..1)'),
    seed: z.number().describe('the seed of the drops, to replay them'),
  }),
);

const lifecycleTransition = z.strictObject({
  from: z.string().describe('the leaf state the app is in'),
  event: z
    .string()
    .describe(
      "the event: a lifecycle event, or xstate's delayed event (`xstate.after.backgroundBudget.ios.background.pushWake`)",
    ),
  to: z
    .string()
    .describe('the leaf state it goes to (the same for a transition that re-enters, restarting its timers)'),
  delay: z
    .string()
    .optional()
    .describe("a delayed transition's delay name in the machine (`backgroundBudget`, `suspendAfter`)"),
  delayMs: z.number().optional().describe("the delay's default length in ms (an app's own suspendAfterMs may differ)"),
});

const platformLifecycle = z.strictObject({
  states: z.array(z.string()).describe('every state as a dotted path, parents included'),
  leaves: z.array(z.string()).describe('the states an app can be in (the leaves of the machine)'),
  initial: z.string().describe('the state of a freshly installed app'),
  events: z.array(z.string()).describe('every event'),
  transitions: z
    .array(lifecycleTransition)
    .describe(
      'each transition an app in a leaf state takes, generated from the xstate machine (those a parent state declares are listed on each of its leaves)',
    ),
});
export type LifecycleModel = z.infer<typeof LifecycleSchema>;
export const LifecycleSchema = named(
  'Lifecycle',
  'The app lifecycle state chart of each platform, generated from its xstate machine',
  z.strictObject({ ios: platformLifecycle, android: platformLifecycle }),
);

export type ResetModel = z.infer<typeof ResetSchema>;
export const ResetSchema = named(
  'Reset',
  'The answer to POST /api/reset',
  z.strictObject({
    status: z.literal('reset'),
    now: z.number().describe("the clock's time after the reset"),
  }),
);

export type RegistrationModel = z.infer<typeof RegistrationSchema>;
export const RegistrationSchema = named(
  'Registration',
  'The answer to POST /api/apps/{id}/register',
  z.strictObject({
    appId: z.string().describe('the app'),
    tokens: AppTokensSchema,
    errors: z
      .record(z.string(), z.string())
      .optional()
      .describe("token kinds the platform could not issue, with the SDK's error"),
  }),
);

export type AppTransitionModel = z.infer<typeof AppTransitionSchema>;
export const AppTransitionSchema = named(
  'AppTransition',
  'The app after one lifecycle event',
  AppSchema.extend({
    transition: z.strictObject({
      event: z.string().describe('the event sent'),
      from: z.string().describe('the state before'),
      to: z.string().describe('the state after'),
      changed: z.boolean().describe('whether the state changed'),
    }),
  }),
);

export type AppStateChangeModel = z.infer<typeof AppStateChangeSchema>;
export const AppStateChangeSchema = named(
  'AppStateChange',
  'The app after PUT /api/apps/{id}/state',
  AppSchema.extend({
    events: z.array(z.string()).describe('the events sent, in order, to reach the state'),
  }),
);

export type AppTapModel = z.infer<typeof AppTapSchema>;
export const AppTapSchema = named(
  'AppTap',
  "The app after a tap on a push's notification",
  AppSchema.extend({
    tapped: z.string().describe('the push tapped'),
    stateBefore: z.string().describe("the app's lifecycle state before the tap"),
  }),
);
