// Node module hooks (module.register) that let a React Native entry file run in plain Node against the simulator, as
// vitest's alias and resetModules do under a test runner:
// - `react-native` and `@react-native-firebase/messaging` resolve to pushsim's stand-ins;
// - a launch is a fresh module graph: the entry is imported with `?pushsim-launch=N`, and every file it reaches (the
//   app's modules, the SDK's JavaScript, the stand-ins) inherits the query, so each process evaluates them afresh —
//   except pushsim's own modules, which stay shared with the AppProcess that drives them;
// - React Native packages ship ES modules in `.js` files without `"type": "module"` and import without extensions
//   (`import ZPNs from './ZPNs'`): such files load as ES modules, and `./ZPNs` finds `./ZPNs.js` or `./ZPNs/index.js`.
// No JSX or TypeScript: an entry that needs a transform runs under vitest or jest with the alias (README).
import { readFile } from 'node:fs/promises';

export interface RnEntryHooksData {
  /** file: URLs of the stand-ins. */
  standIns: Record<string, string>;
  /** file: URL of pushsim's compiled tree (its modules are never duplicated). */
  pushsimRoot: string;
}

const LAUNCH = 'pushsim-launch';
let data: RnEntryHooksData = { standIns: {}, pushsimRoot: '' };

export function initialize(input: RnEntryHooksData): void {
  data = input;
}

function launchOf(url: string | undefined): string | undefined {
  if (!url?.startsWith('file:')) return undefined;
  return new URL(url).searchParams.get(LAUNCH) ?? undefined;
}

function withLaunch(url: string, launch: string): string {
  const target = new URL(url);
  target.searchParams.set(LAUNCH, launch);
  return target.href;
}

type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type NextResolve = (specifier: string, context: { parentURL?: string }) => Promise<Resolved>;

export async function resolve(
  specifier: string,
  context: { parentURL?: string },
  nextResolve: NextResolve,
): Promise<Resolved> {
  const launch = launchOf(context.parentURL);
  const standIn = data.standIns[specifier];
  if (standIn) return { url: launch ? withLaunch(standIn, launch) : standIn, format: 'module', shortCircuit: true };
  if (!launch) return nextResolve(specifier, context);
  let resolved: Resolved;
  try {
    resolved = await nextResolve(specifier, context);
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' &&
      (error as NodeJS.ErrnoException).code !== 'ERR_UNSUPPORTED_DIR_IMPORT'
    )
      throw error;
    if (!specifier.startsWith('.') && !specifier.startsWith('/')) throw error;
    resolved = await resolveWithoutExtension(specifier, context, nextResolve, error);
  }
  // pushsim's own modules stay shared; everything else the launched entry reaches is evaluated afresh.
  if (!resolved.url.startsWith('file:') || resolved.url.startsWith(data.pushsimRoot)) return resolved;
  return { ...resolved, url: withLaunch(resolved.url, launch) };
}

async function resolveWithoutExtension(
  specifier: string,
  context: { parentURL?: string },
  nextResolve: NextResolve,
  original: unknown,
): Promise<Resolved> {
  for (const candidate of [`${specifier}.js`, `${specifier}/index.js`, `${specifier}.mjs`]) {
    try {
      return await nextResolve(candidate, context);
    } catch {
      /* try the next one */
    }
  }
  throw original;
}

type Loaded = { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean };
type NextLoad = (url: string, context: { format?: string | null }) => Promise<Loaded>;

const ES_MODULE_SYNTAX = /^\s*(import\s+[\w*{'"]|export\s+(\*|\{|default|const|let|var|function|class|async))/m;

export async function load(url: string, context: { format?: string | null }, nextLoad: NextLoad): Promise<Loaded> {
  // Launched URLs carry a query, so the extension is read from the path.
  if (!launchOf(url) || !new URL(url).pathname.endsWith('.js')) return nextLoad(url, context);
  const loaded = await nextLoad(url, context);
  if (loaded.format !== 'commonjs') return loaded;
  const source = await readFile(new URL(url), 'utf8');
  // A `.js` file written as an ES module in a package without "type": "module", as React Native packages ship them.
  if (ES_MODULE_SYNTAX.test(source)) return { format: 'module', source, shortCircuit: true };
  return loaded;
}
