// Writes docs/delivery-rules.md from the rules table: `npm run docs:rules`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRulesMarkdown } from './rules-markdown.js';

const target = fileURLToPath(new URL('../../docs/delivery-rules.md', import.meta.url));
writeFileSync(target, renderRulesMarkdown());
console.log(`wrote ${target}`);
