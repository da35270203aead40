// Send: an APNs push (templates, headers, a payload checked as APNs would), an FCM Message, or a ZIM message with one
// of the declared resourcesID strategies, to an app picked from the fleet; shows the answer and opens the push.
// APNs and FCM go through the wire as a backend's would: POST /api/send/apns and /api/send/fcm have the control plane
// sign with credentials of its own and send over loopback HTTP/2 or HTTPS to pushsim's own endpoints (a page cannot
// speak HTTP/2 with a provider JWT itself), and the panel shows the service's answer as it came. ZIM goes through
// POST /api/zpns/messages.
import { useMemo, useState } from 'preact/hooks';
import { type AppModel, call, get, post } from '../api.js';
import { checkApnsPush } from '../apns-payload-check.js';
import { ErrorNote } from '../components/notes.js';
import { checkFcmMessage } from '../fcm-message-check.js';
import { useResource } from '../hooks.js';
import { setQuery, useLocation } from '../router.js';
import { LiveActivityFields, type LiveActivityTarget } from './live-activity-fields.js';

type Service = 'apns' | 'fcm' | 'zim';

interface Template {
  name: string;
  label: string;
  pushType: string;
  priority: string;
  payload: Record<string, unknown>;
}

const APNS_TEMPLATES: Template[] = [
  {
    name: 'alert',
    label: 'Alert',
    pushType: 'alert',
    priority: '10',
    payload: { aps: { alert: { title: 'Hello', body: 'from pushsim' }, sound: 'default' } },
  },
  {
    name: 'silent',
    label: 'Silent (background)',
    pushType: 'background',
    priority: '5',
    payload: { aps: { 'content-available': 1 }, sync: 'inbox' },
  },
  { name: 'voip', label: 'VoIP', pushType: 'voip', priority: '10', payload: { caller: 'alice', callId: 'call-1' } },
  {
    name: 'liveactivity',
    label: 'Live Activity',
    pushType: 'liveactivity',
    priority: '10',
    payload: { aps: { timestamp: 0, event: 'update', 'content-state': {} } },
  },
];

interface Answer {
  status: number;
  body: unknown;
}

/** The answer of POST /api/send/* (simulator/model/wire-send.ts): the service's own, as it came over the wire. */
interface WireAnswer {
  service: 'apns' | 'fcm';
  url: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  reason?: string;
  pushId?: string;
  pushIds: string[];
}

function isWireAnswer(body: unknown): body is WireAnswer {
  return typeof body === 'object' && body !== null && 'service' in body && 'pushIds' in body;
}

export function SendView() {
  const { query } = useLocation();
  const service = (
    ['apns', 'fcm', 'zim'].includes(query.get('service') ?? '') ? query.get('service') : 'apns'
  ) as Service;
  const apps = useResource(() => get<AppModel[]>('/apps'), [], ['app.', 'token.']);
  const appId = query.get('app') ?? '';
  const wanted = service === 'apns' ? 'apns' : service === 'fcm' ? 'fcm' : 'zpns';
  const candidates = (apps.data ?? []).filter((app) => app.tokens[wanted] !== undefined);
  const app = candidates.find((a) => a.id === appId) ?? candidates[0];
  const [answer, setAnswer] = useState<Answer | undefined>();
  const [problem, setProblem] = useState<unknown>();
  const send = async (method: string, path: string, body: unknown): Promise<void> => {
    setProblem(undefined);
    setAnswer(undefined);
    try {
      setAnswer(await call(method, path, body));
    } catch (error) {
      setProblem(error);
    }
  };
  return (
    <section aria-labelledby="send-title">
      <h1 id="send-title">Send</h1>
      <fieldset class="actions plain">
        <legend class="visually-hidden">Service</legend>
        {(['apns', 'fcm', 'zim'] as const).map((s) => (
          <button type="button" key={s} aria-pressed={service === s} onClick={() => setQuery({ service: s })}>
            {s === 'apns' ? 'APNs' : s === 'fcm' ? 'FCM' : 'ZIM (ZPNs)'}
          </button>
        ))}
      </fieldset>
      <ErrorNote error={apps.error} />
      <label>
        To app{' '}
        <select value={app?.id ?? ''} onChange={(e) => setQuery({ app: (e.target as HTMLSelectElement).value })}>
          {candidates.length === 0 ? (
            <option value="">no app with a {wanted} token: install one on the Phones view</option>
          ) : null}
          {candidates.map((a) => (
            <option key={a.id} value={a.id}>
              {a.id} — {a.bundleId} ({a.sdkProfile}, {a.lifecycle})
            </option>
          ))}
        </select>
      </label>
      {app && service === 'apns' ? <ApnsForm app={app} onSend={(path, body) => send('POST', path, body)} /> : null}
      {app && service === 'fcm' ? <FcmForm app={app} onSend={(body) => send('POST', '/send/fcm', body)} /> : null}
      {app && service === 'zim' ? <ZimForm app={app} onSend={send} /> : null}
      <ErrorNote error={problem} />
      {answer ? <AnswerPanel answer={answer} /> : null}
    </section>
  );
}

