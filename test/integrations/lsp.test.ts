import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/cli.js';
import { applyLspEdits, LspClient, SERVER_BIN, type LspDiagnostic, type Published } from './lsp-client.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'integrations');

/** A fresh copy of a fixture machine (the server reads the files around an open one). */
function copyFixture(name: string): string {
  const dir = join(realpathSync(mkdtempSync(join(tmpdir(), 'vfio-lsp-'))), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

const uriOf = (path: string) => pathToFileURL(path).href;
/** The rules these tests are about; findings of other rules (new ones included) are left out. */
const WATCHED = new Set(['memballoon-present', 'missing-topoext', 'emulatorpin-overlaps-vcpupin', 'isolcpus-mismatch', 'hugepages-without-backing', 'syntax']);
const watched = (p: Published) => p.diagnostics.filter((d) => d.code === undefined || WATCHED.has(d.code));
const codes = (p: Published) => watched(p).map((d) => d.code ?? null);

interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  diagnostics?: LspDiagnostic[];
  edit?: { changes: Record<string, Array<{ range: LspDiagnostic['range']; newText: string }>> };
}

let client: LspClient | undefined;
afterEach(async () => {
  if (client) {
    const c = client;
    client = undefined;
    await c.stop().catch(() => c.kill());
  }
});

describe('the language server over stdio', () => {
  let desk: string;
  let domainText: string;
  beforeAll(() => {
    desk = copyFixture('desk');
    domainText = readFileSync(join(desk, 'win11.xml'), 'utf8');
  });

  it('answers initialize with its capabilities and exits cleanly on shutdown', async () => {
    client = LspClient.start();
    const init = await client.initialize(desk);
    expect(init.serverInfo?.name).toBe('vfio-lint');
    expect(init.capabilities).toMatchObject({ textDocumentSync: { openClose: true, change: 2 }, codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.vfio-lint'] } });
    const c = client;
    client = undefined;
    expect(await c.stop()).toBe(0);
  });

  it('publishes findings for a domain on open, with the rule as code and a link to its docs', async () => {
    client = LspClient.start();
    await client.initialize(desk);
    const uri = uriOf(join(desk, 'win11.xml'));
    client.open(uri, domainText);
    const got = await client.diagnostics(uri);
    expect(got.version).toBe(1);
    expect(codes(got).sort()).toEqual(['emulatorpin-overlaps-vcpupin', 'memballoon-present', 'missing-topoext']);
    const balloon = got.diagnostics.find((d) => d.code === 'memballoon-present')!;
    // Line 89 is `    <memballoon model='virtio'>`: the finding covers the attribute model='virtio' (columns 17-30, 1-based).
    expect(balloon.range).toEqual({ start: { line: 88, character: 16 }, end: { line: 88, character: 30 } });
    expect(balloon.severity).toBe(2);
    expect(balloon.source).toBe('vfio-lint');
    expect(balloon.codeDescription?.href).toMatch(/\/docs\/rules\/memballoon-present\.md$/);
    // The related location is the passed-through device, line 77 `    <hostdev mode='subsystem' type='pci' managed='yes'>`.
    expect(balloon.relatedInformation).toEqual([{ location: { uri, range: { start: { line: 76, character: 4 }, end: { line: 76, character: 55 } } }, message: 'passed through here' }]);
  });

  it('finds the host tree from the folder layout: a host file gets findings that need the domain beside etc/', async () => {
    client = LspClient.start();
    await client.initialize(desk);
    const grub = join(desk, 'etc', 'default', 'grub');
    const uri = uriOf(grub);
    client.open(uri, readFileSync(grub, 'utf8'), 'sh');
    const got = await client.diagnostics(uri);
    // Both isolcpus-mismatch findings need the domain's pins and the capabilities' SMT siblings.
    expect(codes(got)).toEqual(['isolcpus-mismatch', 'isolcpus-mismatch']);
    const related = watched(got)[1]!.relatedInformation!;
    expect(related.map((r) => r.message)).toEqual(['vCPU 1 is pinned here', 'vCPU 3 is pinned here', 'vCPU 5 is pinned here', 'vCPU 7 is pinned here', 'vCPU 9 is pinned here', 'vCPU 11 is pinned here']);
    // win11.xml:18 `    <vcpupin vcpu='1' cpuset='10'/>`: the cpuset value '10' starts at column 31 (1-based).
    expect(related[0]!.location).toEqual({ uri: uriOf(join(desk, 'win11.xml')), range: { start: { line: 17, character: 30 }, end: { line: 17, character: 32 } } });
  });

  it('quick fix: the safe fix as a preferred action; applying it and sending the change clears the finding', async () => {
    client = LspClient.start();
    await client.initialize(desk, { debounceMs: 0 });
    const uri = uriOf(join(desk, 'win11.xml'));
    client.open(uri, domainText);
    const first = await client.diagnostics(uri);
    const balloon = first.diagnostics.find((d) => d.code === 'memballoon-present')!;
    const actions = (await client.request('textDocument/codeAction', { textDocument: { uri }, range: balloon.range, context: { diagnostics: [balloon] } })) as CodeAction[];
    expect(actions.map((a) => [a.title, a.kind, a.isPreferred ?? false])).toEqual([
      ['Fix this memballoon-present problem', 'quickfix', true],
      ['Fix all auto-fixable vfio-lint problems', 'source.fixAll.vfio-lint', false],
    ]);
    const edits = actions[0]!.edit!.changes[uri]!;
    // The whole element, from `<memballoon` on line 89 to the end of `    </memballoon>` (4 + 13 characters) on
    // line 91, becomes one self-closing element with the file's quotes.
    expect(edits).toEqual([{ range: { start: { line: 88, character: 4 }, end: { line: 90, character: 17 } }, newText: "<memballoon model='none'/>" }]);
    const fixed = applyLspEdits(domainText, edits);
    expect(fixed).toContain("    <memballoon model='none'/>\n  </devices>");
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: edits[0]!.range, text: edits[0]!.newText }] });
    const after = await client.diagnostics(uri, (p) => p.version === 2);
    expect(codes(after).sort()).toEqual(['emulatorpin-overlaps-vcpupin', 'missing-topoext']);
  });

  it('offers suggestions as quick fixes, each edit placed in the right file', async () => {
    client = LspClient.start();
    await client.initialize(desk);
    const grub = join(desk, 'etc', 'default', 'grub');
    const uri = uriOf(grub);
    const text = readFileSync(grub, 'utf8');
    client.open(uri, text, 'sh');
    const got = await client.diagnostics(uri);
    const pinned = watched(got)[1]!;
    const actions = (await client.request('textDocument/codeAction', { textDocument: { uri }, range: pinned.range, context: { diagnostics: [pinned] } })) as CodeAction[];
    const suggestion = actions.find((a) => a.title.startsWith('Isolate exactly'))!;
    expect(suggestion.title).toBe('Isolate exactly the CPUs the vCPUs are pinned to (2-7,10-15) (isolcpus-mismatch)');
    expect(suggestion.kind).toBe('quickfix');
    const edits = suggestion.edit!.changes[uri]!;
    expect(edits).toHaveLength(3);
    expect(applyLspEdits(text, edits)).toContain('isolcpus=2-7,10-15 nohz_full=2-7,10-15 rcu_nocbs=2-7,10-15"');
  });

  it('an edit to the domain re-lints the open host file that depends on it (debounced: one run for a burst of changes)', async () => {
    client = LspClient.start();
    await client.initialize(desk, { debounceMs: 1500 });
    const sysctlPath = join(desk, 'etc', 'sysctl.d', '40-hugepages.conf');
    const sysctl = uriOf(sysctlPath);
    const domain = uriOf(join(desk, 'win11.xml'));
    client.open(sysctl, readFileSync(sysctlPath, 'utf8'), 'conf');
    expect(codes(await client.diagnostics(sysctl))).toEqual(['hugepages-without-backing']);
    client.open(domain, domainText);
    await client.diagnostics(domain);
    const published = client.published.length;
    // Three edits typed in quick succession (well within the pause the server waits for): the last one gives the
    // domain 2 MiB huge pages, which the sysctl reservation then backs.
    const at = domainText.indexOf("  <vcpu placement='static'>");
    const line = domainText.slice(0, at).split('\n').length - 1;
    const insert = (version: number, text: string) => ({ method: 'textDocument/didChange', params: { textDocument: { uri: domain, version }, contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text }] } });
    for (const [i, change] of [insert(2, '  <!-- a -->\n'), insert(3, '  <!-- b -->\n'), insert(4, '  <memoryBacking><hugepages/></memoryBacking>\n')].entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 30));
      client.notify(change.method, change.params);
    }
    // Waits for the sysctl file's findings to be gone: published without the sysctl file being touched.
    await client.diagnostics(sysctl, (p) => client!.published.indexOf(p) >= published && codes(p).length === 0);
    const domainAfter = await client.diagnostics(domain, (p) => p.version === 4);
    expect(codes(domainAfter).sort()).toEqual(['emulatorpin-overlaps-vcpupin', 'memballoon-present', 'missing-topoext']);
    // Versions 2 and 3 were never linted on their own.
    expect(client.published.slice(published).filter((p) => p.uri === domain).map((p) => p.version)).toEqual([4]);
  });

  it('an edit re-lints only what depends on it: an open domain of another machine is not linted again', async () => {
    const other = copyFixture('desk');
    client = LspClient.start();
    await client.initialize(desk, { debounceMs: 0 });
    const domain = uriOf(join(desk, 'win11.xml'));
    const unrelated = uriOf(join(other, 'win11.xml'));
    client.open(domain, domainText);
    client.open(unrelated, domainText);
    await client.diagnostics(domain);
    await client.diagnostics(unrelated);
    const published = client.published.length;
    client.notify('textDocument/didChange', { textDocument: { uri: domain, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '<!-- a -->' }] });
    await client.diagnostics(domain, (p) => p.version === 2);
    // A request answered after the re-lint: everything the server published for that change has arrived.
    await client.request('textDocument/codeAction', { textDocument: { uri: domain }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    expect(client.published.slice(published).map((p) => p.uri)).toEqual([domain]);
  });

  it('a file that is no VFIO input gets no findings; a broken XML gets one fatal finding without a rule', async () => {
    client = LspClient.start();
    await client.initialize(desk);
    const other = uriOf(join(desk, 'pom.xml'));
    client.open(other, '<project><modelVersion>4.0.0</modelVersion></project>\n');
    expect((await client.diagnostics(other)).diagnostics).toEqual([]);
    const broken = uriOf(join(desk, 'broken.xml'));
    client.open(broken, "<domain type='kvm'>\n  <name>x</name>\n  <devices>\n</domain>\n");
    const got = await client.diagnostics(broken);
    expect(got.diagnostics).toHaveLength(1);
    expect(got.diagnostics[0]!.code).toBeUndefined();
    expect(got.diagnostics[0]!.severity).toBe(1);
    expect(got.diagnostics[0]!.range.start.line).toBe(3);
  });

  it('an unsaved buffer (no file: URI) is linted alone, its kind told by its content', async () => {
    client = LspClient.start();
    await client.initialize(desk);
    const uri = 'untitled:Untitled-1';
    client.open(uri, 'blacklist nouveau\noptions\n', 'conf');
    const got = await client.diagnostics(uri);
    expect(watched(got).map((d) => [d.code, d.severity, d.range.start.line, d.message])).toEqual([['syntax', 1, 1, "'options' needs a module name: kmod ignores this line"]]);
  });
});

