import { attr, childElements, firstChild, type XmlElement } from '../parsers/xml/index.js';
import { parseLibvirtCpuset, type CpuSet } from '../core/cpuset.js';
import { parseLibvirtScaled } from '../core/units.js';
import type { Loc } from '../core/range.js';
import { numaMemory } from './numatune.js';
import type { DomainView } from './view.js';

/** Guest memory that one huge page size backs. */
export interface HugepageBacking {
  /** The `<page>` that selects the size, or `<hugepages>` itself for the default size. */
  element: XmlElement;
  /** Page size in bytes; undefined: the host's default huge page size. */
  sizeBytes: number | undefined;
  /** Guest memory backed by this size, in bytes. */
  bytes: number;
  /** The guest NUMA cells it backs; undefined: the whole guest (no cells). */
  cells: number[] | undefined;
  /** Host NUMA nodes the memory must come from (`<numatune><memory mode='strict|restrictive'>`); undefined: any node. */
  hostNodes: CpuSet | undefined;
  hostNodesLoc: Loc | undefined;
}

interface Cell {
  id: number;
  bytes: number;
}

/**
 * How much guest memory each huge page size backs, as libvirt's QEMU driver
 * assigns it: without guest NUMA cells one page size (the `<page>` without a
 * nodeset, or the one whose nodeset holds node 0; `<hugepages/>` alone is the
 * default size) backs all of `<memory>`; with cells, each cell takes the
 * `<page>` whose nodeset holds it, else the one without a nodeset, else
 * ordinary memory. Pages whose size does not parse are left out
 * (hugepages-config-invalid reports them).
 */
export function hugepageBacking(view: DomainView): HugepageBacking[] {
  const hp = view.memoryBacking?.hugepages;
  const total = view.memoryBytes;
  if (!hp || total === undefined || total <= 0) return [];
  const bound = numaMemory(view);
  const strict = bound && (bound.mode === 'strict' || bound.mode === 'restrictive') ? bound : undefined;
  const host = { hostNodes: strict?.nodes, hostNodesLoc: strict?.nodes ? strict.loc : undefined };
  if (hp.pages.length === 0) return [{ element: hp.element, sizeBytes: undefined, bytes: total, cells: undefined, ...host }];

  const pages = hp.pages
    .filter((p) => p.sizeBytes !== undefined && p.sizeBytes > 0)
    .map((p) => {
      const ns = attr(p.element, 'nodeset');
      const parsed = ns ? parseLibvirtCpuset(ns.value) : undefined;
      return { page: p, nodes: parsed?.ok ? parsed.set : undefined, hasNodeset: ns !== undefined };
    })
    .filter((p) => !p.hasNodeset || p.nodes !== undefined);
  const master = pages.find((p) => !p.hasNodeset);
  const cells = guestCells(view);
  if (cells.length === 0) {
    const whole = master ?? pages.find((p) => p.nodes?.has(0));
    return whole ? [{ element: whole.page.element, sizeBytes: whole.page.sizeBytes, bytes: total, cells: undefined, ...host }] : [];
  }
  const out = new Map<XmlElement, HugepageBacking>();
  for (const cell of cells) {
    const chosen = pages.find((p) => p.nodes?.has(cell.id)) ?? master;
    if (!chosen) continue;
    const el = chosen.page.element;
    const b = out.get(el) ?? { element: el, sizeBytes: chosen.page.sizeBytes, bytes: 0, cells: [], ...host };
    b.bytes += cell.bytes;
    b.cells!.push(cell.id);
    out.set(el, b);
  }
  return [...out.values()];
}

/** `<cpu><numa><cell id memory unit>`: the guest's NUMA cells with a readable size. */
function guestCells(view: DomainView): Cell[] {
  const numa = view.cpu && firstChild(view.cpu.element, 'numa');
  if (!numa) return [];
  const out: Cell[] = [];
  childElements(numa, 'cell').forEach((c, i) => {
    const mem = attr(c, 'memory')?.value;
    const size = mem === undefined ? undefined : parseLibvirtScaled(mem, attr(c, 'unit')?.value, 'KiB');
    const id = Number(attr(c, 'id')?.value ?? i);
    if (size?.ok && Number.isInteger(id)) out.push({ id, bytes: size.bytes });
  });
  return out;
}
