// The docs of the /api/fcm control routes (fcm-provider.ts serves them): the FCM section of
// GET /api/openapi.json and docs/control-api.md, read from the module (controlRoutes).
import type { ControlRoutesDoc } from '../service-module.js';
import { faultRouteDocs } from '../fault-injection.js';
import { WireSendAnswerSchema, WireSendFcmRequestSchema } from '../../model/index.js';
import { fcmProjectSchema, fcmServiceAccountSchema, fcmSubscriptionSchema } from './fcm-provider.js';

export const FCM_CONTROL_ROUTES: ControlRoutesDoc = {
  description: 'FCM: projects, service accounts, topics, fault injection',
  routes: [
    {
      method: 'get',
      path: '/fcm/errors',
      summary: "FCM's error codes and their HTTP statuses",
      responses: { 200: 'the error table' },
    },
    {
      method: 'post',
      path: '/send/fcm',
      summary: "Send a message through pushsim's own FCM endpoint over HTTPS (messages:send), as firebase-admin would",
      description:
        "The control plane registers a service account of its own for the project, asks /token for an access token, sends HTTP v1 messages:send on loopback and answers Google's status and body unchanged: an UNREGISTERED 404 from FCM is a 200 of this route with `status: 404`. `app` fills message.token when the message names no target.",
      body: WireSendFcmRequestSchema,
      example: { app: 'pixel-chat', message: { data: { kind: 'sync' }, android: { priority: 'high' } } },
      response: WireSendAnswerSchema,
      responses: {
        200: "FCM's answer, whatever its status",
        400: 'the app has no FCM token',
        404: 'no such app',
        502: 'the endpoint closed the request without an answer',
      },
    },
    {
      method: 'get',
      path: '/fcm/projects',
      summary: 'The Firebase projects served',
      responses: { 200: 'a list of projects' },
    },
    {
      method: 'post',
      path: '/fcm/projects',
      summary: 'Serve a Firebase project (or change one)',
      body: fcmProjectSchema,
      example: { id: 'my-project-123' },
      responses: { 201: 'the project' },
    },
    {
      method: 'get',
      path: '/fcm/service-accounts',
      summary: 'The service accounts issued',
      responses: { 200: 'a list of service accounts' },
    },
    {
      method: 'post',
      path: '/fcm/service-accounts',
      summary: 'Issue a service-account JSON for firebase-admin (GOOGLE_APPLICATION_CREDENTIALS)',
      body: fcmServiceAccountSchema,
      example: { projectId: 'pushsim-project' },
      responses: { 201: 'the service-account JSON', 404: 'the project is not served' },
    },
    {
      method: 'post',
      path: '/fcm/subscriptions',
      summary: "Subscribe an app's FCM token to a topic",
      body: fcmSubscriptionSchema,
      example: { token: '<an FCM token>', topic: 'news' },
      responses: { 201: '`{ token, topic }`', 404: 'no app owns the token' },
    },
    ...faultRouteDocs(
      'fcm',
      'FCM',
      {
        summary: 'Inject a fault: answer an error code, delay, or drop the stream or connection',
        example: { probability: 0.1, reason: 'UNAVAILABLE' },
      },
      { removeOne: false },
    ),
  ],
};
