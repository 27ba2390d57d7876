import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decode } from '../../src/core/source.js';
import { parseShellVars, evaluateShellVars } from '../../src/parsers/shell-vars/index.js';
import type { ParsedShellFile, ShellWord } from '../../src/parsers/shell-vars/index.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { fuzzParams } from '../helpers/fuzz.js';

/** Throws (via expect) on the first broken range or origin. */
function checkShellFile(f: ParsedShellFile, text: string): void {
  const n = text.length;
  const inBounds = (s: number, e: number, what: string) => {
    expect(0 <= s && s <= e && e <= n, `${what} [${s}, ${e}) out of bounds (n=${n})`).toBe(true);
  };
  const checkOrigins = (value: string, origins: readonly number[], what: string) => {
    expect(origins.length, `${what}: one origin per unit`).toBe(value.length);
    origins.forEach((o, i) => {
      if (o < 0) return;
      // a decoded escape points at the escaped character, so the file always has the same unit there
      expect(text[o], `${what}: origin ${o} of unit ${i}`).toBe(value[i]);
    });
  };
  const checkWord = (w: ShellWord, outer: { start: number; end: number }, what: string) => {
    inBounds(w.start, w.end, what);
    expect(outer.start <= w.start && w.end <= outer.end, `${what} inside its parent`).toBe(true);
    let prev: number;
    const stack: Array<[ShellWord, string]> = [[w, what]];
    while (stack.length > 0) {
      const [word, label] = stack.pop()!;
      prev = word.start;
      for (const p of word.parts) {
        expect(p.start >= prev && p.end <= word.end && p.start <= p.end, `${label}: part ${p.type} [${p.start}, ${p.end}) nested and ordered`).toBe(true);
        prev = p.end;
        if (p.type === 'literal') checkOrigins(p.text, p.origins, `${label} literal`);
        if (p.type === 'param' && p.arg) stack.push([p.arg, `${label} \${${p.name}}`]);
      }
      for (const q of word.quotes) {
        expect(text[q.open]).toBe(q.char);
        if (q.close >= 0) expect(text[q.close]).toBe(q.char);
      }
    }
  };

  expect(f.text).toBe(text);
  let lastEnd = 0;
  for (const s of f.statements) {
    inBounds(s.start, s.end, 'statement');
    expect(s.start, 'statements in order, not overlapping').toBeGreaterThanOrEqual(lastEnd);
    lastEnd = s.end;
    for (const w of s.words) checkWord(w, s, 'command word');
    for (const a of s.assignments) {
      const what = `assignment ${a.name}`;
      expect(a.statement).toEqual({ start: s.start, end: s.end });
      expect(s.start <= a.start && a.end <= s.end, `${what} inside its statement`).toBe(true);
      expect(a.nameStart).toBe(a.start);
      expect(text.slice(a.nameStart, a.nameEnd)).toBe(a.name);
      expect(a.name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(text.slice(a.nameEnd, a.valueStart)).toBe(a.operator);
      expect(a.valueEnd).toBe(a.end);
      inBounds(a.valueStart, a.valueEnd, `${what} value`);
      if (a.array) {
        expect(text[a.valueStart]).toBe('(');
        if (a.closeParen !== undefined) {
          expect(text[a.closeParen]).toBe(')');
          expect(a.closeParen).toBe(a.valueEnd - 1);
        }
        for (const w of a.words) checkWord(w, { start: a.valueStart + 1, end: a.valueEnd }, `${what} array word`);
        for (const e of a.elements) {
          checkOrigins(e.text, e.origins, `${what} element`);
          expect(a.words.some((w) => w.start === e.start && w.end === e.end), `${what} element spans one of its words`).toBe(true);
        }
      } else {
        expect(a.word).toBeDefined();
        expect(a.word!.start).toBe(a.valueStart);
        expect(a.word!.end).toBe(a.valueEnd);
        checkWord(a.word!, a, `${what} word`);
        if (a.closeQuote !== undefined) {
          expect(text[a.closeQuote]).toBe(a.quoteChar);
          expect(a.closeQuote).toBe(a.valueEnd - 1);
        }
      }
      checkOrigins(a.value.text, a.value.origins, `${what} value`);
      if (a.scope === 'file') expect(f.assignments).toContain(a);
    }
  }
  expect(f.assignments.every((a) => a.scope === 'file')).toBe(true);
  for (const c of f.comments) {
    inBounds(c.start, c.end, 'comment');
    expect(text[c.start]).toBe('#');
    expect(c.body).toBe(text.slice(c.start + 1, c.end));
    expect(c.body.includes('\n')).toBe(false);
  }
  for (const p of f.problems) {
    inBounds(p.start, p.end, `problem ${p.code}`);
    expect(p.code).toMatch(/^shell-[a-z-]+$/);
    expect(p.message.length).toBeGreaterThan(10);
  }
  // Evaluating the file on its own: every origin points into it.
  const ev = evaluateShellVars([f]);
  for (const v of ev.variables.values()) {
    for (const el of [v.value, ...v.elements]) {
      expect(el.files.length).toBe(el.text.length);
      expect(el.offsets.length).toBe(el.text.length);
      el.offsets.forEach((o, i) => {
        if (el.files[i] === -1) expect(o).toBe(-1);
        else expect(text[o]).toBe(el.text[i]);
      });
    }
  }
}

describe.skipIf(!corpusAvailable())('shell-vars: corpus (grub, mkinitcpio, dracut files)', () => {
  const entries = corpusAvailable() ? [...corpusEntries('grub'), ...corpusEntries('mkinitcpio'), ...corpusEntries('dracut')] : [];

  it('has the files the brief counts', () => {
    expect(entries.length).toBe(21 + 25 + 11);
  });

  it.each(entries.map((e) => [e.path, e.abs]))('%s parses with exact ranges', (_path, abs) => {
    const d = decode(readFileSync(abs));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const f = parseShellVars(d.text);
    checkShellFile(f, d.text);
    // No real-world file here has a shell syntax error.
    expect(f.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
  });

  it('reads the backslash-continued GRUB_CMDLINE_LINUX of q-g-j/gentoo-stuff', () => {
    const e = entries.find((x) => x.path === 'real-world/q-g-j__gentoo-stuff/etc/default/grub')!;
    const text = readFileSync(e.abs, 'utf8');
    const a = parseShellVars(text).assignments.find((x) => x.name === 'GRUB_CMDLINE_LINUX')!;
    expect(a.value.text.startsWith('libahci.ignore_sss=1 pci=noats iommu=pt amd_iommu=on ')).toBe(true);
    expect(a.value.text.endsWith(' video=efifb:off rcu_nocbs=0-11 ')).toBe(true);
    const i = a.value.text.indexOf('amd_iommu=on');
    const o = a.value.origins[i]!;
    expect(text.slice(o, o + 'amd_iommu=on'.length)).toBe('amd_iommu=on');
    expect(a.value.text.includes('\\')).toBe(false);
    expect(a.value.text.includes('\n')).toBe(false);
  });

  it('keeps the Garuda grub.d loop as commands', () => {
    const e = entries.find((x) => x.path === 'real-world/OzzyHelix__virtio-guide/configs/etc/default/grub')!;
    const f = parseShellVars(readFileSync(e.abs, 'utf8'));
    expect(f.statements.filter((s) => s.kind === 'command').map((s) => s.command)).toEqual(['for', '[', 'source']);
    expect(f.problems).toEqual([]);
    expect(f.assignments.at(-1)!.name).toBe('GRUB_EARLY_INITRD_LINUX_STOCK');
  });
});

/** Grammar-ish pieces, so random files hit quotes, expansions, arrays and compound commands. */
const PIECES = [
  'X=', 'A+=', 'M=(', ')', '(', ' ', '\t', '\n', '\n', '"', "'", '\\', '\\\n', '$', '${', '}', '$(', '`', '#', ';', ';;', '&&', '||',
  '|', '&', '<', '>', '2>', '<<EOF\n', '\nEOF\n', '<<-E\n', 'if ', 'then ', 'fi', 'for ', 'do ', 'done', 'case ', ' in ', 'esac',
  '{ ', ' }', 'export ', '${X:-', '${A[@]}', '"${A[@]}"', '$X', '${X%%', 'a', 'b c', '\r\n', '\u{1F600}', 'function ', 'f() ',
  '[', ']', ':=', '$((', '$\'', 'unset ', '. ', 'é',
];

describe('shell-vars: properties', () => {
  it('never throws on arbitrary text, and every range is exact', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (text) => {
        checkShellFile(parseShellVars(text), text);
      }),
      fuzzParams(),
    );
  });

  it('never throws on shell-ish text, and every range is exact', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        checkShellFile(parseShellVars(text), text);
      }),
      fuzzParams(400),
    );
  });

  /** A value segment: its raw spelling, the value it yields, and each value unit's offset within `raw`. */
  interface Seg {
    raw: string;
    value: string;
    rel: number[];
  }
  const seq = (n: number, from = 0) => Array.from({ length: n }, (_, i) => i + from);
  const plain = fc.constantFrom(...'abcXYZ019_-.,:=/@%+~*?[]{}é'.split(''), '\u{1F600}');
  const unquoted = fc.array(plain, { minLength: 1, maxLength: 4 }).map((cs): Seg => {
    const raw = cs.join('');
    return { raw, value: raw, rel: seq(raw.length) };
  });
  const escaped = fc.constantFrom(' ', '"', "'", '$', '\\', '#', ';', '`', '(', ')', '|', 'x').map((c): Seg => ({ raw: '\\' + c, value: c, rel: [1] }));
  const continuation = fc.constant<Seg>({ raw: '\\\n', value: '', rel: [] });
  const dqPiece = fc.oneof(
    fc.constantFrom(...'ab #;()|&\'{}\n\u00e9'.split('')).map((c): Seg => ({ raw: c, value: c, rel: [0] })),
    fc.constantFrom('"', '$', '\\', '`').map((c): Seg => ({ raw: '\\' + c, value: c, rel: [1] })),
    fc.constantFrom('a', 'n', ' ').map((c): Seg => ({ raw: '\\' + c, value: '\\' + c, rel: [0, 1] })),
    fc.constant<Seg>({ raw: '\\\n', value: '', rel: [] }),
  );
  const concat = (open: string, close: string, parts: Seg[]): Seg => {
    let raw = open;
    let value = '';
    const rel: number[] = [];
    for (const p of parts) {
      rel.push(...p.rel.map((r) => r + raw.length));
      raw += p.raw;
      value += p.value;
    }
    return { raw: raw + close, value, rel };
  };
  const dquoted = fc.array(dqPiece, { maxLength: 5 }).map((ps) => concat('"', '"', ps));
  const squoted = fc
    .array(fc.constantFrom(...'ab $"\\#;\n`'.split('')), { maxLength: 5 })
    .map((cs): Seg => ({ raw: `'${cs.join('')}'`, value: cs.join(''), rel: seq(cs.length, 1) }));
  const valueArb = fc.array(fc.oneof(unquoted, escaped, continuation, dquoted, squoted), { maxLength: 4 }).map((segs) => concat('', '', segs));
  const assignmentArb = fc.record({
    name: fc.constantFrom('A', 'B', 'GRUB_CMDLINE_LINUX', '_x1', 'MODULES'),
    op: fc.constantFrom('=', '+='),
    value: valueArb,
  });
  const statementArb = fc.record({
    exported: fc.boolean(),
    assignments: fc.array(assignmentArb, { minLength: 1, maxLength: 3 }),
    comment: fc.option(fc.constantFrom(' # note', ' #', '  # vfio-lint-disable-next-line x -- y\\')),
  });

  it('round-trips generated assignment files: names, operators, values and origins', () => {
    fc.assert(
      fc.property(fc.array(statementArb, { maxLength: 6 }), fc.constantFrom('\n', '; ', '\n# comment line\n'), (statements, sep) => {
        let text = '';
        const expected: Array<{ name: string; op: string; nameStart: number; valueStart: number; valueEnd: number; value: string; origins: number[] }> = [];
        statements.forEach((s, si) => {
          if (si > 0) text += sep;
          if (s.exported) text += 'export ';
          s.assignments.forEach((a, ai) => {
            if (ai > 0) text += ' ';
            const nameStart = text.length;
            text += a.name + a.op;
            const valueStart = text.length;
            text += a.value.raw;
            expected.push({ name: a.name, op: a.op, nameStart, valueStart, valueEnd: text.length, value: a.value.value, origins: a.value.rel.map((r) => r + valueStart) });
          });
          if (s.comment !== null && sep !== '; ') text += s.comment;
        });
        const f = parseShellVars(text);
        checkShellFile(f, text);
        expect(f.problems).toEqual([]);
        expect(
          f.assignments.map((a) => ({ name: a.name, op: a.operator, nameStart: a.nameStart, valueStart: a.valueStart, valueEnd: a.valueEnd, value: a.value.text, origins: a.value.origins })),
        ).toEqual(expected);
      }),
      fuzzParams(300),
    );
  });

  it('stays within the stack on pathological input (speed is measured by `npm run bench`, not here)', () => {
    const shapes = ['$(', '"$(', '${X:-', '"${X:-', 'A=1;', 'a ', 'if ', '\\\n', '`', "'", 'case ', 'cat <<E\n', 'X=$X'];
    for (const shape of shapes) {
      const text = (shape === 'a ' ? 'X=(' : '') + shape.repeat(6000);
      const f = parseShellVars(text);
      for (const p of f.problems) expect(p.start >= 0 && p.start <= p.end && p.end <= text.length).toBe(true);
      checkShellFile(f, text);
    }
  });
});
