import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decode } from '../../src/core/source.js';
import {
  tokenizeCmdline,
  paramKey,
  moduleOf,
  splitList,
  splitParamValue,
  parseKernelCmdlineFile,
  parseProcCmdline,
  parseBlsEntry,
  isKernelSpace,
  type KernelParam,
} from '../../src/parsers/cmdline/index.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { fuzzParams } from '../helpers/fuzz.js';

/** [raw, name, value, start, end] for compact expectations. */
const brief = (ps: KernelParam[]) => ps.map((p) => [p.raw, p.name, p.value, p.start, p.end]);

/** Offsets in bounds and ordered: start <= nameStart <= nameEnd <= valueStart <= valueEnd <= end. */
function expectParamRanges(p: KernelParam, len: number): void {
  expect(0).toBeLessThanOrEqual(p.start);
  expect(p.start).toBeLessThanOrEqual(p.nameStart);
  expect(p.nameStart).toBeLessThanOrEqual(p.nameEnd);
  expect(p.nameEnd).toBeLessThanOrEqual(p.valueStart);
  expect(p.valueStart).toBeLessThanOrEqual(p.valueEnd);
  expect(p.valueEnd).toBeLessThanOrEqual(p.end);
  expect(p.end).toBeLessThanOrEqual(len);
}

function expectVerbatim(text: string, p: KernelParam): void {
  if (!p.verbatim) return;
  expect(text.slice(p.start, p.end)).toBe(p.raw);
  expect(text.slice(p.nameStart, p.nameEnd)).toBe(p.name);
  if (p.value !== undefined) expect(text.slice(p.valueStart, p.valueEnd)).toBe(p.value);
}

