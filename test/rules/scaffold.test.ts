import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rule } from '../../src/engine/rule.js';
import { ruleProblems } from '../helpers/rule-kit.js';

/** `npm run new-rule` on a copy of the rule registry: what it writes, and that the completeness check then lists what is left to do. */
const REPO = join(import.meta.dirname, '..', '..');

function scaffold(args: string[]): { root: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'vfio-lint-new-rule-'));
  mkdirSync(join(root, 'src', 'rules'), { recursive: true });
  mkdirSync(join(root, 'src', 'engine'), { recursive: true });
  cpSync(join(REPO, 'src', 'rules', 'index.ts'), join(root, 'src', 'rules', 'index.ts'));
  cpSync(join(REPO, 'src', 'engine', 'rule.ts'), join(root, 'src', 'engine', 'rule.ts'));
  const out = execFileSync(process.execPath, [join(REPO, 'scripts', 'new-rule.mjs'), ...args, '--root', root], { encoding: 'utf8' });
  return { root, out };
}

describe('npm run new-rule', () => {
  it('writes the rule, its page and a case of each kind, registers it, and leaves the completeness check failing until the author is done', async () => {
    const { root } = scaffold(['hyperv-demo', '--scope', 'domain']);
    try {
      const dir = join(root, 'src', 'rules', 'hyperv-demo');
      for (const f of ['index.ts', 'fixtures/valid/clean/vm.xml', 'fixtures/invalid/example/vm.xml']) expect(existsSync(join(dir, f)), f).toBe(true);
      expect(existsSync(join(root, 'docs', 'rules', 'hyperv-demo.md'))).toBe(true);
      const registry = readFileSync(join(root, 'src', 'rules', 'index.ts'), 'utf8');
      expect(registry).toContain("import { rule as hypervDemo } from './hyperv-demo/index.js';");
      expect(registry).toMatch(/\n {2}hypervDemo,\n {2}syntax,/);
      const { rule } = (await import(join(dir, 'index.ts'))) as { rule: Rule };
      expect(rule.meta.scope).toBe('domain');
      expect(ruleProblems(join(root, 'src', 'rules'), 'hyperv-demo', rule, join(root, 'docs', 'rules'))).toEqual([
        'src/rules/hyperv-demo/index.ts: meta.sources is empty: list where each fact the rule relies on comes from (a document, a source file, a man page), with its URL',
        'src/rules/hyperv-demo/fixtures/invalid/example/vm.xml: replace every TODO(new-rule) the scaffold left',
        'src/rules/hyperv-demo/fixtures/valid/clean/vm.xml: replace every TODO(new-rule) the scaffold left',
        'src/rules/hyperv-demo/index.ts: replace every TODO(new-rule) the scaffold left',
        'docs/rules/hyperv-demo.md: replace every TODO(new-rule) the scaffold left',
        'src/rules/hyperv-demo/fixtures/valid: 1 case; add at least 2 more folders, each a machine on which the rule must say nothing',
        'src/rules/hyperv-demo/fixtures/invalid: 1 case; add at least 2 more folders, each a machine the rule must report on',
        'src/rules/hyperv-demo/fixtures/invalid/example: no expected.txt: run npm run rules:update, then read what it wrote',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('writes a machine rule that asks the host model', async () => {
    const { root } = scaffold(['cmdline-demo', '--scope', 'machine']);
    try {
      const dir = join(root, 'src', 'rules', 'cmdline-demo');
      expect(existsSync(join(dir, 'fixtures/invalid/example/etc/default/grub'))).toBe(true);
      const { rule } = (await import(join(dir, 'index.ts'))) as { rule: Rule };
      expect(rule.meta).toMatchObject({ id: 'cmdline-demo', scope: 'machine', requires: [{ anyOf: ['cmdline', 'modprobe'] }] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a bad id, a bad scope and an existing rule, with one line each', () => {
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, [join(REPO, 'scripts', 'new-rule.mjs'), ...args, '--root', REPO], { encoding: 'utf8', stdio: 'pipe' });
        return 'exit 0';
      } catch (err) {
        return (err as { stderr: string }).stderr.trim();
      }
    };
    expect(run(['Bad_Id', '--scope', 'domain'])).toMatch(/^new-rule: 'Bad_Id' is not a rule id/);
    expect(run(['good-id', '--scope', 'host'])).toMatch(/^new-rule: --scope must be domain/);
    expect(run(['memballoon-present', '--scope', 'domain'])).toBe('new-rule: src/rules/memballoon-present already exists');
  });
});
