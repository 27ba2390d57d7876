// The built playground in headless Chromium (docs/playground.md): the findings it shows are the CLI's,
// for the shipped example and three corpus machines; fixes, suggestions, downloads and share links
// work. Screenshots go to test-artefacts/playground/ (git-ignored; CI keeps them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fixtureRoot } from '../helpers/snapshot-fixtures.js';
import { builtinRules } from '../../src/rules/index.js';

import type { Browser, Page } from 'playwright-core';
import { ROOT, runCli } from '../helpers/cli.js';
import { CORPUS, corpusAvailable } from '../helpers/corpus.js';
import { browserMissing, buildPage, cliFindings, cliJson, editorMarks, filesUnder, launch, openPage, pageFiles, pasteFiles, screenshot, settled, shownFindings, type CliResult } from './browser.js';

const EXAMPLE = join(ROOT, 'examples', 'desktop');
/** One machine each, of different shapes: dracut with sysconfig's grub and sysctl; mkinitcpio with kvm options; two domains. */
const MACHINES = ['JohnPreston__fedora30-kvm-nvidia-passthrough', 'lennard0711__vfio', 'droserasprout__win10-vfio-configs'];

const missing = browserMissing();
if (missing && !process.env.CI) console.warn(`test/playground/page.test.ts: skipped: ${missing}`);

describe('playground in Chromium: Chromium is there in CI', () => {
  it.runIf(process.env.CI)('has Chromium', () => {
    expect(missing, 'CI must run the browser tests: scripts/install-test-tools.sh installs Chromium').toBeUndefined();
  });
});