describe('tokenizeCmdline: next_arg semantics', () => {
  it('keeps spaces inside a quoted value and strips the value quotes', () => {
    const ps = tokenizeCmdline('a="b c" d');
    expect(brief(ps)).toEqual([
      ['a="b c"', 'a', 'b c', 0, 7],
      ['d', 'd', undefined, 8, 9],
    ]);
    expect(ps[0]).toMatchObject({ nameStart: 0, nameEnd: 1, valueStart: 3, valueEnd: 6, quoted: true, unclosedQuote: false });
    // A flag's value span is the empty point after its name.
    expect(ps[1]).toMatchObject({ valueStart: 9, valueEnd: 9, quoted: false });
  });

  it('strips the quotes of a wholly quoted token', () => {
    const [p] = tokenizeCmdline('"a=b c"');
    expect(p).toMatchObject({ raw: '"a=b c"', name: 'a', value: 'b c', start: 0, end: 7, nameStart: 1, nameEnd: 2, valueStart: 3, valueEnd: 6, quoted: true });
  });

  it('keeps quotes in the middle of a value literally', () => {
    const ps = tokenizeCmdline('a=x"y z"w');
    expect(brief(ps)).toEqual([['a=x"y z"w', 'a', 'x"y z"w', 0, 9]]);
    expect(ps[0]!.quoted).toBe(false);
  });

  it('keeps the inner quote when the value opens with a quote but does not end with one', () => {
    const [p] = tokenizeCmdline('a="b"c');
    expect(p).toMatchObject({ value: 'b"c', valueStart: 3, valueEnd: 6, quoted: true });
  });

  it('splits at the first "=" only', () => {
    expect(brief(tokenizeCmdline('root=UUID=abc'))).toEqual([['root=UUID=abc', 'root', 'UUID=abc', 0, 13]]);
  });

  it('does not count an "=" in the first position (the kernel tests equals == 0)', () => {
    expect(brief(tokenizeCmdline('=a=b =foo'))).toEqual([
      ['=a=b', '=a', 'b', 0, 4],
      ['=foo', '=foo', undefined, 5, 9],
    ]);
  });

  it('treats all ASCII whitespace the kernel knows as separators', () => {
    expect(brief(tokenizeCmdline('\ta\n\vb\r\fc '))).toEqual([
      ['a', 'a', undefined, 1, 2],
      ['b', 'b', undefined, 4, 5],
      ['c', 'c', undefined, 7, 8],
    ]);
    expect(isKernelSpace(0xa0)).toBe(false);
  });

  it('stops kernel parameters at the first bare --', () => {
    const ps = tokenizeCmdline('foo -- bar=1 --');
    expect(ps.map((p) => [p.name, p.afterDashDash])).toEqual([
      ['foo', false],
      ['--', true],
      ['bar', true],
      ['--', true],
    ]);
    expect(ps[2]).toMatchObject({ value: '1', valueStart: 11, valueEnd: 12 });
  });

  it('recognizes a quoted "--" but not --=x', () => {
    expect(tokenizeCmdline('"--" x')[1]!.afterDashDash).toBe(true);
    expect(tokenizeCmdline('--=x y').map((p) => p.afterDashDash)).toEqual([false, false]);
  });

  it('handles degenerate quote tokens', () => {
    const [lone] = tokenizeCmdline('"');
    expect(lone).toMatchObject({ raw: '"', name: '', value: undefined, nameStart: 1, nameEnd: 1, unclosedQuote: true });
    const [pair] = tokenizeCmdline('""');
    expect(pair).toMatchObject({ raw: '""', name: '', value: undefined, nameStart: 1, nameEnd: 1, unclosedQuote: false });
    const [empty] = tokenizeCmdline('a=""');
    expect(empty).toMatchObject({ name: 'a', value: '', valueStart: 3, valueEnd: 3 });
    // The value's opening quote is also the token's last character: one quote, stripped once.
    const [open] = tokenizeCmdline('a="');
    expect(open).toMatchObject({ name: 'a', value: '', valueStart: 3, valueEnd: 3, unclosedQuote: true });
  });

  it('lets an unclosed quote swallow the rest of the line', () => {
    const ps = tokenizeCmdline('x="abc def ghi');
    expect(brief(ps)).toEqual([['x="abc def ghi', 'x', 'abc def ghi', 0, 14]]);
    expect(ps[0]!.unclosedQuote).toBe(true);
  });

  it('lets a quoted name hold spaces', () => {
    const [p] = tokenizeCmdline('"a b"=c');
    // The quote closes before '=', so the name keeps the closing quote: the kernel only strips a last-character quote.
    expect(p).toMatchObject({ name: 'a b"', value: 'c', nameStart: 1, nameEnd: 5, valueStart: 6, valueEnd: 7 });
  });

  it('normalizes dashes in the key, never in the value', () => {
    const [p] = tokenizeCmdline('vfio-pci.ids=10de-1');
    expect(p!.key).toBe('vfio_pci.ids');
    expect(p!.value).toBe('10de-1');
    expect(tokenizeCmdline('vfio_pci.ids=1')[0]!.key).toBe(p!.key);
  });

  it('adds a base offset', () => {
    const [p] = tokenizeCmdline('x=1', undefined, undefined, 10);
    expect(p).toMatchObject({ start: 10, end: 13, nameStart: 10, nameEnd: 11, valueStart: 12, valueEnd: 13 });
  });

  it('returns nothing for blank input', () => {
    expect(tokenizeCmdline('')).toEqual([]);
    expect(tokenizeCmdline(' \n\t ')).toEqual([]);
  });
});

