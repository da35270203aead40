import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { renderRulesMarkdown } from '../../simulator/delivery/index.js';
import { SERVICES, rulesTableOf } from '../../simulator/providers/index.js';

test('docs/delivery-rules.md is the rendering of the current rules table (run `npm run docs:rules` when this fails)', () => {
  const onDisk = readFileSync(new URL('../../docs/delivery-rules.md', import.meta.url), 'utf8');
  expect(onDisk).toBe(renderRulesMarkdown(rulesTableOf(SERVICES)));
});
