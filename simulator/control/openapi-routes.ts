// Every route of the control API as data: method, path, summary, the zod schema of its body and query, its answers.
// The core's routes are here; each service module documents its own (ServiceModule.controlRoutes), tagged with its
// name. GET /api/openapi.json and docs/control-api.md are built from controlRoutes(modules);
// test/integration/openapi.test.ts fails when express serves a route the table lacks, or the table lists one express
// does not serve.
import { z } from 'zod';
import { SERVICES, type ControlRouteDoc, type ServiceModule } from '../providers/index.js';
import {
  advanceClockSchema,
  chaosSchema,
  completeHandlerSchema,
  conditionsSchema,
  createDeviceSchema,
  installAppSchema,
  lifecycleEventSchema,
  pushQuerySchema,
  clockTimersQuerySchema,
  sendPushSchema,
  setStateSchema,
  tapSchema,
} from './request-schemas.js';
import {
  AppSchema,
  AppStateChangeSchema,
  AppTapSchema,
  AppTransitionSchema,
  ChaosSchema,
  ClockSchema,
  ClockTimersSchema,
  DeviceSchema,
  EndpointSchema,
  ErrorCodeEntrySchema,
  HealthSchema,
  LedgerEntrySchema,
  LifecycleSchema,
  RecordingListSchema,
  RecordingSchema,
  RegistrationSchema,
  ResendSchema,
  ResetSchema,
  RulesTableSchema,
  ActivitySchema,
  EndActivityRequestSchema,
  StartActivityRequestSchema,
  UpdateActivityRequestSchema,
  SentPushSchema,
} from '../model/index.js';
import { installAppsSchema, MAX_BATCH_APPS } from './apps-routes.js';
import { SCENARIO_RUN_ROUTES } from './scenario-runs-routes.js';

export type HttpMethod = ControlRouteDoc['method'];
/** The core's sections, then one per service module, named as the module (`apns`, `fcm`). */
export type CoreRouteTag = 'service' | 'devices' | 'apps' | 'pushes' | 'scenarios' | 'recordings' | 'activities';
export type RouteTag = CoreRouteTag | (string & {});

export interface RouteDescriptor extends ControlRouteDoc {
  readonly tag: RouteTag;
  /** A WebSocket endpoint (GET with Upgrade), served beside express rather than by it. */
  readonly websocket?: boolean;
}

/** The core's sections and what each holds. */
export const CORE_TAGS: Record<CoreRouteTag, string> = {
  service: 'The simulator itself: health, endpoints, rules, error codes, clock, chaos, reset, the CA, live feeds',
  devices: 'Simulated phones and their conditions',
  apps: 'Installed apps: tokens, lifecycle, completion handlers, taps',
  pushes: 'The simulator-native send and the ledger of every push and its fate',
  scenarios: 'The scenario library and runs of it, each against a fresh simulator of its own (progress on /api/events)',
  recordings:
    'Session recordings: what is done through the API and the wire, and the fates observed, as a scenario file',
  activities: 'Live Activities on the simulated iPhones: start one from the app, read, update and end them',
};

/** A section of the docs: its tag, heading and line. */
export interface RouteSection {
  tag: RouteTag;
  title: string;
  description: string;
}

/** The core's sections, then each module's that documents routes, in the modules' order. */
export function routeSections(modules: readonly ServiceModule[] = SERVICES): RouteSection[] {
  return [
    ...(Object.entries(CORE_TAGS) as [CoreRouteTag, string][]).map(([tag, description]) => ({
      tag,
      title: tag[0]!.toUpperCase() + tag.slice(1),
      description,
    })),
    ...modules.flatMap((m) =>
      m.controlRoutes ? [{ tag: m.name, title: m.title, description: m.controlRoutes.description }] : [],
    ),
  ];
}

/** Every route of a control plane serving these modules: the core's, then each module's, tagged with its name. */
export function controlRoutes(modules: readonly ServiceModule[] = SERVICES): RouteDescriptor[] {
  return [
    ...CORE_ROUTES,
    ...modules.flatMap((m) => (m.controlRoutes?.routes ?? []).map((route) => ({ ...route, tag: m.name }))),
  ];
}

// GET /api/apps reads its one filter without a schema.
const appsQuerySchema = z
  .object({ device: z.string().optional().describe('only the apps installed on this device') })
  .strict();

const DEVICE = { id: 'the device id' };
const APP = { id: 'the app (install) id' };
const ACTIVITY = { id: 'the Live Activity id' };

