import { attr, childElements, firstChild, type XmlElement } from '../parsers/xml/index.js';
import { parseLibvirtCpuset, type CpuSet } from '../core/cpuset.js';
import type { Loc } from '../core/range.js';
import type { DomainView } from './view.js';

/** One guest NUMA cell (`<cpu><numa><cell id cpus>`): the vCPUs the guest sees on it. */
export interface GuestCell {
  element: XmlElement;
  id: number | undefined;
  /** Its vCPUs; undefined when `cpus` is absent or does not parse. */
  vcpus: CpuSet | undefined;
}

/** `<numatune><memnode cellid nodeset>`: where one guest cell's memory is allocated on the host. */
export interface Memnode {
  element: XmlElement;
  cellid: number | undefined;
  /** `strict` when absent, as libvirt defaults it. */
  mode: string;
  /** undefined when the nodeset is absent or does not parse (cpuset-invalid says so). */
  nodes: CpuSet | undefined;
  /** The nodeset value, or the element when there is none. */
  loc: Loc;
}

/** The guest's NUMA cells, in document order (empty without `<cpu><numa>`). */
export function guestCells(view: DomainView): GuestCell[] {
  const numa = view.cpu && firstChild(view.cpu.element, 'numa');
  if (!numa) return [];
  return childElements(numa, 'cell').map((cell) => {
    const cpus = attr(cell, 'cpus')?.value;
    const parsed = cpus === undefined ? undefined : parseLibvirtCpuset(cpus);
    return { element: cell, id: intOf(attr(cell, 'id')?.value), vcpus: parsed?.ok ? parsed.set : undefined };
  });
}

/** The domain's `<numatune><memnode>` elements. */
export function memnodes(view: DomainView): Memnode[] {
  const tune = firstChild(view.root, 'numatune');
  if (!tune) return [];
  return childElements(tune, 'memnode').map((el) => {
    const ns = attr(el, 'nodeset');
    const parsed = ns ? parseLibvirtCpuset(ns.value) : undefined;
    return {
      element: el,
      cellid: intOf(attr(el, 'cellid')?.value),
      mode: attr(el, 'mode')?.value ?? 'strict',
      nodes: parsed?.ok ? parsed.set : undefined,
      loc: ns ? { path: view.path, start: ns.valueStart, end: ns.valueEnd } : { path: view.path, start: el.start, end: el.startTagEnd },
    };
  });
}

function intOf(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}
