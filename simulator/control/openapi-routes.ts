// Every route of the control API as data: method, path, summary, the zod schema of its body and query, its answers.
// GET /api/openapi.json and docs/control-api.md are built from this table; test/integration/openapi.test.ts fails when
// express serves a route the table lacks, or the table lists one express does not serve.
import { z } from 'zod';
import { callCancelSchema, callInviteSchema, sendMessageSchema, zpnsLoginSchema, zpnsStrategySchema } from '../providers/zpns/index.js';
import { apnsCertificateSchema, apnsKeySchema, faultSchema } from '../providers/apns/index.js';
import { fcmProjectSchema, fcmServiceAccountSchema, fcmSubscriptionSchema } from '../providers/fcm/index.js';
import { hmsAppSchema, hmsSubscriptionSchema } from '../providers/hms/index.js';
import {
  advanceClockSchema, chaosSchema, completeHandlerSchema, conditionsSchema, createDeviceSchema, installAppSchema,
  lifecycleEventSchema, pushQuerySchema, sendPushSchema, setStateSchema, tapSchema,
} from './request-schemas.js';
import {
  AppSchema, AppStateChangeSchema, AppTapSchema, AppTransitionSchema, ChaosSchema, ClockSchema, DeviceSchema, EndpointSchema,
  ErrorCodeEntrySchema, HealthSchema, LedgerEntrySchema, LifecycleSchema, RegistrationSchema, ResetSchema, RulesTableSchema,
  SentPushSchema,
} from '../model/index.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type RouteTag = 'service' | 'devices' | 'apps' | 'pushes' | 'apns' | 'fcm' | 'zpns' | 'hms';

export interface RouteDescriptor {
  method: HttpMethod;
  /** Under /api, in express's spelling (`/devices/:id`). */
  path: string;
  tag: RouteTag;
  summary: string;
  description?: string;
  /** What each `:param` of the path names. */
  params?: Record<string, string>;
  body?: z.ZodType;
  /** A body the route accepts, shown in the docs (and sent by the tests). */
  example?: unknown;
  query?: z.ZodObject;
  /** The model schema of the success answer (simulator/model/), or `[schema]` for a list of them. */
  response?: z.ZodType | readonly [z.ZodType];
  /** Success answers by status; every route may also answer pushsim's error shape. */
  responses: Record<number, string>;
  /** The success answer's media type when it is not JSON. */
  produces?: string;
  /** A WebSocket endpoint (GET with Upgrade), served beside express rather than by it. */
  websocket?: boolean;
}

// GET /api/apps reads its one filter without a schema.
const appsQuerySchema = z.object({ device: z.string().optional().describe('only the apps installed on this device') }).strict();

const DEVICE = { id: 'the device id' };
const APP = { id: 'the app (install) id' };

