import { parseIsolcpus, parseKernelCpuList, type CpuSet, type CpuListResult } from '../core/cpuset.js';

/** A kernel cpu-list value, reduced to what rules decide on. Offsets are into the value text. */
export type KernelList =
  | { kind: 'ok'; set: CpuSet }
  | { kind: 'unresolved'; token: 'N' | 'all' }
  | { kind: 'invalid'; message: string; start: number; end: number };

function reduce(r: CpuListResult): KernelList {
  if (r.kind === 'ok') return { kind: 'ok', set: r.set };
  if (r.kind === 'unresolved') return { kind: 'unresolved', token: r.token };
  return { kind: 'invalid', message: r.message, start: r.start, end: r.end };
}

export function kernelList(value: string, nrCpus: number | undefined): KernelList {
  return reduce(parseKernelCpuList(value, { nrCpus }));
}

/** An `isolcpus=` value: its flags in effect, the flag prefix as written, and its list. */
export function isolcpusValue(value: string, nrCpus: number | undefined): { flags: string[]; flagText: string; list: KernelList } {
  const r = parseIsolcpus(value, { nrCpus });
  let list: KernelList;
  if (r.list) {
    list = reduce(r.list);
  } else {
    // No list was read (a bad flag, or the list swallowed as a flag): the kernel drops the parameter.
    const p = r.problems.find((x) => x.severity === 'error' || x.severity === 'fatal') ?? { message: 'no CPU list', start: 0, end: value.length };
    list = { kind: 'invalid', message: p.message, start: p.start, end: p.end };
  }
  return { flags: r.effectiveFlags, flagText: r.flagText, list };
}
