// Phones: every device with its conditions as switches, and on each its apps: SDK profile, tokens, the lifecycle state
// on the platform's chart with the running background budget, and buttons for the lifecycle events valid now.
import { useState } from 'preact/hooks';
import { type ActivityModel, type AppModel, ApiError, type DeviceModel, api, get, post } from '../api.js';
import { useClock } from '../clock-context.js';
import { CopyButton } from '../components/copy-button.js';
import { LiveActivities } from '../components/live-activities.js';
import { ErrorNote } from '../components/notes.js';
import { type LifecycleChart, StateChart, isWithin } from '../components/state-chart.js';
import { useResource } from '../hooks.js';

type Platform = 'ios' | 'android';
type Conditions = DeviceModel['conditions'];
type AppWithBudget = AppModel & { budgetEndsAt?: string };

interface Timer {
  id: string;
  kind: string;
  label: string;
  dueAt: string;
  inMs: number;
  appId?: string;
}

/** The timers read for the cards (the server's maximum): budgets of more apps than this show budgetEndsAt only. */
const TIMERS_READ = 1000;

/** The switches shown per platform: the conditions the rules table tests there. */
const SWITCHES: Record<Platform, { key: keyof Conditions; label: string }[]> = {
  ios: [
    { key: 'online', label: 'Online' },
    { key: 'lowPowerMode', label: 'Low Power Mode' },
    { key: 'backgroundAppRefresh', label: 'Background App Refresh' },
    { key: 'notificationPermission', label: 'Notifications allowed' },
    { key: 'screenLocked', label: 'Screen locked' },
  ],
  android: [
    { key: 'online', label: 'Online' },
    { key: 'doze', label: 'Doze' },
    { key: 'notificationPermission', label: 'Notifications allowed' },
    { key: 'hasGoogleServices', label: 'Google services' },
    { key: 'hasHmsCore', label: 'HMS Core' },
    { key: 'screenLocked', label: 'Screen locked' },
  ],
};

/** The lifecycle events a person does to an app (the others, wakeForPush or budgetExpired, the system sends). */
const USER_EVENTS: Record<Platform, { event: string; label: string }[]> = {
  ios: [
    { event: 'launch', label: 'Launch' },
    { event: 'moveToBackground', label: 'Background' },
    { event: 'suspend', label: 'Suspend' },
    { event: 'terminateBySystem', label: 'Terminate' },
    { event: 'forceQuit', label: 'Force quit' },
  ],
  android: [
    { event: 'launch', label: 'Launch' },
    { event: 'moveToBackground', label: 'Background' },
    { event: 'kill', label: 'Kill' },
    { event: 'forceStop', label: 'Force stop' },
  ],
};

/** Which of the user's events apply now: from the chart's transitions when the server lists them, else all. */
function eventsValidNow(chart: LifecycleChart | undefined, platform: Platform, state: string) {
  const all = USER_EVENTS[platform].filter((e) => !chart || chart.events.includes(e.event));
  if (!chart?.transitions) return all;
  const valid = new Set(chart.transitions.filter((t) => isWithin(state, t.from)).map((t) => t.event));
  return all.filter((e) => valid.has(e.event));
}

function isOn(conditions: Conditions, key: keyof Conditions): boolean {
  const value = conditions[key];
  return key === 'notificationPermission' ? value === 'granted' : value === true;
}

