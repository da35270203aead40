// Every fate recorded anywhere in the suite names the rules-table rows that decided it, and only rows GET /api/rules
// lists: the rows of the table of the simulation that recorded it (the core's and its service modules'). An observer
// on the ledger of every Simulation (Simulation.observeEveryLedger, whatever store backs it) collects the fates that do
// not; the test that recorded them fails in afterEach, naming the push, the fate and the ids.
import { afterEach, expect } from 'vitest';
import type { Fate } from '../../simulator/core/index.js';
import { fateRuleIdProblem } from '../../simulator/delivery/index.js';
import { Simulation } from '../../simulator/engine/index.js';

const problems: string[] = [];
const observe = (pushId: string, fate: Fate, known: ReadonlySet<string>): void => {
  const problem = fateRuleIdProblem(fate, known);
  if (problem) problems.push(`push ${pushId}: ${problem}`);
};

Simulation.observeEveryLedger((simulation) => ({
  opened: (entry) => observe(entry.id, entry.fate, simulation.rules.knownIds),
  settled: (entry, fate) => observe(entry.id, fate, simulation.rules.knownIds),
}));

afterEach(() => {
  const found = problems.splice(0);
  expect(found, 'every fate names the rules-table rows that decided it (simulator/delivery/rules-table.ts)').toEqual(
    [],
  );
});
