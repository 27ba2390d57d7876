import { describe, it, expect } from 'vitest';
import { CpuSet, CPU_ID_LIMIT, parseKernelCpuList, parseLibvirtCpuset, parseIsolcpus, type CpuListResult, type LibvirtCpusetResult } from '../../src/core/cpuset.js';

const ids = (...xs: number[]) => CpuSet.of(...xs).toArray();
const span = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function kernelSet(text: string, nrCpus?: number): number[] {
  const r = parseKernelCpuList(text, nrCpus === undefined ? {} : { nrCpus });
  if (!r.ok) throw new Error(`expected ok for ${JSON.stringify(text)}, got ${r.kind}: ${r.message}`);
  return r.set.toArray();
}
function kernelError(text: string, nrCpus?: number): Extract<CpuListResult, { kind: 'invalid' }> {
  const r = parseKernelCpuList(text, nrCpus === undefined ? {} : { nrCpus });
  if (r.kind !== 'invalid') throw new Error(`expected invalid for ${JSON.stringify(text)}, got ${r.kind}`);
  return r;
}
function libvirtSet(text: string): number[] {
  const r = parseLibvirtCpuset(text);
  if (!r.ok) throw new Error(`expected ok for ${JSON.stringify(text)}: ${r.message}`);
  return r.set.toArray();
}
function libvirtError(text: string, opts?: { maxId?: number }): Extract<LibvirtCpusetResult, { ok: false }> {
  const r = parseLibvirtCpuset(text, opts);
  if (r.ok) throw new Error(`expected an error for ${JSON.stringify(text)}`);
  return r;
}

describe('CpuSet', () => {
  it('normalises ids and ranges', () => {
    const s = CpuSet.of(5, 1, 2, 3, 3, 9, 8);
    expect(s.toArray()).toEqual([1, 2, 3, 5, 8, 9]);
    expect(s.ranges()).toEqual([
      [1, 3],
      [5, 5],
      [8, 9],
    ]);
    expect(s.size).toBe(6);
    expect(s.format()).toBe('1-3,5,8-9');
    expect(String(s)).toBe('1-3,5,8-9');
    expect(s.min()).toBe(1);
    expect(s.max()).toBe(9);
    expect([...s]).toEqual([1, 2, 3, 5, 8, 9]);
  });

  it('formats the canonical form', () => {
    expect(CpuSet.fromRanges([[8, 11], [0, 3]]).format()).toBe('0-3,8-11');
    expect(CpuSet.of(4, 5).format()).toBe('4-5');
    expect(CpuSet.of().format()).toBe('');
    expect(CpuSet.fromRanges([[0, 3], [4, 6], [2, 5]]).format()).toBe('0-6');
  });

  it('has, isEmpty, equals, isSubsetOf, overlaps', () => {
    const s = CpuSet.fromRanges([[0, 3], [8, 11]]);
    expect([0, 3, 4, 7, 8, 11, 12].map((c) => s.has(c))).toEqual([true, true, false, false, true, true, false]);
    expect(CpuSet.EMPTY.isEmpty()).toBe(true);
    expect(CpuSet.EMPTY.size).toBe(0);
    expect(s.isEmpty()).toBe(false);
    expect(s.equals(CpuSet.of(0, 1, 2, 3, 8, 9, 10, 11))).toBe(true);
    expect(s.equals(CpuSet.of(0, 1, 2, 3, 8, 9, 10))).toBe(false);
    expect(CpuSet.of(1, 9).isSubsetOf(s)).toBe(true);
    expect(CpuSet.range(2, 8).isSubsetOf(s)).toBe(false);
    expect(CpuSet.EMPTY.isSubsetOf(s)).toBe(true);
    expect(s.overlaps(CpuSet.range(4, 8))).toBe(true);
    expect(s.overlaps(CpuSet.range(4, 7))).toBe(false);
  });

  it('union, intersect, minus', () => {
    const a = CpuSet.fromRanges([[0, 3], [8, 11]]);
    const b = CpuSet.fromRanges([[2, 9], [20, 20]]);
    expect(a.union(b).format()).toBe('0-11,20');
    expect(a.intersect(b).format()).toBe('2-3,8-9');
    expect(a.minus(b).format()).toBe('0-1,10-11');
    expect(b.minus(a).format()).toBe('4-7,20');
    expect(CpuSet.range(0, 10).minus(CpuSet.of(0, 5, 10)).format()).toBe('1-4,6-9');
    // Adjacent runs join.
    expect(CpuSet.range(0, 3).union(CpuSet.range(4, 7)).format()).toBe('0-7');
  });

  it('rejects invalid ids (a programming error, not input)', () => {
    expect(() => CpuSet.of(-1)).toThrow(RangeError);
    expect(() => CpuSet.of(1.5)).toThrow(RangeError);
    expect(() => CpuSet.range(5, 3)).toThrow(RangeError);
  });

  it('handles the libvirt maximum cheaply', () => {
    const all = CpuSet.range(0, CPU_ID_LIMIT - 1);
    expect(all.size).toBe(16384);
    expect(all.format()).toBe('0-16383');
    expect(all.minus(CpuSet.of(16383)).max()).toBe(16382);
  });
});

