// Writes docs/delivery-rules.md from the rules table of the built-in services (the delivery core's rows and each
// module's): `npm run docs:rules`. The same Markdown as `pushsim rules --markdown`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRulesMarkdown } from '../delivery/index.js';
import { SERVICES, rulesTableOf } from '../providers/index.js';

const target = fileURLToPath(new URL('../../docs/delivery-rules.md', import.meta.url));
writeFileSync(target, renderRulesMarkdown(rulesTableOf(SERVICES)));
console.log(`wrote ${target}`);
