import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, sourceFile } from '../../src/core/source.js';
import { format as github } from '../../src/reporters/github.js';
import { toJson } from '../../src/reporters/json.js';
import { toSarif } from '../../src/reporters/sarif.js';
import { format as stylish } from '../../src/reporters/stylish.js';
import { splitLines, unifiedDiff } from '../../src/reporters/diff.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { applyInJs, applyWith, TOOLS } from './apply-patch.js';
import { diag, report, result } from './fixture.js';
import { validateSarif } from './sarif-validator.js';

/** Line and column (1-based, UTF-16) of an offset, counted independently of LineIndex (src/core/source.ts): CRLF, CR and LF end lines. */
function lineCol(text: string, offset: number): [number, number] {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') continue; // the LF ends it
    if (c === '\n' || c === '\r') {
      line++;
      lineStart = i + 1;
    }
  }
  return [line, offset - lineStart + 1];
}

/** A deterministic edit of a real file: a line inserted after the first, the middle line changed, the last line dropped. */
function edited(text: string): string {
  const lines = splitLines(text);
  if (lines.length === 0) return 'added\n';
  const eol = lines[0]!.endsWith('\r\n') ? '\r\n' : '\n';
  const mid = Math.floor(lines.length / 2);
  const out = lines.map((l, i) => (i === mid ? `# vfio-lint was here${eol}` : l));
  out.splice(1, 0, `options vfio-pci ids=10de:1b80${eol}`);
  if (out.length > 3) out.pop();
  return out.join('');
}

describe.skipIf(!corpusAvailable())('corpus', () => {
  const entries = corpusAvailable() ? corpusEntries() : [];

  it('reporters place findings on the right line and column of every real file', () => {
    let checked = 0;
    for (const e of entries) {
      const d = decode(readFileSync(e.abs));
      if (!d.ok) continue;
      const path = `/corpus/${e.path}`;
      const src = sourceFile(path, d.text);
      const n = d.text.length;
      const spots = [0, Math.floor(n / 3), Math.floor(n / 2), Math.max(0, n - 1), n];
      const msgs = spots.map((s, i) =>
        diag(src, { ruleId: `r${i}`, severity: i % 2 ? 'warning' : 'error', message: `spot ${i}`, range: { start: s, end: Math.min(n, s + 5) }, fix: { edits: [{ path, start: s, end: s, text: 'x' }] } }),
      );
      const rep = report([result(src, path, 'domain', msgs)]);
      const opts = { cwd: '/corpus', color: false };
      const j = toJson(rep, opts)[0]!;
      for (const [i, s] of spots.entries()) {
        const [line, column] = lineCol(d.text, s);
        const [endLine, endColumn] = lineCol(d.text, Math.min(n, s + 5));
        const m = j.messages[i]!;
        expect([m.line, m.column, m.endLine, m.endColumn], e.path).toEqual([line, column, endLine, endColumn]);
        expect(m.fix).toEqual({ range: [s, s], text: 'x' });
      }
      if (checked++ % 25 === 0) {
        const log = toSarif(rep, opts);
        if (!validateSarif(log)) throw new Error(`${e.path}: ${JSON.stringify(validateSarif.errors)}`);
      }
      expect(github(rep, opts).split('\n')).toHaveLength(spots.length + 1);
      expect(stylish(rep, opts)).toContain(`\u2716 5 problems`);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('diffs of edited real files apply: in JS for all, with patch and git apply for a sample', () => {
    let sampled = 0;
    for (const [i, e] of entries.entries()) {
      const d = decode(readFileSync(e.abs));
      if (!d.ok) continue;
      const after = edited(d.text);
      const diff = unifiedDiff(e.path, d.text, after);
      if (d.text === after) {
        expect(diff).toBe('');
        continue;
      }
      expect(diff.startsWith(`--- a/${e.path}`)).toBe(true);
      expect(applyInJs(d.text, diff), e.path).toBe(after);
      if (TOOLS.length > 0 && i % 40 === 0 && !d.bom && d.encoding === 'utf-8') {
        sampled++;
        for (const tool of TOOLS) {
          const got = applyWith(tool, 'file', d.text, unifiedDiff('file', d.text, after));
          expect(got, `${tool} ${e.path}`).toEqual({ ok: true, text: after });
        }
      }
    }
    if (TOOLS.length > 0) expect(sampled).toBeGreaterThan(10);
  });
});
