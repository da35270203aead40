// Every citation stays inside the repository: the facts the rules and comments rely on live in docs/reference/
// (apns, fcm, zpns, android, ios), and a citation names a vendor URL or a section of those files,
// docs/reference/<file>.md#<anchor>, whose anchor is the GitHub slug of one of the file's headings.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { rulesTable } from '../../simulator/delivery/index.js';
import { SERVICES, rulesTableOf } from '../../simulator/providers/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SCANNED_DIRS = ['simulator', 'client-shim', 'test', 'docs', 'scenarios', 'bench'];
const SCANNED_FILES = ['README.md', 'ARCHITECTURE.md'];
const TEXT_EXTENSIONS = new Set([
  '.ts',
  '.mts',
  '.cts',
  '.js',
  '.mjs',
  '.cjs',
  '.md',
  '.yaml',
  '.yml',
  '.json',
  '.xsd',
]);
const REFERENCE_FILES = ['apns', 'fcm', 'zpns', 'android', 'ios'];
const SELF = relative(ROOT, fileURLToPath(import.meta.url));

/** The retired fact sheets lived outside the repository; spelled in pieces so this file does not cite them itself. */
const SHARED_REFERENCE = ['shared', 'reference'].join('/');
/** A section cited in the retired sheets' style, `zpns.md §3.2`, instead of a docs/reference anchor. */
const OLD_SECTION_CITATION = /\b(?:apns|fcm|zpns|peers|android|ios)\.md\s*§\s*\d/g;
/**
 * A document cited by a path relative to the citing file (`../x/y.md#z`, `../../shared/…`); it must not climb out
 * of the repository. Module specifiers and package.json look-ups are code, not citations, and are left alone.
 */
const RELATIVE_CITATION =
  /(?<![\w.])(?:\.\.\/)+(?:[^\s'"`)\]>,;|]*\.(?:md|markdown|txt|pdf|html?)\b|[^\s'"`)\]>,;|]*shared\/[^\s'"`)\]>,;|]*)/g;
/** A citation of the reference, written from the repository root. */
const REFERENCE_CITATION = /docs\/reference\/([\w-]+\.md)(?:#([\w-]+))?/g;
/** A Markdown link target ending in .md, optionally with an anchor: `](reference/zpns.md#silent-push-guide)`. */
const MARKDOWN_LINK = /\]\(([^)\s]+?\.md)(?:#([^)\s]+))?\)/g;
const URL = /https?:\/\/\S+/;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (TEXT_EXTENSIONS.has(extname(name))) out.push(path);
  }
  return out;
}

const files = [
  ...SCANNED_DIRS.filter((d) => existsSync(join(ROOT, d))).flatMap((d) => walk(join(ROOT, d))),
  ...SCANNED_FILES.map((f) => join(ROOT, f)).filter((f) => existsSync(f)),
].map((path) => ({ path, rel: relative(ROOT, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }));

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/**
 * GitHub's heading anchor: markup dropped, lower case, every character that is not a letter, a digit, a space, a
 * hyphen or an underscore removed, each space turned into a hyphen; a repeated slug gets -1, -2, … as on GitHub.
 */
function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images keep their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const fenceMark = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fenceMark) {
      fence = fence === null ? fenceMark : fence === fenceMark ? null : fence;
      continue;
    }
    if (fence !== null) continue;
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = githubSlug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const anchorCache = new Map<string, Set<string> | null>();
function anchorsOfFile(path: string): Set<string> | null {
  if (!anchorCache.has(path)) anchorCache.set(path, existsSync(path) ? anchorsOf(readFileSync(path, 'utf8')) : null);
  return anchorCache.get(path)!;
}

/**
 * Why a citation of `target` (a path from the repository root) with `anchor` does not resolve, or null when it does.
 */
function unresolved(target: string, anchor: string | undefined): string | null {
  const anchors = anchorsOfFile(join(ROOT, target));
  if (anchors === null) return `${target} does not exist`;
  if (anchor !== undefined && !anchors.has(anchor)) return `${target} has no heading whose slug is "${anchor}"`;
  return null;
}

