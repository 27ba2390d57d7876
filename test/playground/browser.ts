// Driving the built playground (dist-playground/) in the system's Chromium with playwright-core:
// no browser is downloaded. CI installs Chromium (scripts/install-test-tools.sh); elsewhere, without
// it, the tests are skipped with a message, and with CI set a missing Chromium is a failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { ROOT, runCli } from '../helpers/cli.js';

export const CHROMIUM = process.env.VFIO_LINT_CHROMIUM ?? '/usr/bin/chromium';
export const PAGE_DIR = join(ROOT, 'dist-playground');
export const ARTEFACTS = join(ROOT, 'test-artefacts', 'playground');

/** Why the browser tests cannot run here, or undefined. With CI set, there is no excuse: the caller fails. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (scripts/install-test-tools.sh installs it; VFIO_LINT_CHROMIUM names another)`;
}

/** Build the page as `npm run playground` does. */
export function buildPage(): void {
  execFileSync(process.execPath, [join(ROOT, 'playground', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export const PAGE_URL = pathToFileURL(join(PAGE_DIR, 'index.html')).href;

/** Open the page (a share link when `url` is one) and wait until it has linted what it holds; page errors are collected. */
export async function openPage(browser: Browser, url = PAGE_URL): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true][data-lint-state=done]');
  return { page, errors };
}

export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('body[data-lint-state=done]');
}

/** Type each file's path into a pane and paste its text into the editor, as a user would. */
export async function pasteFiles(page: Page, files: ReadonlyArray<{ path: string; text: string }>): Promise<void> {
  for (const [i, f] of files.entries()) {
    if (i > 0) await page.click('#add-file');
    const pane = page.locator('.pane').nth(i);
    await pane.locator('input.path').fill(f.path);
    const content = pane.locator('.cm-content');
    await content.click();
    await content.evaluate((el, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, f.text);
  }
  await settled(page);
}

/** The files as the page's panes hold them. */
export async function pageFiles(page: Page): Promise<Array<{ path: string; text: string; kind?: string }>> {
  return page.evaluate(() => (window as unknown as { vfioLintPlayground: { files(): Array<{ path: string; text: string; kind?: string }> } }).vfioLintPlayground.files());
}

/** The diagnostics the editor of the file `path` holds (what its marks and tooltips show). */
export async function editorMarks(page: Page, path: string): Promise<Array<{ from: number; to: number; severity: string; message: string }>> {
  return page.evaluate((p) => (window as unknown as { vfioLintPlayground: { marks(path: string): Array<{ from: number; to: number; severity: string; message: string }> } }).vfioLintPlayground.marks(p), path);
}

/** Each finding the list shows, as `file line:col-endLine:endCol rule level message`. */
export async function shownFindings(page: Page): Promise<string[]> {
  const rows = await page.locator('#findings > li').evaluateAll((lis) =>
    lis.map((li) => {
      const d = (li as HTMLElement).dataset;
      return `${d.file} ${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.rule || '(fatal)'} ${d.level} ${li.querySelector('.message')?.textContent ?? ''}`;
    }),
  );
  return rows.sort();
}

interface CliMessage {
  ruleId: string | null;
  level: string;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  fix?: { range: [number, number]; text: string };
  suggestions?: Array<{ desc: string; fix?: { range: [number, number]; text: string } }>;
}
export interface CliResult {
  filePath: string;
  messages: CliMessage[];
  output?: string;
}

/** The CLI's `--format json` for `args`, with each file named relative to `base`. */
export function cliJson(args: readonly string[], base: string, extra: readonly string[] = []): CliResult[] {
  const run = runCli(['--no-config', '--format', 'json', ...extra, ...args]);
  if (run.code !== 0 && run.code !== 1) throw new Error(`vfio-lint exited ${run.code}: ${run.stderr}`);
  return (JSON.parse(run.stdout) as CliResult[]).map((r) => ({ ...r, filePath: relative(base, r.filePath) }));
}

/** The same shape as `shownFindings`, from the CLI's JSON. */
export function cliFindings(results: readonly CliResult[]): string[] {
  return results.flatMap((r) => r.messages.map((m) => `${r.filePath} ${m.line}:${m.column}-${m.endLine ?? ''}:${m.endColumn ?? ''} ${m.ruleId ?? '(fatal)'} ${m.level} ${m.message}`)).sort();
}

/** Every regular file under `dir`, with its path relative to it. */
export function filesUnder(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(dir, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });
}
