// Faults and chaos: the faults injected per service (GET/POST/DELETE /api/<service>/faults, for each service whose
// routes the OpenAPI document lists), and the seeded chaos of background deliveries (GET/PUT /api/chaos).
import { useState } from 'preact/hooks';
import { type ChaosModel, api, get, post } from '../api.js';
import { ErrorNote } from '../components/notes.js';
import { useResource } from '../hooks.js';

interface Fault {
  id: string;
  [key: string]: unknown;
}

/** The services with a fault catalogue, read from the paths of GET /api/openapi.json. */
async function faultServices(): Promise<string[]> {
  const document = await get<{ paths: Record<string, unknown> }>('/openapi.json');
  return Object.keys(document.paths)
    .map((path) => /^\/api\/([a-z]+)\/faults$/.exec(path)?.[1])
    .filter((name): name is string => name !== undefined);
}

export function FaultsView() {
  const services = useResource(faultServices, []);
  return (
    <section aria-labelledby="faults-title">
      <h1 id="faults-title">Faults &amp; chaos</h1>
      <ErrorNote error={services.error} />
      <ChaosForm />
      {(services.data ?? []).map((service) => (
        <ServiceFaults key={service} service={service} />
      ))}
    </section>
  );
}

function ChaosForm() {
  const chaos = useResource(() => get<ChaosModel>('/chaos'), []);
  const [probability, setProbability] = useState<string | undefined>();
  const [seed, setSeed] = useState<string | undefined>();
  const [problem, setProblem] = useState<unknown>();
  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setProblem(undefined);
    try {
      const p = Number(probability ?? chaos.data?.backgroundDropProbability ?? 0);
      const s = seed ?? String(chaos.data?.seed ?? '');
      await api('PUT', '/chaos', { backgroundDropProbability: p, ...(s ? { seed: Number(s) } : {}) });
      setProbability(undefined);
      setSeed(undefined);
      chaos.reload();
    } catch (error) {
      setProblem(error);
    }
  };
  return (
    <form class="card" onSubmit={save} aria-labelledby="chaos-title">
      <h2 id="chaos-title">Chaos</h2>
      <p class="muted">Drops background deliveries at random (APNs promises none), seeded so a run replays.</p>
      <label>
        Drop probability (0–1){' '}
        <input
          type="number"
          min={0}
          max={1}
          step={0.05}
          value={probability ?? chaos.data?.backgroundDropProbability ?? 0}
          onInput={(e) => setProbability((e.target as HTMLInputElement).value)}
        />
      </label>{' '}
      <label>
        Seed{' '}
        <input
          type="number"
          value={seed ?? chaos.data?.seed ?? ''}
          onInput={(e) => setSeed((e.target as HTMLInputElement).value)}
        />
      </label>{' '}
      <button type="submit">Apply chaos</button>
      <ErrorNote error={problem} />
    </form>
  );
}

function ServiceFaults({ service }: { service: string }) {
  const faults = useResource(() => get<Fault[]>(`/${service}/faults`), [service]);
  const [spec, setSpec] = useState(
    JSON.stringify(
      service === 'apns'
        ? { reason: 'Shutdown', times: 1 }
        : service === 'fcm'
          ? { reason: 'UNAVAILABLE', times: 1 }
          : { times: 1, drop: 'stream' },
    ),
  );
  const [problem, setProblem] = useState<unknown>();
  const act = async (what: () => Promise<unknown>): Promise<void> => {
    setProblem(undefined);
    try {
      await what();
      faults.reload();
    } catch (error) {
      setProblem(error);
    }
  };
  const add = (event: Event): void => {
    event.preventDefault();
    void act(async () => {
      let body: unknown;
      try {
        body = JSON.parse(spec);
      } catch {
        throw new Error('the fault is not JSON: write an object like {"reason":"Shutdown","times":1}');
      }
      await post(`/${service}/faults`, body);
    });
  };
  return (
    <article class="card" aria-labelledby={`faults-${service}`}>
      <h2 id={`faults-${service}`}>{service.toUpperCase()} faults</h2>
      <ErrorNote error={faults.error ?? problem} />
      {faults.data?.length === 0 ? <p class="muted">No fault injected.</p> : null}
      <ul>
        {(faults.data ?? []).map((fault) => (
          <li key={fault.id}>
            <code>{JSON.stringify(fault)}</code>{' '}
            <button
              type="button"
              class="small"
              aria-label={`Remove ${service} fault ${fault.id}`}
              onClick={() => act(() => api('DELETE', `/${service}/faults/${encodeURIComponent(fault.id)}`))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} class="inline">
        <label>
          Fault (JSON: token | topic | probability, reason | delayMs | drop, times){' '}
          <input class="wide" value={spec} onInput={(e) => setSpec((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Add fault</button>
        {faults.data?.length ? (
          <button type="button" onClick={() => act(() => api('DELETE', `/${service}/faults`))}>
            Remove all
          </button>
        ) : null}
      </form>
    </article>
  );
}
