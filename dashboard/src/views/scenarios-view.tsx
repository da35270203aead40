// Scenarios: run a library file or pasted YAML against a fresh simulator (POST /api/scenarios/runs) with live
// progress from the feed and the result; and record a session into a scenario file (/api/recordings) to download.
import { useState } from 'preact/hooks';
import { download, get, post } from '../api.js';
import { ErrorNote, isRouteMissing, NotAvailable } from '../components/notes.js';
import { useFeed, useResource } from '../hooks.js';

interface LibraryFile {
  path: string;
  name: string;
  description?: string;
}

interface Run {
  id: string;
  status: 'running' | 'passed' | 'failed' | 'error';
  source?: { file?: string };
  error?: string;
  scenarios?: {
    name: string;
    status: string;
    steps: { index: number; title: string; status: string; message?: string }[];
    failure?: { step: number; message: string; ledger?: string[] };
  }[];
}

interface Progress {
  scenario: string;
  step: number;
  steps: number;
  title: string;
  status: string;
}

interface Recording {
  id: string;
  status: 'recording' | 'stopped';
  startedAt: string;
  stoppedAt?: string;
  steps: number;
}

export function ScenariosView() {
  return (
    <section aria-labelledby="scenarios-title">
      <h1 id="scenarios-title">Scenarios</h1>
      <Recorder />
      <Runner />
    </section>
  );
}

function Runner() {
  const library = useResource(() => get<{ files: LibraryFile[] }>('/scenarios/library'), []);
  const [file, setFile] = useState('');
  const [yaml, setYaml] = useState('');
  const [run, setRun] = useState<Run | undefined>();
  const [progress, setProgress] = useState<Progress[]>([]);
  const [problem, setProblem] = useState<unknown>();
  useFeed((message) => {
    if (!run) return;
    const data = message.data as Record<string, unknown>;
    if (data.runId !== run.id) return;
    if (message.type === 'scenario.progress') setProgress((list) => [...list, data as unknown as Progress]);
    if (message.type === 'scenario.finished')
      void get<Run>(`/scenarios/runs/${encodeURIComponent(run.id)}`).then(setRun, setProblem);
  });
  const start = async (body: { file: string } | { yaml: string }): Promise<void> => {
    setProblem(undefined);
    setProgress([]);
    try {
      const started = await post<Run>('/scenarios/runs', body);
      setRun(started);
      // The run may have finished before the feed saw it start: read it once.
      const now = await get<Run>(`/scenarios/runs/${encodeURIComponent(started.id)}`);
      if (now.status !== 'running') setRun(now);
    } catch (error) {
      setProblem(error);
    }
  };
  if (isRouteMissing(library.error)) return <NotAvailable what="Running scenarios" />;
  return (
    <section class="card" aria-labelledby="run-title">
      <h2 id="run-title">Run a scenario</h2>
      <p class="muted">Runs against a fresh simulator, never this one.</p>
      <ErrorNote error={library.error} />
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (file) void start({ file });
        }}
      >
        <label>
          Library file{' '}
          <select value={file} onChange={(e) => setFile((e.target as HTMLSelectElement).value)}>
            <option value="">choose…</option>
            {(library.data?.files ?? []).map((f) => (
              <option key={f.path} value={f.path}>
                {f.path} — {f.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!file}>
          Run file
        </button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (yaml.trim()) void start({ yaml });
        }}
      >
        <label class="block">
          Or paste a scenario (YAML)
          <textarea
            rows={8}
            value={yaml}
            onInput={(e) => setYaml((e.target as HTMLTextAreaElement).value)}
            spellcheck={false}
          />
        </label>
        <button type="submit" disabled={!yaml.trim()}>
          Run YAML
        </button>
      </form>
      <ErrorNote error={problem} />
      {run ? <RunResult run={run} progress={progress} /> : null}
    </section>
  );
}

function RunResult({ run, progress }: { run: Run; progress: Progress[] }) {
  return (
    <div class="run" role="status" aria-live="polite">
      <h3>
        Run <code data-volatile>{run.id}</code>: <span class={`badge run-${run.status}`}>{run.status}</span>
      </h3>
      {run.error ? <pre class="error">{run.error}</pre> : null}
      {run.status === 'running' ? (
        <ol>
          {progress.map((p, index) => (
            <li key={index}>
              {p.scenario}: step {p.step}/{p.steps} {p.title} — {p.status}
            </li>
          ))}
        </ol>
      ) : null}
      {(run.scenarios ?? []).map((scenario) => (
        <details key={scenario.name} open={scenario.status !== 'passed'}>
          <summary>
            <span class={`badge run-${scenario.status}`}>{scenario.status}</span> {scenario.name}
          </summary>
          <ol>
            {scenario.steps.map((step) => (
              <li key={step.index} class={`step-${step.status}`}>
                {step.title} — {step.status}
                {step.message ? <pre>{step.message}</pre> : null}
              </li>
            ))}
          </ol>
          {scenario.failure ? (
            <div class="error">
              <p>
                Failed at step {scenario.failure.step}: {scenario.failure.message}
              </p>
              {scenario.failure.ledger ? <pre>{scenario.failure.ledger.join('\n')}</pre> : null}
            </div>
          ) : null}
        </details>
      ))}
    </div>
  );
}

function Recorder() {
  const recordings = useResource(() => get<{ recordings: Recording[] }>('/recordings'), [], ['recording.']);
  const [problem, setProblem] = useState<unknown>();
  const current = recordings.data?.recordings.find((r) => r.status === 'recording');
  const latest = current ?? recordings.data?.recordings[0];
  const act = async (what: () => Promise<unknown>): Promise<void> => {
    setProblem(undefined);
    try {
      await what();
      recordings.reload();
    } catch (error) {
      setProblem(error);
    }
  };
  if (isRouteMissing(recordings.error)) return <NotAvailable what="Recording a session" />;
  return (
    <section class="card" aria-labelledby="record-title">
      <h2 id="record-title">Record this session</h2>
      <p class="muted">
        From Start, what you do here or over the wire (devices, apps, states, sends, clock moves) and the fates seen
        become a scenario file with expect steps, which <code>pushsim run</code> passes unchanged.
      </p>
      <ErrorNote error={recordings.error ?? problem} />
      <div class="actions">
        {current ? (
          <button type="button" onClick={() => act(() => post(`/recordings/${encodeURIComponent(current.id)}/stop`))}>
            Stop recording
          </button>
        ) : (
          <button type="button" onClick={() => act(() => post('/recordings'))}>
            Start recording
          </button>
        )}
        {latest ? (
          <button
            type="button"
            onClick={() =>
              act(() => download(`/recordings/${encodeURIComponent(latest.id)}/scenario`, 'pushsim-session.yaml'))
            }
          >
            Download scenario
          </button>
        ) : null}
      </div>
      {latest ? (
        <p role="status">
          {latest.status === 'recording' ? 'Recording' : 'Stopped'} · {latest.steps} steps · since {latest.startedAt}
        </p>
      ) : null}
    </section>
  );
}
