// The broadcast channels APNs keeps for Live Activities (GET /api/apns/channels) and an app's broadcast capability, as
// the control API returns them (docs/reference/apns-broadcast.md#channels).
import { z } from 'zod';
import { named } from './registry.js';

export type BroadcastChannelModel = z.infer<typeof BroadcastChannelSchema>;
export const BroadcastChannelSchema = named(
  'BroadcastChannel',
  'A broadcast channel of an app, as the channel management API created it',
  z.strictObject({
    channelId: z.string().describe('the apns-channel-id (base64), what activities subscribe to'),
    bundleId: z.string().describe('the app it belongs to'),
    environment: z.enum(['sandbox', 'production']).describe('the APNs environment it was created in'),
    messageStoragePolicy: z
      .union([z.literal(0), z.literal(1)])
      .describe('0 = no message stored; 1 = the most recent message stored for activities that subscribe later'),
    pushType: z.literal('LiveActivity').describe("Apple's one push type for channels"),
    createdAt: z.number().describe('when it was created, in ms since the epoch'),
    subscribers: z.number().int().describe('how many Live Activities are subscribed to it now'),
    lastBroadcastAt: z.number().optional().describe('when its last broadcast was accepted, in ms since the epoch'),
    hasStoredMessage: z.boolean().describe('whether it holds a most recent message for later subscribers'),
  }),
);

export type BroadcastCapabilityModel = z.infer<typeof BroadcastCapabilitySchema>;
export const BroadcastCapabilitySchema = named(
  'BroadcastCapability',
  "Whether an app's id has the broadcast capability (off: its channel requests and broadcasts get FeatureNotEnabled)",
  z.strictObject({
    bundleId: z.string().describe('the app'),
    enabled: z.boolean().describe('whether the capability is on (the default)'),
  }),
);
