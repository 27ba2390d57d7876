import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decode } from '../../src/core/source.js';
import { parseSysctl, canonicalSysctlKey, sysctlPath, isGlobKey } from '../../src/parsers/sysctl/index.js';
import type { SysctlFile } from '../../src/parsers/sysctl/index.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { fuzzParams } from '../helpers/fuzz.js';

function checkFile(text: string, f: SysctlFile): void {
  let prev = 0;
  for (const e of f.entries) {
    expect(0 <= e.start && e.start <= e.keyStart && e.keyStart <= e.keyEnd && e.keyEnd <= e.valueStart && e.valueStart <= e.valueEnd && e.valueEnd <= e.end && e.end <= text.length).toBe(true);
    expect(e.start).toBeGreaterThanOrEqual(prev);
    prev = e.end;
    expect(text.slice(e.keyStart, e.keyEnd)).toBe(e.key);
    if (e.value !== undefined) expect(text.slice(e.valueStart, e.valueEnd)).toBe(e.value);
    else expect(e.valueStart).toBe(e.keyEnd);
  }
  for (const c of f.comments) {
    expect(0 <= c.start && c.start < c.end && c.end <= text.length).toBe(true);
    expect(text.slice(c.start + 1, c.end)).toBe(c.body);
  }
  for (const p of f.problems) expect(0 <= p.start && p.start <= p.end && p.end <= text.length).toBe(true);
}

const only = (text: string) => {
  const f = parseSysctl(text);
  expect(f.entries).toHaveLength(1);
  return f.entries[0]!;
};
const codes = (text: string) => parseSysctl(text).problems.map((p) => [p.code, p.start, p.end]);

describe('parseSysctl: lines', () => {
  it('slash and dot separators name the same key', () => {
    const a = only('vm/nr_hugepages = 8');
    expect(a).toMatchObject({ type: 'assign', key: 'vm/nr_hugepages', keyStart: 0, keyEnd: 15, value: '8', valueStart: 18, valueEnd: 19, start: 0, end: 19 });
    const b = only('vm.nr_hugepages=8');
    expect(a.canonical).toBe('vm.nr_hugepages');
    expect(b.canonical).toBe('vm.nr_hugepages');
    expect(a.path).toBe('vm/nr_hugepages');
    expect(b.path).toBe('vm/nr_hugepages');
  });

  it('a leading - on an assignment ignores failure; the key is stripped after it', () => {
    expect(only('-vm.foo = 1')).toMatchObject({ type: 'assign', ignoreFailure: true, key: 'vm.foo', keyStart: 1, keyEnd: 7, value: '1', valueStart: 10, valueEnd: 11 });
    expect(only('- vm.x = 1')).toMatchObject({ ignoreFailure: true, key: 'vm.x', keyStart: 2, keyEnd: 6 });
  });

  it('-key without = is an exclusion', () => {
    expect(only('-net.ipv4.conf.all.rp_filter')).toMatchObject({ type: 'exclude', ignoreFailure: false, key: 'net.ipv4.conf.all.rp_filter', keyStart: 1, keyEnd: 28, value: undefined, valueStart: 28, valueEnd: 28 });
  });

  it('comments start with # or ; as the first non-blank character', () => {
    const f = parseSysctl('; comment\n  # c\nvm.a=1\n');
    expect(f.comments).toEqual([
      { start: 0, end: 9, body: ' comment' },
      { start: 12, end: 15, body: ' c' },
    ]);
    expect(f.entries.map((e) => e.key)).toEqual(['vm.a']);
  });

  it('a line without = is not an assignment', () => {
    const f = parseSysctl('kernel.sysrq 1\n');
    expect(f.entries).toEqual([]);
    expect(codes('kernel.sysrq 1\n')).toEqual([['sysctl-not-assignment', 0, 14]]);
  });

  it('swaps dots and slashes when the first separator is a dot', () => {
    const a = only('net.ipv4.conf.enp3s0/200.forwarding = 1');
    const b = only('net/ipv4/conf/enp3s0.200/forwarding = 1');
    expect(a.path).toBe('net/ipv4/conf/enp3s0.200/forwarding');
    expect(b.path).toBe('net/ipv4/conf/enp3s0.200/forwarding');
    expect(a.canonical).toBe('net.ipv4.conf.enp3s0/200.forwarding');
    expect(b.canonical).toBe(a.canonical);
  });

  it('keeps empty values and inner spaces, splits at the first =', () => {
    expect(only('kernel.core_pattern=')).toMatchObject({ value: '', valueStart: 20, valueEnd: 20 });
    expect(only('kernel.modprobe = /sbin/mod probe').value).toBe('/sbin/mod probe');
    expect(only('a=b=c')).toMatchObject({ key: 'a', value: 'b=c' });
    expect(codes('kernel.core_pattern=')).toEqual([]);
  });

  it('strips a carriage return', () => {
    expect(only('vm.a = 1\r\n')).toMatchObject({ value: '1', valueStart: 7, valueEnd: 8, end: 8 });
  });

  it('marks glob keys', () => {
    const e = only('net.ipv4.conf.*.rp_filter = 2');
    expect(e.glob).toBe(true);
    expect(e.canonical).toBe('net.ipv4.conf.*.rp_filter');
    expect(only('vm.a = 1').glob).toBe(false);
  });
});

