import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { fuzzParams } from '../helpers/fuzz.js';
import { readFileSync } from 'node:fs';
import { corpusAvailable, corpusEntries, type CorpusEntry } from '../helpers/corpus.js';
import { decode } from '../../src/core/source.js';
import { CpuSet, parseKernelCpuList, parseLibvirtCpuset, parseIsolcpus, type CpuListResult, type LibvirtCpusetResult, type IsolcpusResult } from '../../src/core/cpuset.js';
import type { Range } from '../../src/core/range.js';

function inBounds(r: Range, text: string): void {
  expect(r.start).toBeGreaterThanOrEqual(0);
  expect(r.start).toBeLessThanOrEqual(r.end);
  expect(r.end).toBeLessThanOrEqual(text.length);
}
function inside(outer: Range, inner: Range): void {
  expect(inner.start).toBeGreaterThanOrEqual(outer.start);
  expect(inner.end).toBeLessThanOrEqual(outer.end);
}
function sliceMatches(n: Range & { text: string }, text: string): void {
  inBounds(n, text);
  expect(text.slice(n.start, n.end)).toBe(n.text);
}

/** The range invariants of a kernel cpu-list result (used by the corpus test too). */
function checkKernelResult(r: CpuListResult, text: string): void {
  if (r.kind === 'invalid') {
    inBounds(r, text);
    expect(r.message).not.toBe('');
    return;
  }
  if (r.kind === 'unresolved') inBounds(r, text);
  if (r.kind === 'ok' && r.ignored) inBounds(r.ignored, text);
  let prevEnd = 0;
  for (const el of r.elements) {
    sliceMatches(el, text);
    expect(el.start).toBeGreaterThanOrEqual(prevEnd);
    prevEnd = el.end;
    for (const n of [el.first, el.last, el.stride, el.stride?.used, el.stride?.group]) {
      if (!n) continue;
      sliceMatches(n, text);
      inside(el, n);
    }
    if (el.stride) {
      inside(el.stride, el.stride.used);
      inside(el.stride, el.stride.group);
    }
  }
}

function checkLibvirtResult(r: LibvirtCpusetResult, text: string): void {
  if (!r.ok) {
    inBounds(r, text);
    expect(r.message).not.toBe('');
    return;
  }
  let prevEnd = 0;
  for (const el of r.elements) {
    sliceMatches(el, text);
    expect(el.start).toBeGreaterThanOrEqual(prevEnd);
    prevEnd = el.end;
    for (const n of [el.first, el.last]) {
      sliceMatches(n, text);
      inside(el, n);
    }
  }
  expect(r.empty).toBe(r.set.isEmpty());
}

function checkIsolcpusResult(r: IsolcpusResult, text: string): void {
  expect(r.listStart).toBeGreaterThanOrEqual(0);
  expect(r.listStart).toBeLessThanOrEqual(text.length);
  expect(r.flagText).toBe(text.slice(0, r.listStart));
  for (const f of r.flags) {
    sliceMatches(f, text);
    expect(f.end).toBeLessThanOrEqual(r.listStart);
  }
  for (const p of r.problems) inBounds(p, text);
  if (r.list) {
    checkKernelResult(r.list, text);
    if (r.list.kind !== 'invalid') for (const el of r.list.elements) expect(el.start).toBeGreaterThanOrEqual(r.listStart);
  }
}

const pieces = ['0', '1', '3', '7', '12', '16383', '16384', '99999999999', 'N', 'n', 'all', 'ALL', '-', ',', ' ', '\t', '\n', ':', '/', '^', '+', 'x', 'é', '😀', 'nohz,', 'domain,', 'managed_irq,', 'foo,', 'managed-irq,', '_'];
const grammarish = fc.array(fc.constantFrom(...pieces), { maxLength: 24 }).map((xs) => xs.join(''));
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), grammarish);
const nrCpus = fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined });

describe('cpu lists never throw and keep ranges exact', () => {
  it('kernel cpu-list', () => {
    fc.assert(
      fc.property(anyText, nrCpus, (text, n) => {
        const r = parseKernelCpuList(text, n === undefined ? {} : { nrCpus: n });
        checkKernelResult(r, text);
        if (r.ok && n !== undefined) for (const c of r.set) expect(c).toBeLessThan(n);
      }),
      fuzzParams(),
    );
  });

  it('libvirt cpuset', () => {
    fc.assert(
      fc.property(anyText, (text) => checkLibvirtResult(parseLibvirtCpuset(text), text)),
      fuzzParams(),
    );
  });

  it('isolcpus', () => {
    fc.assert(
      fc.property(anyText, nrCpus, (text, n) => checkIsolcpusResult(parseIsolcpus(text, n === undefined ? {} : { nrCpus: n }), text)),
      fuzzParams(),
    );
  });
});

const idList = fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 16383 })), { maxLength: 60 });