export function PhonesView() {
  const [problem, setProblem] = useState<unknown>();
  // A switch shows what was asked until the device read after the change says what is: a feed-driven re-render of
  // the older reading must not flip it back meanwhile.
  const [asked, setAsked] = useState<Record<string, boolean>>({});
  const devices = useResource(
    () => get<DeviceModel[]>('/devices'),
    [],
    ['device.', 'app.installed', 'app.uninstalled'],
  );
  const apps = useResource(() => get<AppWithBudget[]>('/apps'), [], ['app.', 'token.', 'device.', 'clock.advanced']);
  const lifecycle = useResource(() => get<Record<Platform, LifecycleChart>>('/lifecycle'), []);
  // Budgets and other timers: a newer server lists them; without the route (404) the countdown uses budgetEndsAt
  // only, and says nothing. Any other failure is shown, quietly: the cards still work without the timers.
  const timers = useResource(
    () =>
      get<{ timers: Timer[] }>(`/clock/timers?limit=${TIMERS_READ}`).catch((error: unknown) => {
        if (error instanceof ApiError && error.isRouteMissing) return { timers: [] as Timer[] };
        throw error;
      }),
    [],
    ['app.', 'push.fate', 'push.received', 'clock.advanced'],
  );
  // Live Activities: a server without the route shows none.
  const activities = useResource(
    () => get<ActivityModel[]>('/activities').catch(() => [] as ActivityModel[]),
    [],
    ['activity.', 'app.', 'clock.advanced'],
  );
  const act = async (what: () => Promise<unknown>): Promise<void> => {
    setProblem(undefined);
    try {
      await what();
      await Promise.all([apps.reload(), devices.reload()]);
    } catch (error) {
      setProblem(error);
    }
  };
  const toggle = async (device: DeviceModel, key: keyof Conditions, on: boolean): Promise<void> => {
    const id = `${device.id}.${key}`;
    setAsked((a) => ({ ...a, [id]: on }));
    const value = key === 'notificationPermission' ? (on ? 'granted' : 'denied') : on;
    await act(() => api('PATCH', `/devices/${device.id}/conditions`, { [key]: value }));
    setAsked(({ [id]: _done, ...rest }) => rest);
  };
  const appsOf = (device: DeviceModel) => (apps.data ?? []).filter((app) => app.deviceId === device.id);
  return (
    <section aria-labelledby="phones-title">
      <h1 id="phones-title">Phones</h1>
      <ErrorNote error={problem ?? devices.error ?? apps.error} />
      {timers.error ? (
        <p class="note muted timers-error" role="status">
          The clock's timers could not be read ({timers.error.message}); budgets count down from each app's deadline
          only.
        </p>
      ) : null}
      <NewDeviceForm onDone={() => devices.reload()} />
      {devices.data?.length === 0 ? (
        <p class="empty">No device yet: add one above, or with POST /api/devices.</p>
      ) : null}
      <div class="cards">
        {(devices.data ?? []).map((device) => (
          <article class="card device" key={device.id} aria-labelledby={`device-${device.id}`}>
            <header>
              <h2 id={`device-${device.id}`}>{device.name}</h2>
              <span class="muted">
                {device.platform === 'ios' ? 'iOS' : 'Android'} {device.osVersion}
                {device.manufacturer ? ` · ${device.manufacturer}` : ''} · <code>{device.id}</code>
              </span>
            </header>
            <fieldset class="switches">
              <legend>Conditions</legend>
              {SWITCHES[device.platform].map(({ key, label }) => (
                <label key={key} class="switch">
                  <input
                    type="checkbox"
                    checked={asked[`${device.id}.${key}`] ?? isOn(device.conditions, key)}
                    onChange={(event) => void toggle(device, key, (event.target as HTMLInputElement).checked)}
                  />
                  {label}
                </label>
              ))}
            </fieldset>
            <div class="actions">
              <button type="button" onClick={() => act(() => post(`/devices/${device.id}/reboot`))}>
                Reboot
              </button>
              <button type="button" class="danger" onClick={() => act(() => api('DELETE', `/devices/${device.id}`))}>
                Remove device
              </button>
            </div>
            <ul class="apps" aria-label={`Apps on ${device.name}`}>
              {appsOf(device).map((app) => (
                <AppCard
                  key={app.id}
                  app={app}
                  chart={lifecycle.data?.[device.platform]}
                  timers={(timers.data?.timers ?? []).filter((t) => t.appId === app.id)}
                  activities={(activities.data ?? []).filter((a) => a.appId === app.id)}
                  act={act}
                />
              ))}
            </ul>
            <NewAppForm device={device} onDone={() => apps.reload()} />
          </article>
        ))}
      </div>
    </section>
  );
}

