// A minimal Markdown → HTML page for the reference docs the rules cite (docs/reference/*.md): headings carry GitHub's
// slug as their id, so a rule's `docs/reference/<file>.md#<anchor>` source lands on its section; fenced code and
// tables are shown as written; paragraphs and lists with inline code, bold and links. Nothing else of Markdown: the
// files are pushsim's own and use no more than this.

/** GitHub's heading anchor, as test/unit/citations.test.ts checks the rules' citations against. */
export function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Where a link in a reference file goes on the served pages; undefined for a path outside docs/reference/. */
function linkTarget(href: string): string | undefined {
  if (/^https?:\/\//.test(href) || href.startsWith('#')) return href;
  const sibling = /^(?:\.\/)?([a-z0-9-]+\.md)(#.*)?$/.exec(href);
  return sibling ? `/docs/reference/${sibling[1]}${sibling[2] ?? ''}` : undefined;
}

function inline(text: string): string {
  const pieces = text.split(/(`[^`]+`)/);
  return pieces
    .map((piece) => {
      if (piece.startsWith('`') && piece.endsWith('`') && piece.length > 1)
        return `<code>${escapeHtml(piece.slice(1, -1))}</code>`;
      return escapeHtml(piece)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_all, label: string, href: string) => {
          const target = linkTarget(href.replace(/&amp;/g, '&'));
          return target ? `<a href="${escapeHtml(target)}">${label}</a>` : label;
        });
    })
    .join('');
}

export function renderMarkdownPage(markdown: string, title: string, back: { href: string; label: string }): string {
  const out: string[] = [];
  const seen = new Map<string, number>();
  const lines = markdown.split('\n');
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = (): void => {
    if (paragraph.length) out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    if (list.length) out.push(`<ul>${list.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`);
    paragraph = [];
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(fence[1]!); i++) code.push(lines[i]!);
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      const text = heading[2]!;
      let slug = githubSlug(text);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      if (count) slug = `${slug}-${count}`;
      const level = heading[1]!.length;
      out.push(`<h${level} id="${escapeHtml(slug)}"><a href="#${escapeHtml(slug)}">${inline(text)}</a></h${level}>`);
      continue;
    }
    if (line.trimStart().startsWith('|')) {
      flush();
      const rows: string[] = [];
      for (; i < lines.length && lines[i]!.trimStart().startsWith('|'); i++) rows.push(lines[i]!);
      i--;
      out.push(`<pre class="table">${escapeHtml(rows.join('\n'))}</pre>`);
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      if (paragraph.length) flush();
      list.push(item[1]!);
    } else if (list.length) list[list.length - 1] += ` ${line.trim()}`;
    else paragraph.push(line.trim());
  }
  flush();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
body { max-width: 52rem; margin: 1rem auto; padding: 0 1rem; }
h1 a, h2 a, h3 a, h4 a { color: inherit; text-decoration: none; }
:target { outline: 2px solid #3b82f6; outline-offset: 4px; }
pre { overflow-x: auto; padding: 0.5rem; border: 1px solid #8885; }
code { font-size: 0.92em; }
</style>
</head>
<body>
<p><a href="${escapeHtml(back.href)}">${escapeHtml(back.label)}</a></p>
<main>
${out.join('\n')}
</main>
</body>
</html>
`;
}
