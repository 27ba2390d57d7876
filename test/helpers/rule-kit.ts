import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { displayPath } from '../../src/reporters/paths.js';
import type { Rule } from '../../src/engine/rule.js';
import type { LintReport } from '../../src/engine/result.js';
import type { TextEdit } from '../../src/engine/fix.js';
import { sourceFile } from '../../src/core/source.js';

/**
 * What makes a rule complete, in one place: the registry, the rule folder and its docs page,
 * its fixtures and its sources. `ruleProblems` names each missing piece and how to add it; the
 * rules test fails on any, and test/rules/kit.test.ts shows it fails for each piece.
 */
export const RULES_DIR = join(import.meta.dirname, '..', '..', 'src', 'rules');
/** Where each rule's page is published (the URL in JSON, SARIF and the editors). */
export const DOCS_DIR = join(import.meta.dirname, '..', '..', 'docs', 'rules');

/** The engine produces these rules' findings itself; their fixtures are the engine's own tests. */
export const ENGINE_RULES = new Set(['syntax', 'unused-suppression']);

/** Sections every docs page has, in this order. */
export const DOC_SECTIONS = ['What it checks', 'Why', 'Bad', 'Good', 'Fix', 'When to turn it off', 'Sources'];

export const MIN_CASES = 3;

const SOURCES_NOTE = '<!-- Written from meta.sources by `npm run rules:update`: edit the list in index.ts, not here. -->';

/** The Sources section's body as it must read for these sources. */
export function renderSources(sources: readonly string[]): string {
  return `${SOURCES_NOTE}\n\n${sources.map((s) => `- ${s}`).join('\n')}\n`;
}

/** The docs page with its Sources section rewritten from `sources` (the update mode). */
export function withSources(md: string, sources: readonly string[]): string {
  const section = sourcesSection(md);
  const body = `\n${renderSources(sources)}`;
  if (!section) return `${md.trimEnd()}\n\n## Sources\n${body}`;
  return md.slice(0, section.start) + body + (section.end < md.length ? '\n' : '') + md.slice(section.end);
}

function sourcesSection(md: string): { start: number; end: number } | undefined {
  const head = /^## Sources[ \t]*\n/m.exec(md);
  if (!head) return undefined;
  const start = head.index + head[0].length;
  const next = /^## /m.exec(md.slice(start));
  return { start, end: next ? start + next.index : md.length };
}

