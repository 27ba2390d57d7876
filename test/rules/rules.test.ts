import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { lintFiles } from '../../src/lint.js';
import { builtinRules } from '../../src/rules/index.js';
import type { LintReport } from '../../src/engine/result.js';
import { DOCS_DIR, ENGINE_RULES, EXPECTED_HEADER, RULES_DIR, registryProblems, renderFindings, ruleProblems, untriggeredMessages, withSources } from '../helpers/rule-kit.js';

/**
 * Every built-in rule, from its folder src/rules/<id>/:
 *   index.ts                       the rule; meta.sources is the one list of sources
 * and its page docs/rules/<id>.md (the Sources section is written from meta.sources):
 *   fixtures/valid/<case>/         a machine on which the rule must say nothing
 *   fixtures/invalid/<case>/       a machine, and expected.txt: every finding with all it carries
 *   fixtures/invalid/<case>/fixed/       each changed file after `--fix` (safe fixes)
 *   fixtures/invalid/<case>/suggested/   each changed file after also applying suggestions
 * A case is linted as `vfio-lint <case>` would: a host tree (etc/...) plus top-level XML.
 *
 * `npm run rules:update` (VFIO_LINT_UPDATE=1) writes expected.txt, fixed/, suggested/ and the docs'
 * Sources sections from what the code does. It does not make them right: read every line it wrote.
 */
const UPDATE = process.env.VFIO_LINT_UPDATE === '1';

/** Every other rule off; the rule under test keeps its defaults (a severity set here would override its per-finding ones). */
function onlyRule(id: string) {
  return Object.fromEntries(builtinRules.filter((r) => r.meta.id !== id).map((r) => [r.meta.id, 'off'])) as Record<string, 'off'>;
}

const OUTPUTS = new Set(['expected.txt', 'fixed', 'suggested', 'README.md']);

function lintCase(id: string, dir: string, fix?: boolean | 'suggestions'): Promise<LintReport> {
  const inputs = readdirSync(dir).filter((n) => !OUTPUTS.has(n)).map((n) => join(dir, n));
  // A case is a tree (etc/ beside XML files): pass the directory itself so discovery runs as for a user.
  const paths = inputs.some((p) => p.endsWith('/etc')) ? [dir] : inputs;
  // The expected outputs sit beside the machine: discovery must not read them as inputs.
  return lintFiles(paths, { config: { rules: onlyRule(id), ignores: ['/expected.txt', '/fixed/', '/suggested/', '/README.md'] }, cwd: dir, fix });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

function cases(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()).sort() : [];
}

/** Write `files` (relative path -> text) as the whole content of `dir`, or remove `dir` when there are none. */
function writeTree(dir: string, files: ReadonlyMap<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, text] of files) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

const hasSuggestions = (lines: readonly string[]) => lines.some((l) => l.startsWith('  suggestion'));

describe('rule registry', () => {
  it('every folder in src/rules is a registered rule and every registered rule has a folder', () => {
    expect(registryProblems(RULES_DIR, builtinRules)).toEqual([]);
  });
  it('every message id a rule documents (meta.messages) is reported by at least one fixture case', () => {
    expect(untriggeredMessages(RULES_DIR, builtinRules)).toEqual([]);
  });
});

for (const rule of [...builtinRules].sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1))) {
  const id = rule.meta.id;
  describe(id, () => {
    it('is complete: docs page with every section, sources, fixtures', () => {
      const docs = join(DOCS_DIR, `${id}.md`);
      if (UPDATE && existsSync(docs) && rule.meta.sources?.length) writeFileSync(docs, withSources(readFileSync(docs, 'utf8'), rule.meta.sources));
      expect(ruleProblems(RULES_DIR, id, rule)).toEqual([]);
    });
    if (ENGINE_RULES.has(id)) return;

    const validDir = join(RULES_DIR, id, 'fixtures', 'valid');
    for (const name of cases(validDir)) {
      it(`valid: ${name}`, async () => {
        const dir = join(validDir, name);
        expect(renderFindings(await lintCase(id, dir), dir, id)).toEqual([]);
      });
    }

    const invalidDir = join(RULES_DIR, id, 'fixtures', 'invalid');
    for (const name of cases(invalidDir)) {
      it(`invalid: ${name}`, async () => {
        const dir = join(invalidDir, name);
        const got = renderFindings(await lintCase(id, dir), dir, id);
        expect(got.length, 'an invalid case must make the rule report').toBeGreaterThan(0);
        const expectedFile = join(dir, 'expected.txt');
        if (UPDATE) writeFileSync(expectedFile, `${EXPECTED_HEADER}\n${got.join('\n')}\n`);
        const expected = existsSync(expectedFile) ? readFileSync(expectedFile, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')) : [];
        expect(got).toEqual(expected);

        for (const [sub, mode] of [['fixed', true], ['suggested', 'suggestions']] as const) {
          const outDir = join(dir, sub);
          const fixed = await lintCase(id, dir, mode);
          const changed = new Map(fixed.results.filter((r) => r.output !== undefined).map((r) => [relative(dir, r.filePath), r.output!]));
          // suggested/ is kept only for a case whose findings carry suggestions.
          if (UPDATE) writeTree(outDir, sub === 'suggested' && !hasSuggestions(got) ? new Map() : changed);
          if (sub === 'suggested' && !existsSync(outDir)) {
            expect(hasSuggestions(got), 'a case whose findings carry suggestions needs suggested/ (run npm run rules:update)').toBe(false);
            continue;
          }
          const want = existsSync(outDir) ? new Map(filesUnder(outDir).map((p) => [relative(outDir, p), readFileSync(p, 'utf8')])) : new Map<string, string>();
          expect([...changed.keys()].sort(), `${sub}/ holds exactly the files ${sub === 'fixed' ? '--fix' : '--fix --fix-suggestions'} changes`).toEqual([...want.keys()].sort());
          for (const [p, text] of want) expect(changed.get(p), `${sub}/${p}`).toBe(text);
          // A fixed machine has nothing left to fix.
          const again = fixed.results.flatMap((r) => r.messages.filter((m) => m.ruleId === id && (m.fix || (mode === 'suggestions' && m.suggestions?.length))));
          expect(again.map((m) => m.message)).toEqual([]);
        }
      });
    }
  });
}