describe('CpuSet agrees with a naive Set<number> model', () => {
  it('set algebra', () => {
    fc.assert(
      fc.property(idList, idList, (xs, ys) => {
        const a = CpuSet.fromIds(xs);
        const b = CpuSet.fromIds(ys);
        const sa = new Set(xs);
        const sb = new Set(ys);
        const sorted = (s: Iterable<number>) => [...s].sort((p, q) => p - q);
        expect(a.toArray()).toEqual(sorted(sa));
        expect(a.size).toBe(sa.size);
        expect(a.union(b).toArray()).toEqual(sorted(new Set([...sa, ...sb])));
        expect(a.intersect(b).toArray()).toEqual(sorted(xs.filter((x) => sb.has(x))));
        expect(a.minus(b).toArray()).toEqual(sorted(xs.filter((x) => !sb.has(x))));
        expect(a.isSubsetOf(b)).toBe(xs.every((x) => sb.has(x)));
        expect(a.equals(b)).toBe(sa.size === sb.size && xs.every((x) => sb.has(x)));
        expect(a.overlaps(b)).toBe(xs.some((x) => sb.has(x)));
        for (const probe of [...xs.slice(0, 5), ...ys.slice(0, 5), 0, 41]) expect(a.has(probe)).toBe(sa.has(probe));
      }),
      fuzzParams(),
    );
  });

  it('format() re-parses to an equal set in both dialects', () => {
    fc.assert(
      fc.property(idList, (xs) => {
        const s = CpuSet.fromIds(xs);
        const text = s.format();
        const k = parseKernelCpuList(text);
        expect(k.ok && k.set.equals(s)).toBe(true);
        if (xs.length === 0) {
          expect(parseLibvirtCpuset(text).ok).toBe(false); // libvirt rejects an empty value
        } else {
          const l = parseLibvirtCpuset(text);
          expect(l.ok && l.set.equals(s)).toBe(true);
        }
        // Canonical: no two runs touch.
        const r = s.ranges();
        for (let i = 1; i < r.length; i++) expect(r[i]![0]).toBeGreaterThan(r[i - 1]![1] + 1);
      }),
      fuzzParams(),
    );
  });
});

/** Valid kernel regions with known values, written with random separators, against a naive expansion. */
const kernelRegion = (nbits: number) =>
  fc
    .record({
      a: fc.integer({ min: 0, max: nbits - 1 }),
      b: fc.integer({ min: 0, max: nbits - 1 }),
      group: fc.integer({ min: 1, max: 9 }),
      used: fc.integer({ min: 0, max: 9 }),
      form: fc.constantFrom('single', 'range', 'stride', 'all', 'allStride', 'toN'),
    })
    .map(({ a, b, group, used, form }) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const u = Math.min(used, group);
      const expand = (s: number, e: number, uu: number, g: number) => {
        const out: number[] = [];
        for (let x = s; x <= e; x++) if ((x - s) % g < uu) out.push(x);
        return out;
      };
      switch (form) {
        case 'single':
          return { text: String(lo), cpus: [lo] };
        case 'range':
          return { text: `${lo}-${hi}`, cpus: expand(lo, hi, 1, 1) };
        case 'stride':
          return { text: `${lo}-${hi}:${u}/${group}`, cpus: expand(lo, hi, u, group) };
        case 'all':
          return { text: 'all', cpus: expand(0, nbits - 1, 1, 1) };
        case 'allStride':
          return { text: `All:${u}/${group}`, cpus: expand(0, nbits - 1, u, group) };
        default:
          return { text: `${lo}-N`, cpus: expand(lo, nbits - 1, 1, 1) };
      }
    });
const kernelSep = fc.array(fc.constantFrom(',', ' ', '\t'), { minLength: 1, maxLength: 3 }).map((s) => s.join(''));

describe('kernel cpu-list semantics against a naive model', () => {
  it('random valid lists', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }).chain((nbits) => fc.tuple(fc.constant(nbits), fc.array(fc.tuple(kernelRegion(nbits), kernelSep), { maxLength: 6 }), kernelSep)),
        ([nbits, regions, lead]) => {
          const text = lead + regions.map(([r, sep]) => r.text + sep).join('');
          const expected = new Set(regions.flatMap(([r]) => r.cpus));
          const r = parseKernelCpuList(text, { nrCpus: nbits });
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.set.toArray()).toEqual([...expected].sort((p, q) => p - q));
          expect(r.elements.map((e) => e.text)).toEqual(regions.map(([x]) => x.text));
        },
      ),
      fuzzParams(),
    );
  });
});

const libvirtElem = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((n) => ({ text: `${n}`, op: 'add' as const, lo: n, hi: n })),
  fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })).map(([a, b]) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    return { text: `${lo}-${hi}`, op: 'add' as const, lo, hi };
  }),
  fc.integer({ min: 0, max: 40 }).map((n) => ({ text: `^${n}`, op: 'del' as const, lo: n, hi: n })),
);
const ws = fc.constantFrom('', ' ', '  ', '\t');

