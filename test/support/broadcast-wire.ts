// Raw HTTP/2 requests to pushsim's channel management API and to broadcast sends, and the Live Activity app the
// broadcast tests subscribe to channels.
import type { ClientHttp2Session, OutgoingHttpHeaders } from 'node:http2';
import type { SimulatorHandle } from '../../simulator/index.js';
import { connectApns, request, type WireAnswer } from './apns-wire.js';

export const SCORE_ATTRIBUTES = {
  attributeTypes: { ScoreAttributes: { attributes: { match: 'string' }, contentState: { score: 'integer' } } },
  frequentUpdates: false,
} as const;

/** Sends one request on a fresh connection to `url` and closes it. */
export async function once(
  sim: SimulatorHandle,
  url: string,
  headers: OutgoingHttpHeaders,
  body?: string | Buffer,
): Promise<WireAnswer> {
  const session: ClientHttp2Session = await connectApns(url, sim.caPem);
  try {
    return await request(session, headers, body);
  } finally {
    session.close();
  }
}

/** Creates a channel through the wire; its id. */
export async function createChannel(
  sim: SimulatorHandle,
  bearer: string,
  bundleId: string,
  policy: 0 | 1,
  url = sim.urls.apnsChannels!,
): Promise<string> {
  const answer = await once(
    sim,
    url,
    { ':method': 'POST', ':path': `/1/apps/${bundleId}/channels`, authorization: bearer },
    JSON.stringify({ 'message-storage-policy': policy, 'push-type': 'LiveActivity' }),
  );
  if (answer.status !== 201) throw new Error(`create answered ${answer.status} ${answer.body}`);
  return String(answer.headers['apns-channel-id']);
}

/** An iPhone app with a Live Activity type, and an activity of it subscribed to each channel given. */
export function subscribedActivities(sim: SimulatorHandle, bundleId: string, channelIds: string[]) {
  const device = sim.simulation.createDevice({ platform: 'ios' });
  const app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId,
    sdkProfile: 'native-ios',
    liveActivities: { attributeTypes: { ...SCORE_ATTRIBUTES.attributeTypes }, frequentUpdates: false },
  });
  return channelIds.map((channelId) =>
    sim.simulation.liveActivities.request(app.id, {
      attributesType: 'ScoreAttributes',
      attributes: { match: 'final' },
      contentState: { score: 0 },
      pushType: { channel: channelId },
    }),
  );
}

/** A Live Activity update payload. */
export function scoreUpdate(sim: SimulatorHandle, score: number): string {
  return JSON.stringify({
    aps: { timestamp: Math.floor(sim.clock.now() / 1000), event: 'update', 'content-state': { score } },
  });
}
