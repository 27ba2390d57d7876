import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lintFiles } from '../../src/lint.js';
import { builtinRules, ENGINE_RULE_IDS } from '../../src/rules/index.js';
import type { LintReport } from '../../src/engine/result.js';

/**
 * Every rule's fixtures, under test/fixtures/rules/<id>/:
 *   valid/<case>/     a machine on which the rule must say nothing
 *   invalid/<case>/   a machine with `expected.txt`: one finding a line, `file:line:col severity message-part`
 *   invalid/<case>/fixed/        the exact text of each file after `--fix` (safe fixes only)
 *   invalid/<case>/suggested/    the exact text after also applying suggestions
 * A case directory is linted as `vfio-lint <case>` would: a host tree (etc/...) plus top-level XML.
 */
const ROOT = join(import.meta.dirname, '..', 'fixtures', 'rules');

/** Every other rule off; the rule under test keeps its defaults (a severity set here would override its per-finding ones). */
function onlyRule(id: string) {
  return Object.fromEntries(builtinRules.filter((r) => r.meta.id !== id).map((r) => [r.meta.id, 'off'])) as Record<string, 'off'>;
}

function lintCase(id: string, dir: string, fix?: boolean | 'suggestions'): Promise<LintReport> {
  const inputs = readdirSync(dir)
    .filter((n) => n !== 'expected.txt' && n !== 'fixed' && n !== 'suggested' && n !== 'README.md')
    .map((n) => join(dir, n));
  // A case is a tree (etc/ beside XML files): pass the directory itself so discovery runs as for a user.
  const paths = inputs.some((p) => p.endsWith('/etc')) ? [dir] : inputs;
  return lintFiles(paths, { config: { rules: onlyRule(id) }, cwd: dir, fix });
}

function findings(report: LintReport, dir: string, id: string): string[] {
  return report.results.flatMap((r) =>
    r.messages.filter((m) => m.ruleId === id || m.ruleId === undefined).map((m) => `${relative(dir, r.filePath)}:${m.place && 'start' in m.place ? `${m.place.start.line}:${m.place.start.column}` : '?'} ${m.severity} ${m.message}`),
  );
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

const ruleIds = existsSync(ROOT) ? readdirSync(ROOT).sort() : [];

describe('rule fixtures', () => {
  it('every rule (but the engine\'s own) has at least 3 valid and 3 invalid cases', () => {
    for (const r of builtinRules) {
      if (ENGINE_RULE_IDS.has(r.meta.id)) continue;
      const base = join(ROOT, r.meta.id);
      expect(existsSync(join(base, 'valid')), `${r.meta.id} has valid fixtures`).toBe(true);
      expect(readdirSync(join(base, 'valid')).length, `${r.meta.id} valid cases`).toBeGreaterThanOrEqual(3);
      expect(readdirSync(join(base, 'invalid')).length, `${r.meta.id} invalid cases`).toBeGreaterThanOrEqual(3);
    }
  });

  for (const id of ruleIds) {
    describe(id, () => {
      const validDir = join(ROOT, id, 'valid');
      for (const name of existsSync(validDir) ? readdirSync(validDir).sort() : []) {
        it(`valid: ${name}`, async () => {
          const dir = join(validDir, name);
          const report = await lintCase(id, dir);
          expect(findings(report, dir, id)).toEqual([]);
        });
      }
      const invalidDir = join(ROOT, id, 'invalid');
      for (const name of existsSync(invalidDir) ? readdirSync(invalidDir).sort() : []) {
        it(`invalid: ${name}`, async () => {
          const dir = join(invalidDir, name);
          const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
          const report = await lintCase(id, dir);
          const got = findings(report, dir, id);
          expect(got.length, `findings:\n${got.join('\n')}`).toBe(expected.length);
          expected.forEach((line, i) => {
            const [where, severity, ...words] = line.split(' ');
            const [gotWhere, gotSeverity, ...gotWords] = got[i]!.split(' ');
            expect(`${gotWhere} ${gotSeverity}`).toBe(`${where} ${severity}`);
            expect(gotWords.join(' ')).toContain(words.join(' '));
          });
          for (const [sub, mode] of [['fixed', true], ['suggested', 'suggestions']] as const) {
            const outDir = join(dir, sub);
            const fixed = await lintCase(id, dir, mode);
            const changed = new Map(fixed.results.filter((r) => r.output !== undefined).map((r) => [relative(dir, r.filePath), r.output!]));
            if (!existsSync(outDir)) {
              if (mode === true) expect([...changed.keys()], 'a case without fixed/ must not be changed by --fix').toEqual([]);
              continue;
            }
            const want = new Map(filesUnder(outDir).map((p) => [relative(outDir, p), readFileSync(p, 'utf8')]));
            expect([...changed.keys()].sort()).toEqual([...want.keys()].sort());
            for (const [p, text] of want) expect(changed.get(p), `${sub}/${p}`).toBe(text);
            // A fixed machine has nothing left to fix.
            const again = fixed.results.flatMap((r) => r.messages.filter((m) => m.ruleId === id && (m.fix || (mode === 'suggestions' && m.suggestions?.length))));
            expect(again.map((m) => m.message)).toEqual([]);
          }
        });
      }
    });
  }
});
