import { attr, childElements, firstChild, type XmlAttribute, type XmlElement } from '../parsers/xml/index.js';
import { parseLibvirtCpuset, type LibvirtCpusetResult } from '../core/cpuset.js';
import type { Loc } from '../core/range.js';

/** One attribute whose value libvirt parses as a bitmap (a CPU set, a vCPU set or a NUMA node set). */
export interface CpusetAttribute {
  element: XmlElement;
  attr: XmlAttribute;
  /** The value inside the quotes. */
  loc: Loc;
  result: LibvirtCpusetResult;
  /** libvirt also refuses a set with no member here (`0,^0`). */
  emptyRefused: boolean;
}

/**
 * Every bitmap-valued attribute of a domain, parsed as libvirt's `virBitmapParse` does: where libvirt
 * reads a set of host CPUs, guest vCPUs, iothreads or NUMA nodes from the domain XML.
 */
export function domainCpusets(path: string, root: XmlElement): CpusetAttribute[] {
  const out: CpusetAttribute[] = [];
  const add = (el: XmlElement | undefined, name: string, emptyRefused: boolean) => {
    const a = el && attr(el, name);
    if (!el || !a) return;
    out.push({ element: el, attr: a, loc: { path, start: a.valueStart, end: a.valueEnd }, result: parseLibvirtCpuset(a.value), emptyRefused });
  };
  add(firstChild(root, 'vcpu'), 'cpuset', true);
  const cputune = firstChild(root, 'cputune');
  if (cputune) {
    for (const el of childElements(cputune)) {
      if (el.name === 'vcpupin' || el.name === 'emulatorpin' || el.name === 'iothreadpin') add(el, 'cpuset', true);
      else if (el.name === 'vcpusched' || el.name === 'cachetune' || el.name === 'memorytune') add(el, 'vcpus', false);
      else if (el.name === 'iothreadsched') add(el, 'iothreads', false);
    }
  }
  const numatune = firstChild(root, 'numatune');
  if (numatune) {
    add(firstChild(numatune, 'memory'), 'nodeset', true);
    for (const el of childElements(numatune, 'memnode')) add(el, 'nodeset', true);
  }
  const numa = firstChild(root, 'cpu') && firstChild(firstChild(root, 'cpu')!, 'numa');
  if (numa) for (const cell of childElements(numa, 'cell')) add(cell, 'cpus', false);
  const hugepages = firstChild(root, 'memoryBacking') && firstChild(firstChild(root, 'memoryBacking')!, 'hugepages');
  if (hugepages) for (const page of childElements(hugepages, 'page')) add(page, 'nodeset', false);
  return out;
}
