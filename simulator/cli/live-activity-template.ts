// `pushsim push --template liveactivity`: an ActivityKit push without writing its headers and payload: the token, topic
// (<bundle>.push-type.liveactivity) and push type come from the activity (`--activity <id>`) or, for push-to-start, from
// the app (`--topic <bundle id> --attributes-type <T>`); with `--channel <id>` it is a broadcast to that channel
// (POST /4/broadcasts/apps/<bundle id>, docs/reference/apns-broadcast.md#broadcast-sends), its app and environment read
// from GET /api/apns/channels; the payload is `aps.timestamp` (the simulator clock's time), `aps.event` and
// `aps.content-state` (docs/reference/live-activities.md#payload).
import { getJson } from './control-client.js';

export interface LiveActivityTemplateFlags {
  activity?: string;
  event?: string;
  contentState?: string;
  attributesType?: string;
  attributes?: string;
  topic?: string;
  token?: string;
  payload?: string;
  channel?: string;
}

/** A push to one activity's (or a push-to-start) token, or a broadcast to a channel. */
export type LiveActivityPush =
  | { token: string; topic: string; payload: Record<string, unknown> }
  | {
      broadcast: { channelId: string; bundleId: string; environment: 'sandbox' | 'production' };
      payload: Record<string, unknown>;
    };

const SUFFIX = '.push-type.liveactivity';

function jsonObject(text: string | undefined, flag: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${flag} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/** The token, topic and payload of a liveactivity push the flags describe (the payload of --payload, if given). */
export async function liveActivityPush(
  control: string,
  access: string | undefined,
  flags: LiveActivityTemplateFlags,
  payload: Record<string, unknown> | undefined,
): Promise<LiveActivityPush> {
  const event = flags.event ?? (flags.attributesType ? 'start' : 'update');
  if (!['update', 'end', 'start'].includes(event)) throw new Error(`--event ${event}: use update, end or start`);
  const clock = await getJson<{ now: number }>(`${control}/api/clock`, undefined, access);
  const aps: Record<string, unknown> = { timestamp: Math.floor(clock.now / 1000), event };
  const contentState = jsonObject(flags.contentState, '--content-state');
  if (contentState) aps['content-state'] = contentState;
  let token = flags.token;
  let bundleId = flags.topic?.replace(SUFFIX, '');
  if (flags.channel !== undefined) {
    if (event === 'start') throw new Error('--channel: a broadcast updates or ends activities (--event update or end)');
    if (flags.activity || flags.token)
      throw new Error('--channel sends a broadcast to every activity subscribed; leave out --activity and --token');
    const channels = await getJson<{ channelId: string; bundleId: string; environment: 'sandbox' | 'production' }[]>(
      `${control}/api/apns/channels`,
      undefined,
      access,
    );
    const channel = channels.find((c) => c.channelId === flags.channel);
    // A channel pushsim does not know still goes out when --topic names the app: APNs answers ChannelNotRegistered.
    if (!channel && !bundleId)
      throw new Error(
        `no broadcast channel ${flags.channel} (GET /api/apns/channels lists them); pass --topic <bundle id> to send anyway`,
      );
    return {
      broadcast: {
        channelId: flags.channel,
        bundleId: bundleId ?? channel!.bundleId,
        environment: channel?.environment ?? 'sandbox',
      },
      payload: payload ?? { aps },
    };
  }
  if (flags.activity) {
    const activity = await getJson<{ pushToken?: string; bundleId: string }>(
      `${control}/api/activities/${encodeURIComponent(flags.activity)}`,
      undefined,
      access,
    );
    if (!activity.pushToken)
      throw new Error(
        `Live Activity ${flags.activity} has no push token (it was started with pushType none or a channel)`,
      );
    token ??= activity.pushToken;
    bundleId ??= activity.bundleId;
  } else if (event === 'start') {
    if (!flags.attributesType || !bundleId)
      throw new Error('a push-to-start needs --topic <bundle id> and --attributes-type <ActivityAttributes type>');
    aps['attributes-type'] = flags.attributesType;
    aps.attributes = jsonObject(flags.attributes, '--attributes') ?? {};
    aps.alert = { title: flags.attributesType, body: 'started by pushsim push' };
    if (!token) {
      const apps = await getJson<
        { bundleId: string; liveActivities?: { pushToStartTokens: Record<string, string> } }[]
      >(`${control}/api/apps`, undefined, access);
      token = apps.find((a) => a.bundleId === bundleId)?.liveActivities?.pushToStartTokens[flags.attributesType];
      if (!token)
        throw new Error(
          `no installed app ${bundleId} declares the Live Activity type ${flags.attributesType}; install it with liveActivities, or pass --token`,
        );
    }
  }
  if (!token || !bundleId)
    throw new Error('no Live Activity: pass --activity <id> (GET /api/activities), or --token and --topic');
  return { token, topic: `${bundleId}${SUFFIX}`, payload: payload ?? { aps } };
}