// Each test drives a real browser on a machine that may be busy: minutes, not the default minute.
describe.skipIf(missing !== undefined)('playground in Chromium', { timeout: 300_000 }, () => {
  let browser: Browser;
  const pages: Page[] = [];
  const open = async (url?: string) => {
    const o = await openPage(browser, url);
    pages.push(o.page);
    return o;
  };

  beforeAll(async () => {
    buildPage();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The example's files, in the CLI's order of results, and the CLI's report on them. */
  const example = () => {
    const cli = cliJson([EXAMPLE], EXAMPLE);
    return { cli, files: cli.map((r) => ({ path: r.filePath, text: readFileSync(join(EXAMPLE, r.filePath), 'utf8') })) };
  };

  it("shows the CLI's findings for the shipped example pasted file by file, cross-file findings in both files", async () => {
    const { cli, files } = example();
    expect(files.map((f) => f.path).sort()).toEqual(filesUnder(EXAMPLE).map((f) => f.path).sort());
    const { page, errors } = await open();
    await pasteFiles(page, files);
    const shown = await shownFindings(page);
    expect(shown.length).toBeGreaterThan(5);
    expect(shown).toEqual(cliFindings(cli));
    // Every rule links to its page.
    const links = await page.locator('#findings a.rule').evaluateAll((as) => as.map((a) => [a.textContent, (a as HTMLAnchorElement).href]));
    expect(links.length).toBe(shown.length);
    for (const [id, href] of links) expect(href).toBe(`https://github.com/vfio-lint/vfio-lint/blob/main/docs/rules/${id}.md`);
    // emulator-on-isolated-cpu is on win11.xml and points at isolcpus= in GRUB: the GRUB pane marks that place too.
    const grubText = files.find((f) => f.path === 'etc/default/grub')!.text;
    const emu = cli.find((r) => r.filePath === 'win11.xml')!.messages.find((m) => m.ruleId === 'emulator-on-isolated-cpu')!;
    const grubMarks = await editorMarks(page, 'etc/default/grub');
    const related = grubMarks.filter((m) => m.severity === 'info' && m.message.includes('(emulator-on-isolated-cpu)'));
    expect(related.map((m) => grubText.slice(m.from, m.to))).toEqual(['2-7']);
    expect(related[0]!.message).toBe(`isolcpus is set here: see win11.xml:${emu.line}:${emu.column}, ${emu.message} (emulator-on-isolated-cpu)`);
    // The topology map is drawn from capabilities.xml with the domain's pinning.
    const topology = await page.locator('#topology').textContent();
    expect(topology).toContain('Host CPUs: EPYC-Genoa, 1 package, 8 cores, 16 CPUs');
    expect(topology).toContain('Domain win11: 12 vCPUs');
    expect(errors).toEqual([]);
    await screenshot(page, 'example');
  });

  it.runIf(corpusAvailable()).each(MACHINES)("shows the CLI's findings for the corpus machine %s", async (name) => {
    const dir = join(CORPUS, 'real-world', name);
    const cli = cliJson([dir], dir);
    const files = cli.map((r) => ({ path: r.filePath, text: readFileSync(join(dir, r.filePath), 'utf8') }));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const { page, errors } = await open();
    await pasteFiles(page, files);
    const shown = await shownFindings(page);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(cliFindings(cli));
    expect(errors).toEqual([]);
    await screenshot(page, `corpus-${name}`);
  });

  it("reads a snapshot folder opened whole: its /proc and /sys facts join the machine, and the findings are the CLI's on that folder", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vfio-lint-page-snapshot-')), 'snap');
    const made = runCli(['snapshot', dir, '--root', fixtureRoot('amd-b450-nvidia-shared-group')]);
    expect(made.code, made.stderr).toBe(0);
    const cli = cliJson([dir], dirname(dir));
    // Findings that only the facts give (rules that need the live host) are among them.
    const needLive = new Set(builtinRules.filter((r) => JSON.stringify(r.meta.requires ?? []).includes('"live"')).map((r) => r.meta.id));
    expect(cli.flatMap((r) => r.messages).some((m) => m.ruleId !== null && needLive.has(m.ruleId))).toBe(true);
    const { page, errors } = await open();
    await page.setInputFiles('#open-folder', dir);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('with the facts of the snapshot'));
    await settled(page);
    expect(await page.locator('#status').textContent()).toContain('with the facts of the snapshot snap/vfio-lint-snapshot.json');
    const shown = await shownFindings(page);
    expect(shown).toEqual(cliFindings(cli));
    expect(errors).toEqual([]);
    await screenshot(page, 'snapshot-folder');
  });

  /** The text `file` has after applying one edit of the CLI's JSON (an ESLint-shaped `fix`). */
  const edited = (text: string, fix: { range: [number, number]; text: string }) => text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1]);
  const message = (cli: CliResult[], file: string, rule: string) => cli.find((r) => r.filePath === file)!.messages.find((m) => m.ruleId === rule)!;
  const textOf = async (page: Page, path: string) => (await pageFiles(page)).find((f) => f.path === path)!.text;

  it('applies a fix and a suggestion with one click each, as the CLI gives them, and downloads the fixed file', async () => {
    const { cli, files } = example();
    const { page, errors } = await open();
    await page.click('#load-example');
    await settled(page);
    // The page's own copy of the example is the shipped one.
    expect((await pageFiles(page)).map((f) => `${f.path}\n${f.text}`).sort()).toEqual(files.map((f) => `${f.path}\n${f.text}`).sort());

    const win11 = files.find((f) => f.path === 'win11.xml')!.text;
    const balloon = message(cli, 'win11.xml', 'memballoon-present');
    await page.locator('#findings > li[data-rule="memballoon-present"] button.fix').click();
    await settled(page);
    const afterFix = edited(win11, balloon.fix!);
    expect(await textOf(page, 'win11.xml')).toBe(afterFix);
    expect(await page.locator('#findings > li[data-rule="memballoon-present"]').count()).toBe(0);

    // A suggestion: the first for the emulator pinned on isolated CPUs.
    const emu = message(cli, 'win11.xml', 'emulator-on-isolated-cpu');
    const suggestion = emu.suggestions![0]!;
    await page.locator('#findings > li[data-rule="emulator-on-isolated-cpu"] button.suggestion', { hasText: suggestion.desc }).click();
    await settled(page);
    // The memballoon fix shortened the text before the emulatorpin: the suggestion's offsets were the CLI's on the original.
    const shift = afterFix.length - win11.length;
    expect(suggestion.fix!.range[0]).toBeLessThan(balloon.fix!.range[0]);
    expect(shift).not.toBe(0);
    expect(await textOf(page, 'win11.xml')).toBe(edited(afterFix, suggestion.fix!));

    // The pane's Download button saves what the pane holds now.
    const pane = page.locator('.pane').filter({ has: page.locator('.detected', { hasText: 'read as domain' }) });
    const [download] = await Promise.all([page.waitForEvent('download'), pane.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('win11.xml');
    expect(readFileSync((await download.path())!, 'utf8')).toBe(await textOf(page, 'win11.xml'));
    expect(errors).toEqual([]);
    await screenshot(page, 'after-fix');
  });

  it("applies every safe fix as the CLI's --fix-dry-run does", async () => {
    const dry = cliJson([EXAMPLE], EXAMPLE, ['--fix-dry-run']);
    const { page, errors } = await open();
    await page.click('#load-example');
    await settled(page);
    await page.click('#fix-all');
    await settled(page);
    const expected = dry.map((r) => `${r.filePath}\n${r.output ?? readFileSync(join(EXAMPLE, r.filePath), 'utf8')}`).sort();
    expect(dry.some((r) => r.output !== undefined)).toBe(true);
    expect((await pageFiles(page)).map((f) => `${f.path}\n${f.text}`).sort()).toEqual(expected);
    expect(await page.locator('#status').textContent()).toMatch(/^Safe fixes applied in \d+ files?/);
    // Download files: one .zip holding every pane's text at its path, as unzip reads it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-all')]);
    expect(download.suggestedFilename()).toBe('vfio-lint-files.zip');
    const zip = (await download.path())!;
    expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).toContain('No errors detected');
    const unpacked = (await pageFiles(page)).map((f) => `${f.path}\n${execFileSync('unzip', ['-p', zip, f.path]).toString('utf8')}`).sort();
    expect(unpacked).toEqual(expected);
    expect(errors).toEqual([]);
  });

  it('makes a share link that warns first, holds the files compressed in the fragment, and opens them in a new page', async () => {
    const { page, errors } = await open();
    await page.click('#load-example');
    await settled(page);
    // A hand-chosen kind travels with the link.
    await page.locator('.pane').first().locator('select.kind').selectOption('capabilities');
    await settled(page);
    const before = await pageFiles(page);
    await page.click('#share');
    const dialog = page.locator('#share-dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.textContent()).toContain('The link holds the full text of every file in this page');
    await screenshot(page, 'share-warning');
    const link = await page.locator('#share-link').inputValue();
    expect(link.startsWith(`${page.url().split('#')[0]}#v1=`)).toBe(true);
    // Compressed: none of the text shows in the link, and it is shorter than the files.
    expect(link).not.toContain('GRUB_CMDLINE');
    expect(link.length).toBeLessThan(before.reduce((n, f) => n + f.text.length, 0));
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    const other = await open(link);
    expect(await pageFiles(other.page)).toEqual(before);
    expect(await shownFindings(other.page)).toEqual(await shownFindings(page));
    expect([...errors, ...other.errors]).toEqual([]);
    await screenshot(other.page, 'shared');

    // A damaged link says so and opens an empty page.
    const broken = await open(`${link.slice(0, link.indexOf('#v1=') + 4)}AAAA${link.slice(link.indexOf('#v1=') + 30)}`);
    expect(await broken.page.locator('#status').textContent()).toMatch(/^Share link: the link is damaged/);
    expect(await pageFiles(broken.page)).toEqual([{ path: '', text: '' }]);
    expect(broken.errors).toEqual([]);
  });
});
