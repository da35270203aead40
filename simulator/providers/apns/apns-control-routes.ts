// The docs of the /api/apns control routes (apns-provider.ts serves them): the APNs section of
// GET /api/openapi.json and docs/control-api.md, read from the module (controlRoutes).
import type { ControlRoutesDoc } from '../service-module.js';
import { faultRouteDocs } from '../fault-injection.js';
import { apnsCertificateSchema, apnsKeySchema } from './apns-provider.js';
import { BROADCAST_CONTROL_ROUTES } from './broadcast/index.js';

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
    ...faultRouteDocs('apns', 'APNs', {
      summary: 'Inject a fault: answer a reason, delay, or drop the stream or connection',
      example: { token: '<device token>', reason: 'Shutdown', times: 1 },
    }),
    ...BROADCAST_CONTROL_ROUTES,
  ],
};
