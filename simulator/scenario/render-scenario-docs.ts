// Writes scenarios/scenario.schema.json and the reference section of docs/scenarios.md: `npm run docs:schema`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from './scenario-schema.js';
import { withCurrentReference } from './scenario-reference.js';

const schemaFile = fileURLToPath(new URL('../../scenarios/scenario.schema.json', import.meta.url));
writeFileSync(schemaFile, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
const docFile = fileURLToPath(new URL('../../docs/scenarios.md', import.meta.url));
writeFileSync(docFile, withCurrentReference(readFileSync(docFile, 'utf8')));
console.log(`wrote ${schemaFile} and ${docFile}`);
