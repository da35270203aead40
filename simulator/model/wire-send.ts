// The control plane's sends through pushsim's own wire endpoints (POST /api/send/apns, /api/send/apns-broadcast,
// /api/send/fcm): what a request names, and the service's answer as it came back over HTTP/2 or HTTPS.
import { z } from 'zod';
import { named } from './registry.js';

const headerValues = z
  .record(z.string(), z.string())
  .optional()
  .describe(
    'request headers as a backend sends them (apns-push-type, apns-priority, apns-topic…); authorization is minted',
  );
const apnsPayload = z
  .union([z.record(z.string(), z.unknown()), z.string()])
  .describe('the JSON payload (an object), or a string sent as it is, even if it is not JSON');
const environment = z
  .enum(['sandbox', 'production'])
  .optional()
  .describe("which APNs endpoint it goes to: the app's environment, else sandbox");

export const WireSendApnsRequestSchema = z
  .object({
    app: z
      .string()
      .min(1)
      .optional()
      .describe('the app it goes to: its APNs token, its bundle id as the default apns-topic'),
    token: z.string().min(1).max(4096).optional().describe('a device, Live Activity or push-to-start token instead'),
    headers: headerValues,
    payload: apnsPayload,
    environment,
  })
  .strict()
  .refine((b) => b.app !== undefined || b.token !== undefined, {
    message: 'name the app (app: <app id>) or give the token (token: <hex>) the push goes to',
    path: ['app'],
  });

export const WireSendApnsBroadcastRequestSchema = z
  .object({
    bundleId: z
      .string()
      .min(1)
      .describe('the app id (bundle id) the channel belongs to: POST /4/broadcasts/apps/<bundleId>'),
    channelId: z.string().min(1).describe('the apns-channel-id to broadcast to (GET /api/apns/channels)'),
    headers: headerValues,
    payload: apnsPayload,
    environment,
  })
  .strict();

export const WireSendFcmRequestSchema = z
  .object({
    message: z
      .record(z.string(), z.unknown())
      .describe('the HTTP v1 Message resource (token, topic or condition; notification, data, android, apns…)'),
    app: z
      .string()
      .min(1)
      .optional()
      .describe(
        'an app whose FCM token becomes message.token when the message names no target; its Firebase project by default',
      ),
    project: z
      .string()
      .min(1)
      .optional()
      .describe("the Firebase project to send as (the app's, else pushsim's default)"),
    validateOnly: z.boolean().optional().describe('validate_only: Google checks the message and sends nothing'),
  })
  .strict();

export type WireSendAnswerModel = z.infer<typeof WireSendAnswerSchema>;
export const WireSendAnswerSchema = named(
  'WireSendAnswer',
  "A push sent by the control plane through pushsim's own wire endpoint, and the service's answer exactly as it came",
  z.strictObject({
    service: z.enum(['apns', 'fcm']).describe('the service whose endpoint took the request'),
    url: z.string().describe('the URL the request went to (on loopback)'),
    status: z.number().int().describe("the service's HTTP status: 200 taken; APNs 4xx/5xx with a reason; FCM's error"),
    headers: z
      .record(z.string(), z.string())
      .describe("the answer's headers that carry meaning: apns-id, apns-unique-id, apns-request-id, apns-channel-id"),
    body: z
      .unknown()
      .describe(
        "the answer's body: Apple's `{ reason, timestamp? }`, Google's `{ name }` or `{ error }`; null when empty",
      ),
    reason: z.string().optional().describe("Apple's reason, or Google's error code (FcmError.errorCode, else status)"),
    pushId: z.string().optional().describe('the push in the ledger (GET /api/pushes/{id}) when the service took one'),
    pushIds: z
      .array(z.string())
      .describe('every ledger entry the send made: one push, a topic fan-out, or the activities a broadcast reached'),
  }),
);