function AppCard({
  app,
  chart,
  timers,
  activities,
  act,
}: {
  app: AppWithBudget;
  chart: LifecycleChart | undefined;
  timers: Timer[];
  activities: ActivityModel[];
  act: (what: () => Promise<unknown>) => Promise<void>;
}) {
  const platform = app.platform ?? 'ios';
  return (
    <li class="app" aria-labelledby={`app-${app.id}`}>
      <h3 id={`app-${app.id}`}>
        {app.bundleId} <span class="muted">({app.id})</span>
      </h3>
      <p class="muted">
        SDK <strong>{app.sdkProfile}</strong> {app.sdkVersion} · {app.environment}
        {app.attached ? ' · shim attached' : ''}
      </p>
      <dl class="tokens">
        {Object.entries(app.tokens).map(([kind, token]) => (
          <div key={kind}>
            <dt>{kind}</dt>
            <dd>
              <code class="token" data-volatile>
                {token}
              </code>{' '}
              <CopyButton text={token} label={`Copy the ${kind} token of ${app.id}`} />
            </dd>
          </div>
        ))}
      </dl>
      <p>
        State:{' '}
        <strong class="state-now" data-app={app.id}>
          {app.lifecycle}
        </strong>
        {app.stoppedBecause ? <span class="muted"> (stopped: {app.stoppedBecause})</span> : null}
      </p>
      <Budget app={app} timers={timers} />
      <LiveActivities app={app} activities={activities} />
      {chart ? <StateChart chart={chart} current={app.lifecycle} label={`Lifecycle of ${app.id}`} /> : null}
      <fieldset class="actions plain">
        <legend class="visually-hidden">{`Lifecycle events for ${app.id}`}</legend>
        {eventsValidNow(chart, platform, app.lifecycle).map(({ event, label }) => (
          <button
            type="button"
            key={event}
            onClick={() => act(() => post(`/apps/${app.id}/lifecycle`, { event }))}
            aria-label={`${label} ${app.id}`}
          >
            {label}
          </button>
        ))}
        <button type="button" class="danger" onClick={() => act(() => api('DELETE', `/apps/${app.id}`))}>
          Uninstall
        </button>
      </fieldset>
    </li>
  );
}

/** The background budget running for the app (iOS's 30 s after a wake), counted down on the simulator's clock. */
function Budget({ app, timers }: { app: AppWithBudget; timers: Timer[] }) {
  const clock = useClock();
  const budget = timers.find((t) => t.kind === 'budget');
  const endsAt = app.budgetEndsAt ? Date.parse(app.budgetEndsAt) : budget ? Date.parse(budget.dueAt) : undefined;
  if (endsAt === undefined) return null;
  const left = Math.max(0, endsAt - clock.now());
  return (
    <p class="budget" role="timer" aria-label={`background budget of ${app.id}`}>
      Background budget: <strong>{(left / 1000).toFixed(1)} s</strong> left
      <meter min={0} max={30_000} value={left} aria-hidden="true" />
    </p>
  );
}

function NewDeviceForm({ onDone }: { onDone: () => void }) {
  const [platform, setPlatform] = useState<Platform>('ios');
  const [id, setId] = useState('');
  const [problem, setProblem] = useState<unknown>();
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setProblem(undefined);
    try {
      await post('/devices', { platform, ...(id ? { id } : {}) });
      setId('');
      onDone();
    } catch (error) {
      setProblem(error);
    }
  };
  return (
    <form class="inline" onSubmit={submit} aria-label="Add a device">
      <label>
        Platform{' '}
        <select value={platform} onChange={(e) => setPlatform((e.target as HTMLSelectElement).value as Platform)}>
          <option value="ios">iOS</option>
          <option value="android">Android</option>
        </select>
      </label>
      <label>
        Id <input value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} placeholder="optional" />
      </label>
      <button type="submit">Add device</button>
      {problem instanceof ApiError ? <ErrorNote error={problem} /> : null}
    </form>
  );
}

const PROFILES: Record<Platform, string[]> = {
  ios: ['zpns-rn', 'native-ios', 'rn-firebase'],
  android: ['zpns-rn', 'native-android', 'rn-firebase'],
};

function NewAppForm({ device, onDone }: { device: DeviceModel; onDone: () => void }) {
  const [bundleId, setBundleId] = useState('com.example.chat');
  const [sdkProfile, setSdkProfile] = useState(PROFILES[device.platform][0]!);
  const [problem, setProblem] = useState<unknown>();
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setProblem(undefined);
    try {
      await post(`/devices/${device.id}/apps`, { bundleId, sdkProfile });
      onDone();
    } catch (error) {
      setProblem(error);
    }
  };
  return (
    <form class="inline" onSubmit={submit} aria-label={`Install an app on ${device.name}`}>
      <label>
        Bundle id <input value={bundleId} onInput={(e) => setBundleId((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        SDK{' '}
        <select value={sdkProfile} onChange={(e) => setSdkProfile((e.target as HTMLSelectElement).value)}>
          {PROFILES[device.platform].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <button type="submit">Install app</button>
      <ErrorNote error={problem} />
    </form>
  );
}