// GET /api/activities reads its filters without a schema.
const activitiesQuerySchema = z
  .object({
    app: z.string().optional().describe("only this app's activities"),
    device: z.string().optional().describe('only the activities on this device'),
  })
  .strict();

export const CORE_ROUTES: readonly RouteDescriptor[] = [
  {
    method: 'get',
    path: '/',
    tag: 'service',
    summary: 'This index: name, version and links',
    responses: { 200: 'pushsim, its version and where to go next' },
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'service',
    summary: 'The OpenAPI 3.1 document of the control API (what docs/control-api.md renders)',
    responses: { 200: 'the OpenAPI document of the control API' },
  },
  {
    method: 'get',
    path: '/health',
    tag: 'service',
    summary: 'Liveness, version, clock and counts',
    response: HealthSchema,
    responses: { 200: '`{ status: "ok", version, clock, now, devices, apps, pushes }`' },
  },
  {
    method: 'get',
    path: '/errors',
    tag: 'service',
    summary: "The catalogue of pushsim's error codes: each with its HTTP status, what it means and what to do",
    response: [ErrorCodeEntrySchema],
    responses: { 200: 'a list of `{ code, status, meaning, fix }`' },
  },
  {
    method: 'get',
    path: '/endpoints',
    tag: 'service',
    summary: 'Every endpoint pushsim serves (APNs, FCM, ZPNs, control) with its URL',
    response: [EndpointSchema],
    responses: { 200: 'a list of `{ name, protocol, url, status, description }`' },
  },
  {
    method: 'get',
    path: '/rules',
    tag: 'service',
    summary: 'The delivery rules table, each rule with its source',
    response: RulesTableSchema,
    responses: { 200: 'the platform and SDK rules (docs/delivery-rules.md renders the same table)' },
  },
  {
    method: 'get',
    path: '/lifecycle',
    tag: 'service',
    summary: 'The app lifecycle state chart of each platform, generated from its xstate machine',
    response: LifecycleSchema,
    responses: { 200: '`{ ios: { states, leaves, initial, events, transitions }, android: { … } }`' },
  },
  {
    method: 'get',
    path: '/clock',
    tag: 'service',
    summary: 'The clock: kind, now, pending timers',
    response: ClockSchema,
    responses: { 200: '`{ kind, now, iso, pendingTimers }`' },
  },
  {
    method: 'get',
    path: '/clock/timers',
    tag: 'service',
    summary:
      'The timers the clock waits on (background budgets, suspension, held pushes expiring): the earliest `limit` (default 200, at most 1000), and how many in all',
    query: clockTimersQuerySchema,
    response: ClockTimersSchema,
    responses: {
      200: '`{ timers: [{ id, kind, label, dueAt, inMs, appId?, deviceId?, pushId? }], total }`',
      400: '`limit` is not a whole number from 1 to 1000',
    },
  },
  {
    method: 'post',
    path: '/clock/advance',
    tag: 'service',
    summary: 'Advance the virtual clock, running every timer that falls due',
    body: advanceClockSchema,
    example: { by: '30s' },
    response: ClockSchema,
    responses: { 200: 'the clock after the advance', 409: 'the clock is real (start with --virtual-clock)' },
  },
  {
    method: 'get',
    path: '/chaos',
    tag: 'service',
    summary: 'The chaos settings',
    response: ChaosSchema,
    responses: { 200: '`{ backgroundDropProbability, seed }`' },
  },
  {
    method: 'put',
    path: '/chaos',
    tag: 'service',
    summary: 'Drop background deliveries at random, seeded (APNs promises no delivery)',
    body: chaosSchema,
    example: { backgroundDropProbability: 0.2, seed: 7 },
    response: ChaosSchema,
    responses: { 200: 'the new chaos settings' },
  },
  {
    method: 'post',
    path: '/reset',
    tag: 'service',
    summary: 'Forget every device, app, push and fault (configuration such as keys stays)',
    response: ResetSchema,
    responses: { 200: '`{ status: "reset", now }`' },
  },
  {
    method: 'post',
    path: '/devices',
    tag: 'devices',
    summary: 'Create a simulated device',
    body: createDeviceSchema,
    example: { platform: 'ios', id: 'iphone' },
    response: DeviceSchema,
    responses: { 201: 'the device (Location: /api/devices/{id})' },
  },
  {
    method: 'get',
    path: '/devices',
    tag: 'devices',
    summary: 'List devices',
    response: [DeviceSchema],
    responses: { 200: 'every device with the ids of its apps' },
  },
  {
    method: 'get',
    path: '/devices/:id',
    tag: 'devices',
    summary: 'One device',
    params: DEVICE,
    response: DeviceSchema,
    responses: { 200: 'the device with the ids of its apps', 404: 'no such device' },
  },
  {
    method: 'patch',
    path: '/devices/:id/conditions',
    tag: 'devices',
    summary: 'Change conditions: online, Low Power Mode, Doze, standby bucket, notification permission…',
    params: DEVICE,
    body: conditionsSchema,
    example: { online: false },
    response: DeviceSchema,
    responses: { 200: 'the device with its new conditions', 404: 'no such device' },
  },
  {
    method: 'post',
    path: '/devices/:id/reboot',
    tag: 'devices',
    summary: 'Reboot the device: every app stops; force-quit apps may be launched for pushes again',
    params: DEVICE,
    response: DeviceSchema,
    responses: { 200: 'the device after the reboot', 404: 'no such device' },
  },
  {
    method: 'delete',
    path: '/devices/:id',
    tag: 'devices',
    summary: 'Remove a device and its apps',
    params: DEVICE,
    responses: { 204: 'removed', 404: 'no such device' },
  },
  {
    method: 'post',
    path: '/devices/:id/apps',
    tag: 'devices',
    summary: 'Install an app on the device (and register it for pushes unless `register: false`)',
    params: DEVICE,
    body: installAppSchema,
    example: { bundleId: 'com.example.chat', sdkProfile: 'zpns-rn', state: 'suspended', id: 'chat' },
    response: AppSchema,
    responses: { 201: 'the app with its tokens (Location: /api/apps/{id})', 404: 'no such device' },
  },
  {
    method: 'get',
    path: '/devices/:id/apps',
    tag: 'devices',
    summary: 'The apps installed on a device',
    params: DEVICE,
    response: [AppSchema],
    responses: { 200: 'a list of apps', 404: 'no such device' },
  },
  {
    method: 'get',
    path: '/apps',
    tag: 'apps',
    summary: 'List installed apps',
    query: appsQuerySchema,
    response: [AppSchema],
    responses: { 200: 'a list of apps with state, tokens and held pushes', 404: 'the `device` filter names no device' },
  },
  {
    method: 'post',
    path: '/apps/batch',
    tag: 'apps',
    summary: `Install up to ${MAX_BATCH_APPS.toLocaleString('en')} apps at once, each on a device that exists or a new one; all or none`,
    body: installAppsSchema,
    example: {
      apps: [
        { device: { platform: 'ios' }, bundleId: 'com.example.load', sdkProfile: 'native-ios' },
        { device: { platform: 'android' }, bundleId: 'com.example.chat', sdkProfile: 'zpns-rn', state: 'background' },
      ],
    },
    response: [AppSchema],
    responses: {
      201: 'the apps with their tokens, in the order given',
      400: 'an entry is invalid (the error names it: `apps[3].bundleId`); nothing was installed',
      404: 'an entry names no device; nothing was installed',
    },
  },
  {
    method: 'get',
    path: '/apps/:id',
    tag: 'apps',
    summary: 'One app: lifecycle state, tokens, attached shim, held pushes',
    params: APP,
    response: AppSchema,
    responses: { 200: 'the app', 404: 'no such app' },
  },
  {
    method: 'post',
    path: '/apps/:id/register',
    tag: 'apps',
    summary: 'Register for pushes: issue (or return) the APNs / FCM / ZPNs tokens',
    params: APP,
    response: RegistrationSchema,
    responses: { 200: '`{ appId, tokens }`', 404: 'no such app' },
  },
  {
    method: 'post',
    path: '/apps/:id/lifecycle',
    tag: 'apps',
    summary: 'Send one lifecycle event (GET /api/lifecycle lists them)',
    params: APP,
    body: lifecycleEventSchema,
    example: { event: 'moveToBackground' },
    response: AppTransitionSchema,
    responses: { 200: 'the app with `transition: { event, from, to, changed }`', 404: 'no such app' },
  },
  {
    method: 'put',
    path: '/apps/:id/state',
    tag: 'apps',
    summary: 'Bring the app to a state by the shortest sequence of events',
    params: APP,
    body: setStateSchema,
    example: { state: 'forceQuit' },
    response: AppStateChangeSchema,
    responses: { 200: 'the app with the `events` sent', 404: 'no such app' },
  },
  {
    method: 'post',
    path: '/apps/:id/complete',
    tag: 'apps',
    summary: 'The app calls its completion handler for a push (iOS fetch completion, a JS handler settling)',
    params: APP,
    body: completeHandlerSchema,
    example: { pushId: '19580386-5301', result: 'newData' },
    response: AppSchema,
    responses: { 200: 'the app', 404: 'no such app' },
  },
  {
    method: 'post',
    path: '/apps/:id/tap',
    tag: 'apps',
    summary: 'The user taps the notification a push displayed',
    params: APP,
    body: tapSchema,
    example: { pushId: '19580386-5301' },
    response: AppTapSchema,
    responses: { 200: 'the app with `tapped` and `stateBefore`', 404: 'no such app or push' },
  },
  {
    method: 'delete',
    path: '/apps/:id',
    tag: 'apps',
    summary: 'Uninstall the app; its tokens answer "unregistered" from now on',
    params: APP,
    responses: { 204: 'uninstalled', 404: 'no such app' },
  },
  {
    method: 'post',
    path: '/pushes',
    tag: 'pushes',
    summary: 'Send a push to a token the simulator-native way (no wire protocol)',
    body: sendPushSchema,
    example: { token: '<a token from GET /api/apps/{id}>', kind: 'background' },
    response: SentPushSchema,
    responses: {
      201: 'the ledger entry with its fate and outcome (Location: /api/pushes/{id})',
      404: 'no app owns the token',
      410: 'the app that owned the token was uninstalled',
    },
  },
  {
    method: 'get',
    path: '/pushes',
    tag: 'pushes',
    summary: 'The ledger: pushes and their fates, filtered',
    query: pushQuerySchema,
    response: [LedgerEntrySchema],
    responses: { 200: 'a list of ledger entries' },
  },
  {
    method: 'get',
    path: '/pushes/:id',
    tag: 'pushes',
    summary: 'One push with its history',
    params: { id: 'the push id' },
    response: LedgerEntrySchema,
    responses: { 200: 'the ledger entry', 404: 'no such push' },
  },
  {
    method: 'post',
    path: '/pushes/:id/resend',
    tag: 'pushes',
    summary:
      'Send a push again: the request as the ledger keeps it, under a new id, along the path its service hands accepted pushes on',
    description:
      'The wire checks the push passed once (authentication, topic, injected faults, rate) are not run again; the token is, so a resend to an uninstalled app answers as the service would (APNs 410 Unregistered, FCM 404 UNREGISTERED, Push Kit 80300007). An apns-expiration or ttl counts from the resend. An ActivityKit push sent to the token of an activity goes to the activity again through the Live Activity rows (410 Unregistered once it is dismissed); one to a push-to-start token starts another activity. A broadcast (sent to a channel, not a token) and a Live Activity push sent through FCM (whose entry keeps the registration token, not the token of the activity) are not resent: 409, saying how to send them again.',
    params: { id: 'the push id' },
    response: ResendSchema,
    responses: {
      200: "`{ resentFrom, pushId?, status, answer }`: the service's status and answer body",
      404: 'no such push',
      409: 'the entry holds no request to send again (the service refused it), or it cannot be sent to the same target again (a broadcast, an FCM-routed Live Activity push)',
    },
  },
  ...SCENARIO_RUN_ROUTES,
  {
    method: 'get',
    path: '/events',
    tag: 'service',
    websocket: true,
    summary: 'WebSocket: every simulator event as it happens',
    description:
      'Each message is one JSON object `{ type, at, data }` (`push.delivered`, `app.backgrounded`…); the first is `feed.hello`.',
    responses: { 101: 'switching to the WebSocket protocol' },
  },
  {
    method: 'get',
    path: '/shim',
    tag: 'service',
    websocket: true,
    summary: 'WebSocket: the client-shim transport, one connection per app install',
    description: 'The protocol is docs/shim-protocol.md.',
    responses: { 101: 'switching to the WebSocket protocol' },
  },
  {
    method: 'get',
    path: '/ca.pem',
    tag: 'service',
    summary: "The CA certificate (PEM) that clients of the services' TLS endpoints trust",
    produces: 'application/x-pem-file',
    responses: { 200: 'the CA certificate' },
  },
  {
    method: 'post',
    path: '/recordings',
    tag: 'recordings',
    summary: 'Start recording the session: from now, everything done and every fate observed becomes a scenario',
    description:
      "The devices and apps that exist now (with their Live Activity attributes types), the broadcast channels and the Live Activities are the scenario's setup; steps follow in order, each send with an `expect` of its fate, each Live Activity change (the app's start, update and end; ActivityKit pushes to its token, by push-to-start, through FCM or a broadcast) with an `expect` of the activity's state and content state, channel management requests with their answer. One recording runs at a time. Each step added is told on the feed as `recording.step` `{ recordingId, steps }`.",
    response: RecordingSchema,
    responses: { 201: 'the recording, `status: recording`', 409: 'a recording is already running' },
  },
  {
    method: 'get',
    path: '/recordings',
    tag: 'recordings',
    summary: 'Every recording, newest first',
    response: RecordingListSchema,
    responses: { 200: '`{ recordings: [...] }`' },
  },
  {
    method: 'get',
    path: '/recordings/:id',
    tag: 'recordings',
    summary: 'One recording',
    params: { id: 'the recording id (`rec-1`)' },
    response: RecordingSchema,
    responses: { 200: 'the recording', 404: 'no such recording' },
  },
  {
    method: 'post',
    path: '/recordings/:id/stop',
    tag: 'recordings',
    summary: 'Stop a recording (its scenario stays downloadable)',
    params: { id: 'the recording id' },
    response: RecordingSchema,
    responses: { 200: 'the recording, `status: stopped`', 404: 'no such recording' },
  },
  {
    method: 'get',
    path: '/recordings/:id/scenario',
    tag: 'recordings',
    summary: 'The recording as a scenario file (YAML) that `pushsim run` passes unchanged',
    description:
      'While recording, a snapshot of what has been recorded so far. Sent as an attachment named `pushsim-session-<date>.yaml`; what could not be a step is a YAML comment naming it.',
    params: { id: 'the recording id' },
    produces: 'application/yaml',
    responses: { 200: 'the scenario file', 404: 'no such recording' },
  },
  {
    method: 'delete',
    path: '/recordings/:id',
    tag: 'recordings',
    summary: 'Stop and forget a recording',
    params: { id: 'the recording id' },
    responses: { 204: 'deleted', 404: 'no such recording' },
  },
  {
    method: 'get',
    path: '/activities',
    tag: 'activities',
    summary: 'List Live Activities (every state, dismissed ones too)',
    query: activitiesQuerySchema,
    response: [ActivitySchema],
    responses: { 200: 'a list of activities', 404: 'the `app` or `device` filter names nothing' },
  },
  {
    method: 'get',
    path: '/activities/:id',
    tag: 'activities',
    summary: 'One Live Activity: its state, content state, push token and history',
    params: ACTIVITY,
    response: ActivitySchema,
    responses: { 200: 'the activity', 404: 'no such activity' },
  },
  {
    method: 'post',
    path: '/activities/:id/update',
    tag: 'activities',
    summary:
      'Update a Live Activity as the app does (activity.update(_:alertConfiguration:)): a new content state, stale date, relevance score, alert',
    params: ACTIVITY,
    body: UpdateActivityRequestSchema,
    example: {
      contentState: { status: 'on its way', eta: 10 },
      alert: { title: 'Order A-1', body: 'Your order is on its way', sound: 'default' },
    },
    response: ActivitySchema,
    responses: {
      200: 'the activity, showing the new content state (its history names the alert)',
      400: 'the content state does not decode against the attributes type, or is over 4 KB',
      404: 'no such activity',
      409: 'the activity has ended (ActivityKit ignores updates to an ended activity)',
    },
  },
  {
    method: 'post',
    path: '/activities/:id/end',
    tag: 'activities',
    summary: 'End a Live Activity as the app does (activity.end), with a final content state and a dismissal policy',
    params: ACTIVITY,
    body: EndActivityRequestSchema,
    example: { contentState: { status: 'delivered' }, dismissalPolicy: 'immediate' },
    response: ActivitySchema,
    responses: { 200: 'the activity, ended (or as it was, if it had ended already)', 404: 'no such activity' },
  },
  {
    method: 'get',
    path: '/apps/:id/activities',
    tag: 'activities',
    summary: "An app's Live Activities",
    params: APP,
    response: [ActivitySchema],
    responses: { 200: 'a list of activities', 404: 'no such app' },
  },
  {
    method: 'post',
    path: '/apps/:id/activities',
    tag: 'activities',
    summary: 'Start a Live Activity from the app (Activity.request), for tests without the client shim',
    params: APP,
    body: StartActivityRequestSchema,
    example: {
      attributesType: 'DeliveryAttributes',
      attributes: { orderId: 'A-1' },
      contentState: { status: 'preparing', eta: 20 },
      pushType: 'token',
    },
    response: ActivitySchema,
    responses: {
      201: 'the activity, with its push token',
      400: 'the attributes or content state do not decode',
      404: 'no such app',
      409: 'the app declares no such attributes type',
    },
  },
];
