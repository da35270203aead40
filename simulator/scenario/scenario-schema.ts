// The scenario file format: devices, apps, strategies and ZIM users; steps that send through the real wire endpoints,
// change states and conditions, move the clock and inject faults; expectations on answers, callbacks, fates and states.
// The zod schema is the single source: the runner validates with it and `pushsim schema` publishes it as JSON Schema.
import { z } from 'zod';
import { SERVICES, type ServiceModule } from '../providers/index.js';
import { scenarioApnsKeySchema } from '../providers/apns/index.js';
import { ActivityAlertSchema, LiveActivityDeclarationSchema } from '../model/index.js';

const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/, 'a duration like "30s", "250ms" or "1h"'),
]);
const id = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-"');
const json = z.record(z.string(), z.unknown());

export const deviceSchema = z
  .object({
    id: id.describe('the name steps and apps use for it'),
    platform: z.enum(['ios', 'android']),
    osVersion: z.string().optional(),
    manufacturer: z
      .enum(['apple', 'google', 'samsung', 'huawei', 'xiaomi', 'oppo', 'vivo'])
      .optional()
      .describe('decides the vendor push channel on Android phones without Google services'),
    conditions: z
      .object({
        online: z.boolean(),
        lowPowerMode: z.boolean(),
        backgroundAppRefresh: z.boolean(),
        doze: z.boolean(),
        standbyBucket: z.enum(['active', 'working_set', 'frequent', 'rare', 'restricted']),
        notificationPermission: z.enum(['granted', 'denied', 'notDetermined']),
        hasGoogleServices: z.boolean(),
        hasHmsCore: z.boolean().describe('HMS Core present (default: true on a Huawei phone, false on any other)'),
        screenLocked: z.boolean(),
        debuggerAttached: z.boolean(),
      })
      .partial()
      .strict()
      .optional()
      .describe(
        'device conditions (defaults: online, permission granted, Google services on Android, HMS Core on a Huawei phone)',
      ),
  })
  .strict()
  .describe('A simulated phone');

export const appSchema = z
  .object({
    id: id.describe('the name steps use for it'),
    device: id.describe('id of the device it is installed on'),
    bundleId: z.string().min(1).describe('bundle id (iOS, also the APNs topic) or package name (Android)'),
    sdk: z.enum(['native-ios', 'native-android', 'zpns-rn', 'rn-firebase']).describe('SDK profile'),
    sdkVersion: z.string().optional().describe('the SDK version the app declares (ZPNs behaviour changes with it)'),
    environment: z
      .enum(['sandbox', 'production'])
      .optional()
      .describe('APNs environment its device token belongs to (sandbox by default)'),
    state: z.string().optional().describe('lifecycle state to start in (default: not running / killed)'),
    handlerTime: z
      .union([duration, z.literal('never')])
      .optional()
      .describe('virtual app: how long its background handler runs'),
    fidelity: z
      .object({
        zpnsDocumentedAndroidBackground: z.boolean(),
        zpnsDocumentedSourceType: z.boolean(),
        zpnsPayloadInAps: z.boolean(),
      })
      .partial()
      .strict()
      .optional()
      .describe("switch to the documented behaviour where ZEGO's docs and SDK code differ (docs/zpns-fidelity.md)"),
    liveActivities: LiveActivityDeclarationSchema.optional().describe(
      'iOS: its Live Activity attributes types (field → JSON type) and frequentUpdates (NSSupportsLiveActivitiesFrequentUpdates)',
    ),
    zimUser: z.string().optional().describe('log this ZIM user in on the app'),
    zimConnection: z
      .enum(['auto', 'down'])
      .optional()
      .describe("down: ZIM's long connection stays down, so messages go out as offline pushes"),
    fcmProject: z.string().optional().describe('the FCM project (sender) its token belongs to'),
    entry: z
      .string()
      .optional()
      .describe(
        "the app's own code: a module (path relative to the scenario file) whose default export is main(api) over the plain app API, run through the client shim instead of a virtual app",
      ),
    rnEntry: z
      .string()
      .optional()
      .describe(
        "the app's React Native entry file (index.js, no JSX), run through the client shim with react-native and @react-native-firebase/messaging resolved to pushsim's stand-ins and the SDK's published JavaScript",
      ),
  })
  .strict()
  .describe('An installed app');

