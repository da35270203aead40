// What the dashboard's browser tests share: the built page (built here when dist/dashboard is missing), Debian's
// chromium driven by playwright-core (no browser download: .ci/run installs chromium with apt), axe-core injected.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS_SCREENSHOTS = fileURLToPath(new URL('../../docs/dashboard/', import.meta.url));
/**
 * docs/dashboard/ only when asked (`npm run docs:screenshots` sets PUSHSIM_SCREENSHOTS=1), so `npm test` leaves the
 * git tree as it found it; otherwise a temporary folder, where a failing run's shots can still be looked at.
 */
export const SCREENSHOTS =
  process.env.PUSHSIM_SCREENSHOTS === '1' ? DOCS_SCREENSHOTS : `${mkdtempSync(join(tmpdir(), 'pushsim-shots-'))}/`;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** `npm test` builds first; a lone `npx vitest run test/e2e` builds the page itself. */
export function ensureDashboardBuilt(): void {
  if (existsSync(`${ROOT}dist/dashboard/index.html`)) return;
  execFileSync('npx', ['vite', 'build', '--config', 'dashboard/vite.config.ts'], { cwd: ROOT, stdio: 'inherit' });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Text drawn the same way every run (no hinting or LCD antialiasing), so docs/dashboard/*.png do not churn.
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--font-render-hinting=none',
      '--disable-lcd-text',
      '--force-color-profile=srgb',
    ],
  });
}

/**
 * A shot that comes out the same run after run: what changes every run (tokens, push ids, ports: elements the views mark
 * `data-volatile`) is covered by a flat box, animations are stopped and the caret hidden. The viewport and the virtual
 * clock's start are fixed by the test.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: `${SCREENSHOTS}${name}.png`,
    animations: 'disabled',
    caret: 'hide',
    mask: [page.locator('[data-volatile]')],
    maskColor: '#8a8f98',
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical findings on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: AxeViolation[] }> } })
      .axe;
    return (await axe.run({ resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })),
    }));
}
