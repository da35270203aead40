// GET /docs/reference/<file>.md: the reference docs the rules table cites (`docs/reference/<file>.md#<anchor>`), read
// from the package (the published package ships docs/) and shown as a minimal HTML page whose headings carry the
// anchors, so the dashboard's Rules view links a source to its section. Read-only; only the files of that folder.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import { ErrorCodes } from '../core/index.js';
import { sendError } from './http-errors.js';
import { renderMarkdownPage } from './markdown-page.js';

export function referenceDocsRoutes(folder: string | undefined): Router {
  const router = Router();
  router.get('/docs/reference/:file', (req, res) => {
    const file = req.params.file;
    const known = folder && existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.md')) : [];
    if (!known.includes(file)) {
      sendError(
        res,
        ErrorCodes.NOT_FOUND,
        known.length
          ? `no reference doc ${file}; pushsim has ${known.join(', ')}`
          : 'this pushsim has no docs/reference folder (a checkout without docs?)',
      );
      return;
    }
    const markdown = readFileSync(join(folder!, file), 'utf8');
    const title = /^#\s+(.*)$/m.exec(markdown)?.[1] ?? file;
    res
      .set('cache-control', 'no-cache')
      .type('text/html')
      .send(renderMarkdownPage(markdown, `${title} · pushsim`, { href: '/rules', label: '← the rules table' }));
  });
  return router;
}
