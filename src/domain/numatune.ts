import { attr, childElements, firstChild, type XmlElement } from '../parsers/xml/index.js';
import { parseLibvirtCpuset, type CpuSet } from '../core/cpuset.js';
import type { Loc } from '../core/range.js';
import type { DomainView } from './view.js';

/** `<numatune><memory>`: where the guest's memory is allocated (libvirt "NUMA Node Tuning"). */
export interface NumaMemory {
  element: XmlElement;
  /** `strict` when absent, as libvirt defaults it. */
  mode: string;
  /** undefined with placement='auto' (numad decides) or a nodeset that does not parse. */
  nodes: CpuSet | undefined;
  /** The nodeset value, or the element when there is none. */
  loc: Loc;
}

/** The domain's `<numatune><memory>`, when it has one. */
export function numaMemory(view: DomainView): NumaMemory | undefined {
  const tune = firstChild(view.root, 'numatune');
  const mem = tune && childElements(tune, 'memory')[0];
  if (!mem) return undefined;
  const ns = attr(mem, 'nodeset');
  const parsed = ns ? parseLibvirtCpuset(ns.value) : undefined;
  const auto = attr(mem, 'placement')?.value === 'auto';
  return {
    element: mem,
    mode: attr(mem, 'mode')?.value ?? 'strict',
    nodes: !auto && parsed?.ok ? parsed.set : undefined,
    loc: ns ? { path: view.path, start: ns.valueStart, end: ns.valueEnd } : { path: view.path, start: mem.start, end: mem.startTagEnd },
  };
}
