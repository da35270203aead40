// Rules: the whole table from GET /api/rules, searchable (?q= in the URL), grouped by stage, each row with its source
// and a link to the pushes it decided.
import { useMemo } from 'preact/hooks';
import type { RuleModel } from '../api.js';
import { ErrorNote } from '../components/notes.js';
import { useResource } from '../hooks.js';
import { setQuery, useLocation } from '../router.js';
import { rulesTable } from '../rules-cache.js';
import { RuleRow } from './push-view.js';

function matches(rule: RuleModel, q: string): boolean {
  const text = `${rule.id} ${rule.stage} ${rule.kind} ${rule.condition} ${rule.outcome} ${rule.source.join(' ')} ${(rule.channels ?? []).join(' ')}`;
  return text.toLowerCase().includes(q);
}

export function RulesView() {
  const { query } = useLocation();
  const q = (query.get('q') ?? '').toLowerCase();
  const table = useResource(() => rulesTable(), []);
  const stages = useMemo(
    () =>
      (table.data?.stages ?? []).map((stage) => ({ ...stage, rules: stage.rules.filter((r) => !q || matches(r, q)) })),
    [table.data, q],
  );
  const count = stages.reduce((n, stage) => n + stage.rules.length, 0);
  return (
    <section aria-labelledby="rules-title">
      <h1 id="rules-title">Rules</h1>
      <p class="muted">Every fate names the rows below that decided it; the same table is docs/delivery-rules.md.</p>
      <label>
        Search{' '}
        <input
          type="search"
          value={query.get('q') ?? ''}
          onInput={(e) => setQuery({ q: (e.target as HTMLInputElement).value })}
          placeholder="id, condition, source…"
        />
      </label>
      <p role="status" class="muted">
        {count} rows
      </p>
      <ErrorNote error={table.error} what="The rules table" />
      {stages
        .filter((stage) => stage.rules.length > 0)
        .map((stage) => (
          <section key={stage.name} aria-labelledby={`stage-${stage.name}`} class="stage">
            <h2 id={`stage-${stage.name}`}>
              {stage.name} <span class="muted">— {stage.job}</span>
            </h2>
            {stage.rules.map((rule) => (
              <RuleRow key={rule.id} id={rule.id} rule={rule} />
            ))}
          </section>
        ))}
    </section>
  );
}
