// An app's Live Activities on the Phones view: each activity's state, content state, stale and dismissal dates and push
// token (with Copy), and the app's push-to-start tokens per attributes type. The view reads GET /api/activities again
// on the feed's activity.changed and activity.token-issued.
import type { ActivityModel, AppModel } from '../api.js';
import { clockTime } from '../clock-context.js';
import { CopyButton } from './copy-button.js';

const at = (ms: number | undefined): string => (ms === undefined ? '—' : clockTime(ms));

export function LiveActivities({ app, activities }: { app: AppModel; activities: ActivityModel[] }) {
  const pushToStart = Object.entries(app.liveActivities?.pushToStartTokens ?? {});
  if (!app.liveActivities && activities.length === 0) return null;
  return (
    <section class="live-activities" aria-label={`Live Activities of ${app.id}`}>
      <h4>Live Activities</h4>
      {pushToStart.length ? (
        <dl class="tokens">
          {pushToStart.map(([type, token]) => (
            <div key={type}>
              <dt>push-to-start {type}</dt>
              <dd>
                <code class="token" data-volatile>
                  {token}
                </code>{' '}
                <CopyButton text={token} label={`Copy the push-to-start token of ${type} on ${app.id}`} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {activities.length === 0 ? <p class="muted">No activity yet.</p> : null}
      <ul class="activities">
        {activities.map((activity) => (
          <li key={activity.id} class="activity" data-activity={activity.id}>
            <p>
              <strong>{activity.attributesType}</strong>{' '}
              <span class={`badge activity-${activity.state}`}>{activity.state}</span>{' '}
              <span class="muted">
                started by {activity.startedBy} at {at(activity.startedAt)} · stale {at(activity.staleDate)}
                {activity.dismissAt !== undefined ? ` · dismissed ${at(activity.dismissAt)}` : ''}
                {activity.relevanceScore !== undefined ? ` · relevance ${activity.relevanceScore}` : ''}
              </span>
            </p>
            <p>
              Content state: <code class="content-state">{JSON.stringify(activity.contentState)}</code>
            </p>
            <p class="muted">
              id{' '}
              <code class="token" data-volatile>
                {activity.id}
              </code>
            </p>
            {activity.pushToken ? (
              <p>
                Push token{' '}
                <code class="token" data-volatile>
                  {activity.pushToken}
                </code>{' '}
                <CopyButton text={activity.pushToken} label={`Copy the push token of activity ${activity.id}`} />
              </p>
            ) : activity.channelId ? (
              <p>
                Channel <code data-volatile>{activity.channelId}</code>
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
