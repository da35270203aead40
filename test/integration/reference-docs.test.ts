// GET /docs/reference/<file>.md: the reference docs the rules cite, served as pages whose headings carry GitHub's
// anchors, so every `docs/reference/<file>.md#<anchor>` source of GET /api/rules opens on its section; other files
// and paths are a JSON 404 naming what there is.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { renderMarkdownPage } from '../../simulator/control/markdown-page.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(() => sim.close());

describe('the reference docs as pages', () => {
  test('every docs/reference source of the rules table opens a page with its anchor', async () => {
    const table = (await (await fetch(`${sim.urls.api}/rules`)).json()) as {
      stages: { rules: { id: string; source: string[] }[] }[];
    };
    const sources = new Set(
      table.stages.flatMap((s) => s.rules.flatMap((r) => r.source.filter((x) => x.startsWith('docs/reference/')))),
    );
    expect(sources.size).toBeGreaterThan(10);
    const pages = new Map<string, string>();
    const missing: string[] = [];
    for (const source of sources) {
      // A note may follow the path, as the dashboard's links leave it (`docs/reference/zpns.md#voip (CallKit …)`).
      const [path, anchor] = source.split(/\s/)[0]!.split('#') as [string, string | undefined];
      if (!pages.has(path)) {
        const response = await fetch(`${sim.urls.control}/${path}`, { headers: { accept: 'text/html' } });
        expect(response.status, path).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        pages.set(path, await response.text());
      }
      if (anchor !== undefined && !pages.get(path)!.includes(`id="${anchor}"`)) missing.push(source);
    }
    expect(missing).toEqual([]);
  });

  test('a file outside docs/reference, or a path that climbs out, is a 404 naming the files there are', async () => {
    // Spelled in pieces: test/unit/citations.test.ts checks every whole docs/reference path written in the repository.
    const absent = `/docs/reference/${'no-such-file'}.md`;
    for (const path of [absent, '/docs/reference/..%2F..%2Fpackage.json', '/docs/reference/apns.txt']) {
      const response = await fetch(`${sim.urls.control}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status, path).toBe(404);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('NOT_FOUND');
    }
    const named = await fetch(`${sim.urls.control}${absent}`);
    expect(((await named.json()) as { error: { message: string } }).error.message).toMatch(/apns\.md/);
  });

  test('renders code, tables and links as written, escaping HTML, with repeated headings numbered as GitHub does', () => {
    const html = renderMarkdownPage(
      '# T\n\n## Same\n\n## Same\n\nA `<b>` and [Apple](https://developer.apple.com) and [x](../../src/a.ts) and [y](fcm.md#errors).\n\n```\n<script>\n```\n\n| a | b |\n|---|---|\n',
      'T',
      { href: '/rules', label: 'back' },
    );
    expect(html).toContain('id="same"');
    expect(html).toContain('id="same-1"');
    expect(html).toContain('<code>&lt;b&gt;</code>');
    expect(html).toContain('<a href="https://developer.apple.com">Apple</a>');
    expect(html).toContain(' and x and ');
    expect(html).toContain('<a href="/docs/reference/fcm.md#errors">y</a>');
    expect(html).toContain('<pre><code>&lt;script&gt;</code></pre>');
    expect(html).toContain('<pre class="table">| a | b |');
    expect(html).not.toContain('<script>');
  });
});

describe('the reference pages under an access token', () => {
  test('open without the token, as the page and its bundles do; the API next to them still needs it', async () => {
    const guarded = await startSimulator({ controlPort: 0, clock: 'virtual', token: 'reference-secret' });
    try {
      const page = await fetch(`${guarded.urls.control}/docs/reference/apns.md`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect((await fetch(`${guarded.urls.control}/docs/reference/../../api/devices`)).status).toBe(401);
      expect((await fetch(`${guarded.urls.api}/devices`)).status).toBe(401);
    } finally {
      await guarded.close();
    }
  });
});
