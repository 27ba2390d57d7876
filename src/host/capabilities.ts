import { attr, childElements, firstChild, textContent, type XmlElement } from '../parsers/xml/index.js';
import { CpuSet, parseLibvirtCpuset } from '../core/cpuset.js';
import { parseLibvirtScaled } from '../core/units.js';

export interface HostCpu {
  id: number;
  socketId: number | undefined;
  coreId: number | undefined;
  /** The CPUs sharing this one's core (itself included), when the file says. */
  siblings: CpuSet | undefined;
}

/** Facts from `virsh capabilities` that rules use (catalog 1.6). */
export interface CapabilitiesView {
  root: XmlElement;
  /** `AMD`, `Intel`, ... as libvirt writes it; undefined when absent. */
  vendor: string | undefined;
  vendorElement: XmlElement | undefined;
  model: string | undefined;
  /** Feature names listed on the host CPU (relative to its model). */
  features: Set<string>;
  /** Every host CPU id, deduplicated (some files repeat ids per NUMA cell). */
  cpus: Map<number, HostCpu>;
  hostCpuSet: CpuSet;
  /** Huge pages available per page size in bytes, summed over NUMA cells. */
  pagesBySize: Map<number, number>;
  /** The host's memory: `<cell><memory>` summed over NUMA cells; undefined when no cell gives it. */
  memoryBytes: number | undefined;
  iommuSupport: boolean | undefined;
}

export function capabilitiesView(root: XmlElement): CapabilitiesView {
  const host = firstChild(root, 'host');
  const cpu = host && firstChild(host, 'cpu');
  const vendorElement = cpu && firstChild(cpu, 'vendor');
  const modelEl = cpu && firstChild(cpu, 'model');
  const features = new Set<string>();
  if (cpu) for (const f of childElements(cpu, 'feature')) features.add(attr(f, 'name')?.value ?? '');

  const cpus = new Map<number, HostCpu>();
  const pagesBySize = new Map<number, number>();
  let memoryBytes: number | undefined;
  const cells = host && firstChild(host, 'topology') && firstChild(firstChild(host, 'topology')!, 'cells');
  if (cells) {
    for (const cell of childElements(cells, 'cell')) {
      const mem = firstChild(cell, 'memory');
      const bytes = mem && parseLibvirtScaled(textContent(mem).trim(), attr(mem, 'unit')?.value, 'KiB');
      if (bytes?.ok) memoryBytes = (memoryBytes ?? 0) + bytes.bytes;
      for (const pages of childElements(cell, 'pages')) {
        const sizeAttr = attr(pages, 'size');
        if (!sizeAttr) continue;
        const size = parseLibvirtScaled(sizeAttr.value, attr(pages, 'unit')?.value, 'KiB');
        const count = Number(textContent(pages).trim());
        if (size.ok && Number.isFinite(count)) pagesBySize.set(size.bytes, (pagesBySize.get(size.bytes) ?? 0) + count);
      }
      const list = firstChild(cell, 'cpus');
      if (!list) continue;
      for (const c of childElements(list, 'cpu')) {
        const id = intAttr(c, 'id');
        if (id === undefined || cpus.has(id)) continue;
        const sib = attr(c, 'siblings')?.value;
        const parsed = sib === undefined ? undefined : parseLibvirtCpuset(sib);
        cpus.set(id, { id, socketId: intAttr(c, 'socket_id'), coreId: intAttr(c, 'core_id'), siblings: parsed?.ok ? parsed.set : undefined });
      }
    }
  }
  const iommu = host && firstChild(host, 'iommu');
  const support = iommu ? attr(iommu, 'support')?.value : undefined;
  return {
    root,
    vendor: vendorElement ? textContent(vendorElement).trim() : undefined,
    vendorElement,
    model: modelEl ? textContent(modelEl).trim() : undefined,
    features,
    cpus,
    hostCpuSet: CpuSet.of(...cpus.keys()),
    pagesBySize,
    memoryBytes,
    iommuSupport: support === undefined ? undefined : support === 'yes',
  };
}

function intAttr(el: XmlElement, name: string): number | undefined {
  const v = attr(el, name)?.value;
  // Stryker disable next-line ConditionalExpression: the regex would test the string 'undefined', no number either; the check narrows the type
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}