describe('tokenizeCmdline with origins', () => {
  it('maps contiguous tokens exactly', () => {
    const ps = tokenizeCmdline('ab cd', [10, 11, -1, 20, 21]);
    expect(ps.map((p) => [p.start, p.end, p.verbatim])).toEqual([
      [10, 12, true],
      [20, 22, true],
    ]);
  });

  it('maps inner offsets of a non-contiguous token', () => {
    // As if the file held `a="bc` and an evaluator dropped the quote at offset 7... and more.
    const [p] = tokenizeCmdline('a=bc', [5, 6, 9, 10]);
    expect(p).toMatchObject({ start: 5, end: 11, nameStart: 5, nameEnd: 6, valueStart: 9, valueEnd: 11, verbatim: false, raw: 'a=bc' });
  });

  it('uses the fallback when an end has no origin or the ends are reversed', () => {
    const [a] = tokenizeCmdline('ab', [-1, 4], { start: 2, end: 8 });
    expect(a).toMatchObject({ start: 2, end: 8, nameStart: 2, nameEnd: 2, valueStart: 2, valueEnd: 2, verbatim: false });
    const [b] = tokenizeCmdline('ab', [9, 3], { start: 1, end: 4 });
    expect(b).toMatchObject({ start: 1, end: 4 });
    const [c] = tokenizeCmdline('ab', [-1, -1]);
    expect(c).toMatchObject({ start: 0, end: 0 });
  });

  it('clamps an inner character without origin into the token', () => {
    const [p] = tokenizeCmdline('a=b', [0, -1, 2]);
    expect(p).toMatchObject({ start: 0, end: 3, nameStart: 0, nameEnd: 1, valueStart: 2, valueEnd: 3, verbatim: false });
  });
});

describe('names and lists', () => {
  it('paramKey and moduleOf', () => {
    expect(paramKey('log-buf-len')).toBe('log_buf_len');
    expect(paramKey('Foo')).toBe('Foo');
    expect(moduleOf('vfio_pci.ids')).toEqual({ module: 'vfio_pci', param: 'ids' });
    expect(moduleOf('a.b.c')).toEqual({ module: 'a', param: 'b.c' });
    expect(moduleOf('quiet')).toBeUndefined();
    expect(moduleOf('.x')).toBeUndefined();
    expect(moduleOf('x.')).toBeUndefined();
  });

  it('splitList keeps empty items, strsep-style', () => {
    expect(splitList('10de:1b80,10de:10f0', 13)).toEqual([
      { text: '10de:1b80', start: 13, end: 22 },
      { text: '10de:10f0', start: 23, end: 32 },
    ]);
    expect(splitList('a,,b')).toEqual([
      { text: 'a', start: 0, end: 1 },
      { text: '', start: 2, end: 2 },
      { text: 'b', start: 3, end: 4 },
    ]);
    expect(splitList('a,')).toEqual([{ text: 'a', start: 0, end: 1 }, { text: '', start: 2, end: 2 }]);
    expect(splitList('')).toEqual([{ text: '', start: 0, end: 0 }]);
  });

  it('splitParamValue uses the value offsets, or the whole value when not verbatim', () => {
    const text = 'vfio-pci.ids=10de:1b80,10de:10f0';
    const [p] = tokenizeCmdline(text);
    expect(splitParamValue(p!)).toEqual([
      { text: '10de:1b80', start: 13, end: 22 },
      { text: '10de:10f0', start: 23, end: 32 },
    ]);
    const [q] = tokenizeCmdline('i=a,b', [0, 1, 5, 6, 9]);
    expect(splitParamValue(q!)).toEqual([
      { text: 'a', start: 5, end: 10 },
      { text: 'b', start: 5, end: 10 },
    ]);
    expect(splitParamValue(tokenizeCmdline('quiet')[0]!)).toEqual([]);
  });
});

describe('parseKernelCmdlineFile', () => {
  it('reads newlines as spaces and flags # tokens as reaching the kernel', () => {
    const text = 'root=/dev/sda1 quiet\n# vfio\nintel_iommu=on\n';
    const f = parseKernelCmdlineFile(text);
    expect(brief(f.params)).toEqual([
      ['root=/dev/sda1', 'root', '/dev/sda1', 0, 14],
      ['quiet', 'quiet', undefined, 15, 20],
      ['#', '#', undefined, 21, 22],
      ['vfio', 'vfio', undefined, 23, 27],
      ['intel_iommu=on', 'intel_iommu', 'on', 28, 42],
    ]);
    expect(f.problems).toEqual([expect.objectContaining({ start: 21, end: 27, code: 'kernel-cmdline-comment', severity: 'warning' })]);
    expect(f.comments).toEqual([]);
  });

  it('reports one comment problem per line', () => {
    const f = parseKernelCmdlineFile('a #b #c\nd');
    expect(f.problems.map((p) => [p.code, p.start, p.end])).toEqual([['kernel-cmdline-comment', 2, 7]]);
  });

  it('reports an unclosed quote', () => {
    const f = parseKernelCmdlineFile('a "b c\n');
    expect(f.problems.map((p) => [p.code, p.start, p.end])).toEqual([['cmdline-unclosed-quote', 2, 7]]);
  });
});

