// The dashboard: one page over the documented control API (GET /api/openapi.json) and the ws feed; the path picks the
// view (dashboard contract: /, /pushes, /pushes/<id>, /send, /rules, /faults, /clock, /scenarios, /connect).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { adoptToken } from './api.js';
import { ClockProvider, clockTime, useClock } from './clock-context.js';
import { type FeedStatus, feed } from './event-feed.js';
import { followLink, useLocation } from './router.js';
import { ClockView } from './views/clock-view.js';
import { ConnectView } from './views/connect-view.js';
import { FaultsView } from './views/faults-view.js';
import { PhonesView } from './views/phones-view.js';
import { PushView } from './views/push-view.js';
import { PushesView } from './views/pushes-view.js';
import { RulesView } from './views/rules-view.js';
import { ScenariosView } from './views/scenarios-view.js';
import { SendView } from './views/send-view.js';

const VIEWS = [
  { path: '/', title: 'Phones' },
  { path: '/pushes', title: 'Pushes' },
  { path: '/send', title: 'Send' },
  { path: '/rules', title: 'Rules' },
  { path: '/faults', title: 'Faults & chaos' },
  { path: '/clock', title: 'Clock' },
  { path: '/scenarios', title: 'Scenarios' },
  { path: '/connect', title: 'Connect' },
] as const;

function viewOf(path: string) {
  if (path.startsWith('/pushes/')) return <PushView id={decodeURIComponent(path.slice('/pushes/'.length))} />;
  switch (path) {
    case '/pushes':
      return <PushesView />;
    case '/send':
      return <SendView />;
    case '/rules':
      return <RulesView />;
    case '/faults':
      return <FaultsView />;
    case '/clock':
      return <ClockView />;
    case '/scenarios':
      return <ScenariosView />;
    case '/connect':
      return <ConnectView />;
    default:
      return <PhonesView />;
  }
}

function FeedIndicator() {
  const [status, setStatus] = useState<FeedStatus>(feed.status);
  useEffect(() => {
    const unsubscribe = feed.onStatus(setStatus);
    // The socket may have opened between the first render and this effect.
    setStatus(feed.status);
    return unsubscribe;
  }, []);
  const text = status === 'open' ? 'live' : status === 'connecting' ? 'connecting…' : 'offline, retrying';
  return (
    <span class={`feed feed-${status}`} role="status" aria-label={`event feed ${text}`}>
      {text}
    </span>
  );
}

function ClockBadge() {
  const clock = useClock();
  if (!clock.kind) return null;
  return (
    <a class="clock-badge" href="/clock" title="the simulator's clock">
      {clock.kind} clock {clockTime(clock.now())}
    </a>
  );
}

function App() {
  const { path } = useLocation();
  const section = path.startsWith('/pushes') ? '/pushes' : path;
  const title = VIEWS.find((view) => view.path === section)?.title ?? 'Phones';
  useEffect(() => {
    document.title = `${path.startsWith('/pushes/') ? 'Push' : title} · pushsim`;
  }, [path, title]);
  return (
    <ClockProvider>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">pushsim</span>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((view) => (
              <li key={view.path}>
                <a href={view.path} aria-current={view.path === section ? 'page' : undefined}>
                  {view.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <ClockBadge />
        <FeedIndicator />
      </header>
      <main id="main" tabIndex={-1}>
        {viewOf(path)}
      </main>
    </ClockProvider>
  );
}

adoptToken();
feed.start();
document.addEventListener('click', followLink);
render(<App />, document.getElementById('app')!);