describe('parseKernelCpuList (catalog 2.1)', () => {
  it('doc example 1,2,10-20,100-2000:2/25', () => {
    const r = parseKernelCpuList('1,2,10-20,100-2000:2/25', { nrCpus: 2048 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // Groups of 25 from 100 to 2000 take two CPUs each; the last group starts at 2000 and only 2000 is in range.
    const stride: number[] = [];
    for (let s = 100; s <= 2000; s += 25) stride.push(s, s + 1);
    const expected = [1, 2, ...span(10, 20), ...stride.filter((c) => c <= 2000)];
    expect(r.set.toArray()).toEqual(expected);
    expect(r.set.size).toBe(2 + 11 + 153);
    expect(r.elements.map((e) => [e.kind, e.start, e.end, e.text])).toEqual([
      ['single', 0, 1, '1'],
      ['single', 2, 3, '2'],
      ['range', 4, 9, '10-20'],
      ['range', 10, 23, '100-2000:2/25'],
    ]);
    const st = r.elements[3]!.stride!;
    expect([st.start, st.end, st.text, st.used.value, st.group.value]).toEqual([18, 23, ':2/25', 2, 25]);
  });

  it('strides', () => {
    expect(kernelSet('0-15:2/4')).toEqual([0, 1, 4, 5, 8, 9, 12, 13]);
    expect(kernelSet('all:1/2', 8)).toEqual([0, 2, 4, 6]);
    expect(kernelSet('0-7:0/2')).toEqual([]);
    expect(kernelSet('0-3:1/1000')).toEqual([0]);
    expect(kernelSet('0-N:1/N', 8)).toEqual([0, 7]);
  });

  it('separators: commas and whitespace, repeated, leading and trailing', () => {
    expect(kernelSet(' ,1,,2 ')).toEqual([1, 2]);
    expect(kernelSet('1\t2 3')).toEqual([1, 2, 3]);
    expect(kernelSet('')).toEqual([]);
    expect(kernelSet(' , ')).toEqual([]);
    expect(kernelSet('007')).toEqual([7]);
  });

  it('N and all with a CPU count', () => {
    expect(kernelSet('2-N', 4)).toEqual([2, 3]);
    expect(kernelSet('N', 4)).toEqual([3]);
    expect(kernelSet('all', 4)).toEqual([0, 1, 2, 3]);
    expect(kernelSet('aLL', 2)).toEqual([0, 1]);
  });

  it('N and all without a CPU count are unresolved, with the token', () => {
    const r = parseKernelCpuList('1,2-N');
    expect(r.kind).toBe('unresolved');
    if (r.kind !== 'unresolved') return;
    expect([r.token, r.start, r.end]).toEqual(['N', 4, 5]);
    expect(r.elements).toHaveLength(2);
    const a = parseKernelCpuList('0, ALL:1/2');
    expect(a.kind === 'unresolved' && [a.token, a.start, a.end]).toEqual(['all', 3, 6]);
    // A definite error still wins over unresolved.
    expect(parseKernelCpuList('N,5:1/2').kind).toBe('invalid');
  });

  it('16-N on a 4-CPU host is backwards', () => {
    const e = kernelError('16-N', 4);
    expect([e.code, e.start, e.end]).toEqual(['cpulist-backwards', 0, 4]);
    expect(e.message).toBe('range 16-N is backwards (N is 3 with 4 CPUs): the first CPU is larger than the last');
    expect(e.severity).toBe('error');
  });

  it('rejects the whole value, with the offending element range', () => {
    let e = kernelError('5:1/2');
    expect([e.code, e.start, e.end]).toEqual(['cpulist-stride-on-single', 0, 5]);
    e = kernelError('0,2-7:3/2');
    expect([e.code, e.start, e.end]).toEqual(['cpulist-stride-used-exceeds-group', 2, 9]);
    expect(e.message).toBe('stride 3/2 takes more CPUs than the group has (3 of 2)');
    e = kernelError('0-3,7-3,9');
    expect([e.code, e.start, e.end, e.message]).toEqual(['cpulist-backwards', 4, 7, 'range 7-3 is backwards: the first CPU is larger than the last']);
    e = kernelError('0-7:1/0');
    expect([e.code, e.start, e.end]).toEqual(['cpulist-stride-group-zero', 0, 7]);
    e = kernelError('1,0-8', 8);
    expect([e.code, e.start, e.end]).toEqual(['cpulist-out-of-range', 2, 5]);
    expect(e.message).toBe('CPU 8 is beyond the last CPU of this host (7; 8 CPUs)');
    e = kernelError('1,2x,3');
    expect([e.code, e.start, e.end]).toEqual(['cpulist-unexpected-char', 2, 4]);
    expect(e.message).toBe("unexpected 'x' after CPU 2");
  });

  it('syntax errors name what is missing', () => {
    expect(kernelError('1-')).toMatchObject({ code: 'cpulist-expected-number', start: 0, end: 2 });
    expect(kernelError('0-3:')).toMatchObject({ code: 'cpulist-expected-number', start: 0, end: 4 });
    expect(kernelError('0-3:2')).toMatchObject({ code: 'cpulist-unexpected-char', start: 0, end: 5 });
    expect(kernelError('0-3:2/')).toMatchObject({ code: 'cpulist-expected-number', start: 0, end: 6 });
    expect(kernelError(' -3')).toMatchObject({ code: 'cpulist-expected-number', start: 1, end: 3 });
    expect(kernelError('n', 4)).toMatchObject({ code: 'cpulist-expected-number', start: 0, end: 1 });
    expect(kernelError('0-3,^2')).toMatchObject({ code: 'cpulist-exclusion', start: 4, end: 6 });
    expect(kernelError('allx', 4)).toMatchObject({ code: 'cpulist-unexpected-char', start: 0, end: 4 });
    expect(kernelError('99999999999')).toMatchObject({ code: 'cpulist-number-too-large', start: 0, end: 11 });
    expect(kernelError('1;2').message).toBe("unexpected ';' after CPU 1");
  });

  it('bounds ids by CPU_ID_LIMIT without a CPU count', () => {
    expect(kernelSet('16383')).toEqual([16383]);
    expect(kernelError('0-16384')).toMatchObject({ code: 'cpulist-out-of-range', start: 0, end: 7 });
    expect(kernelError('20000-N')).toMatchObject({ code: 'cpulist-out-of-range' });
  });

  it('mirrors the kernel after a stride: the next region may follow without a separator', () => {
    expect(kernelSet('0-3:1/2N', 8)).toEqual([0, 2, 7]);
    // ...but junk there is an error over the whole word the user wrote.
    expect(kernelError('0-3:1/2x')).toMatchObject({ start: 0, end: 8 });
  });

  it('stops at a newline after a plain region, like end_of_str', () => {
    const r = parseKernelCpuList('1\n2');
    expect(r.ok && r.set.toArray()).toEqual([1]);
    expect(r.ok && r.ignored).toEqual({ start: 2, end: 3 });
    expect(kernelSet('1,\n2')).toEqual([1, 2]);
    expect(kernelSet('0-3:1/2\n5')).toEqual([0, 2, 5]);
    const t = parseKernelCpuList('1-2\n');
    expect(t.ok && t.ignored).toBe(undefined);
  });

  it('nrCpus over the limit is capped; invalid nrCpus is ignored', () => {
    expect(kernelSet('N', 100000)).toEqual([16383]);
    expect(parseKernelCpuList('N', { nrCpus: 0 }).kind).toBe('unresolved');
    expect(parseKernelCpuList('N', { nrCpus: 2.5 }).kind).toBe('unresolved');
  });
});

describe('parseLibvirtCpuset (catalog 2.2)', () => {
  it('exclusions run left to right', () => {
    expect(libvirtSet('0-3,^2')).toEqual([0, 1, 3]);
    expect(libvirtSet('^2,0-3')).toEqual([0, 1, 2, 3]);
    expect(libvirtSet('0-1,^5')).toEqual([0, 1]);
  });

  it('trailing comma and whitespace', () => {
    expect(libvirtSet('0-3,')).toEqual([0, 1, 2, 3]);
    expect(libvirtSet('0-3 , ')).toEqual([0, 1, 2, 3]);
    const r = parseLibvirtCpuset(' 0 - 3 , 5 ');
    expect(r.ok && r.set.toArray()).toEqual([0, 1, 2, 3, 5]);
    expect(r.ok && r.elements.map((e) => [e.kind, e.start, e.end, e.text])).toEqual([
      ['range', 1, 6, '0 - 3'],
      ['single', 9, 10, '5'],
    ]);
  });

  it('all-clear parses with empty: true', () => {
    const r = parseLibvirtCpuset('0,^0');
    expect(r.ok && r.empty).toBe(true);
    expect(r.ok && r.set.isEmpty()).toBe(true);
    expect(r.ok && r.elements.map((e) => e.kind)).toEqual(['single', 'exclude']);
    const s = parseLibvirtCpuset('0-1');
    expect(s.ok && s.empty).toBe(false);
  });

  it('errors with the offending element', () => {
    expect(libvirtError(',0')).toMatchObject({ code: 'cpuset-empty-element', start: 0, end: 1 });
    expect(libvirtError('1,,2')).toMatchObject({ code: 'cpuset-empty-element', start: 2, end: 3 });
    expect(libvirtError('0,^1-2')).toMatchObject({ code: 'cpuset-exclude-range', start: 2, end: 6 });
    expect(libvirtError('0,3-1')).toMatchObject({ code: 'cpuset-backwards', start: 2, end: 5, message: 'range 3-1 is backwards: the first CPU is larger than the last' });
    expect(libvirtError('')).toMatchObject({ code: 'cpuset-empty', start: 0, end: 0 });
    expect(libvirtError('   ')).toMatchObject({ code: 'cpuset-empty', start: 0, end: 3 });
    expect(libvirtError('aaa')).toMatchObject({ code: 'cpuset-expected-number', start: 0, end: 3 });
    expect(libvirtError('1 2')).toMatchObject({ code: 'cpuset-unexpected-char', start: 0, end: 3 });
    expect(libvirtError('1-2-3')).toMatchObject({ code: 'cpuset-unexpected-char', start: 0, end: 5 });
    expect(libvirtError('0-3:1/2')).toMatchObject({ code: 'cpuset-unexpected-char', start: 0, end: 7 });
    expect(libvirtError('2-N')).toMatchObject({ code: 'cpuset-expected-number', start: 0, end: 3 });
    expect(libvirtError('0,N')).toMatchObject({ code: 'cpuset-kernel-syntax', start: 2, end: 3 });
    expect(libvirtError('all')).toMatchObject({ code: 'cpuset-kernel-syntax', start: 0, end: 3 });
    expect(libvirtError('^ 2')).toMatchObject({ code: 'cpuset-expected-number', start: 0, end: 3 });
    expect(libvirtError('1-')).toMatchObject({ code: 'cpuset-expected-number', start: 0, end: 2 });
    expect(libvirtError('1 3')).toMatchObject({ code: 'cpuset-unexpected-char' });
    expect(libvirtError('0 1,2')).toMatchObject({ start: 0, end: 3 });
  });

  it('limit is 16383 by default, configurable', () => {
    expect(libvirtSet('16383')).toEqual([16383]);
    expect(libvirtError('16384')).toMatchObject({ code: 'cpuset-out-of-range', start: 0, end: 5, message: "CPU 16384 is above libvirt's limit of 16383" });
    expect(libvirtError('0-16384')).toMatchObject({ code: 'cpuset-out-of-range', start: 0, end: 7 });
    expect(libvirtError('0,^16384')).toMatchObject({ code: 'cpuset-out-of-range', start: 2, end: 8 });
    expect(libvirtError('1024', { maxId: 1023 })).toMatchObject({ code: 'cpuset-out-of-range' });
    expect(libvirtError('99999999999')).toMatchObject({ code: 'cpuset-number-too-large', start: 0, end: 11 });
  });

  it('accepts what strtol accepts for the end of a range', () => {
    expect(libvirtSet('0-+3')).toEqual([0, 1, 2, 3]);
    expect(libvirtSet('0--0')).toEqual([0]);
    expect(libvirtError('5--3')).toMatchObject({ code: 'cpuset-backwards' });
    expect(libvirtError('0-+ 3')).toMatchObject({ code: 'cpuset-expected-number' });
  });

  it('format() of a plain set is the same in both dialects', () => {
    const s = CpuSet.fromRanges([[0, 3], [8, 11], [20, 20]]);
    expect(libvirtSet(s.format())).toEqual(s.toArray());
    expect(kernelSet(s.format())).toEqual(s.toArray());
  });
});

describe('parseIsolcpus (catalog 2.4)', () => {
  it('nohz,domain,2-7', () => {
    const r = parseIsolcpus('nohz,domain,2-7');
    expect(r.status).toBe('ok');
    expect(r.flags.map((f) => [f.text, f.known, f.start, f.end])).toEqual([
      ['nohz', 'nohz', 0, 4],
      ['domain', 'domain', 5, 11],
    ]);
    expect(r.effectiveFlags).toEqual(['nohz', 'domain']);
    expect(r.listStart).toBe(12);
    expect(r.flagText).toBe('nohz,domain,');
    expect(r.list?.ok && r.list.set.toArray()).toEqual(span(2, 7));
    expect(r.list?.ok && r.list.elements.map((e) => [e.start, e.end])).toEqual([[12, 15]]);
    expect(r.problems).toEqual([]);
  });

  it('no flags: domain by default', () => {
    const r = parseIsolcpus('2-7');
    expect([r.status, r.effectiveFlags, r.flags, r.listStart, r.flagText]).toEqual(['ok', ['domain'], [], 0, '']);
  });

  it('managed_irq alone does not imply domain', () => {
    const r = parseIsolcpus('managed_irq,2-7');
    expect(r.effectiveFlags).toEqual(['managed_irq']);
    expect(r.list?.ok && r.list.set.toArray()).toEqual(span(2, 7));
  });

  it('unknown flags are skipped with a warning', () => {
    const r = parseIsolcpus('foo,2-7');
    expect(r.status).toBe('ok');
    expect(r.effectiveFlags).toEqual(['domain']);
    expect(r.flags).toEqual([{ start: 0, end: 3, text: 'foo', known: undefined }]);
    expect(r.problems).toMatchObject([{ code: 'isolcpus-unknown-flag', severity: 'warning', start: 0, end: 3 }]);
    expect(r.list?.ok && r.list.set.toArray()).toEqual(span(2, 7));
    expect(parseIsolcpus('Domain,1').problems[0]!.message).toContain("flags are lowercase ('domain')");
    expect(parseIsolcpus('nohz_full,1').problems[0]!.message).toContain("the flag is 'nohz'");
  });

  it('a flag with other characters invalidates the value', () => {
    const r = parseIsolcpus('foo1,2-7');
    expect(r.status).toBe('invalid-flag');
    expect(r.list).toBe(undefined);
    expect(r.problems).toMatchObject([{ code: 'isolcpus-invalid-flag', severity: 'error', start: 0, end: 4 }]);
    const m = parseIsolcpus('managed-irq,2-7');
    expect(m.status).toBe('invalid-flag');
    expect(m.problems[0]!.message).toContain("spelt 'managed_irq'");
    const n = parseIsolcpus('N-3');
    expect(n.status).toBe('invalid-flag');
    expect(n.problems[0]!.message).toContain('start it with a number');
  });

  it('the trap: N, all and domain,all lose the list', () => {
    let r = parseIsolcpus('N', { nrCpus: 8 });
    expect(r.status).toBe('list-lost');
    expect(r.list).toBe(undefined);
    expect(r.problems).toMatchObject([{ code: 'isolcpus-list-lost', severity: 'error', start: 0, end: 1 }]);
    r = parseIsolcpus('all', { nrCpus: 8 });
    expect(r.status).toBe('list-lost');
    r = parseIsolcpus('domain,all', { nrCpus: 8 });
    expect(r.status).toBe('list-lost');
    expect(r.flags.map((f) => f.text)).toEqual(['domain', 'all']);
    expect(r.problems).toMatchObject([{ code: 'isolcpus-list-lost', start: 7, end: 10 }]);
    expect(r.effectiveFlags).toEqual(['domain']);
    r = parseIsolcpus('nohz');
    expect(r.status).toBe('list-lost');
    expect(r.problems[0]!.message).toContain("must be followed by ','");
  });

  it('N first but followed by more: N is skipped, the rest is the list', () => {
    const r = parseIsolcpus('N,3', { nrCpus: 8 });
    expect(r.status).toBe('ok');
    expect(r.list?.ok && r.list.set.toArray()).toEqual([3]);
    expect(r.problems).toMatchObject([{ code: 'isolcpus-unknown-flag', start: 0, end: 1 }]);
    // N later in the list is fine.
    expect(parseIsolcpus('domain,2-N', { nrCpus: 8 }).list).toMatchObject({ ok: true });
  });

  it('empty list after flags isolates nothing', () => {
    const r = parseIsolcpus('domain,');
    expect(r.status).toBe('ok');
    expect(r.list?.ok && r.list.set.isEmpty()).toBe(true);
    expect(r.problems).toMatchObject([{ code: 'isolcpus-empty-list', severity: 'warning' }]);
    expect(parseIsolcpus('').problems).toMatchObject([{ code: 'isolcpus-empty-list' }]);
  });

  it('list errors and unresolved lists, with ranges into the whole value', () => {
    const bad = parseIsolcpus('domain,7-3');
    expect(bad.status).toBe('invalid-list');
    expect(bad.problems).toMatchObject([{ code: 'cpulist-backwards', start: 7, end: 10 }]);
    const un = parseIsolcpus('domain,2-N');
    expect(un.status).toBe('unresolved');
    expect(un.list?.kind === 'unresolved' && [un.list.token, un.list.start, un.list.end]).toEqual(['N', 9, 10]);
  });
});

describe('sanity of helpers', () => {
  it('ids helper', () => expect(ids(3, 1)).toEqual([1, 3]));
});
