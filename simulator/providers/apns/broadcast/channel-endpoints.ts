// The channel management API's wire endpoints as the APNs module declares them: Apple's api-manage-broadcast hosts
// (sandbox on port 2195, production on 2196) stand in on pushsim's ports 4805 and 4806
// (docs/reference/apns-broadcast.md#hosts).
import type { WireEndpoint } from '../../service-module.js';

export const CHANNEL_SANDBOX_HOSTS: readonly string[] = ['api-manage-broadcast.sandbox.push.apple.com'];
export const CHANNEL_PRODUCTION_HOSTS: readonly string[] = ['api-manage-broadcast.push.apple.com'];
export const CHANNEL_HOSTS = [...CHANNEL_PRODUCTION_HOSTS, ...CHANNEL_SANDBOX_HOSTS];

export const CHANNEL_ENDPOINTS = [
  {
    name: 'apns-channels',
    portOption: 'apnsChannelsPort',
    flag: '--apns-channels-port',
    env: 'PUSHSIM_APNS_CHANNELS_PORT',
    defaultPort: 4805,
    description: 'APNs channel management (broadcast channels) sandbox port',
    publicHosts: CHANNEL_SANDBOX_HOSTS,
  },
  {
    name: 'apns-channels-production',
    portOption: 'apnsChannelsProductionPort',
    flag: '--apns-channels-production-port',
    env: 'PUSHSIM_APNS_CHANNELS_PRODUCTION_PORT',
    defaultPort: 4806,
    description: 'APNs channel management (broadcast channels) production port',
    publicHosts: CHANNEL_PRODUCTION_HOSTS,
  },
] as const satisfies readonly WireEndpoint[];
