// One push: the request as it arrived, its fates as a timeline, the rows that decided them with conditions and
// sources, what the app's code received, the notes; resend, tap, copy as curl or as a scenario step.
import { useState } from 'preact/hooks';
import { type LedgerEntryModel, type RuleModel, call, get, post } from '../api.js';
import { clockTime } from '../clock-context.js';
import { CopyButton } from '../components/copy-button.js';
import { FateBadge } from '../components/fate-badge.js';
import { ErrorNote, isRouteMissing, NotAvailable } from '../components/notes.js';
import { useResource } from '../hooks.js';
import { pushAsCurl, pushAsScenarioStep } from '../push-export.js';
import { ruleIdsOf } from '../push-filter.js';
import { navigate } from '../router.js';
import { rulesById, sourceHref } from '../rules-cache.js';

/** Header names that carry a secret; the ledger keeps none, and the page would hide one if it ever did. */
const SECRET_HEADERS = /^(authorization|apns-auth|x-goog-api-key|cookie)$/i;

export function PushView({ id }: { id: string }) {
  const entry = useResource(() => get<LedgerEntryModel>(`/pushes/${encodeURIComponent(id)}`), [id], ['push.']);
  const rules = useResource(() => rulesById(), []);
  const [answer, setAnswer] = useState<{ what: string; status: number; body: unknown } | undefined>();
  const [resendMissing, setResendMissing] = useState(false);
  const [problem, setProblem] = useState<unknown>();
  const e = entry.data;
  if (!e)
    return (
      <section aria-labelledby="push-title">
        <h1 id="push-title">Push {id}</h1>
        {entry.isLoading ? <p>Loading…</p> : <ErrorNote error={entry.error} />}
        <a href="/pushes">Back to pushes</a>
      </section>
    );
  const resend = async (): Promise<void> => {
    setProblem(undefined);
    const result = await call('POST', `/pushes/${encodeURIComponent(id)}/resend`, {});
    const body = result.body as { error?: { code?: string }; pushId?: string } | undefined;
    if (result.status === 404 && body?.error?.code === 'NOT_FOUND') {
      setResendMissing(true);
      return;
    }
    setAnswer({ what: 'Resend', status: result.status, body: result.body });
    if (body?.pushId) navigate(`/pushes/${encodeURIComponent(body.pushId)}`);
  };
  const tap = async (): Promise<void> => {
    setProblem(undefined);
    try {
      const result = await post(`/apps/${encodeURIComponent(e.appId!)}/tap`, { pushId: e.id });
      setAnswer({ what: 'Tap', status: 200, body: result });
    } catch (error) {
      setProblem(error);
    }
  };
  const wasShown = e.history.some((fate) => fate.displayed || fate.name === 'displayed');
  const ruleIds = [...new Set(ruleIdsOf(e))];
  const headers = Object.entries(e.push.headers ?? {}).filter(([name]) => !SECRET_HEADERS.test(name));
  return (
    <section aria-labelledby="push-title" class="push-detail">
      <p>
        <a href="/pushes">← Pushes</a>
      </p>
      <h1 id="push-title">
        Push <code data-volatile>{e.id}</code>
      </h1>
      <p class="summary">
        <FateBadge fate={e.fate} /> · {e.provider}
        {e.push.channel ? ` → ${e.push.channel}` : ''} · {e.push.kind} · {e.push.priority} · to{' '}
        {e.appId ? <a href={`/pushes?app=${encodeURIComponent(e.appId)}`}>{e.appId}</a> : <em>no app</em>}
        {e.deviceId ? ` on ${e.deviceId}` : ''}
      </p>
      <div class="actions">
        <button type="button" onClick={resend}>
          Resend
        </button>
        {wasShown && e.appId ? (
          <button type="button" onClick={tap}>
            Tap the notification
          </button>
        ) : null}
        <CopyButton text={pushAsCurl(e, location.origin)} label="Copy as curl" visible="Copy as curl" />
        <CopyButton text={pushAsScenarioStep(e)} label="Copy as scenario step" visible="Copy as scenario step" />
      </div>
      {resendMissing ? <NotAvailable what="Resend" /> : null}
      <ErrorNote error={problem} />
      {answer ? (
        <div class="answer" role="status">
          <h2>
            {answer.what}: HTTP {answer.status}
          </h2>
          <pre>{JSON.stringify(answer.body, null, 2)}</pre>
        </div>
      ) : null}
      <div class="columns">
        <div>
          <h2>Fate history</h2>
          <ol class="timeline" aria-label="Fate history, oldest first">
            {e.history.map((fate, index) => (
              <li key={index}>
                <span class="time">{clockTime(fate.at)}</span> <FateBadge fate={fate} />
                {fate.callback && fate.reason ? <span class="reason"> {fate.reason}</span> : null}
                {fate.platformCallback ? (
                  <div class="muted">
                    platform: <code>{fate.platformCallback}</code>
                  </div>
                ) : null}
                {fate.ruleId ? (
                  <div class="muted">
                    by <code class="rule-id">{fate.ruleId}</code>
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
          <h2>What the app received</h2>
          {e.receipts.length === 0 ? (
            <p class="muted">No receipt: no client shim ran the app's code for it (a virtual app).</p>
          ) : (
            <ul>
              {e.receipts.map((receipt, index) => (
                <li key={index}>
                  <span class="time">{clockTime(receipt.at)}</span> <code>{receipt.callback}</code>
                  {receipt.durationMs !== undefined ? ` (${receipt.durationMs} ms)` : ''}
                  <pre>{JSON.stringify(receipt.message, null, 2)}</pre>
                </li>
              ))}
            </ul>
          )}
          <h2>Notes</h2>
          {e.notes.length === 0 && !e.push.notes?.length ? <p class="muted">None.</p> : null}
          <ul>
            {(e.push.notes ?? []).map((note) => (
              <li key={note}>{note}</li>
            ))}
            {e.notes.map((note, index) => (
              <li key={index}>
                <span class="time">{clockTime(note.at)}</span> {note.note}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h2>Request</h2>
          <table class="headers">
            <caption class="visually-hidden">Request headers</caption>
            <tbody>
              <tr>
                <th scope="row">token</th>
                <td>
                  <code class="token" data-volatile>
                    {e.token}
                  </code>
                </td>
              </tr>
              {e.push.collapseId ? (
                <tr>
                  <th scope="row">collapse id</th>
                  <td>{e.push.collapseId}</td>
                </tr>
              ) : null}
              {e.push.expiresAt !== undefined ? (
                <tr>
                  <th scope="row">expires at</th>
                  <td>{e.push.expiresAt === 0 ? '0 (now or never)' : new Date(e.push.expiresAt).toISOString()}</td>
                </tr>
              ) : null}
              {headers.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Payload</h3>
          <pre class="payload">{JSON.stringify(e.push.payload, null, 2)}</pre>
        </div>
      </div>
      <h2>Rules that decided it</h2>
      {isRouteMissing(rules.error) ? <NotAvailable what="The rules table" /> : <ErrorNote error={rules.error} />}
      <div class="rule-rows">
        {ruleIds.map((ruleId) => (
          <RuleRow key={ruleId} id={ruleId} rule={rules.data?.get(ruleId)} />
        ))}
      </div>
    </section>
  );
}

export function RuleRow({ id, rule }: { id: string; rule: RuleModel | undefined }) {
  return (
    <article class="rule" aria-labelledby={`rule-${id}`}>
      <h3 id={`rule-${id}`}>
        <code class="rule-id">{id}</code>{' '}
        {rule ? (
          <span class="muted">
            {rule.stage} · {rule.kind}
            {rule.channels ? ` · ${rule.channels.join(', ')}` : ''}
            {rule.unconfirmed ? ' · unconfirmed' : ''}
          </span>
        ) : null}
      </h3>
      {rule ? (
        <>
          <p>
            <strong>When</strong> {rule.condition}
          </p>
          <p>
            <strong>Then</strong> {rule.outcome}
          </p>
          <p class="sources">
            <strong>Source</strong>{' '}
            {rule.source.map((source) => {
              const href = sourceHref(source);
              return href ? (
                <a key={source} href={href} target="_blank" rel="noreferrer">
                  {source}
                </a>
              ) : (
                <code key={source}>{source}</code>
              );
            })}
            {rule.origin === 'simulator' ? <span class="muted"> (a rule of the simulator itself)</span> : null}
          </p>
          <p>
            <a href={`/pushes?rule=${encodeURIComponent(id)}`}>Pushes decided by this row</a>
          </p>
        </>
      ) : null}
    </article>
  );
}
