// The docs of the /api/hms control routes (hms-provider.ts serves them): the HMS section of
// GET /api/openapi.json and docs/control-api.md, read from the module (controlRoutes).
import type { ControlRoutesDoc } from '../service-module.js';
import { faultRouteDocs } from '../fault-injection.js';
import { hmsAppSchema, hmsSubscriptionSchema } from './hms-provider.js';

export const HMS_CONTROL_ROUTES: ControlRoutesDoc = {
  description: 'Huawei Push Kit (HMS): apps and their client secrets, topics, result codes, fault injection',
  routes: [
    {
      method: 'get',
      path: '/hms/errors',
      summary: "Push Kit's result codes and their HTTP statuses",
      responses: { 200: 'code → { status, msg }' },
    },
    {
      method: 'get',
      path: '/hms/apps',
      summary: 'The Push Kit apps registered',
      responses: { 200: 'a list of apps with their client secrets' },
    },
    {
      method: 'post',
      path: '/hms/apps',
      summary: 'Register a Push Kit app: its app ID (the OAuth client_id) and client secret for POST /oauth2/v3/token',
      body: hmsAppSchema,
      example: { packageName: 'com.example.chat' },
      responses: { 201: '`{ appId, clientId, clientSecret, packageName?, highPriorityDataMessages, canSend }`' },
    },
    {
      method: 'post',
      path: '/hms/subscriptions',
      summary: "Subscribe an app's HMS token to a topic, as the device SDK's subscribe does",
      body: hmsSubscriptionSchema,
      example: { appId: '<a Push Kit app ID>', token: '<an HMS token>', topic: 'news' },
      responses: { 201: '`{ appId, token, topic }`', 404: 'no app owns the token' },
    },
    ...faultRouteDocs('hms', 'HMS', {
      summary:
        'Inject a fault: answer a result code, delay, or drop the stream or connection (`project` is the app ID)',
      example: { reason: '80300002' },
    }),
  ],
};