describe('the language server and the config file', () => {
  it("lints a config machine: a host file outside the domain's folder sees the domain in vms/", async () => {
    const dot = copyFixture('dotfiles');
    // Pin the vCPUs to 8-9, outside isolcpus=2-7: a finding on the grub file that only the config's machine can produce.
    const vm = join(dot, 'vms', 'win11.xml');
    writeFileSync(vm, readFileSync(vm, 'utf8').replace("<vcpupin vcpu='0' cpuset='2'/>", "<vcpupin vcpu='0' cpuset='1'/>"));
    client = LspClient.start();
    await client.initialize(dot);
    const grub = join(dot, 'hosts', 'desk', 'etc', 'default', 'grub');
    const uri = uriOf(grub);
    client.open(uri, readFileSync(grub, 'utf8'), 'sh');
    const got = await client.diagnostics(uri);
    expect(watched(got).map((d) => `${d.code}: ${d.message}`).sort()).toEqual([
      'isolcpus-mismatch: Host CPU 2 is isolated by isolcpus=2-7 but no pinned VM thread of win11 runs there: the scheduler leaves it idle',
      'isolcpus-mismatch: win11: vCPU 0 is pinned to host CPU 1, which isolcpus=2-7 does not isolate',
    ]);
  });

  it('two config files in one folder: the editor is warned once which one is used, as the CLI warns on stderr', async () => {
    const dot = copyFixture('dotfiles');
    writeFileSync(join(dot, '.vfio-lintrc.json'), '{}');
    client = LspClient.start();
    await client.initialize(dot);
    const uri = uriOf(join(dot, 'vms', 'win11.xml'));
    client.open(uri, readFileSync(join(dot, 'vms', 'win11.xml'), 'utf8'));
    await client.diagnostics(uri);
    expect(client.shown).toEqual([`vfio-lint: ${dot} has both vfio-lint.config.json and .vfio-lintrc.json: only vfio-lint.config.json is used`]);
  });

  it('a config file that does not parse is shown on the document, not thrown', async () => {
    const dot = copyFixture('dotfiles');
    writeFileSync(join(dot, 'vfio-lint.config.json'), '{ "machines": [ }');
    client = LspClient.start();
    await client.initialize(dot);
    const uri = uriOf(join(dot, 'vms', 'win11.xml'));
    client.open(uri, readFileSync(join(dot, 'vms', 'win11.xml'), 'utf8'));
    const got = await client.diagnostics(uri);
    expect(got.diagnostics).toHaveLength(1);
    expect(got.diagnostics[0]!.message).toMatch(/^vfio-lint could not lint this file: \/.*\/dotfiles\/vfio-lint\.config\.json(:1:\d+)?: invalid JSON/);
  });
});

describe('the language server command line', () => {
  it('prints help, and refuses an unknown flag with one line and exit 2', () => {
    const help = spawnSync(process.execPath, [SERVER_BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: vfio-lint-language-server \[--stdio\]/);
    const bad = spawnSync(process.execPath, [SERVER_BIN, '--tcp'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('vfio-lint-language-server: unknown argument "--tcp" (see --help)\n');
  });
});


