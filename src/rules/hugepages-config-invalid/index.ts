import { defineRule } from '../../engine/rule.js';
import { parseLibvirtCpuset, type CpuSet } from '../../core/cpuset.js';
import { formatBytes } from '../../core/units.js';
import { attr, childElements, firstChild, type XmlElement } from '../../parsers/xml/index.js';
import { setAttribute } from '../../edit/xml.js';
import { tagLoc, valueLoc } from '../locate.js';

/** libvirt's decimal units (virScaleInteger): 1000-based, unlike the bare letters and XiB. */
const SI_TO_IEC: Record<string, string> = { kb: 'KiB', mb: 'MiB', gb: 'GiB', tb: 'TiB' };

export const rule = defineRule({
  meta: {
    id: 'hugepages-config-invalid',
    description: 'A <memoryBacking><hugepages> block must be one libvirt accepts and name page sizes that exist.',
    category: 'correctness',
    severity: 'error',
    fixable: 'safe',
    scope: 'domain',
    requires: ['domain'],
    optional: ['capabilities'],
    messages: {
      zero: "<page size='{size}'> is zero: libvirt refuses the domain (\"hugepage size can't be zero\")",
      siUnit: "<page size='{size}' unit='{unit}'> is {bytes} bytes: libvirt reads '{unit}' as a decimal unit, no huge page has that size, and the VM cannot start (\"Unable to find any usable hugetlbfs mount\"); '{iec}' gives {iecSize}",
      notPowerOfTwo: '<page> asks for {human} pages: huge page sizes are powers of two, so no host has them and the VM cannot start ("Unable to find any usable hugetlbfs mount for {kib} KiB")',
      hostSize: '<page> asks for {human} pages, which this host does not have (its page sizes: {sizes}): the VM cannot start ("Unable to find any usable hugetlbfs mount for {kib} KiB")',
      twoMasters: '{what}: libvirt refuses the domain ("two master hugepages detected: {a} and {b}"); only one <page> may apply to all guest memory',
      intersect: 'The nodesets of the {a} KiB and {b} KiB <page> elements share guest NUMA node{s} {nodes}: libvirt refuses the domain ("nodeset attribute of hugepages of sizes {a} and {b} intersect")',
      nodeNotFound: "<page nodeset='{nodeset}'> names guest NUMA node {node}, but {have}: libvirt refuses the domain (\"hugepages: node {node} not found\"); nodeset counts the guest's <cpu><numa> cells, not the host's nodes",
      anonymous: "Huge pages with <source type='anonymous'>: libvirt refuses the domain (\"hugepages are not allowed with anonymous memory source\")",
      ondemand: "Huge pages with <allocation mode='ondemand'>: libvirt refuses the domain (\"hugepages are not allowed with memory allocation ondemand\")",
    },
    sources: [
      'libvirt, Domain XML format, "Memory Backing" (page size default unit KiB, nodeset ties guest NUMA nodes to a size, source and allocation): https://libvirt.org/formatdomain.html#memory-backing',
      'libvirt `src/conf/domain_conf.c` and `src/conf/domain_validate.c`: "hugepage size can\'t be zero", "two master hugepages detected: %llu and %llu", "nodeset attribute of hugepages of sizes %llu and %llu intersect", "hugepages: node %zd not found" (strings in Debian\'s libvirt0 9.0.0-4): https://gitlab.com/libvirt/libvirt/-/blob/master/src/conf/domain_conf.c',
      'libvirt `src/qemu/qemu_validate.c`: "hugepages are not allowed with anonymous memory source", "hugepages are not allowed with memory allocation ondemand" (strings in Debian\'s libvirt-daemon-driver-qemu 9.0.0-4): https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_validate.c',
      'libvirt `src/util/virutil.c` (`virScaleInteger`): KB, MB, GB are powers of 1000; K, M, G, KiB, MiB, GiB powers of 1024: https://gitlab.com/libvirt/libvirt/-/blob/master/src/util/virutil.c',
      'libvirt\'s own test domains with expected errors (shared corpus): hugepages-default-5M.xml ("Unable to find any usable hugetlbfs mount for 5120 KiB"), hugepages-default-1G-nodeset-2M.xml, hugepages-nodeset-nonexist.xml, hugepages-numa-nodeset-nonexist.xml',
      'Linux `Documentation/admin-guide/mm/hugetlbpage.rst`: the huge page sizes a host supports (/sys/kernel/mm/hugepages/hugepages-<size>kB): https://docs.kernel.org/admin-guide/mm/hugetlbpage.html',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const path = file.source.path;
    const backing = view.memoryBacking;
    const hp = backing?.hugepages;
    if (!backing || !hp) return;

    const source = firstChild(backing.element, 'source');
    if (source && attr(source, 'type')?.value === 'anonymous') ctx.report({ messageId: 'anonymous', at: tagLoc(path, source), related: [{ ...tagLoc(path, hp.element), message: 'huge pages asked for here' }] });
    const allocation = firstChild(backing.element, 'allocation');
    if (allocation && attr(allocation, 'mode')?.value === 'ondemand') ctx.report({ messageId: 'ondemand', at: tagLoc(path, allocation), related: [{ ...tagLoc(path, hp.element), message: 'huge pages asked for here' }] });

    const numaCells = (() => {
      const numa = view.cpu && firstChild(view.cpu.element, 'numa');
      return numa ? childElements(numa, 'cell').length : 0;
    })();
    const hostSizes = [...(ctx.machine.host.capabilities?.pagesBySize.keys() ?? [])].sort((a, b) => a - b);

    // Pages as libvirt keeps them: size in KiB, nodeset parsed (undefined: the default, "master" page).
    const pages: Array<{ el: XmlElement; kib: number; nodes: CpuSet | undefined }> = [];
    for (const page of hp.pages) {
      const el = page.element;
      const sizeAttr = attr(el, 'size');
      if (!sizeAttr || page.sizeBytes === undefined) continue; // a missing or unreadable size is the schema's business
      const unitAttr = attr(el, 'unit');
      const unit = unitAttr?.value ?? 'KiB';
      if (page.sizeBytes === 0) {
        ctx.report({ messageId: 'zero', data: { size: sizeAttr.value }, at: valueLoc(path, sizeAttr) });
        continue;
      }
      const iec = SI_TO_IEC[unit.toLowerCase()];
      const bytes = page.sizeBytes;
      const isPow2 = Number.isInteger(Math.log2(bytes));
      if (!isPow2 && iec && unitAttr) {
        const iecBytes = Number(sizeAttr.value) * 1024 ** (['KiB', 'MiB', 'GiB', 'TiB'].indexOf(iec) + 1);
        const valid = Number.isInteger(Math.log2(iecBytes)) && (hostSizes.length === 0 || hostSizes.includes(iecBytes));
        ctx.report({
          messageId: 'siUnit',
          data: { size: sizeAttr.value, unit, bytes, iec, iecSize: formatBytes(iecBytes) },
          at: valueLoc(path, unitAttr),
          ...(valid ? { fix: { edits: [setAttribute(path, file.source.text, el, 'unit', iec)] } } : {}),
        });
        continue;
      }
      const kib = Math.ceil(bytes / 1024);
      if (!isPow2) {
        ctx.report({ messageId: 'notPowerOfTwo', data: { human: formatBytes(bytes), kib }, at: valueLoc(path, sizeAttr) });
        continue;
      }
      // The base page size (4 KiB on x86) means ordinary memory to libvirt, not a hugetlbfs size.
      if (hostSizes.length > 0 && !hostSizes.includes(bytes) && bytes !== hostSizes[0]) {
        ctx.report({ messageId: 'hostSize', data: { human: formatBytes(bytes), kib, sizes: hostSizes.map((s) => formatBytes(s)).join(', ') }, at: valueLoc(path, sizeAttr), related: hostPagesRelated(ctx) });
      }
      const nodesetAttr = attr(el, 'nodeset');
      const parsed = nodesetAttr ? parseLibvirtCpuset(nodesetAttr.value) : undefined;
      if (parsed && !parsed.ok) continue; // cpuset-invalid reports it
      pages.push({ el, kib, nodes: parsed?.ok ? parsed.set : undefined });
    }

    // Node sets name guest NUMA cells; without cells, node 0 is the whole guest, so that page is a master too.
    let master: { el: XmlElement; kib: number } | undefined;
    for (const p of pages) {
      const nodesetAttr = attr(p.el, 'nodeset');
      if (p.nodes && nodesetAttr) {
        const beyond = p.nodes.toArray().find((n) => n >= Math.max(numaCells, 1));
        if (beyond !== undefined) {
          ctx.report({
            messageId: 'nodeNotFound',
            data: { nodeset: nodesetAttr.value, node: beyond, have: numaCells === 0 ? 'the guest has no <numa> cells (only node 0)' : `the guest has ${numaCells} NUMA cell${numaCells === 1 ? '' : 's'} (0-${numaCells - 1})` },
            at: valueLoc(path, nodesetAttr),
          });
          continue;
        }
        if (numaCells > 0) continue;
      }
      if (master) {
        const what = p.nodes ? `Without guest NUMA cells this nodeset='0' <page> and the <page> without nodeset both apply to all memory` : 'Two <page> elements without nodeset';
        ctx.report({
          messageId: 'twoMasters',
          data: { what, a: Math.min(master.kib, p.kib), b: Math.max(master.kib, p.kib) },
          at: tagLoc(path, p.el),
          related: [{ ...tagLoc(path, master.el), message: `the other ${master.kib} KiB page applies to all guest memory` }],
        });
        continue;
      }
      master = p;
    }
    if (numaCells === 0) return;
    for (let i = 0; i < pages.length; i++) {
      for (let j = i + 1; j < pages.length; j++) {
        const a = pages[i]!;
        const b = pages[j]!;
        if (!a.nodes || !b.nodes) continue;
        const shared = a.nodes.intersect(b.nodes);
        if (shared.isEmpty()) continue;
        ctx.report({ messageId: 'intersect', data: { a: a.kib, b: b.kib, s: shared.size === 1 ? '' : 's', nodes: shared.format() }, at: valueLoc(path, attr(b.el, 'nodeset')!), related: [{ ...valueLoc(path, attr(a.el, 'nodeset')!), message: `the ${a.kib} KiB page's nodeset` }] });
      }
    }
  },
});

function hostPagesRelated(ctx: { machine: { host: { capabilitiesFile: { source: { path: string } } | undefined; capabilities: { root: XmlElement } | undefined } } }) {
  const file = ctx.machine.host.capabilitiesFile;
  const host = ctx.machine.host.capabilities && firstChild(ctx.machine.host.capabilities.root, 'host');
  const topology = host && firstChild(host, 'topology');
  return file && topology ? [{ ...tagLoc(file.source.path, topology), message: 'the host page sizes are listed per NUMA cell here' }] : [];
}
