import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lintFiles } from '../../src/lint.js';
import { CORPUS, corpusAvailable, corpusEntries } from '../helpers/corpus.js';

/** The corpus MANIFEST's kinds, as vfio-lint names them (`other` is either module list). */
const KIND: Record<string, readonly string[]> = {
  'domain-xml': ['domain'],
  'capabilities-xml': ['capabilities'],
  grub: ['grub'],
  'kernel-cmdline': ['kernel-cmdline'],
  modprobe: ['modprobe'],
  sysctl: ['sysctl'],
  mkinitcpio: ['mkinitcpio'],
  dracut: ['dracut'],
  other: ['modules-load', 'initramfs-modules'],
};

// Skips cleanly without the shared corpus (test/corpus-present.test.ts fails in CI instead).
describe.runIf(corpusAvailable())('`vfio-lint <repo folder>` over every real-world repo of the corpus (issue 15)', () => {
  it('lints every file the MANIFEST lists, as the kind it lists, with no fatal for a valid file and no "nothing to lint"', { timeout: 300_000 }, async () => {
    const realWorld = join(CORPUS, 'real-world');
    const listed = corpusEntries().filter((e) => e.path.startsWith('real-world/'));
    const linted = new Map<string, string>();
    const fatal: string[] = [];
    for (const repo of readdirSync(realWorld).sort()) {
      const report = await lintFiles([join(realWorld, repo)], { config: false, cwd: realWorld });
      for (const r of report.results) {
        const rel = relative(CORPUS, r.filePath);
        if (r.kind) linted.set(rel, r.kind);
        for (const m of r.messages) if (m.parseFailure) fatal.push(`${rel}: ${m.message}`);
      }
    }
    const missing = listed.filter((e) => !linted.has(e.path)).map((e) => e.path);
    expect(missing).toEqual([]);
    const wrongKind = listed.filter((e) => !KIND[e.kind]!.includes(linted.get(e.path)!)).map((e) => `${e.path}: ${e.kind} read as ${linted.get(e.path)}`);
    expect(wrongKind).toEqual([]);
    expect(`${listed.length} of ${listed.length}`).toBe('455 of 455');
    // The one fatal is the corpus's one file that is not well-formed XML (README: a comment inside a comment).
    expect(fatal).toEqual([expect.stringMatching(/^real-world\/DragoonAethis__VFIO\/Windows8\.1\.xml: /)]);
  });
});
