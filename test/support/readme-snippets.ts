// Reads the fenced code blocks of a Markdown file with the directives a README test needs: which blocks are files of
// a user's project, which are run and how, and which are shown only (output, a synopsis).
export interface Snippet {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** `<!-- file: path -->` before the block: the block is that file of the user's project. */
  file?: string;
  /** `<!-- run: how -->` (or `<!-- file: path run: how -->`): how the block, or the file it is, is run. */
  run?: string;
  /** `<!-- skip: why -->`: shown, never run (the set-up commands the test itself stands inside). */
  skip?: string;
  /** The `## ` section the block sits in. */
  section: string;
}

const DIRECTIVE = /^<!--\s*(.*?)\s*-->\s*$/;

function parseDirective(text: string): Pick<Snippet, 'file' | 'run' | 'skip'> {
  const found: Pick<Snippet, 'file' | 'run' | 'skip'> = {};
  for (const match of text.matchAll(/(file|run|skip):\s*(.*?)(?=\s+(?:file|run|skip):|$)/g)) {
    found[match[1] as 'file' | 'run' | 'skip'] = match[2]!.trim();
  }
  return found;
}

export function readSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let section = '';
  let pending: Pick<Snippet, 'file' | 'run' | 'skip'> = {};
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const directive = DIRECTIVE.exec(line);
    if (directive) {
      pending = { ...pending, ...parseDirective(directive[1]!) };
      continue;
    }
    const fence = /^(\s*)```(\S*)\s*$/.exec(line);
    if (!fence) {
      if (line.trim() !== '') pending = {};
      continue;
    }
    const indent = fence[1]!.length;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) body.push(lines[end++]!.slice(indent));
    snippets.push({ line: index + 1, lang: fence[2] ?? '', code: `${body.join('\n')}\n`, section, ...pending });
    pending = {};
    index = end;
  }
  return snippets;
}
