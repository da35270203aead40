// Pushes: the ledger as a live timeline, newest first, virtualised; filters in the URL; pause and clear.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type LedgerEntryModel, get } from '../api.js';
import { clockTime } from '../clock-context.js';
import { FateBadge } from '../components/fate-badge.js';
import { ErrorNote } from '../components/notes.js';
import { VirtualList } from '../components/virtual-list.js';
import { FEED_RECONNECTED } from '../event-feed.js';
import { useFeed } from '../hooks.js';
import { FILTER_KEYS, filterFromQuery, matchesFilter } from '../push-filter.js';
import { setQuery, useLocation } from '../router.js';

/** As many entries as the page reads at start; the feed adds the rest. */
const FIRST_PAGE = 10_000;
const ROW_HEIGHT = 44;
const FATES = [
  'accepted',
  'delivered',
  'displayed',
  'stored',
  'deferred',
  'throttled',
  'collapsed',
  'expired',
  'rejected',
  'dropped',
];

/** The ledger as the page holds it: entries by id, and their order, newest first. */
function useLedger(isPaused: boolean) {
  const [entries, setEntries] = useState<LedgerEntryModel[]>([]);
  const [error, setError] = useState<unknown>();
  const [missed, setMissed] = useState(0);
  const pending = useRef(new Map<string, LedgerEntryModel>());
  const frame = useRef(0);
  const load = async (): Promise<void> => {
    try {
      setEntries(await get<LedgerEntryModel[]>(`/pushes?limit=${FIRST_PAGE}`));
      setError(undefined);
      setMissed(0);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    if (!isPaused) void load();
  }, [isPaused]);
  const flush = (): void => {
    frame.current = 0;
    const updates = pending.current;
    pending.current = new Map();
    setEntries((list) => {
      const fresh: LedgerEntryModel[] = [];
      const next = list.map((entry) => {
        const update = updates.get(entry.id);
        if (!update) return entry;
        updates.delete(entry.id);
        return update;
      });
      for (const entry of updates.values()) fresh.push(entry);
      fresh.sort((a, b) => b.push.acceptedAt - a.push.acceptedAt);
      return fresh.length ? [...fresh, ...next] : next;
    });
  };
  useFeed((message) => {
    if (message.type === 'simulator.reset' || message.type === FEED_RECONNECTED) {
      if (!isPaused) void load();
      return;
    }
    if (message.type !== 'push.accepted' && message.type !== 'push.fate') return;
    const entry = message.data.entry as LedgerEntryModel | undefined;
    if (!entry) return;
    if (isPaused) {
      if (message.type === 'push.accepted') setMissed((n) => n + 1);
      return;
    }
    // Newest feed data wins; a fate and its accept in one frame collapse into one row update.
    pending.current.delete(entry.id);
    pending.current.set(entry.id, entry);
    frame.current ||= requestAnimationFrame(flush);
  });
  return { entries, error, missed };
}

export function PushesView() {
  const { query } = useLocation();
  const filter = filterFromQuery(query);
  const [isPaused, setPaused] = useState(false);
  const [cleared, setCleared] = useState<ReadonlySet<string>>(new Set());
  const { entries, error, missed } = useLedger(isPaused);
  const filterKey = FILTER_KEYS.map((key) => filter[key] ?? '').join('\u0000');
  const shown = useMemo(
    () => entries.filter((entry) => !cleared.has(entry.id) && matchesFilter(entry, filter)),
    [entries, cleared, filterKey],
  );
  const apps = useMemo(() => [...new Set(entries.map((e) => e.appId).filter(Boolean))].sort() as string[], [entries]);
  const devices = useMemo(
    () => [...new Set(entries.map((e) => e.deviceId).filter(Boolean))].sort() as string[],
    [entries],
  );
  const services = useMemo(
    () => [...new Set(entries.flatMap((e) => [e.provider, e.push.channel ?? e.provider]))].sort(),
    [entries],
  );
  const callbacks = useMemo(
    () => [...new Set(entries.flatMap((e) => e.history.map((f) => f.callback)).filter(Boolean))].sort() as string[],
    [entries],
  );
  const select = (key: string, label: string, options: string[]) => (
    <label>
      {label}{' '}
      <select
        value={filter[key as keyof typeof filter] ?? ''}
        onChange={(e) => setQuery({ [key]: (e.target as HTMLSelectElement).value })}
      >
        <option value="">any</option>
        {[
          ...new Set([
            ...(filter[key as keyof typeof filter] ? [filter[key as keyof typeof filter]!] : []),
            ...options,
          ]),
        ].map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section aria-labelledby="pushes-title" class="pushes">
      <h1 id="pushes-title">Pushes</h1>
      <form class="filters" aria-label="Filter pushes" onSubmit={(e) => e.preventDefault()}>
        {select('service', 'Service', services)}
        {select('app', 'App', apps)}
        {select('device', 'Device', devices)}
        {select('fate', 'Fate', FATES)}
        {select('callback', 'Callback', callbacks)}
        <label>
          Rule{' '}
          <input
            value={filter.rule ?? ''}
            size={18}
            onChange={(e) => setQuery({ rule: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          Text{' '}
          <input
            type="search"
            value={filter.q ?? ''}
            placeholder="in payloads"
            onInput={(e) => setQuery({ q: (e.target as HTMLInputElement).value })}
          />
        </label>
        <button type="button" aria-pressed={isPaused} onClick={() => setPaused(!isPaused)}>
          {isPaused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={() => setCleared(new Set(entries.map((e) => e.id)))}>
          Clear
        </button>
        {Object.keys(filter).length ? (
          <button type="button" onClick={() => setQuery(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])))}>
            Reset filters
          </button>
        ) : null}
      </form>
      <ErrorNote error={error} />
      <p class="muted" role="status" aria-live="polite">
        {shown.length.toLocaleString('en')} of {entries.length.toLocaleString('en')} pushes
        {isPaused ? ` · paused${missed ? `, ${missed} new waiting` : ''}` : ''}
        {cleared.size ? ` · ${cleared.size} cleared from view` : ''}
      </p>
      <div class="row head" aria-hidden="true">
        <span>time</span>
        <span>service</span>
        <span>app</span>
        <span>kind</span>
        <span>fate</span>
      </div>
      <VirtualList
        items={shown}
        rowHeight={ROW_HEIGHT}
        label="Pushes, newest first"
        keyOf={(entry) => entry.id}
        renderRow={(entry) => <PushRow entry={entry} />}
      />
    </section>
  );
}

function PushRow({ entry }: { entry: LedgerEntryModel }) {
  const { push } = entry;
  return (
    <a class="row" href={`/pushes/${encodeURIComponent(entry.id)}`} data-push={entry.id}>
      <span class="time">{clockTime(push.acceptedAt)}</span>
      <span>
        {entry.provider}
        {push.channel && push.channel !== entry.provider ? ` → ${push.channel}` : ''}
      </span>
      <span class="ellipsis">{entry.appId ?? <em>no app</em>}</span>
      <span>
        {push.kind} · {push.priority}
      </span>
      <span class="ellipsis">
        <FateBadge fate={entry.fate} />
      </span>
    </a>
  );
}