export const CONTROL_ROUTES: readonly RouteDescriptor[] = [
  { method: 'get', path: '/', tag: 'service', summary: 'This index: name, version and links', responses: { 200: 'pushsim, its version and where to go next' } },
  { method: 'get', path: '/openapi.json', tag: 'service', summary: 'The OpenAPI 3.1 document of the control API (what docs/control-api.md renders)', responses: { 200: 'the OpenAPI document of the control API' } },
  { method: 'get', path: '/health', tag: 'service', summary: 'Liveness, version, clock and counts', response: HealthSchema, responses: { 200: '`{ status: "ok", version, clock, now, devices, apps, pushes }`' } },
  { method: 'get', path: '/errors', tag: 'service', summary: 'The catalogue of pushsim\'s error codes: each with its HTTP status, what it means and what to do', response: [ErrorCodeEntrySchema], responses: { 200: 'a list of `{ code, status, meaning, fix }`' } },
  { method: 'get', path: '/endpoints', tag: 'service', summary: 'Every endpoint pushsim serves (APNs, FCM, ZPNs, control) with its URL', response: [EndpointSchema], responses: { 200: 'a list of `{ name, protocol, url, status, description }`' } },
  { method: 'get', path: '/rules', tag: 'service', summary: 'The delivery rules table, each rule with its source', response: RulesTableSchema, responses: { 200: 'the platform and SDK rules (docs/delivery-rules.md renders the same table)' } },
  { method: 'get', path: '/lifecycle', tag: 'service', summary: 'The app lifecycle states and events of each platform', response: LifecycleSchema, responses: { 200: '`{ ios: { states, events }, android: { states, events } }`' } },
  { method: 'get', path: '/clock', tag: 'service', summary: 'The clock: kind, now, pending timers', response: ClockSchema, responses: { 200: '`{ kind, now, iso, pendingTimers }`' } },
  { method: 'post', path: '/clock/advance', tag: 'service', summary: 'Advance the virtual clock, running every timer that falls due', body: advanceClockSchema, example: { by: '30s' }, response: ClockSchema, responses: { 200: 'the clock after the advance', 409: 'the clock is real (start with --virtual-clock)' } },
  { method: 'get', path: '/chaos', tag: 'service', summary: 'The chaos settings', response: ChaosSchema, responses: { 200: '`{ backgroundDropProbability, seed }`' } },
  { method: 'put', path: '/chaos', tag: 'service', summary: 'Drop background deliveries at random, seeded (APNs promises no delivery)', body: chaosSchema, example: { backgroundDropProbability: 0.2, seed: 7 }, response: ChaosSchema, responses: { 200: 'the new chaos settings' } },
  { method: 'post', path: '/reset', tag: 'service', summary: 'Forget every device, app, push and fault (configuration such as keys stays)', response: ResetSchema, responses: { 200: '`{ status: "reset", now }`' } },

  { method: 'post', path: '/devices', tag: 'devices', summary: 'Create a simulated device', body: createDeviceSchema, example: { platform: 'ios', id: 'iphone' }, response: DeviceSchema, responses: { 201: 'the device (Location: /api/devices/{id})' } },
  { method: 'get', path: '/devices', tag: 'devices', summary: 'List devices', response: [DeviceSchema], responses: { 200: 'every device with the ids of its apps' } },
  { method: 'get', path: '/devices/:id', tag: 'devices', summary: 'One device', params: DEVICE, response: DeviceSchema, responses: { 200: 'the device with the ids of its apps', 404: 'no such device' } },
  { method: 'patch', path: '/devices/:id/conditions', tag: 'devices', summary: 'Change conditions: online, Low Power Mode, Doze, standby bucket, notification permission…', params: DEVICE, body: conditionsSchema, example: { online: false }, response: DeviceSchema, responses: { 200: 'the device with its new conditions', 404: 'no such device' } },
  { method: 'post', path: '/devices/:id/reboot', tag: 'devices', summary: 'Reboot the device: every app stops; force-quit apps may be launched for pushes again', params: DEVICE, response: DeviceSchema, responses: { 200: 'the device after the reboot', 404: 'no such device' } },
  { method: 'delete', path: '/devices/:id', tag: 'devices', summary: 'Remove a device and its apps', params: DEVICE, responses: { 204: 'removed', 404: 'no such device' } },
  { method: 'post', path: '/devices/:id/apps', tag: 'devices', summary: 'Install an app on the device (and register it for pushes unless `register: false`)', params: DEVICE, body: installAppSchema, example: { bundleId: 'com.example.chat', sdkProfile: 'zpns-rn', state: 'suspended', id: 'chat' }, response: AppSchema, responses: { 201: 'the app with its tokens (Location: /api/apps/{id})', 404: 'no such device' } },
  { method: 'get', path: '/devices/:id/apps', tag: 'devices', summary: 'The apps installed on a device', params: DEVICE, response: [AppSchema], responses: { 200: 'a list of apps', 404: 'no such device' } },

  { method: 'get', path: '/apps', tag: 'apps', summary: 'List installed apps', query: appsQuerySchema, response: [AppSchema], responses: { 200: 'a list of apps with state, tokens and held pushes', 404: 'the `device` filter names no device' } },
  { method: 'get', path: '/apps/:id', tag: 'apps', summary: 'One app: lifecycle state, tokens, attached shim, held pushes', params: APP, response: AppSchema, responses: { 200: 'the app', 404: 'no such app' } },
  { method: 'post', path: '/apps/:id/register', tag: 'apps', summary: 'Register for pushes: issue (or return) the APNs / FCM / ZPNs tokens', params: APP, response: RegistrationSchema, responses: { 200: '`{ appId, tokens }`', 404: 'no such app' } },
  { method: 'post', path: '/apps/:id/lifecycle', tag: 'apps', summary: 'Send one lifecycle event (GET /api/lifecycle lists them)', params: APP, body: lifecycleEventSchema, example: { event: 'moveToBackground' }, response: AppTransitionSchema, responses: { 200: 'the app with `transition: { event, from, to, changed }`', 404: 'no such app' } },
  { method: 'put', path: '/apps/:id/state', tag: 'apps', summary: 'Bring the app to a state by the shortest sequence of events', params: APP, body: setStateSchema, example: { state: 'forceQuit' }, response: AppStateChangeSchema, responses: { 200: 'the app with the `events` sent', 404: 'no such app' } },
  { method: 'post', path: '/apps/:id/complete', tag: 'apps', summary: 'The app calls its completion handler for a push (iOS fetch completion, a JS handler settling)', params: APP, body: completeHandlerSchema, example: { pushId: '19580386-5301', result: 'newData' }, response: AppSchema, responses: { 200: 'the app', 404: 'no such app' } },
  { method: 'post', path: '/apps/:id/tap', tag: 'apps', summary: 'The user taps the notification a push displayed', params: APP, body: tapSchema, example: { pushId: '19580386-5301' }, response: AppTapSchema, responses: { 200: 'the app with `tapped` and `stateBefore`', 404: 'no such app or push' } },
  { method: 'delete', path: '/apps/:id', tag: 'apps', summary: 'Uninstall the app; its tokens answer "unregistered" from now on', params: APP, responses: { 204: 'uninstalled', 404: 'no such app' } },

  { method: 'post', path: '/pushes', tag: 'pushes', summary: 'Send a push to a token the simulator-native way (no wire protocol)', body: sendPushSchema, example: { token: '<a token from GET /api/apps/{id}>', kind: 'background' }, response: SentPushSchema, responses: { 201: 'the ledger entry with its fate and outcome (Location: /api/pushes/{id})', 404: 'no app owns the token', 410: 'the app that owned the token was uninstalled' } },
  { method: 'get', path: '/pushes', tag: 'pushes', summary: 'The ledger: pushes and their fates, filtered', query: pushQuerySchema, response: [LedgerEntrySchema], responses: { 200: 'a list of ledger entries' } },
  { method: 'get', path: '/pushes/:id', tag: 'pushes', summary: 'One push with its history', params: { id: 'the push id' }, response: LedgerEntrySchema, responses: { 200: 'the ledger entry', 404: 'no such push' } },

  { method: 'get', path: '/events', tag: 'service', websocket: true, summary: 'WebSocket: every simulator event as it happens', description: 'Each message is one JSON object `{ type, at, data }` (`push.delivered`, `app.backgrounded`…); the first is `feed.hello`.', responses: { 101: 'switching to the WebSocket protocol' } },
  { method: 'get', path: '/shim', tag: 'service', websocket: true, summary: 'WebSocket: the client-shim transport, one connection per app install', description: 'The protocol is docs/shim-protocol.md.', responses: { 101: 'switching to the WebSocket protocol' } },

  { method: 'get', path: '/ca.pem', tag: 'service', summary: 'The CA certificate (PEM) that clients of the services\' TLS endpoints trust', produces: 'application/x-pem-file', responses: { 200: 'the CA certificate' } },
  { method: 'get', path: '/apns/reasons', tag: 'apns', summary: "Apple's reasons and their HTTP statuses", responses: { 200: 'reason → status' } },
  { method: 'get', path: '/apns/keys', tag: 'apns', summary: 'The registered signing keys (without private keys)', responses: { 200: 'a list of keys' } },
  { method: 'post', path: '/apns/keys', tag: 'apns', summary: 'Mint a signing key (.p8), or register an existing one', body: apnsKeySchema, example: {}, responses: { 201: 'a minted key `{ teamId, keyId, environment, p8 }`, or the registered key' } },
  { method: 'delete', path: '/apns/keys/:keyId', tag: 'apns', summary: 'Remove a signing key', params: { keyId: 'the key id' }, responses: { 204: 'removed', 404: 'no such key' } },
  { method: 'post', path: '/apns/certificates', tag: 'apns', summary: 'Issue a client certificate for certificate-based auth', body: apnsCertificateSchema, example: { topic: 'com.example.chat' }, responses: { 201: 'the certificate and its key (PEM)' } },
  { method: 'get', path: '/apns/faults', tag: 'apns', summary: 'The injected APNs faults', responses: { 200: 'a list of fault rules' } },
  { method: 'post', path: '/apns/faults', tag: 'apns', summary: "Inject a fault: answer a reason, delay, or drop the stream or connection", body: faultSchema, example: { token: '<device token>', reason: 'Shutdown', times: 1 }, responses: { 201: 'the fault rule with its id' } },
  { method: 'delete', path: '/apns/faults/:id', tag: 'apns', summary: 'Remove one APNs fault', params: { id: 'the fault id' }, responses: { 204: 'removed', 404: 'no such fault' } },
  { method: 'delete', path: '/apns/faults', tag: 'apns', summary: 'Remove every APNs fault', responses: { 204: 'removed' } },

  { method: 'get', path: '/fcm/errors', tag: 'fcm', summary: "FCM's error codes and their HTTP statuses", responses: { 200: 'the error table' } },
  { method: 'get', path: '/fcm/projects', tag: 'fcm', summary: 'The Firebase projects served', responses: { 200: 'a list of projects' } },
  { method: 'post', path: '/fcm/projects', tag: 'fcm', summary: 'Serve a Firebase project (or change one)', body: fcmProjectSchema, example: { id: 'my-project-123' }, responses: { 201: 'the project' } },
  { method: 'get', path: '/fcm/service-accounts', tag: 'fcm', summary: 'The service accounts issued', responses: { 200: 'a list of service accounts' } },
  { method: 'post', path: '/fcm/service-accounts', tag: 'fcm', summary: 'Issue a service-account JSON for firebase-admin (GOOGLE_APPLICATION_CREDENTIALS)', body: fcmServiceAccountSchema, example: { projectId: 'pushsim-project' }, responses: { 201: 'the service-account JSON', 404: 'the project is not served' } },
  { method: 'post', path: '/fcm/subscriptions', tag: 'fcm', summary: "Subscribe an app's FCM token to a topic", body: fcmSubscriptionSchema, example: { token: '<an FCM token>', topic: 'news' }, responses: { 201: '`{ token, topic }`', 404: 'no app owns the token' } },
  { method: 'get', path: '/fcm/faults', tag: 'fcm', summary: 'The injected FCM faults', responses: { 200: 'a list of fault rules' } },
  { method: 'post', path: '/fcm/faults', tag: 'fcm', summary: 'Inject a fault: answer an error code, delay, or drop the stream or connection', body: faultSchema, example: { probability: 0.1, reason: 'UNAVAILABLE' }, responses: { 201: 'the fault rule with its id' } },
  { method: 'delete', path: '/fcm/faults', tag: 'fcm', summary: 'Remove every FCM fault', responses: { 204: 'removed' } },

  { method: 'get', path: '/hms/errors', tag: 'hms', summary: "Push Kit's result codes and their HTTP statuses", responses: { 200: 'code → { status, msg }' } },
  { method: 'get', path: '/hms/apps', tag: 'hms', summary: 'The Push Kit apps registered', responses: { 200: 'a list of apps with their client secrets' } },
  { method: 'post', path: '/hms/apps', tag: 'hms', summary: 'Register a Push Kit app: its app ID (the OAuth client_id) and client secret for POST /oauth2/v3/token', body: hmsAppSchema, example: { packageName: 'com.example.chat' }, responses: { 201: '`{ appId, clientId, clientSecret, packageName?, highPriorityDataMessages, canSend }`' } },
  { method: 'post', path: '/hms/subscriptions', tag: 'hms', summary: "Subscribe an app's HMS token to a topic, as the device SDK's subscribe does", body: hmsSubscriptionSchema, example: { appId: '<a Push Kit app ID>', token: '<an HMS token>', topic: 'news' }, responses: { 201: '`{ appId, token, topic }`', 404: 'no app owns the token' } },
  { method: 'get', path: '/hms/faults', tag: 'hms', summary: 'The injected HMS faults', responses: { 200: 'a list of fault rules' } },
  { method: 'post', path: '/hms/faults', tag: 'hms', summary: 'Inject a fault: answer a result code, delay, or drop the stream or connection (`project` is the app ID)', body: faultSchema, example: { reason: '80300002' }, responses: { 201: 'the fault rule with its id' } },
  { method: 'delete', path: '/hms/faults/:id', tag: 'hms', summary: 'Remove one HMS fault', params: { id: 'the fault id' }, responses: { 204: 'removed', 404: 'no such fault' } },
  { method: 'delete', path: '/hms/faults', tag: 'hms', summary: 'Remove every HMS fault', responses: { 204: 'removed' } },

  { method: 'get', path: '/zpns/presets', tag: 'zpns', summary: 'The push-strategy presets', responses: { 200: 'preset → strategy' } },
  { method: 'get', path: '/zpns/strategies', tag: 'zpns', summary: 'The declared push strategies (resourcesIDs)', responses: { 200: 'a list of strategies' } },
  { method: 'post', path: '/zpns/strategies', tag: 'zpns', summary: 'Declare a push strategy (resourcesID), from a preset or spelled out', body: zpnsStrategySchema, example: { resourcesID: 'silent', preset: 'silent' }, responses: { 201: 'the strategy' } },
  { method: 'delete', path: '/zpns/strategies/:resourcesID', tag: 'zpns', summary: 'Remove a push strategy', params: { resourcesID: 'the resourcesID' }, responses: { 204: 'removed', 404: 'no such resourcesID' } },
  { method: 'get', path: '/zpns/users', tag: 'zpns', summary: 'The logged-in ZIM users and their connections', responses: { 200: 'a list of sessions' } },
  { method: 'post', path: '/zpns/users', tag: 'zpns', summary: "Log an app's ZIM user in (connection `down`: offline, so sends become pushes)", body: zpnsLoginSchema, example: { userID: 'bob', appId: 'chat', connection: 'down' }, responses: { 201: '`{ userID, appId, pushID }`', 404: 'no such app' } },
  { method: 'delete', path: '/zpns/users/:userID', tag: 'zpns', summary: 'Log a ZIM user out', params: { userID: 'the ZIM user id' }, responses: { 204: 'logged out' } },
  { method: 'post', path: '/zpns/messages', tag: 'zpns', summary: "Send a ZIM message, as ZIM's sendMessage (peer conversations)", body: sendMessageSchema, example: { fromUserID: 'alice', toConversationID: 'bob', message: { type: 1, message: 'sync' }, config: { priority: 2, pushConfig: { resourcesID: 'silent', payload: '{"sync":"inbox"}' } } }, responses: { 201: '`{ message, results }`: the message and, per receiver, in-app or push and its fate' } },
  { method: 'post', path: '/zpns/call-invitations', tag: 'zpns', summary: "Send a call invitation, as ZIM's callInvite (timeout 90, mode 0 by default)", body: callInviteSchema, example: { fromUserID: 'alice', invitees: ['bob'], config: { pushConfig: { resourcesID: 'voip', title: 'alice' } } }, responses: { 201: '`{ callID, timeout, mode, results }`' } },
  { method: 'post', path: '/zpns/call-cancellations', tag: 'zpns', summary: "Cancel a call invitation, as ZIM's callCancel", body: callCancelSchema, example: { fromUserID: 'alice', callID: '<the callID>', invitees: ['bob'] }, responses: { 201: '`{ callID, results }`' } },
];
