// An app's lifecycle drawn on its platform's state chart, as GET /api/lifecycle lists it from the xstate machine: each
// top-level state a box, its substates inside, the app's current state lit; transitions (when the server lists them)
// as the events leaving each state.
export interface LifecycleChart {
  states: string[];
  events: string[];
  initial?: string;
  transitions?: { from: string; event: string; to: string; delay?: string; delayMs?: number }[];
}

/** Whether `state` is the app's state or one of its ancestors (`background` holds `background.pushWake`). */
export function isWithin(current: string, state: string): boolean {
  return current === state || current.startsWith(`${state}.`);
}

export function StateChart({ chart, current, label }: { chart: LifecycleChart; current: string; label: string }) {
  const top = chart.states.filter((state) => !state.includes('.'));
  const leaving = (state: string): string[] => [
    ...new Set((chart.transitions ?? []).filter((t) => t.from === state).map((t) => `${t.event} → ${t.to}`)),
  ];
  const box = (state: string, name: string) => {
    const isLit = isWithin(current, state);
    const exits = leaving(state);
    return (
      <li
        key={state}
        class={isLit ? 'state lit' : 'state'}
        aria-current={current === state ? 'step' : undefined}
        title={exits.length ? exits.join('\n') : undefined}
      >
        <span class="state-name">{name}</span>
        {chart.states.some((s) => s.startsWith(`${state}.`)) ? (
          <ul>
            {chart.states
              .filter((s) => s.startsWith(`${state}.`) && !s.slice(state.length + 1).includes('.'))
              .map((s) => box(s, s.slice(state.length + 1)))}
          </ul>
        ) : null}
      </li>
    );
  };
  return (
    <fieldset class="chart plain">
      <legend class="visually-hidden">{label}</legend>
      <ul class="states">{top.map((state) => box(state, state))}</ul>
    </fieldset>
  );
}