function sectionsOf(md: string): string[] {
  return [...md.matchAll(/^## (.+?)\s*$/gm)].map((m) => m[1]!);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

function caseDirs(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()).sort() : [];
}

/**
 * Every missing or inconsistent piece of the rule in folder `id`, each as one line that says
 * exactly what to add. `rule` is the registered rule with that id, if any.
 */
export function ruleProblems(rulesDir: string, id: string, rule: Rule | undefined, docsDir = DOCS_DIR): string[] {
  const dir = join(rulesDir, id);
  const at = `src/rules/${id}`;
  const out: string[] = [];
  if (!rule) {
    out.push(`${at}: not registered: import it in src/rules/index.ts and add it to builtinRules (npm run new-rule does both)`);
    return out;
  }
  if (rule.meta.id !== id) out.push(`${at}/index.ts: meta.id is '${rule.meta.id}'; it must be the folder's name, '${id}'`);
  if (!rule.meta.sources || rule.meta.sources.length === 0) out.push(`${at}/index.ts: meta.sources is empty: list where each fact the rule relies on comes from (a document, a source file, a man page), with its URL`);
  if (Object.keys(rule.meta.messages).length === 0 && !ENGINE_RULES.has(id)) out.push(`${at}/index.ts: meta.messages is empty: a rule reports through named messages`);

  for (const file of existsSync(dir) ? filesUnder(dir) : []) {
    if (readFileSync(file, 'utf8').includes('TODO(new-rule)')) out.push(`${at}/${relative(dir, file)}: replace every TODO(new-rule) the scaffold left`);
  }
  const docs = join(docsDir, `${id}.md`);
  const page = `docs/rules/${id}.md`;
  if (existsSync(docs) && readFileSync(docs, 'utf8').includes('TODO(new-rule)')) out.push(`${page}: replace every TODO(new-rule) the scaffold left`);
  if (!existsSync(docs)) {
    out.push(`${page}: missing: write the rule's page with the sections ${DOC_SECTIONS.map((s) => `"## ${s}"`).join(', ')} (npm run new-rule writes a skeleton)`);
  } else {
    const md = readFileSync(docs, 'utf8');
    if (!md.startsWith(`# ${id}\n`)) out.push(`${page}: the first line must be "# ${id}"`);
    const have = sectionsOf(md);
    const missing = DOC_SECTIONS.filter((s) => !have.includes(s));
    if (missing.length > 0) out.push(`${page}: add the section${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"## ${s}"`).join(', ')}`);
    const order = have.filter((s) => DOC_SECTIONS.includes(s));
    if (missing.length === 0 && order.join('|') !== DOC_SECTIONS.join('|')) out.push(`${page}: put the sections in this order: ${DOC_SECTIONS.join(', ')}`);
    if (!/^\*\*Severity:\*\*/m.test(md)) out.push(`${page}: add the "**Severity:** ... · **Category:** ... · **Fix:** ..." line under the description`);
    const section = sourcesSection(md);
    if (section && rule.meta.sources && rule.meta.sources.length > 0 && md.slice(section.start, section.end).trim() !== renderSources(rule.meta.sources).trim()) {
      out.push(`${page}: the Sources section differs from meta.sources: run npm run rules:update (sources are kept in index.ts only)`);
    }
  }

  if (ENGINE_RULES.has(id)) return out;
  const fixtures = join(dir, 'fixtures');
  const valid = caseDirs(join(fixtures, 'valid'));
  const invalid = caseDirs(join(fixtures, 'invalid'));
  if (valid.length < MIN_CASES) out.push(`${at}/fixtures/valid: ${valid.length} case${valid.length === 1 ? '' : 's'}; add at least ${MIN_CASES - valid.length} more folder${MIN_CASES - valid.length === 1 ? '' : 's'}, each a machine on which the rule must say nothing`);
  if (invalid.length < MIN_CASES) out.push(`${at}/fixtures/invalid: ${invalid.length} case${invalid.length === 1 ? '' : 's'}; add at least ${MIN_CASES - invalid.length} more folder${MIN_CASES - invalid.length === 1 ? '' : 's'}, each a machine the rule must report on`);
  for (const name of invalid) {
    if (!existsSync(join(fixtures, 'invalid', name, 'expected.txt'))) out.push(`${at}/fixtures/invalid/${name}: no expected.txt: run npm run rules:update, then read what it wrote`);
  }
  const hasSub = (sub: string) => invalid.some((n) => existsSync(join(fixtures, 'invalid', n, sub)));
  if (rule.meta.fixable === 'safe' && !hasSub('fixed')) out.push(`${at}/fixtures/invalid: the rule fixes, but no case has fixed/: add a case whose finding has a fix, then run npm run rules:update`);
  if (rule.meta.fixable === 'suggest' && !hasSub('suggested')) out.push(`${at}/fixtures/invalid: the rule suggests fixes, but no case has suggested/: add a case whose finding has a suggestion, then run npm run rules:update`);
  return out;
}

/** Registered ids that have no folder, and folders that are not registered. */
export function registryProblems(rulesDir: string, registered: readonly Rule[]): string[] {
  const folders = new Set(readdirSync(rulesDir).filter((n) => statSync(join(rulesDir, n)).isDirectory()));
  const out: string[] = [];
  for (const r of registered) if (!folders.has(r.meta.id)) out.push(`src/rules/index.ts: rule '${r.meta.id}' has no folder src/rules/${r.meta.id}/`);
  const ids = new Set(registered.map((r) => r.meta.id));
  if (ids.size !== registered.length) out.push('src/rules/index.ts: a rule is listed twice');
  for (const f of folders) if (!ids.has(f)) out.push(`src/rules/${f}: not registered: import it in src/rules/index.ts and add it to builtinRules`);
  return out;
}

// ---- Fixture expectations: everything a finding carries, one readable block per finding ----

function point(dir: string, path: string, offset: number, texts: ReadonlyMap<string, string>): string {
  const text = texts.get(path);
  // As the CLI shows it: relative inside the case, absolute outside (a snapshot's /sys paths).
  if (text === undefined) return `${displayPath(path, dir)}:?`;
  const p = sourceFile(path, text).lines.point(offset);
  return `${displayPath(path, dir)}:${p.line}:${p.column}`;
}

function span(dir: string, path: string, start: number, end: number, texts: ReadonlyMap<string, string>): string {
  const a = point(dir, path, start, texts);
  const b = point(dir, path, end, texts).split(':').slice(-2).join(':');
  return start === end ? `${a}` : `${a}-${b}`;
}

function edit(dir: string, e: TextEdit, texts: ReadonlyMap<string, string>): string {
  return `${span(dir, e.path, e.start, e.end, texts)} ${e.start === e.end ? 'insert' : 'replace with'} ${JSON.stringify(e.text)}`;
}

/**
 * The findings of rule `id` (and fatal parse failures) as expected.txt holds them: per finding,
 * `file:line:col-line:col severity messageId: message`, then indented lines for each related
 * location, each edit of its fix, and each suggestion with its edits.
 */
export function renderFindings(report: LintReport, dir: string, id: string): string[] {
  const texts = new Map(report.results.filter((r) => r.source !== undefined).map((r) => [r.filePath, r.source!]));
  const out: string[] = [];
  for (const r of report.results) {
    for (const m of r.messages) {
      if (m.ruleId !== id && m.ruleId !== undefined) continue;
      out.push(`${span(dir, r.filePath, m.range.start, m.range.end, texts)} ${m.severity} ${m.messageId ?? (m.ruleId === undefined ? 'fatal' : '-')}: ${m.message}`);
      for (const rel of m.related ?? []) out.push(`  related ${span(dir, rel.path, rel.start, rel.end, texts)}: ${rel.message}`);
      for (const e of m.fix?.edits ?? []) out.push(`  fix ${edit(dir, e, texts)}`);
      for (const s of m.suggestions ?? []) {
        out.push(`  suggestion ${JSON.stringify(s.description)}`);
        for (const e of s.fix.edits) out.push(`    ${edit(dir, e, texts)}`);
      }
    }
  }
  // A rule that throws loses every finding after the throw: the case fails on it, whatever was reported before.
  for (const f of report.failures) if (f.ruleId === id) out.push(`rule threw: ${f.message}`);
  return out;
}

export const EXPECTED_HEADER = '# Written by `npm run rules:update` from what the rule reports. Read every line before you commit it.';

/** A finding's first line in expected.txt: `place severity messageId: message`. */
const FINDING_LINE = /^\S+ (?:error|warning|info) ([A-Za-z][\w-]*):/;

/**
 * Each message id in a rule's meta.messages that no invalid case's expected.txt reports, as one line
 * saying what to add. The rules test checks every expected.txt against what the rule reports, so an
 * id listed there is one the rule really reaches on a fixture.
 */
export function untriggeredMessages(rulesDir: string, rules: readonly Rule[]): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    const id = rule.meta.id;
    if (ENGINE_RULES.has(id)) continue;
    const invalid = join(rulesDir, id, 'fixtures', 'invalid');
    const seen = new Set<string>();
    for (const name of caseDirs(invalid)) {
      const file = join(invalid, name, 'expected.txt');
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const m = FINDING_LINE.exec(line);
        if (m) seen.add(m[1]!);
      }
    }
    for (const messageId of Object.keys(rule.meta.messages)) {
      if (!seen.has(messageId)) out.push(`src/rules/${id}: message '${messageId}' is reported by no fixture: add a case under fixtures/invalid/ that triggers it, then run npm run rules:update`);
    }
  }
  return out;
}
