import { describe, it, expect, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lintFiles } from '../../src/lint.js';
import { builtinRules } from '../../src/rules/index.js';
import { DOCS_DIR } from '../helpers/rule-kit.js';
import { docExamples, type DocExample } from '../helpers/docs-examples.js';

/**
 * Each rule page's Bad and Good examples, run as machines (docs/contributing.md, "Examples the suite
 * runs"): a Bad example must make the rule report, a Good one must not, and neither may fail to parse.
 * Every rule is on, as for a user without a config, so unused-suppression sees the other rules' findings.
 */
const root = mkdtempSync(join(tmpdir(), 'vfio-lint-docs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function run(ex: DocExample, id: string): Promise<{ mine: string[]; fatal: string[] }> {
  const dir = join(root, String(n++));
  for (const [rel, text] of ex.files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const tree = [...ex.files.keys()].some((p) => p.startsWith('etc/'));
  const report = await lintFiles(tree ? [dir] : [...ex.files.keys()].map((p) => join(dir, p)), { cwd: dir, config: false });
  const all = report.results.flatMap((r) => r.messages.map((m) => ({ ...m, file: r.filePath.slice(dir.length + 1) })));
  return {
    mine: all.filter((m) => m.ruleId === id).map((m) => `${m.file}:${m.line} ${m.messageId ?? ''}: ${m.message}`),
    fatal: all.filter((m) => m.parseFailure).map((m) => `${m.file}:${m.line}: ${m.message}`),
  };
}

for (const rule of [...builtinRules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))) {
  const id = rule.meta.id;
  describe(`${id} docs examples`, () => {
    const { examples, unnamed } = docExamples(readFileSync(join(DOCS_DIR, `${id}.md`), 'utf8'));
    it('has a runnable Bad and Good example, and every Bad/Good code block names its file', () => {
      expect(unnamed.map((l) => `docs.md:${l}: a code block in Bad or Good without file= in its info string`)).toEqual([]);
      expect(examples.some((e) => e.section === 'Bad'), 'no Bad example with file=').toBe(true);
      expect(examples.some((e) => e.section === 'Good'), 'no Good example with file=').toBe(true);
    });
    for (const ex of examples) {
      it(`${ex.section} example at docs.md:${ex.line} ${ex.section === 'Bad' ? 'makes the rule report' : 'is clean'}`, async () => {
        const { mine, fatal } = await run(ex, id);
        expect(fatal, 'the example must parse').toEqual([]);
        if (ex.section === 'Bad') expect(mine.length, 'a Bad example must make the rule report').toBeGreaterThan(0);
        else expect(mine).toEqual([]);
      });
    }
  });
}