export const strategySchema = z
  .object({
    resourcesID: z.string().min(1).max(32).describe('the id ZIMPushConfig.resourcesID names'),
    preset: z
      .enum(['silent', 'silent-ios', 'silent-fcm', 'alert', 'voip'])
      .optional()
      .describe('a named strategy instead of per-vendor configuration'),
    apple: json.optional(),
    fcm: json.optional(),
    huawei: json.optional(),
    xiaomi: json.optional(),
    oppo: json.optional(),
    vivo: json.optional(),
  })
  .strict();

const repeat = z.number().int().min(1).max(10_000).optional().describe('send this many times; `as` names the last');

/** The scenario's `keys.apns` entries (declared by the APNs module, beside its step). */
export const apnsKeySchema = scenarioApnsKeySchema;
export { APNS_AUTH_MODES } from '../providers/apns/index.js';

const as = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name like p1 or silentPush')
  .optional()
  .describe('name to refer to this push in expectations');

/** The send steps the service modules add (`apns`, `fcm`, `zim`), in the order of the services list. */
function serviceSteps(modules: readonly ServiceModule[]): Record<string, z.ZodType> {
  return Object.fromEntries(
    modules.flatMap((m) => (m.scenarioStep ? [[m.scenarioStep.kind, m.scenarioStep.schema]] : [])),
  );
}

const faultServices = SERVICES.filter((m) => (m as ServiceModule).faults).map((m) => m.name) as [string, ...string[]];

/** A step kind: one of the simulator's own, or a service module's send step (`apns`, `fcm`, `zim`). */
export type StepKind = string;