describe('parseProcCmdline', () => {
  it('tokenizes the live command line', () => {
    const f = parseProcCmdline('BOOT_IMAGE=/vmlinuz ro quiet\n');
    expect(brief(f.params)).toEqual([
      ['BOOT_IMAGE=/vmlinuz', 'BOOT_IMAGE', '/vmlinuz', 0, 19],
      ['ro', 'ro', undefined, 20, 22],
      ['quiet', 'quiet', undefined, 23, 28],
    ]);
    expect(f.problems).toEqual([]);
  });
});

describe('parseBlsEntry', () => {
  const text = 'title Fedora\noptions root=UUID=x ro\n# comment\n  options "quiet splash"\noptions\n';

  it('reads key/value lines, comments, and strips value quotes like systemd-boot', () => {
    const e = parseBlsEntry(text);
    expect(e.lines.map((l) => [l.key, l.value, l.valueStart, l.valueEnd, l.quoted])).toEqual([
      ['title', 'Fedora', 6, 12, false],
      ['options', 'root=UUID=x ro', 21, 35, false],
      ['options', 'quiet splash', 57, 69, true],
      ['options', undefined, 78, 78, false],
    ]);
    expect(e.comments).toEqual([{ start: 36, end: 45, body: ' comment' }]);
    expect(e.problems.map((p) => [p.code, p.start, p.end])).toEqual([['bls-missing-value', 71, 78]]);
  });

  it('joins all options lines and keeps file offsets', () => {
    const e = parseBlsEntry(text);
    expect(brief(e.options)).toEqual([
      ['root=UUID=x', 'root', 'UUID=x', 21, 32],
      ['ro', 'ro', undefined, 33, 35],
      ['quiet', 'quiet', undefined, 57, 62],
      ['splash', 'splash', undefined, 63, 69],
    ]);
    expect(e.options.every((p) => p.verbatim)).toBe(true);
  });

  it('maps a token that an open quote carries across two options lines', () => {
    const e = parseBlsEntry('options a="x\noptions y"\n');
    expect(e.options).toHaveLength(1);
    expect(e.options[0]).toMatchObject({ raw: 'a="x y"', value: 'x y', start: 8, end: 23, nameEnd: 9, valueStart: 11, valueEnd: 22, verbatim: false, unclosedQuote: false });
  });

  it('splits lines at carriage returns too', () => {
    const e = parseBlsEntry('options a\r\noptions b\r\n');
    expect(e.options.map((p) => [p.name, p.start, p.end])).toEqual([['a', 8, 9], ['b', 19, 20]]);
  });
});

describe('corpus: kernel-cmdline files', () => {
  const entries = corpusAvailable() ? corpusEntries('kernel-cmdline') : [];
  it.skipIf(entries.length === 0)('parses every file with exact, nested ranges', () => {
    expect(entries.length).toBeGreaterThanOrEqual(9);
    for (const e of entries) {
      const d = decode(readFileSync(e.abs));
      if (!d.ok) throw new Error(`${e.path}: ${d.message}`);
      const f = parseKernelCmdlineFile(d.text);
      expect(f.params.length, e.path).toBeGreaterThan(0);
      let prevEnd = 0;
      for (const p of f.params) {
        expectParamRanges(p, d.text.length);
        expect(p.verbatim).toBe(true);
        expectVerbatim(d.text, p);
        expect(p.start).toBeGreaterThanOrEqual(prevEnd);
        prevEnd = p.end;
      }
      for (const pr of f.problems) expect(0 <= pr.start && pr.start <= pr.end && pr.end <= d.text.length).toBe(true);
    }
  });

  it.skipIf(entries.length === 0)('finds the quoted parameter in hossamdash__dotfiles', () => {
    const e = entries.find((x) => x.path.includes('hossamdash__dotfiles'))!;
    const text = readFileSync(e.abs, 'utf8');
    const p = parseKernelCmdlineFile(text).params.find((x) => x.raw.startsWith('"acpi_osi='))!;
    expect(p.name).toBe('acpi_osi');
    expect(p.value).toBe('Windows 2015');
  });
});

