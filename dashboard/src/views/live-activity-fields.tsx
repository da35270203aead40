// The Send form's Live Activity template: where the ActivityKit push goes (one of the app's activities by its push
// token, a push-to-start token of an attributes type, or a broadcast channel of the app), aps.event and the content
// state, composed into the payload with aps.timestamp set to the simulator's now. Apple's format:
// https://developer.apple.com/documentation/activitykit/starting-and-updating-live-activities-with-activitykit-push-notifications
import { useEffect, useState } from 'preact/hooks';
import { type ActivityModel, type AppModel, type BroadcastChannelModel, get } from '../api.js';
import { useClock } from '../clock-context.js';
import { useResource } from '../hooks.js';

/** Where the push goes: the wire route and the token or channel. */
export type LiveActivityTarget =
  | { kind: 'activity'; token: string }
  | { kind: 'push-to-start'; token: string }
  | { kind: 'channel'; channelId: string };

export function LiveActivityFields({
  app,
  onCompose,
}: {
  app: AppModel;
  onCompose: (payloadText: string, target: LiveActivityTarget | undefined) => void;
}) {
  const clock = useClock();
  const activities = useResource(
    () => get<ActivityModel[]>(`/activities?app=${encodeURIComponent(app.id)}`),
    [app.id],
    ['activity.'],
  );
  const channels = useResource(
    () =>
      get<BroadcastChannelModel[]>(`/apns/channels?bundleId=${encodeURIComponent(app.bundleId)}`).catch(
        () => [] as BroadcastChannelModel[],
      ),
    [app.bundleId],
    ['activity.'],
  );
  const live = (activities.data ?? []).filter((a) => a.pushToken && (a.state === 'active' || a.state === 'stale'));
  const starts = Object.entries(app.liveActivities?.pushToStartTokens ?? {});
  const [choice, setChoice] = useState('');
  const [event, setEvent] = useState('update');
  const [contentState, setContentState] = useState('');
  const [attributes, setAttributes] = useState('{}');
  const options = [
    ...live.map((a) => ({ value: `activity:${a.id}`, label: `activity ${a.attributesType} ${a.id} (${a.state})` })),
    ...starts.map(([type]) => ({ value: `start:${type}`, label: `push-to-start ${type}` })),
    ...(channels.data ?? []).map((c) => ({
      value: `channel:${c.channelId}`,
      label: `broadcast channel ${c.channelId}`,
    })),
  ];
  const chosen = options.some((o) => o.value === choice) ? choice : (options[0]?.value ?? '');
  const activity = live.find((a) => `activity:${a.id}` === chosen);
  const startType = chosen.startsWith('start:') ? chosen.slice('start:'.length) : undefined;
  // A new target shows its current content state to edit; push-to-start sends `start`.
  useEffect(() => {
    if (activity) setContentState(JSON.stringify(activity.contentState, null, 2));
    if (startType) setEvent('start');
    else if (event === 'start') setEvent('update');
  }, [chosen, activity?.id]);
  useEffect(() => {
    let state: unknown = {};
    let attrs: unknown = {};
    try {
      state = contentState.trim() ? JSON.parse(contentState) : {};
      attrs = attributes.trim() ? JSON.parse(attributes) : {};
    } catch {
      // Left as typed: the payload editor below shows the JSON problem once the text is there.
      return;
    }
    const aps: Record<string, unknown> = {
      timestamp: Math.floor(clock.now() / 1000),
      event,
      'content-state': state,
      ...(event === 'start'
        ? { 'attributes-type': startType ?? '', attributes: attrs, alert: { title: 'Live Activity', body: 'started' } }
        : {}),
    };
    const target: LiveActivityTarget | undefined = activity
      ? { kind: 'activity', token: activity.pushToken! }
      : startType
        ? { kind: 'push-to-start', token: app.liveActivities!.pushToStartTokens[startType]! }
        : chosen.startsWith('channel:')
          ? { kind: 'channel', channelId: chosen.slice('channel:'.length) }
          : undefined;
    onCompose(JSON.stringify({ aps }, null, 2), target);
  }, [chosen, event, contentState, attributes, clock.now()]);
  return (
    <fieldset>
      <legend>Live Activity</legend>
      <label>
        Send to{' '}
        <select value={chosen} onChange={(e) => setChoice((e.target as HTMLSelectElement).value)}>
          {options.length === 0 ? <option value="">no activity, push-to-start token or channel yet</option> : null}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        aps.event{' '}
        <select value={event} onChange={(e) => setEvent((e.target as HTMLSelectElement).value)}>
          <option>update</option>
          <option>end</option>
          <option>start</option>
        </select>
      </label>
      <label class="block">
        aps.content-state
        <textarea
          rows={4}
          spellcheck={false}
          value={contentState}
          onInput={(e) => setContentState((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      {event === 'start' ? (
        <label class="block">
          aps.attributes
          <textarea
            rows={2}
            spellcheck={false}
            value={attributes}
            onInput={(e) => setAttributes((e.target as HTMLTextAreaElement).value)}
          />
        </label>
      ) : null}
    </fieldset>
  );
}
