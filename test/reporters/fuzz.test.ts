import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sourceFile } from '../../src/core/source.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import type { Severity } from '../../src/engine/rule.js';
import { format as github } from '../../src/reporters/github.js';
import { format as json, type JsonResult } from '../../src/reporters/json.js';
import { format as sarif } from '../../src/reporters/sarif.js';
import { format as stylish } from '../../src/reporters/stylish.js';
import { fuzzParams } from '../helpers/fuzz.js';
import { validateSarif } from './sarif-validator.js';
import { CWD, diag, meta, report, result } from './fixture.js';

const segment = fc.oneof(fc.constantFrom('etc', 'default', 'grub', 'vm one.xml', 'a:b,c', '%25', 'ü', '日本', '#x', '..x'), fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('/') && s !== '.' && s !== '..'));
const path = fc.tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 3 })).map(([inside, segs]) => `${inside ? CWD : '/elsewhere'}/${segs.join('/')}`);
const text = fc.oneof(fc.string({ maxLength: 60 }), fc.array(fc.constantFrom('a', '\n', '\r\n', '\r', '日', '🙂', '"', ' ', '\t', '\u001b'), { maxLength: 40 }).map((a) => a.join('')));
const severity = fc.constantFrom<Severity>('error', 'warning', 'info');
const message = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('a\nb', '50% done', '::error::x', 'é\u0301', '\u001b[31mred', 'end.'));

interface FileSpec {
  path: string;
  text: string;
  findings: Array<{ sev: Severity; msg: string; a: number; b: number; fix: boolean; parse: boolean; related: boolean; sugg: boolean }>;
}

const finding = fc.record({
  sev: severity,
  msg: message,
  a: fc.nat(),
  b: fc.nat(),
  fix: fc.boolean(),
  parse: fc.boolean(),
  related: fc.boolean(),
  sugg: fc.boolean(),
});
const files = fc.uniqueArray(fc.record({ path, text, findings: fc.array(finding, { maxLength: 4 }) }), { maxLength: 4, selector: (f) => f.path });

function build(specs: FileSpec[], skipped: string[]) {
  const sources = specs.map((s) => sourceFile(s.path, s.text));
  const lookup = (p: string) => sources.find((s) => s.path === p);
  const results = specs.map((spec, i) => {
    const src = sources[i]!;
    const other = sources[(i + 1) % sources.length]!;
    const msgs: Diagnostic[] = spec.findings.map((f, k) => {
      const start = f.a % (src.text.length + 1);
      const end = start + (f.b % (src.text.length - start + 1));
      const parse = f.parse && f.sev === 'error';
      return diag(
        src,
        {
          ruleId: parse ? undefined : `rule-${k}`,
          severity: f.sev,
          message: f.msg,
          range: { start, end },
          parseFailure: parse,
          fix: f.fix ? { edits: [{ path: src.path, start, end, text: 'x' }, ...(k % 2 ? [{ path: other.path, start: 0, end: 0, text: 'y' }] : [])] } : undefined,
          suggestions: f.sugg ? [{ description: f.msg, fix: { edits: [{ path: src.path, start, end: start, text: 'z' }] } }] : undefined,
          related: f.related ? [{ path: other.path, start: 0, end: Math.min(1, other.text.length), message: f.msg }] : undefined,
        },
        lookup,
      );
    });
    return result(src, spec.path, 'modprobe', msgs);
  });
  return report(results, {
    rulesMeta: { 'rule-0': meta('rule-0'), 'rule-2': meta('rule-2', { severity: 'info', fixable: 'safe' }) },
    skippedRules: skipped.map((r, i) => ({ ruleId: `skipped-${i}`, reason: r })),
  });
}

describe('reporters never throw and keep their shape on arbitrary input', () => {
  it('all formats', () => {
    fc.assert(
      fc.property(files, fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 }), fc.boolean(), (specs, skipped, color) => {
        const rep = build(specs, skipped);
        const count = rep.results.reduce((n, r) => n + r.messages.length, 0);
        const opts = { cwd: CWD, color, version: '0.0.0' };

        const s = stylish(rep, opts);
        if (!color) expect(s).not.toContain('\u001b');
        if (count === 0 && skipped.length === 0) expect(s).toBe('');

        const parsed = JSON.parse(json(rep, opts)) as JsonResult[];
        expect(parsed).toHaveLength(rep.results.length);
        for (const [i, r] of parsed.entries()) {
          expect(r.messages).toHaveLength(rep.results[i]!.messages.length);
          expect(r.errorCount + r.warningCount).toBe(r.messages.length);
          expect(r.warningCount).toBe(r.messages.filter((m) => m.severity === 1).length);
          for (const m of r.messages) {
            expect(m.line).toBeGreaterThanOrEqual(1);
            expect(m.endLine > m.line || (m.endLine === m.line && m.endColumn >= m.column)).toBe(true);
          }
        }

        const log = JSON.parse(sarif(rep, opts));
        const ok = validateSarif(log);
        if (!ok) throw new Error(JSON.stringify(validateSarif.errors));
        expect(log.runs[0].results).toHaveLength(count);

        const g = github(rep, opts);
        const lines = g === '' ? [] : g.slice(0, -1).split('\n');
        expect(lines).toHaveLength(count + skipped.length);
        expect(lines.slice(0, count).every((l) => /^::(error|warning|notice) file=[^,:\r\n]*(,[a-zA-Z]+=[^,:\r\n]*)*::/.test(l))).toBe(true);
      }),
      fuzzParams(200),
    );
  });
});
