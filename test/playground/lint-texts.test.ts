// lintTexts (src/lint-texts.ts), the in-memory entry the playground's bundle is built from, gives the
// report lintFiles gives for the same files on disk; and the bundle's posix path shim agrees with
// node:path wherever the library uses it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { lintTexts } from '../../src/lint-texts.js';
import { lintFiles } from '../../src/lint.js';
import { KINDS } from '../../src/kinds/index.js';
import type { LintReport } from '../../src/engine/result.js';
import * as shim from '../../playground/src/shims/path.js';
import { ROOT } from '../helpers/cli.js';
import { filesUnder } from './browser.js';

const EXAMPLE = join(ROOT, 'examples', 'desktop');

/** Every finding with its place, severity, message and edits, files named relative to `base`. */
function shape(report: LintReport, base: string): string[] {
  const rel = (p: string) => (p.startsWith('/') && base ? relative(base, p) : p);
  return report.results
    .flatMap((r) =>
      r.messages.map((m) =>
        JSON.stringify([rel(r.filePath), r.kind, m.ruleId, m.severity, m.line, m.column, m.range, m.message, m.fix?.edits.map((e) => [rel(e.path), e.start, e.end, e.text]), m.suggestions?.map((s) => [s.description, s.fix.edits.map((e) => [rel(e.path), e.start, e.end, e.text])]), m.related?.map((x) => [rel(x.path), x.start, x.end, x.message])]),
      ),
    )
    .sort();
}

describe('lintTexts', () => {
  it('gives the findings, fixes and suggestions lintFiles gives for the example on disk', async () => {
    const files = filesUnder(EXAMPLE);
    const fromDisk = await lintFiles([EXAMPLE], { config: false });
    const fromTexts = lintTexts(files);
    expect(shape(fromTexts, '')).toEqual(shape(fromDisk, EXAMPLE));
    expect(shape(fromTexts, '').length).toBeGreaterThan(10);
    expect(fromTexts.skippedRules.map((s) => s.ruleId).sort()).toEqual(fromDisk.skippedRules.map((s) => s.ruleId).sort());
  });

  it('fixes as lintFiles does', async () => {
    const files = filesUnder(EXAMPLE);
    const fromDisk = await lintFiles([EXAMPLE], { config: false, fix: true });
    const fromTexts = lintTexts(files, { fix: true });
    const outputs = (r: LintReport, base: string) => r.results.filter((x) => x.output !== undefined).map((x) => [base ? relative(base, x.filePath) : x.filePath, x.output]).sort();
    expect(outputs(fromTexts, '')).toEqual(outputs(fromDisk, EXAMPLE));
    expect(outputs(fromTexts, '').length).toBeGreaterThan(0);
  });

  it('reads kinds from paths, content, or what the caller says', () => {
    const grub = readFileSync(join(EXAMPLE, 'etc/default/grub'), 'utf8');
    const r = lintTexts([
      { path: '/etc/default/grub', text: grub },
      { path: 'pasted', text: '<domain type="kvm"><name>x</name></domain>' },
      { path: 'notes.txt', text: 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n', kind: 'grub' },
    ]);
    expect(r.results.map((x) => [x.filePath, x.kind, x.systemPath])).toEqual([
      ['/etc/default/grub', 'grub', '/etc/default/grub'],
      ['pasted', 'domain', expect.any(String)],
      // Named by hand: placed where the CLI places a file given with --kind grub.
      ['notes.txt', 'grub', KINDS.placeOf('grub', 'notes.txt')],
    ]);
  });

  it('says which file it cannot tell the kind of, and refuses two files with one path or an unknown kind', () => {
    const r = lintTexts([{ path: 'README', text: 'hello\n' }]);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]!.filePath).toBe('README');
    expect(r.results[0]!.messages.map((m) => [m.severity, m.message])).toEqual([['error', 'cannot tell what kind of file this is: give it a path such as /etc/default/grub, or choose its kind']]);
    expect(() => lintTexts([{ path: 'a.xml', text: '' }, { path: 'a.xml', text: '' }])).toThrow('lintTexts: two files have the path a.xml');
    expect(() => lintTexts([{ path: 'a', text: '', kind: 'nope' as never }])).toThrow(/^lintTexts: a: kind must be one of domain, /);
  });
});

describe("the playground's node:path shim", () => {
  const segment = fc.constantFrom('', '.', '..', 'etc', 'modprobe.d', 'vfio.conf', 'a', 'grub.d');
  const path = fc.tuple(fc.boolean(), fc.array(segment, { maxLength: 6 }), fc.boolean()).map(([abs, parts, slash]) => `${abs ? '/' : ''}${parts.join('/')}${slash ? '/' : ''}`);
  it('gives posix basename, dirname and join as node:path does', () => {
    fc.assert(
      fc.property(path, fc.array(path, { maxLength: 3 }), (p, more) => {
        expect(shim.posix.basename(p)).toBe(posix.basename(p));
        expect(shim.posix.dirname(p)).toBe(posix.dirname(p));
        expect(shim.join(p, ...more)).toBe(posix.join(p, ...more));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lintTexts with a snapshot', () => {
  it('a text that is not a snapshot is one error finding on its path, worded as the CLI words it', () => {
    const bad = lintTexts([], { snapshot: { path: 'snap/vfio-lint-snapshot.json', text: '{"format":"other"}' } });
    expect(bad.results.map((r) => [r.filePath, r.messages.map((m) => `${m.severity} ${m.message}`)])).toEqual([['snap/vfio-lint-snapshot.json', ['error not a vfio-lint snapshot (no "format": "vfio-lint-snapshot")']]]);
    const broken = lintTexts([], { snapshot: { path: 'vfio-lint-snapshot.json', text: '{' } });
    expect(broken.results[0]!.messages[0]!.message).toMatch(/^not valid JSON \(/);
  });

  it("a snapshot's facts make the rules that need a running host run", () => {
    const doc = { format: 'vfio-lint-snapshot', version: 1, writer: 'test', redaction: {}, files: [], problems: [], host: { cmdline: 'BOOT_IMAGE=/vmlinuz quiet' } };
    const grub = { path: 'snap/etc/default/grub', text: 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' };
    const skippedLive = (r: LintReport) => r.skippedRules.filter((s) => /live|running host|snapshot/i.test(s.reason)).length;
    const without = lintTexts([grub]);
    const withFacts = lintTexts([grub], { snapshot: { path: 'snap/vfio-lint-snapshot.json', text: JSON.stringify(doc) } });
    expect(skippedLive(without)).toBeGreaterThan(0);
    expect(skippedLive(withFacts)).toBeLessThan(skippedLive(without));
  });
});