describe('githubSlug', () => {
  test.each([
    ['Silent push budget', 'silent-push-budget'],
    ['Notification permission (Android 13)', 'notification-permission-android-13'],
    ['The background queue (2.8.2)', 'the-background-queue-282'],
    ["Pushy's MockApnsServer", 'pushys-mockapnsserver'],
    ['Token authentication: `kid`, `iss` & `iat`', 'token-authentication-kid-iss--iat'],
    ['firebase-admin for Node', 'firebase-admin-for-node'],
    ['A [linked](https://example.com) heading', 'a-linked-heading'],
    ['POST_NOTIFICATIONS', 'post_notifications'],
  ])('%s → %s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });

  test('repeated headings get -1, -2 as on GitHub', () => {
    expect([...anchorsOf('# Limits\n## Limits\n```\n# not a heading\n```\n### Limits')]).toEqual([
      'limits',
      'limits-1',
      'limits-2',
    ]);
  });
});

describe('the reference lives in the repository', () => {
  test.each(REFERENCE_FILES)('docs/reference/%s.md exists and has sections', (name) => {
    const anchors = anchorsOfFile(join(ROOT, 'docs/reference', `${name}.md`));
    expect(anchors, `docs/reference/${name}.md is missing`).not.toBeNull();
    expect(anchors!.size).toBeGreaterThan(3);
  });

  test('no file cites the fact sheets that lived outside the repository', () => {
    const found = files
      .filter((f) => f.rel !== SELF)
      .flatMap((f) => {
        const hits: string[] = [];
        for (const m of f.text.matchAll(new RegExp(SHARED_REFERENCE, 'g')))
          hits.push(`${f.rel}:${lineOf(f.text, m.index!)}`);
        for (const m of f.text.matchAll(OLD_SECTION_CITATION))
          hits.push(`${f.rel}:${lineOf(f.text, m.index!)}: ${m[0]}`);
        return hits;
      });
    expect(found, 'cite docs/reference/<file>.md#<anchor> instead').toEqual([]);
  });

  test('no relative citation climbs out of the repository', () => {
    const found = files.flatMap((f) =>
      [...f.text.matchAll(RELATIVE_CITATION)]
        .filter((m) => relative(ROOT, resolve(dirname(f.path), m[0])).startsWith('..'))
        .map((m) => `${f.rel}:${lineOf(f.text, m.index!)}: ${m[0]}`),
    );
    expect(found).toEqual([]);
  });
});

describe('every citation of docs/reference resolves to a file and a heading', () => {
  test('docs/reference/<file>.md#<anchor> citations, anywhere', () => {
    const broken = files.flatMap((f) =>
      [...f.text.matchAll(REFERENCE_CITATION)].flatMap((m) => {
        const why = unresolved(`docs/reference/${m[1]}`, m[2]);
        return why ? [`${f.rel}:${lineOf(f.text, m.index!)}: ${m[0]}: ${why}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  test('Markdown links into docs/reference (or out of the repository), relative to the linking file', () => {
    const broken = files
      .filter((f) => f.rel.endsWith('.md'))
      .flatMap((f) =>
        [...f.text.matchAll(MARKDOWN_LINK)].flatMap((m) => {
          if (/^[a-z]+:/i.test(m[1])) return []; // an absolute URL
          const target = relative(ROOT, resolve(dirname(f.path), m[1]))
            .split(sep)
            .join('/');
          if (!target.startsWith('..') && !target.startsWith('docs/reference/')) return [];
          const why = target.startsWith('..') ? `${m[1]} is outside the repository` : unresolved(target, m[2]);
          return why ? [`${f.rel}:${lineOf(f.text, m.index!)}: ${m[0]}: ${why}`] : [];
        }),
      );
    expect(broken).toEqual([]);
  });
});

describe('the rules table (GET /api/rules) cites its sources', () => {
  interface Row {
    id: string;
    source: string | readonly string[];
    origin?: string;
  }
  /**
   * A row about pushsim's own machinery (the client shim) cites pushsim's own document of it, docs/<file>.md#<anchor>.
   */
  const OWN_DOC_CITATION = /docs\/([\w-]+\.md)#([\w-]+)/g;
  const rows: Row[] = [];
  (function collect(value: unknown): void {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.id === 'string' && 'source' in record) rows.push(record as unknown as Row);
      Object.values(record).forEach(collect);
    }
  })(JSON.parse(JSON.stringify(rulesTable(rulesTableOf(SERVICES)))));

  test('the table has rows with sources', () => {
    expect(rows.length).toBeGreaterThan(10);
  });

  test.each(rows.map((row) => [row.id, row] as const))('%s', (_id, row) => {
    const sources = typeof row.source === 'string' ? [row.source] : [...row.source];
    expect(sources.length, 'a row names at least one source').toBeGreaterThan(0);
    for (const source of sources) {
      if (row.origin === 'simulator' && !source.includes('docs/reference/')) {
        const own = [...source.matchAll(OWN_DOC_CITATION)];
        expect(own.length, `"${source}" names no docs/<file>.md#<anchor>`).toBeGreaterThan(0);
        for (const m of own) expect(unresolved(`docs/${m[1]}`, m[2]), m[0]).toBeNull();
        continue;
      }
      const citations = [...source.matchAll(REFERENCE_CITATION)];
      expect(
        URL.test(source) || citations.some((m) => m[2] !== undefined),
        `"${source}" names neither a URL nor docs/reference/<file>.md#<anchor>`,
      ).toBe(true);
      for (const m of citations) expect(unresolved(`docs/reference/${m[1]}`, m[2]), m[0]).toBeNull();
    }
  });
});