export const stepSchemas: Record<StepKind, z.ZodType> = {
  push: z
    .object({
      app: id.describe('the app it goes to'),
      kind: z.enum(['alert', 'background', 'alert+background', 'voip', 'notification', 'data', 'notification+data']),
      priority: z.enum(['high', 'normal', 'low']).optional(),
      payload: json.optional(),
      collapseId: z.string().optional(),
      ttl: duration.optional(),
      repeat,
      as,
    })
    .strict()
    .describe('simulator-native send of a normalised push'),
  ...serviceSteps(SERVICES),
  lifecycle: z
    .object({
      app: id,
      event: z
        .string()
        .optional()
        .describe('launch, moveToBackground, suspend, terminateBySystem, forceQuit, kill, forceStop, reboot...'),
      state: z.string().optional().describe('a state to reach by the shortest path of events'),
    })
    .strict()
    .describe('a lifecycle event, or the shortest path to a state'),
  conditions: z
    .object({ device: id, set: json.describe('conditions to change, e.g. { online: false }') })
    .strict()
    .describe('change device conditions'),
  advance: duration.describe('advance the virtual clock'),
  fault: z
    .object({
      provider: z.enum(faultServices),
      app: id.optional().describe("only pushes to this app's token"),
      reason: z.string().optional().describe('an APNs reason or FCM error code to answer with'),
      probability: z.number().min(0).max(1).optional().describe('seeded by --seed'),
      times: z.number().int().positive().optional().describe('how many pushes it hits'),
      drop: z
        .enum(['stream', 'connection'])
        .optional()
        .describe('reset the stream or drop the connection instead of answering'),
    })
    .strict()
    .describe("inject a fault (the app's token when app is given)"),
  tap: z
    .object({ app: id, push: z.string().describe('the `as` name of a displayed push') })
    .strict()
    .describe('the user taps the notification of a named push'),
  uninstall: z.object({ app: id }).strict().describe('uninstall an app: its tokens become invalid'),
  subscribe: z
    .object({ app: id, topic: z.string().regex(/^[a-zA-Z0-9-_.~%]{1,900}$/) })
    .strict()
    .describe('the app subscribes to an FCM topic, as the device SDK does'),
  activity: z
    .object({
      app: id.optional().describe('the app that starts the activity (with `start`)'),
      start: z
        .object({
          attributesType: z.string().min(1),
          attributes: json,
          contentState: json,
          pushType: z
            .union([z.literal('token'), z.literal('none'), z.strictObject({ channel: z.string().min(1) })])
            .optional()
            .describe('token (default), none, or { channel: <id> }'),
          staleIn: duration.optional().describe('its stale date: the clock time plus this'),
          relevanceScore: z.number().optional(),
        })
        .strict()
        .optional()
        .describe('Activity.request from the app'),
      update: z.string().optional().describe('the `as` name of an activity the app updates (activity.update)'),
      end: z.string().optional().describe('the `as` name of an activity the app ends (activity.end)'),
      contentState: json.optional().describe('the new (or final) content state, with update or end'),
      staleIn: duration.optional().describe('with update: its new stale date, the clock time plus this'),
      relevanceScore: z.number().optional().describe('with update: its new relevance score'),
      alert: ActivityAlertSchema.optional().describe('with update: the alert it shows (AlertConfiguration)'),
      dismissal: z
        .union([z.literal('default'), z.literal('immediate'), duration])
        .optional()
        .describe('with end: the dismissal policy (default, immediate, or after this long)'),
      as: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name like delivery')
        .optional()
        .describe('name to refer to the started activity in apns steps and expectations'),
    })
    .strict()
    .describe("a Live Activity from the app's side: start one (Activity.request), update or end one"),
  chaos: z
    .object({
      backgroundDropProbability: z.number().min(0).max(1).describe('share of iOS background pushes APNs loses'),
    })
    .strict()
    .describe('lose a share of iOS background pushes (seeded by --seed)'),
  expect: z
    .object({
      of: z.string().optional().describe('the named push the expectation is about'),
      status: z.number().int().optional().describe("the provider answer's HTTP status"),
      reason: z.string().optional().describe('APNs reason in the answer'),
      errorCode: z.string().optional().describe('FCM errorCode in the answer'),
      kind: z
        .enum(['alert', 'background', 'alert+background', 'voip', 'notification', 'data', 'notification+data'])
        .optional()
        .describe('the kind of push it went out as (what a ZPNs strategy made of it, say)'),
      fate: z
        .enum([
          'accepted',
          'delivered',
          'displayed',
          'stored',
          'deferred',
          'throttled',
          'collapsed',
          'expired',
          'rejected',
          'dropped',
        ])
        .optional()
        .describe("the push's current fate in the ledger"),
      callback: z.string().optional().describe('the callback that ran'),
      rules: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .describe(
          "a rules-table row id, or a list of them, the push's current fate must name, each one of its ruleIds (GET /api/rules)",
        ),
      notCallback: z.string().optional().describe('a callback that must not have run'),
      displayed: z.boolean().optional().describe('a notification was (not) shown'),
      because: z.string().optional().describe("a regular expression the fate's reason must match"),
      note: z
        .string()
        .optional()
        .describe("a regular expression one of the push's ledger notes must match (woken, tapped, completed...)"),
      message: json.optional().describe('partial match of what the app received (the delivered payload)'),
      path: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('JSONPath → expected value, over what the app received'),
      absent: z.array(z.string()).optional().describe('JSONPaths that must match nothing in what the app received'),
      recipients: z
        .array(id)
        .optional()
        .describe('the apps the push reached (a topic or condition fans out), in any order'),
      app: id.optional().describe('the app `state` (or `notCallback` without `of`) is about'),
      state: z.string().optional().describe("the app's lifecycle state (top-level or full path)"),
      activity: z.string().optional().describe('the `as` name of a Live Activity the activity expectations are about'),
      activityOf: id
        .optional()
        .describe('an app whose newest Live Activity they are about (one started by push-to-start)'),
      activityState: z.enum(['active', 'stale', 'ended', 'dismissed']).optional().describe("the activity's state"),
      contentState: json.optional().describe('partial match of the content state the activity shows'),
      activities: z.number().int().min(0).optional().describe('how many Live Activities `activityOf` has'),
      within: duration.optional().describe('advance the clock up to this long until the expectation holds'),
    })
    .strict()
    .describe('expectations, checked now (or within a clock time)'),
};

