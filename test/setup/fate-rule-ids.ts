// Every fate recorded anywhere in the suite names the rules-table rows that decided it, and only rows GET /api/rules
// lists. An observer on every Ledger (it wraps open and settle and calls them unchanged) collects the fates that do
// not; the test that recorded them fails in afterEach, naming the push, the fate and the ids.
import { afterEach, expect } from 'vitest';
import { Ledger, type Fate, type Push } from '../../simulator/core/index.js';
import { fateRuleIdProblem } from '../../simulator/delivery/index.js';

const problems: string[] = [];
const observe = (pushId: string, fate: Fate): void => {
  const problem = fateRuleIdProblem(fate);
  if (problem) problems.push(`push ${pushId}: ${problem}`);
};

const { open, settle } = Ledger.prototype;
Ledger.prototype.open = function (this: Ledger, push: Push, first: Omit<Fate, 'at'>, address?: { deviceId?: string; appId?: string }) {
  const entry = open.call(this, push, first, address);
  observe(push.id, entry.fate);
  return entry;
};
Ledger.prototype.settle = function (this: Ledger, id: string, fate: Fate) {
  observe(id, fate);
  return settle.call(this, id, fate);
};

afterEach(() => {
  const found = problems.splice(0);
  expect(found, 'every fate names the rules-table rows that decided it (simulator/delivery/rules-table.ts)').toEqual([]);
});
