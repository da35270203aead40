// The broadcast part of the scenario's `apns` step: `channel` (create, read or delete a channel on the channel
// management port, named for later steps) and `broadcast` (a push to a named channel on the APNs port), over the wire
// with the run's provider token; and the run's channel names, which an `activity` start's `pushType: { channel }` also
// reads (docs/reference/apns-broadcast.md).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sendApns } from '../../../senders/index.js';
import type { ScenarioStepContext } from '../../service-module.js';

/** The step's `channel` field: what to do with a channel (create with a storage policy, or read / delete a named one). */
export const scenarioChannelSchema = z
  .union([
    z.strictObject({
      create: z.union([z.literal(0), z.literal(1)]).describe('message-storage-policy: 0 none stored, 1 most recent'),
    }),
    z.strictObject({ read: z.string().describe('the channel name (`as` of its create) or an apns-channel-id') }),
    z.strictObject({ delete: z.string().describe('the channel name (`as` of its create) or an apns-channel-id') }),
  ])
  .describe(
    'a channel management request for the app (POST, GET or DELETE /1/apps/<bundle id>/channels); `as` names a created channel',
  );

export type ScenarioChannelSpec = z.infer<typeof scenarioChannelSchema>;

/** The channels a run created, by their `as` names. */
class ScenarioChannels {
  readonly ids = new Map<string, string>();
  close(): void {}
}

const channelsOf = (ctx: Pick<ScenarioStepContext, 'session'>): ScenarioChannels =>
  ctx.session('apns-channels', () => new ScenarioChannels());

/** The apns-channel-id a run named `name` (an `activity` start's `pushType: { channel }`), or `name` itself. */
export function scenarioChannelId(ctx: Pick<ScenarioStepContext, 'session'>, name: string): string {
  return channelsOf(ctx).ids.get(name) ?? name;
}

export interface BroadcastStepSpec {
  app?: string;
  channel?: ScenarioChannelSpec;
  broadcast?: string;
  headers?: Record<string, string | number | string[] | null>;
  payload?: Record<string, unknown> | string;
  production?: boolean;
  expiresIn?: number | string;
  as?: string;
}

/** Runs a `channel` or `broadcast` apns step with the given authorization header (or none); a failure, or undefined. */
export async function runBroadcastStep(
  ctx: ScenarioStepContext,
  spec: BroadcastStepSpec,
  authorization: string | undefined,
  expiration: string | undefined,
): Promise<string | undefined> {
  const { sim } = ctx;
  const bundleId = spec.app ? ctx.scenario.apps.find((a) => a.id === spec.app)?.bundleId : undefined;
  if (!bundleId) return 'apns: a channel or broadcast step needs the app whose channel it is';
  const channels = channelsOf(ctx);
  const requestId = randomUUID();
  const headers: Record<string, string | string[]> = { 'apns-request-id': requestId };
  if (authorization) headers.authorization = authorization;
  let url: string;
  let path: string;
  let method = 'POST';
  let payload = '';
  if (spec.channel) {
    url = spec.production ? sim.urls.apnsChannelsProduction! : sim.urls.apnsChannels!;
    path = `/1/apps/${encodeURIComponent(bundleId)}/channels`;
    if ('create' in spec.channel)
      payload = JSON.stringify({ 'message-storage-policy': spec.channel.create, 'push-type': 'LiveActivity' });
    else {
      const name = 'read' in spec.channel ? spec.channel.read : spec.channel.delete;
      headers['apns-channel-id'] = scenarioChannelId(ctx, name);
      method = 'read' in spec.channel ? 'GET' : 'DELETE';
    }
  } else {
    url = spec.production ? sim.urls.apnsProduction! : sim.urls.apns!;
    path = `/4/broadcasts/apps/${encodeURIComponent(bundleId)}`;
    headers['apns-channel-id'] = scenarioChannelId(ctx, spec.broadcast!);
    headers['apns-push-type'] = 'liveactivity';
    if (expiration !== undefined) headers['apns-expiration'] = expiration;
    payload = typeof spec.payload === 'string' ? spec.payload : JSON.stringify(spec.payload ?? {});
  }
  for (const [k, v] of Object.entries(spec.headers ?? {}))
    if (v === null) delete headers[k];
    else headers[k] = Array.isArray(v) ? v : String(v);
  const answer = await sendApns({ url, token: '', path, method, headers, payload, ca: sim.caPem });
  if (spec.channel && 'create' in spec.channel && answer.channelId && spec.as)
    channels.ids.set(spec.as, answer.channelId);
  // A broadcast's pushes are the ones it handed to subscribed activities (and its own entry when it reached none).
  const pushIds = sim.ledger
    .list()
    .filter((entry) => entry.push.headers?.['apns-request-id'] === requestId)
    .map((entry) => entry.id);
  ctx.record(spec.as, { pushIds, status: answer.status, ...(answer.reason ? { reason: answer.reason } : {}) });
  return undefined;
}
