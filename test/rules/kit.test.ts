import { describe, it, expect, beforeEach } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineRule, type Rule } from '../../src/engine/rule.js';
import { DOC_SECTIONS, registryProblems, renderSources, ruleProblems, withSources } from '../helpers/rule-kit.js';

/** The completeness check fails for each piece a rule lacks, and says what to add. */
const ID = 'demo-rule';

function demo(meta: Partial<Rule['meta']> = {}): Rule {
  return defineRule({
    meta: { id: ID, description: 'A demo.', category: 'correctness', severity: 'warning', scope: 'domain', requires: ['domain'], messages: { m: 'x' }, sources: ['A page: https://example.org/a'], ...meta } as Rule['meta'] & { scope: 'domain' },
    check() {},
  });
}

function page(sources: string[]): string {
  const body = DOC_SECTIONS.map((s) => `## ${s}\n\ntext\n`).join('\n');
  return withSources(`# ${ID}\n\nA demo.\n\n**Severity:** warning · **Category:** correctness · **Fix:** none\n\n${body}`, sources);
}

let root: string;
/** The check on the temp tree: rules under root/, pages beside it in root.docs/. */
const ruleProblemsIn = (rule: Rule | undefined) => ruleProblems(root, ID, rule, `${root}.docs`);
function put(rel: string, text = ''): void {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
}
function completeRule(): void {
  put(`${ID}/index.ts`, '// the rule');
  mkdirSync(`${root}.docs`, { recursive: true });
  writeFileSync(join(`${root}.docs`, `${ID}.md`), page(['A page: https://example.org/a']));
  for (const kind of ['valid', 'invalid']) {
    for (const n of ['a', 'b', 'c']) {
      put(`${ID}/fixtures/${kind}/${n}/vm.xml`, '<domain/>');
      if (kind === 'invalid') put(`${ID}/fixtures/${kind}/${n}/expected.txt`, 'vm.xml:1:1-1:2 warning m: x\n');
    }
  }
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vfio-lint-kit-'));
  completeRule();
  return () => {
    rmSync(root, { recursive: true, force: true });
    rmSync(`${root}.docs`, { recursive: true, force: true });
  };
});

describe('rule completeness check', () => {
  it('passes a complete rule', () => {
    expect(ruleProblemsIn(demo())).toEqual([]);
  });

  it('fails without a docs page', () => {
    rmSync(join(`${root}.docs`, `${ID}.md`));
    expect(ruleProblemsIn(demo())).toEqual([expect.stringMatching(/^docs\/rules\/demo-rule\.md: missing: write the rule's page with the sections "## What it checks"/)]);
  });

  it('fails for each missing docs section, naming it', () => {
    const md = readFileSync(join(`${root}.docs`, `${ID}.md`), 'utf8').replace('## When to turn it off\n', '');
    writeFileSync(join(`${root}.docs`, `${ID}.md`), md);
    expect(ruleProblemsIn(demo())).toEqual(['docs/rules/demo-rule.md: add the section "## When to turn it off"']);
  });

  it('fails when the page has the wrong title or no severity line', () => {
    const md = readFileSync(join(`${root}.docs`, `${ID}.md`), 'utf8');
    writeFileSync(join(`${root}.docs`, `${ID}.md`), md.replace(`# ${ID}\n`, '# Demo\n').replace(/\*\*Severity:\*\*.*\n/, ''));
    expect(ruleProblemsIn(demo())).toEqual(['docs/rules/demo-rule.md: the first line must be "# demo-rule"', expect.stringContaining('add the "**Severity:** ...')]);
  });

  it('fails without sources, and when the page\'s sources drift from meta.sources', () => {
    expect(ruleProblemsIn(demo({ sources: [] }))).toEqual([expect.stringMatching(/meta\.sources is empty/)]);
    expect(ruleProblemsIn(demo({ sources: ['Another page: https://example.org/b'] }))).toEqual([expect.stringMatching(/the Sources section differs from meta\.sources: run npm run rules:update/)]);
  });

  it('fails with too few valid or invalid cases, and for an invalid case without expected.txt', () => {
    rmSync(join(root, ID, 'fixtures', 'valid', 'c'), { recursive: true });
    rmSync(join(root, ID, 'fixtures', 'invalid', 'b', 'expected.txt'));
    expect(ruleProblemsIn(demo())).toEqual([
      'src/rules/demo-rule/fixtures/valid: 2 cases; add at least 1 more folder, each a machine on which the rule must say nothing',
      'src/rules/demo-rule/fixtures/invalid/b: no expected.txt: run npm run rules:update, then read what it wrote',
    ]);
    rmSync(join(root, ID, 'fixtures'), { recursive: true });
    expect(ruleProblemsIn(demo())).toEqual([expect.stringMatching(/valid: 0 cases; add at least 3 more folders/), expect.stringMatching(/invalid: 0 cases; add at least 3 more folders/)]);
  });

  it('fails for a fixing rule with no fixed/ output, and a suggesting rule with no suggested/ output', () => {
    expect(ruleProblemsIn(demo({ fixable: 'safe' }))).toEqual([expect.stringMatching(/the rule fixes, but no case has fixed\//)]);
    expect(ruleProblemsIn(demo({ fixable: 'suggest' }))).toEqual([expect.stringMatching(/the rule suggests fixes, but no case has suggested\//)]);
    put(`${ID}/fixtures/invalid/a/fixed/vm.xml`, '<domain/>');
    expect(ruleProblemsIn(demo({ fixable: 'safe' }))).toEqual([]);
  });

  it('fails when meta.id is not the folder name, or the rule is not registered', () => {
    expect(ruleProblemsIn(demo({ id: 'other' }))).toEqual([expect.stringMatching(/meta\.id is 'other'; it must be the folder's name, 'demo-rule'/)]);
    expect(ruleProblemsIn(undefined)).toEqual([expect.stringMatching(/not registered: import it in src\/rules\/index\.ts/)]);
    expect(registryProblems(root, [])).toEqual([expect.stringMatching(/src\/rules\/demo-rule: not registered/)]);
    expect(registryProblems(root, [demo(), demo({ id: 'ghost' })])).toEqual(["src/rules/index.ts: rule 'ghost' has no folder src/rules/ghost/"]);
  });

  it('writes the Sources section from meta.sources and nothing else', () => {
    const md = `# x\n\n## Sources\n\n- old\n\n## Notes on the research\n\nkept\n`;
    const out = withSources(md, ['new: https://example.org']);
    expect(out).toBe(`# x\n\n## Sources\n\n${renderSources(['new: https://example.org'])}\n## Notes on the research\n\nkept\n`);
  });
});
