// The docs of the /api/apns control routes (apns-provider.ts serves them): the APNs section of
// GET /api/openapi.json and docs/control-api.md, read from the module (controlRoutes).
import type { ControlRoutesDoc } from '../service-module.js';
import { faultRouteDocs } from '../fault-injection.js';
import { apnsCertificateSchema, apnsKeySchema } from './apns-provider.js';
import { BROADCAST_CONTROL_ROUTES } from './broadcast/index.js';
import {
  WireSendAnswerSchema,
  WireSendApnsBroadcastRequestSchema,
  WireSendApnsRequestSchema,
} from '../../model/index.js';

export const APNS_CONTROL_ROUTES: ControlRoutesDoc = {
  description: 'APNs: signing keys, client certificates, fault injection, broadcast channels',
  routes: [
    {
      method: 'get',
      path: '/apns/reasons',
      summary: "Apple's reasons and their HTTP statuses",
      responses: { 200: 'reason → status' },
    },
    {
      method: 'get',
      path: '/apns/keys',
      summary: 'The registered signing keys (without private keys)',
      responses: { 200: 'a list of keys' },
    },
    {
      method: 'post',
      path: '/apns/keys',
      summary: 'Mint a signing key (.p8), or register an existing one',
      body: apnsKeySchema,
      example: {},
      responses: { 201: 'a minted key `{ teamId, keyId, environment, p8 }`, or the registered key' },
    },
    {
      method: 'delete',
      path: '/apns/keys/:keyId',
      summary: 'Remove a signing key',
      params: { keyId: 'the key id' },
      responses: { 204: 'removed', 404: 'no such key' },
    },
    {
      method: 'post',
      path: '/apns/certificates',
      summary: 'Issue a client certificate for certificate-based auth',
      body: apnsCertificateSchema,
      example: { topic: 'com.example.chat' },
      responses: { 201: 'the certificate and its key (PEM)' },
    },
    {
      method: 'post',
      path: '/send/apns',
      summary: "Send a push through pushsim's own APNs endpoint over HTTP/2, as a backend would",
      description:
        "The control plane signs with a key of its own (listed by GET /api/apns/keys), sends on loopback HTTP/2 to the app's environment (or `environment`), and answers Apple's status, headers and body unchanged: a 400 BadDeviceToken from APNs is a 200 of this route with `status: 400`. `app` sets the token and the default apns-topic; a Live Activity update names the activity's push token and `apns-topic: <bundle>.push-type.liveactivity`.",
      body: WireSendApnsRequestSchema,
      example: {
        app: 'chat',
        headers: { 'apns-push-type': 'background', 'apns-priority': '5' },
        payload: { aps: { 'content-available': 1 } },
      },
      response: WireSendAnswerSchema,
      responses: {
        200: "APNs' answer, whatever its status",
        400: 'the app has no APNs token',
        404: 'no such app',
        502: 'the endpoint closed the request without an answer',
      },
    },
    {
      method: 'post',
      path: '/send/apns-broadcast',
      summary: "Broadcast to a channel through pushsim's own APNs endpoint (POST /4/broadcasts/apps/<bundle id>)",
      description:
        'Signed and sent as POST /api/send/apns is, with `apns-channel-id`, `apns-push-type: liveactivity` and an `apns-request-id` of its own; `pushIds` are the pushes handed to the subscribed activities.',
      body: WireSendApnsBroadcastRequestSchema,
      example: {
        bundleId: 'com.example.rides',
        channelId: '<apns-channel-id>',
        payload: { aps: { timestamp: 1768469400, event: 'update', 'content-state': { eta: 5 } } },
      },
      response: WireSendAnswerSchema,
      responses: { 200: "APNs' answer, whatever its status", 502: 'the endpoint closed the request without an answer' },
    },
    ...faultRouteDocs('apns', 'APNs', {
      summary: 'Inject a fault: answer a reason, delay, or drop the stream or connection',
      example: { token: '<device token>', reason: 'Shutdown', times: 1 },
    }),
    ...BROADCAST_CONTROL_ROUTES,
  ],
};