function AnswerPanel({ answer }: { answer: Answer }) {
  if (answer.status === 200 && isWireAnswer(answer.body)) return <WireAnswerPanel answer={answer.body} />;
  const body = answer.body as
    | { id?: string; fate?: { name: string; callback?: string }; results?: { pushId?: string; id?: string }[] }
    | undefined;
  const pushId = body?.id ?? body?.results?.find((r) => r.pushId ?? r.id)?.pushId;
  return (
    <div class="answer" role="status" aria-live="polite">
      <h2>
        Answer: HTTP {answer.status}
        {body?.fate ? ` · ${body.fate.name}${body.fate.callback ? ` → ${body.fate.callback}` : ''}` : ''}
      </h2>
      {pushId ? (
        <p>
          <a href={`/pushes/${encodeURIComponent(pushId)}`}>Open the push</a>
        </p>
      ) : null}
      <pre>{JSON.stringify(answer.body, null, 2)}</pre>
    </div>
  );
}

function WireAnswerPanel({ answer }: { answer: WireAnswer }) {
  const name = answer.service === 'apns' ? 'APNs' : 'FCM';
  return (
    <div class="answer" role="status" aria-live="polite">
      <h2>
        {name} answered HTTP {answer.status}
        {answer.reason ? ` ${answer.reason}` : ''}
      </h2>
      <p class="muted">
        over the wire to <code data-volatile>{answer.url}</code>
      </p>
      {Object.keys(answer.headers).length ? (
        <table class="headers">
          <caption class="visually-hidden">Answer headers</caption>
          <tbody>
            {Object.entries(answer.headers).map(([header, value]) => (
              <tr key={header}>
                <th scope="row">{header}</th>
                <td>
                  <code data-volatile>{value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {answer.pushIds.length ? (
        <ul>
          {answer.pushIds.map((id, n) => (
            <li key={id}>
              <a href={`/pushes/${encodeURIComponent(id)}`}>
                {answer.pushIds.length === 1 ? 'Open the push' : `Open push ${n + 1} of ${answer.pushIds.length}`}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No push entered the ledger: {name} refused the request.</p>
      )}
      {answer.body !== null ? <pre data-volatile>{JSON.stringify(answer.body, null, 2)}</pre> : null}
    </div>
  );
}

function ApnsForm({ app, onSend }: { app: AppModel; onSend: (path: string, body: unknown) => void }) {
  const [template, setTemplate] = useState('alert');
  const [pushType, setPushType] = useState('alert');
  const [priority, setPriority] = useState('10');
  const [collapseId, setCollapseId] = useState('');
  const [expiration, setExpiration] = useState('');
  const [payloadText, setPayloadText] = useState(JSON.stringify(APNS_TEMPLATES[0]!.payload, null, 2));
  const [liveTarget, setLiveTarget] = useState<LiveActivityTarget | undefined>();
  // The Live Activity template is offered to an app that declares Live Activities (its liveActivities).
  const templates = APNS_TEMPLATES.filter((t) => t.name !== 'liveactivity' || app.liveActivities !== undefined);
  const isLive = template === 'liveactivity' && app.liveActivities !== undefined;
  const use = (t: Template): void => {
    setTemplate(t.name);
    setPushType(t.pushType);
    setPriority(t.priority);
    setPayloadText(JSON.stringify(t.payload, null, 2));
  };
  const check = useMemo(
    () => checkApnsPush({ pushType, priority, collapseId, expiration }, payloadText),
    [pushType, priority, collapseId, expiration, payloadText],
  );
  const refusals = check.problems.filter((p) => p.reason !== 'warning');
  const topic = `${app.bundleId}${pushType === 'voip' ? '.voip' : pushType === 'liveactivity' ? '.push-type.liveactivity' : ''}`;
  const submit = (event: Event): void => {
    event.preventDefault();
    if (!check.payload || refusals.length) return;
    if (isLive && liveTarget?.kind === 'channel') {
      onSend('/send/apns-broadcast', {
        bundleId: app.bundleId,
        channelId: liveTarget.channelId,
        headers: { 'apns-priority': priority, ...(expiration ? { 'apns-expiration': expiration } : {}) },
        payload: check.payload,
      });
      return;
    }
    const voipToken = pushType === 'voip' ? app.tokens.voip : undefined;
    const token = isLive && liveTarget && liveTarget.kind !== 'channel' ? liveTarget.token : voipToken;
    onSend('/send/apns', {
      ...(token ? { token } : { app: app.id }),
      headers: {
        'apns-topic': topic,
        'apns-push-type': pushType,
        'apns-priority': priority,
        ...(collapseId ? { 'apns-collapse-id': collapseId } : {}),
        ...(expiration ? { 'apns-expiration': expiration } : {}),
      },
      payload: check.payload,
    });
  };
  return (
    <form onSubmit={submit} aria-label="APNs push" class="send-form">
      <fieldset class="actions plain">
        <legend class="visually-hidden">Template</legend>
        {templates.map((t) => (
          <button type="button" key={t.name} aria-pressed={template === t.name} onClick={() => use(t)}>
            {t.label}
          </button>
        ))}
      </fieldset>
      <fieldset>
        <legend>Headers</legend>
        <label>
          apns-push-type{' '}
          <select value={pushType} onChange={(e) => setPushType((e.target as HTMLSelectElement).value)}>
            {['alert', 'background', 'voip', ...(app.liveActivities ? ['liveactivity'] : [])].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>{' '}
        <label>
          apns-priority{' '}
          <select value={priority} onChange={(e) => setPriority((e.target as HTMLSelectElement).value)}>
            <option>10</option>
            <option>5</option>
            <option>1</option>
          </select>
        </label>{' '}
        <label>
          apns-collapse-id{' '}
          <input value={collapseId} onInput={(e) => setCollapseId((e.target as HTMLInputElement).value)} />
        </label>{' '}
        <label>
          apns-expiration{' '}
          <input
            value={expiration}
            placeholder="UNIX seconds"
            onInput={(e) => setExpiration((e.target as HTMLInputElement).value)}
          />
        </label>{' '}
        <span class="muted">
          apns-topic <code>{topic}</code>
        </span>
      </fieldset>
      {isLive ? (
        <LiveActivityFields
          app={app}
          onCompose={(text, target) => {
            setPayloadText(text);
            setLiveTarget(target);
          }}
        />
      ) : null}
      <label class="block">
        Payload
        <textarea
          rows={10}
          spellcheck={false}
          value={payloadText}
          onInput={(e) => setPayloadText((e.target as HTMLTextAreaElement).value)}
          aria-describedby="apns-problems"
        />
      </label>
      <p class="muted">{new TextEncoder().encode(payloadText).length} bytes</p>
      <ul id="apns-problems" class="problems" aria-live="polite">
        {check.problems.map((p) => (
          <li key={p.message} class={p.reason === 'warning' ? 'warning' : 'error'}>
            {p.reason === 'warning' ? 'Note' : p.reason}: {p.message}
          </li>
        ))}
      </ul>
      <button type="submit" class="primary" disabled={refusals.length > 0}>
        Send APNs push
      </button>
    </form>
  );
}

function FcmForm({ app, onSend }: { app: AppModel; onSend: (body: unknown) => void }) {
  const [form, setForm] = useState({
    title: '',
    body: '',
    data: '{\n  "sync": "inbox"\n}',
    priority: 'high' as 'high' | 'normal',
    ttl: '',
    collapseKey: '',
  });
  const check = useMemo(() => checkFcmMessage(form), [form]);
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onInput: (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value }),
  });
  const submit = (event: Event): void => {
    event.preventDefault();
    if (!check.payload) return;
    onSend({
      app: app.id,
      message: {
        ...check.payload,
        android: {
          priority: form.priority.toUpperCase(),
          ...(form.ttl ? { ttl: form.ttl } : {}),
          ...(form.collapseKey ? { collapse_key: form.collapseKey } : {}),
        },
      },
    });
  };
  return (
    <form onSubmit={submit} aria-label="FCM message" class="send-form">
      <fieldset>
        <legend>message.notification</legend>
        <label>
          title <input {...field('title')} />
        </label>{' '}
        <label>
          body <input {...field('body')} />
        </label>
      </fieldset>
      <label class="block">
        message.data (string values)
        <textarea rows={5} spellcheck={false} {...field('data')} />
      </label>
      <fieldset>
        <legend>message.android</legend>
        <label>
          priority{' '}
          <select
            value={form.priority}
            onChange={(e) => setForm({ ...form, priority: (e.target as HTMLSelectElement).value as 'high' | 'normal' })}
          >
            <option>high</option>
            <option>normal</option>
          </select>
        </label>{' '}
        <label>
          ttl <input {...field('ttl')} placeholder="3600s" />
        </label>{' '}
        <label>
          collapse_key <input {...field('collapseKey')} />
        </label>
      </fieldset>
      <ul class="problems" aria-live="polite">
        {check.problems.map((p) => (
          <li key={p} class="error">
            INVALID_ARGUMENT: {p}
          </li>
        ))}
      </ul>
      <button type="submit" class="primary" disabled={!check.payload}>
        Send FCM message
      </button>
    </form>
  );
}

interface Strategy {
  resourcesID: string;
  [vendor: string]: unknown;
}

function ZimForm({
  app,
  onSend,
}: {
  app: AppModel;
  onSend: (method: string, path: string, body: unknown) => Promise<void>;
}) {
  const strategies = useResource(() => get<Strategy[]>('/zpns/strategies'), []);
  const [from, setFrom] = useState('alice');
  const [to, setTo] = useState('bob');
  const [resourcesID, setResourcesID] = useState('');
  const [text, setText] = useState('sync');
  const [title, setTitle] = useState('');
  const [payload, setPayload] = useState('{"sync":"inbox"}');
  const [problem, setProblem] = useState<unknown>();
  const chosen = resourcesID || strategies.data?.[0]?.resourcesID || '';
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setProblem(undefined);
    try {
      const users = await get<{ userID: string; apps: string[] }[]>('/zpns/users');
      // The receiver's ZIM user is logged in on the app, offline, so the message becomes a push (ZPNs).
      if (!users.some((u) => u.userID === to && u.apps.includes(app.id)))
        await post('/zpns/users', { userID: to, appId: app.id, connection: 'down' });
    } catch (error) {
      setProblem(error);
      return;
    }
    await onSend('POST', '/zpns/messages', {
      fromUserID: from,
      toConversationID: to,
      message: { type: 1, message: text },
      config: { priority: 2, pushConfig: { resourcesID: chosen, title, payload } },
    });
  };
  return (
    <form onSubmit={submit} aria-label="ZIM message" class="send-form">
      <ErrorNote error={strategies.error ?? problem} />
      <label>
        resourcesID{' '}
        <select value={chosen} onChange={(e) => setResourcesID((e.target as HTMLSelectElement).value)}>
          {(strategies.data ?? []).length === 0 ? (
            <option value="">none declared (POST /api/zpns/strategies)</option>
          ) : null}
          {(strategies.data ?? []).map((s) => (
            <option key={s.resourcesID} value={s.resourcesID}>
              {s.resourcesID} —{' '}
              {Object.keys(s)
                .filter((k) => k !== 'resourcesID')
                .join(', ')}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        From user <input value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
      </label>{' '}
      <label>
        To user (on {app.id}) <input value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
      </label>
      <label class="block">
        Message text <input value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </label>
      <label class="block">
        pushConfig.title <input value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
      </label>
      <label class="block">
        pushConfig.payload (a string){' '}
        <input value={payload} onInput={(e) => setPayload((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" class="primary">
        Send ZIM message
      </button>
    </form>
  );
}
