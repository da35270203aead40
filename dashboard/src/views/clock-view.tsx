// Clock: real or virtual; a virtual clock is advanced by 30 s, 1 min, 1 h or a value (POST /api/clock/advance), and
// the earliest timers waiting on it are listed (GET /api/clock/timers, on servers that have it), with how many more.
import { useState } from 'preact/hooks';
import { type ClockModel, get, post } from '../api.js';
import { clockTime, useClock } from '../clock-context.js';
import { ErrorNote, isRouteMissing, NotAvailable } from '../components/notes.js';
import { useResource } from '../hooks.js';

interface Timer {
  id: string;
  kind: string;
  label: string;
  dueAt: string;
  inMs: number;
  appId?: string;
  deviceId?: string;
  pushId?: string;
}

/**
 * The feed events after which the timers can differ: lifecycle changes (budgets, suspension), a push's fate (held in
 * the offline store, deferred), its receipt (a virtual app's handler), Live Activities; not every `push.` note.
 */
const TIMER_EVENTS = ['clock.advanced', 'app.', 'push.fate', 'push.received', 'activity.'] as const;

export function ClockView() {
  const clock = useClock();
  const reading = useResource(() => get<ClockModel>('/clock'), [], TIMER_EVENTS);
  // The server's default page (the earliest 200); an older server answers without `total`.
  const timers = useResource(() => get<{ timers: Timer[]; total?: number }>('/clock/timers'), [], TIMER_EVENTS);
  const hidden = timers.data?.total !== undefined ? timers.data.total - timers.data.timers.length : 0;
  const [by, setBy] = useState('5s');
  const [problem, setProblem] = useState<unknown>();
  const advance = async (amount: string): Promise<void> => {
    setProblem(undefined);
    try {
      await post('/clock/advance', { by: amount });
      clock.reload();
      reading.reload();
      timers.reload();
    } catch (error) {
      setProblem(error);
    }
  };
  const isVirtual = reading.data?.kind === 'virtual';
  return (
    <section aria-labelledby="clock-title">
      <h1 id="clock-title">Clock</h1>
      <ErrorNote error={reading.error} />
      {reading.data ? (
        <p class="clock-now">
          <strong>{reading.data.kind}</strong> clock ·{' '}
          <time dateTime={new Date(clock.now()).toISOString()}>{new Date(clock.now()).toISOString()}</time> ·{' '}
          {reading.data.pendingTimers} timers pending
        </p>
      ) : null}
      {isVirtual ? (
        <fieldset class="actions plain">
          <legend class="visually-hidden">Advance the virtual clock</legend>
          <button type="button" onClick={() => advance('30s')}>
            +30 s
          </button>
          <button type="button" onClick={() => advance('1m')}>
            +1 min
          </button>
          <button type="button" onClick={() => advance('1h')}>
            +1 h
          </button>
          <form
            class="inline"
            onSubmit={(e) => {
              e.preventDefault();
              void advance(/^\d+$/.test(by) ? `${by}ms` : by);
            }}
          >
            <label>
              By <input value={by} size={8} onInput={(e) => setBy((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit">Advance</button>
          </form>
        </fieldset>
      ) : reading.data ? (
        <p class="muted">A real clock runs on its own; start pushsim with --virtual-clock to move time by hand.</p>
      ) : null}
      <ErrorNote error={problem} />
      <h2>Pending timers</h2>
      {isRouteMissing(timers.error) ? (
        <NotAvailable what="The list of pending timers" />
      ) : (
        <ErrorNote error={timers.error} />
      )}
      {timers.data?.timers.length === 0 ? <p class="muted">No timer waits.</p> : null}
      {timers.data?.timers.length ? (
        <table class="timers">
          <thead>
            <tr>
              <th scope="col">due</th>
              <th scope="col">in</th>
              <th scope="col">kind</th>
              <th scope="col">what</th>
            </tr>
          </thead>
          <tbody>
            {timers.data.timers.map((timer) => (
              <tr key={timer.id}>
                <td>{clockTime(Date.parse(timer.dueAt))}</td>
                <td>{(timer.inMs / 1000).toFixed(1)} s</td>
                <td>{timer.kind}</td>
                <td>
                  {timer.label}
                  {timer.pushId ? (
                    <>
                      {' '}
                      <a href={`/pushes/${encodeURIComponent(timer.pushId)}`}>push</a>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {hidden > 0 ? (
        <p class="muted timers-more">
          {hidden} more {hidden === 1 ? 'timer waits' : 'timers wait'} after these (GET /api/clock/timers?limit= lists
          up to 1000).
        </p>
      ) : null}
    </section>
  );
}
