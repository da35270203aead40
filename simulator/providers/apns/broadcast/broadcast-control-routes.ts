// The docs of the broadcast control routes (broadcast-service.ts serves them), part of the APNs section of
// GET /api/openapi.json and docs/control-api.md.
import type { ControlRouteDoc } from '../../service-module.js';
import { BroadcastCapabilitySchema, BroadcastChannelSchema } from '../../../model/index.js';
import { capabilitySchema, channelsQuerySchema } from './broadcast-service.js';

export const BROADCAST_CONTROL_ROUTES: readonly ControlRouteDoc[] = [
  {
    method: 'get',
    path: '/apns/channels',
    summary: 'The broadcast channels apps created, with how many Live Activities each has subscribed',
    query: channelsQuerySchema,
    response: [BroadcastChannelSchema],
    responses: { 200: 'a list of channels' },
  },
  {
    method: 'put',
    path: '/apns/broadcast-capability/:bundleId',
    summary:
      "Turn an app's broadcast capability on or off (off: FeatureNotEnabled on its channel requests and broadcasts)",
    params: { bundleId: 'the app' },
    body: capabilitySchema,
    example: { enabled: false },
    response: BroadcastCapabilitySchema,
    responses: { 200: 'the capability as set' },
  },
];
