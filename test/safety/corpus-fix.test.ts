import { describe, it, expect } from 'vitest';
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from '../../src/core/source.js';
import { parseByKind } from '../../src/kinds/index.js';
import type { FileKind } from '../../src/model/machine.js';
import { CORPUS, corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { expectNoCrash, runJson, snapshot, useTempDirs } from './helpers.js';

const tempDir = useTempDirs('corpus');

/**
 * A copy of the real-world corpus with a config that makes each repository one
 * machine, as people keep one machine per repo. Module lists (`other`) are left
 * out: their paths do not always say what they are.
 */
function corpusCopy(): { dir: string; config: string; given: Set<string> } {
  const dir = tempDir();
  cpSync(join(CORPUS, 'real-world'), join(dir, 'real-world'), { recursive: true });
  const byRepo = new Map<string, string[]>();
  for (const e of corpusEntries()) {
    if (!e.path.startsWith('real-world/') || e.kind === 'other') continue;
    const repo = e.path.split('/')[1]!;
    byRepo.set(repo, [...(byRepo.get(repo) ?? []), e.path]);
  }
  const config = join(dir, 'vfio-lint.config.json');
  writeFileSync(config, JSON.stringify({ machines: [...byRepo].map(([name, files]) => ({ name, files })) }));
  return { dir, config, given: new Set([...byRepo.values()].flat()) };
}

describe.skipIf(!corpusAvailable())('--fix over a copy of the whole real-world corpus', () => {
  for (const mode of [['--fix'], ['--fix', '--fix-suggestions']]) {
    it(`${mode.join(' ')}: only given files change, each still parses and keeps its mode; a second run changes nothing`, () => {
      const shared = snapshot(join(CORPUS, 'real-world'));
      const { dir, config, given } = corpusCopy();
      const original = snapshot(dir);

      const first = runJson(['--config', config, ...mode], { cwd: dir, timeout: 120_000 });
      expectNoCrash(first);
      expect([0, 1], first.stderr).toContain(first.code);
      const kindOf = new Map(first.results.map((r) => [r.filePath.slice(dir.length + 1), r.kind]));
      const afterFirst = snapshot(dir);
      const changed = [...afterFirst.keys()].filter((k) => afterFirst.get(k)!.bytes !== original.get(k)?.bytes);
      expect(changed.length).toBeGreaterThan(0);
      expect([...afterFirst.keys()]).toEqual([...original.keys()]);
      for (const rel of changed) {
        expect(given.has(rel), rel).toBe(true);
        const decoded = decode(readFileSync(join(dir, rel)));
        expect(decoded.ok, rel).toBe(true);
        if (!decoded.ok) continue;
        const problems = parseByKind(kindOf.get(rel) as FileKind, decoded.text).problems.filter((p) => p.severity === 'fatal');
        expect(problems, rel).toEqual([]);
        expect(statSync(join(dir, rel)).mode, rel).toBe(original.get(rel)!.mode);
      }

      const second = runJson(['--config', config, ...mode], { cwd: dir, timeout: 120_000 });
      expectNoCrash(second);
      // Nothing rewritten: same bytes and the same inodes (a rewrite, even with equal bytes, would show a new inode).
      expect(snapshot(dir)).toEqual(afterFirst);
      expect(snapshot(join(CORPUS, 'real-world'))).toEqual(shared);
    });
  }
});