describe('libvirt cpuset semantics against a naive model', () => {
  it('exclusions apply in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(libvirtElem, ws, ws), { minLength: 1, maxLength: 8 }), fc.boolean(), (elems, trailing) => {
        const text = elems.map(([e, w1, w2]) => w1 + e.text + w2).join(',') + (trailing ? ',' : '');
        const model = new Set<number>();
        for (const [e] of elems) for (let c = e.lo; c <= e.hi; c++) e.op === 'add' ? model.add(c) : model.delete(c);
        const r = parseLibvirtCpuset(text);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.set.toArray()).toEqual([...model].sort((p, q) => p - q));
        expect(r.empty).toBe(model.size === 0);
        expect(r.elements.map((e) => e.text)).toEqual(elems.map(([e]) => e.text));
      }),
      fuzzParams(),
    );
  });
});

// ---------------------------------------------------------------------------
// Corpus: every cpu list in the real-world and libvirt files.


function corpusText(e: CorpusEntry): string | undefined {
  const d = decode(readFileSync(e.abs));
  return d.ok ? d.text : undefined;
}

/** Attribute values libvirt parses as bitmaps, with the offset of the value in the file. */
function* bitmapAttributes(text: string): Generator<{ value: string; at: number; name: string }> {
  const re = /\s(cpuset|nodeset|siblings|cpus)=(['"])([^'"<>&]*)\2/g;
  for (let m = re.exec(text); m; m = re.exec(text)) yield { value: m[3]!, at: m.index + m[0].indexOf(m[2]!) + 1, name: m[1]! };
}

/** Kernel cpu-list parameters on a command line, with the offset of the value. */
function* kernelListParams(text: string): Generator<{ key: string; value: string; at: number }> {
  const re = /(?<![\w.-])(isolcpus|nohz_full|rcu_nocbs|irqaffinity)=([^\s"'\\]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) yield { key: m[1]!, value: m[2]!, at: m.index + m[1]!.length + 1 };
}

describe.skipIf(!corpusAvailable())('corpus', () => {
  it('libvirt cpusets in domain and capabilities XML', () => {
    let count = 0;
    const failures: string[] = [];
    for (const e of [...corpusEntries('domain-xml'), ...corpusEntries('capabilities-xml')]) {
      const text = corpusText(e);
      if (text === undefined) continue;
      for (const a of bitmapAttributes(text)) {
        count++;
        const r = parseLibvirtCpuset(a.value);
        checkLibvirtResult(r, a.value);
        // Shifted by the value's offset, element ranges index the file itself.
        if (r.ok) for (const el of r.elements) expect(text.slice(a.at + el.start, a.at + el.end)).toBe(el.text);
        if (!r.ok) failures.push(`${e.path}: ${a.name}='${a.value}': ${r.message}`);
        if (e.path.endsWith('numatune-memory-invalid-nodeset.xml') && a.name === 'nodeset') expect(r.ok && r.empty).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(1000);
    // libvirt's own negative test (EXPECTED_ERRORS.tsv: "Failed to parse bitmap 'aaa'") is the only bad one.
    expect(failures).toEqual([expect.stringMatching(/cpuset-invalid\.xml: cpuset='aaa'/)]);
  });

  it('kernel cpu lists on command lines (grub, kernel-cmdline)', () => {
    const seen: string[] = [];
    for (const e of [...corpusEntries('grub'), ...corpusEntries('kernel-cmdline')]) {
      const text = corpusText(e);
      if (text === undefined) continue;
      for (const p of kernelListParams(text)) {
        seen.push(`${p.key}=${p.value}`);
        for (const nrCpus of [undefined, 8, 64]) {
          const opts = nrCpus === undefined ? {} : { nrCpus };
          if (p.key === 'isolcpus') {
            const r = parseIsolcpus(p.value, opts);
            checkIsolcpusResult(r, p.value);
            if (r.list?.ok) for (const el of r.list.elements) expect(text.slice(p.at + el.start, p.at + el.end)).toBe(el.text);
          } else {
            const r = parseKernelCpuList(p.value, opts);
            checkKernelResult(r, p.value);
            if (r.ok) for (const el of r.elements) expect(text.slice(p.at + el.start, p.at + el.end)).toBe(el.text);
          }
        }
        // Every list in the corpus is a plain one; on a 64-CPU host all of them are valid.
        const r = p.key === 'isolcpus' ? parseIsolcpus(p.value, { nrCpus: 64 }).list : parseKernelCpuList(p.value, { nrCpus: 64 });
        expect(r?.ok, `${e.path}: ${p.key}=${p.value}`).toBe(true);
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(8);
  });
});