describe('parseSysctl: problems', () => {
  it('empty key', () => {
    expect(codes('= 1')).toEqual([['sysctl-empty-key', 0, 1]]);
    expect(codes('-')).toEqual([['sysctl-empty-key', 0, 1]]);
  });

  it('whitespace inside the key', () => {
    expect(codes('vm. swappiness = 1')).toEqual([['sysctl-key-whitespace', 0, 14]]);
  });

  it('an inline comment is part of the value', () => {
    expect(codes('vm.swappiness = 10 # low')).toEqual([['sysctl-inline-comment', 19, 24]]);
    expect(codes('kernel.core_pattern = |/x#y')).toEqual([]);
  });

  it('quotes are written literally', () => {
    expect(codes('kernel.core_pattern = "|/bin/false"')).toEqual([['sysctl-quoted-value', 22, 35]]);
  });
});

describe('keys', () => {
  it('normalizes like systemd sysctl_normalize + path_simplify', () => {
    expect(sysctlPath('/vm//nr_hugepages')).toBe('vm/nr_hugepages');
    expect(canonicalSysctlKey('/vm//nr_hugepages')).toBe('vm.nr_hugepages');
    expect(canonicalSysctlKey('vm..swappiness')).toBe('vm.swappiness');
    expect(canonicalSysctlKey('kernel')).toBe('kernel');
    expect(isGlobKey('net.ipv4.conf.[ab].x')).toBe(true);
    expect(isGlobKey('a?')).toBe(true);
  });
});

describe('corpus: sysctl files', () => {
  const entries = corpusAvailable() ? corpusEntries('sysctl') : [];
  it.skipIf(entries.length === 0)('parses every file with exact ranges', () => {
    expect(entries.length).toBeGreaterThanOrEqual(36);
    let assigns = 0;
    for (const e of entries) {
      const d = decode(readFileSync(e.abs));
      if (!d.ok) throw new Error(`${e.path}: ${d.message}`);
      const f = parseSysctl(d.text);
      checkFile(d.text, f);
      assigns += f.entries.length;
      expect(f.problems.filter((p) => p.code === 'sysctl-not-assignment'), e.path).toEqual([]);
    }
    expect(assigns).toBeGreaterThan(50);
  });
});

describe('properties', () => {
  const pieces = fc.constantFrom('vm', '.', '/', 'nr_hugepages', '=', ' ', '\t', '\n', '\r', '-', '#', ';', '*', '"', '8', '\ud83d\ude00');
  const grammarish = fc.array(pieces, { maxLength: 40 }).map((a) => a.join(''));
  const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), grammarish);

  it('never throws; ranges in bounds, ordered, slice to key and value', () => {
    fc.assert(fc.property(anyText, (text) => checkFile(text, parseSysctl(text))), fuzzParams());
  });

  it('the canonical key does not depend on the separator style', () => {
    const seg = fc.stringMatching(/^[a-z0-9_]{1,6}$/);
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 5 }), (segs) => {
        expect(canonicalSysctlKey(segs.join('/'))).toBe(canonicalSysctlKey(segs.join('.')));
        expect(canonicalSysctlKey(segs.join('.'))).toBe(segs.join('.'));
      }),
      fuzzParams(),
    );
  });
});