describe('properties', () => {
  const pieces = fc.constantFrom('"', '=', ' ', '\t', '\n', '\r', '--', '#', 'a', 'vfio-pci.ids', '10de:1b80,10de:10f0', 'x', ',', '.', '\u00a0', '\ud83d\ude00');
  const grammarish = fc.array(pieces, { maxLength: 40 }).map((a) => a.join(''));
  const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), grammarish);

  it('never throws; tokens are ordered, in bounds, separated only by whitespace', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const ps = tokenizeCmdline(text);
        let prev = 0;
        for (const p of ps) {
          expectParamRanges(p, text.length);
          expectVerbatim(text, p);
          expect(p.end).toBeGreaterThan(p.start);
          for (let k = prev; k < p.start; k++) expect(isKernelSpace(text.charCodeAt(k))).toBe(true);
          prev = p.end;
        }
        for (let k = prev; k < text.length; k++) expect(isKernelSpace(text.charCodeAt(k))).toBe(true);
      }),
      fuzzParams(),
    );
  });

  it('a token without quotes is exactly name[=value]', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const p of tokenizeCmdline(text)) {
          if (p.raw.includes('"')) continue;
          expect(p.name + (p.value === undefined ? '' : `=${p.value}`)).toBe(p.raw);
        }
      }),
      fuzzParams(),
    );
  });

  it('identity origins give the same result as a base offset', () => {
    fc.assert(
      fc.property(anyText, fc.nat(1000), (text, base) => {
        const origins = Array.from({ length: text.length }, (_, i) => i + base);
        expect(tokenizeCmdline(text, origins)).toEqual(tokenizeCmdline(text, undefined, undefined, base));
      }),
      fuzzParams(),
    );
  });

  it('arbitrary origins never break ordering or the fallback bounds', () => {
    fc.assert(
      fc.property(grammarish, fc.array(fc.integer({ min: -1, max: 200 }), { maxLength: 60 }), (text, raw) => {
        const origins = Array.from({ length: text.length }, (_, i) => raw[i] ?? -1);
        for (const p of tokenizeCmdline(text, origins, { start: 3, end: 7 })) expectParamRanges(p, 201);
      }),
      fuzzParams(),
    );
  });

  it('file parsers never throw and keep problems in bounds', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const f of [parseKernelCmdlineFile(text), parseProcCmdline(text), parseBlsEntry(text)]) {
          for (const pr of f.problems) {
            expect(pr.start).toBeGreaterThanOrEqual(0);
            expect(pr.start).toBeLessThanOrEqual(pr.end);
            expect(pr.end).toBeLessThanOrEqual(text.length);
          }
          for (const c of f.comments) expect(text.slice(c.start + 1, c.end)).toBe(c.body);
        }
        const bls = parseBlsEntry(text);
        for (const p of bls.options) expectParamRanges(p, text.length);
        for (const l of bls.lines) {
          expect(text.slice(l.keyStart, l.keyEnd)).toBe(l.key);
          if (l.value !== undefined) expect(text.slice(l.valueStart, l.valueEnd)).toBe(l.value);
          expect(l.start <= l.keyStart && l.valueEnd <= l.end).toBe(true);
        }
      }),
      fuzzParams(),
    );
  });
});
