// Writes docs/control-api.md from the control API's OpenAPI document: `npm run docs:api`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderControlApiMarkdown } from './openapi-markdown.js';

const target = fileURLToPath(new URL('../../docs/control-api.md', import.meta.url));
writeFileSync(target, renderControlApiMarkdown());
console.log(`wrote ${target}`);