/** The step kinds in the reference's order: the simulator's own, with the services' send steps after `push`. */
export const STEP_KINDS: readonly StepKind[] = [
  'push',
  ...Object.keys(serviceSteps(SERVICES)),
  'lifecycle',
  'conditions',
  'advance',
  'fault',
  'tap',
  'activity',
  'chaos',
  'uninstall',
  'subscribe',
  'expect',
];

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    source: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('where the behaviour comes from'),
    vars: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('values for ${name}: scalars, or objects and lists a whole-string reference puts in place'),
    matrix: z
      .record(
        z.string(),
        z.array(z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())])).min(1),
      )
      .optional()
      .describe(
        'one run per combination; values fill ${name}; a row object fills ${name.field} (a null field removes the key it fills)',
      ),
    settings: z
      .object({
        silentPushThrottle: z
          .object({ perWindow: z.number().int().min(0), windowMs: z.number().int().positive().optional() })
          .strict()
          .optional(),
        apnsTooManyRequests: z
          .object({ perToken: z.number().int().min(0), windowMs: z.number().int().positive() })
          .strict()
          .optional(),
        fcmProjects: z.array(z.object({ id: z.string(), apnsConfigured: z.boolean().optional() }).strict()).optional(),
        liveActivityBudget: z
          .object({
            perWindow: z.number().int().min(0).optional(),
            frequentPerWindow: z.number().int().min(0).optional(),
            windowMs: z.number().int().positive().optional(),
          })
          .strict()
          .optional()
          .describe("the Live Activity priority-10 budget (pushsim's model; Apple publishes no number)"),
      })
      .strict()
      .optional(),
    devices: z.array(deviceSchema).default([]),
    apps: z.array(appSchema).default([]),
    strategies: z.array(strategySchema).optional(),
    keys: z
      .object({ apns: z.array(apnsKeySchema).optional() })
      .strict()
      .optional()
      .describe('signing keys the APNs endpoint knows and the apns steps sign with'),
    steps: z.array(z.record(z.string(), z.unknown())).min(1),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;

const REFERENCE_PATTERN = '^\\$\\{[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_-]*)?\\}$';

/** Where a value is not a string, a whole `${name}` reference may stand in for it (filled from vars or the matrix). */
function allowReferences(node: unknown, isRoot = true): unknown {
  if (Array.isArray(node)) return node.map((n) => allowReferences(n, false));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'properties' ||
      key === 'additionalProperties' ||
      key === 'items' ||
      key === 'anyOf' ||
      key === 'oneOf' ||
      key === '$defs'
        ? key === 'properties' || key === '$defs'
          ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, allowReferences(v, false)]))
          : allowReferences(value, false)
        : value;
  }
  const type = out.type;
  const takesReference = !isRoot && (out.enum !== undefined || (type !== undefined && type !== 'string'));
  if (!takesReference) return out;
  const { description, ...rest } = out;
  return {
    ...(description !== undefined ? { description } : {}),
    anyOf: [
      rest,
      { type: 'string', pattern: REFERENCE_PATTERN, description: 'a ${name} reference filled from vars or the matrix' },
    ],
  };
}

/** The published JSON Schema (for editor completion): the scenario with its steps spelled out one kind per step. */
export function scenarioJsonSchema(): object {
  const step = z.union(
    STEP_KINDS.map((kind) => z.object({ [kind]: stepSchemas[kind] }).strict()) as unknown as [
      z.ZodTypeAny,
      z.ZodTypeAny,
      ...z.ZodTypeAny[],
    ],
  );
  const full = scenarioSchema.extend({ steps: z.array(step).min(1) });
  const { $schema: _s, ...schema } = z.toJSONSchema(full, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://pushsim.dev/scenario.schema.json',
    title: 'pushsim scenario',
    ...(allowReferences(schema) as object),
  };
}
