import { defineRule } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import type { Loc } from '../../core/range.js';
import type { CpuSet } from '../../core/cpuset.js';
import { formatBytes } from '../../core/units.js';
import { hugepageCapacity, reservationSources, type HugepageCapacity } from '../../host/hugepage-supply.js';
import type { HostModel } from '../../host/model.js';
import { pciHostdevFacts, type DomainFacts } from '../../domain/facts.js';
import { setParamValue } from '../../edit/params.js';

/** What one domain takes from the pool of one page size. */
interface Demand {
  domain: DomainFacts;
  name: string;
  /** Pages: each backed block of guest memory rounded up to whole pages. */
  pages: number;
  bytes: number;
  /** The `<page>` (or `<hugepages>`) that selects the size. */
  at: Loc;
  hostNodes: CpuSet | undefined;
  hostNodesLoc: Loc | undefined;
}

export const rule = defineRule({
  meta: {
    id: 'hugepages-insufficient',
    description: 'The huge page pool of a size must hold the guests backed by that size: a domain that needs more pages than the host reserves cannot start.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: ['domain', { anyOf: ['cmdline', 'sysctl', 'live'] }],
    messages: {
      alone: '{domain} needs {need} pages of {size} ({memory}), but {what} reserves {pages} ({poolBytes}){over}: QEMU cannot take the guest memory from the pool and the VM does not start, unless something adds pages before it starts (a libvirt hook script that writes nr_hugepages)',
      node: '{domain} binds its memory to host NUMA node{s} {nodes} (numatune), where {what} puts {onNodes} pages of {size}; it needs {need} ({memory}). The pages must come from those nodes, so the VM does not start although the pool as a whole holds {pages}',
      together: '{domains} together need {need} pages of {size} ({memory}), but {what} reserves {pages} ({poolBytes}){over}: they cannot all run at the same time. Which domains run together is not in these files (libvirt autostart links and hook scripts are not read); if they never do, nothing is wrong',
    },
    sources: [
      'Linux `Documentation/admin-guide/mm/hugetlbpage.rst` (the pool of persistent pages per size; `hugepages=0:N,1:M` per node; boot-time allocation spreads pages over the online nodes with memory; per-node pools in /sys/devices/system/node/node*/hugepages; `nr_overcommit_hugepages` allows surplus pages on demand): https://docs.kernel.org/admin-guide/mm/hugetlbpage.html',
      'libvirt, Domain XML format, "Memory Backing" (`<page size unit nodeset>`: the nodeset names guest NUMA nodes) and "NUMA Node Tuning" (`<numatune><memory mode nodeset>`: host nodes the memory is allocated from; `strict` is the default mode): https://libvirt.org/formatdomain.html#memory-backing',
      'libvirt `src/qemu/qemu_command.c` (`qemuBuildMemoryBackendProps`: a hugepage-backed guest gets a preallocated `memory-backend-file` on the hugetlbfs mount of its page size, with `host-nodes` and `policy=bind` under a strict numatune): https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_command.c',
      'libvirt, "Hooks for specific system management" (the qemu hook runs at `prepare` before the domain starts): https://libvirt.org/hooks.html',
      'libvirt `src/hypervisor/virhostdev.c` (`virHostdevPreparePCIDevices` refuses a PCI device another running domain holds: "PCI device %1$s is in use by driver %2$s, domain %3$s"): https://gitlab.com/libvirt/libvirt/-/blob/master/src/hypervisor/virhostdev.c',
    ],
  },
  check(ctx) {
    const { host, domains } = ctx.machine;
    // Nothing given that could reserve huge pages: nothing is known of the pool.
    if (reservationSources(host).length === 0) return;
    for (const [size, demands] of demandsBySize(host, domains)) {
      const cap = hugepageCapacity(host, size);
      // No pool of the size at all is memorybacking-without-hugepages' finding.
      if (!cap || cap.pages <= 0) continue;
      const limit = cap.pages + cap.overcommit;
      const poolData = { size: formatBytes(size), what: cap.what, pages: cap.pages, poolBytes: formatBytes(cap.pages * size), over: cap.overcommit > 0 ? ` and allows ${cap.overcommit} surplus pages on demand` : '' };
      const related = cap.pool ? [{ ...cap.pool.at, message: `this reserves ${cap.pages} pages of ${formatBytes(size)}` }] : [];
      let fitAlone = true;
      for (const d of demands) {
        if (d.pages > limit) {
          fitAlone = false;
          ctx.report({
            messageId: 'alone',
            data: { ...poolData, domain: d.name, need: d.pages, memory: formatBytes(d.bytes) },
            at: d.at,
            related,
            suggestions: raisePool(cap, d.pages),
          });
          continue;
        }
        const onNodes = d.hostNodes && cap.nodes ? d.hostNodes.toArray().reduce((sum, n) => sum + (cap.nodes!.get(n) ?? 0), 0) : undefined;
        // Surplus pages are global, and may come from any node: only a pool without them is checked per node.
        if (onNodes !== undefined && cap.overcommit === 0 && d.pages > onNodes) {
          fitAlone = false;
          ctx.report({
            messageId: 'node',
            data: { ...poolData, domain: d.name, s: d.hostNodes!.size > 1 ? 's' : '', nodes: d.hostNodes!.toArray().join(', '), onNodes, need: d.pages, memory: formatBytes(d.bytes) },
            at: d.hostNodesLoc ?? d.at,
            related: [...related, { ...d.at, message: `backed by ${formatBytes(size)} pages here` }],
          });
        }
      }
      // The sum is a guess about which domains run together: said only when each fits on its own.
      if (demands.length < 2 || !fitAlone) continue;
      const group = largestConcurrent(demands);
      const need = group.reduce((sum, d) => sum + d.pages, 0);
      if (group.length < 2 || need <= limit) continue;
      ctx.report({
        messageId: 'together',
        data: { ...poolData, domains: group.map((d) => d.name).join(', '), need, memory: formatBytes(group.reduce((sum, d) => sum + d.bytes, 0)) },
        severity: 'info',
        at: cap.pool?.at ?? group[0]!.at,
        related: group.map((d) => ({ ...d.at, message: `${d.name} needs ${d.pages} pages of ${formatBytes(size)}` })),
      });
    }
  },
});

/** Each domain's pages per page size (the host's default size for a bare `<hugepages/>`). */
function demandsBySize(host: HostModel, domains: readonly DomainFacts[]): Map<number, Demand[]> {
  const out = new Map<number, Demand[]>();
  for (const domain of domains) {
    const mine = new Map<number, Demand>();
    for (const b of domain.backing) {
      const size = b.sizeBytes ?? host.hugepages.defaultSize;
      const d = mine.get(size);
      if (d) {
        d.pages += Math.ceil(b.bytes / size);
        d.bytes += b.bytes;
        continue;
      }
      mine.set(size, {
        domain,
        name: domain.name ?? domain.path,
        pages: Math.ceil(b.bytes / size),
        bytes: b.bytes,
        at: b.at,
        hostNodes: b.hostNodes,
        hostNodesLoc: b.hostNodesLoc,
      });
    }
    for (const [size, d] of mine) out.set(size, [...(out.get(size) ?? []), d]);
  }
  return out;
}

/**
 * The domains that can run at the same time and need the most pages together. Two domains that pass
 * through the same PCI device cannot (libvirt refuses to start the second while the first holds it),
 * nor can two definitions with the same name (copies of one VM). Past 16 domains, all of them.
 */
function largestConcurrent(demands: readonly Demand[]): Demand[] {
  if (demands.length > 16) return [...demands];
  const keys = demands.map((d) => new Set([`name:${d.domain.name ?? d.domain.path}`, ...pciHostdevFacts(d.domain).flatMap((h) => (h.pciAddress ? [`pci:${h.pciAddress}`] : []))]));
  const clash = (a: number, b: number) => [...keys[a]!].some((k) => keys[b]!.has(k));
  let best: number[] = [];
  let bestPages = -1;
  for (let mask = 1; mask < 1 << demands.length; mask++) {
    const members = demands.map((_, i) => i).filter((i) => mask & (1 << i));
    if (members.some((a, i) => members.slice(i + 1).some((b) => clash(a, b)))) continue;
    const pages = members.reduce((sum, i) => sum + demands[i]!.pages, 0);
    if (pages > bestPages) {
      best = members;
      bestPages = pages;
    }
  }
  return best.map((i) => demands[i]!);
}

/** Raise the configured count to what the domain needs: a guess at intent (other users of the pool), so a suggestion. */
function raisePool(cap: HugepageCapacity, pages: number): Suggestion[] {
  const pool = cap.pool;
  // A per-node count (hugepages=0:N,1:M) is the user's split to make.
  if (!pool || pool.nodes) return [];
  const edit = pool.sysctl ? { path: pool.sysctl.valueLoc.path, start: pool.sysctl.valueLoc.start, end: pool.sysctl.valueLoc.end, text: String(pages) } : pool.param && setParamValue(pool.param, String(pages));
  return edit ? [{ description: `Reserve ${pages} pages of ${formatBytes(cap.size)} (${pool.sysctl ? pool.sysctl.key : pool.param!.name}=${pages})`, fix: { edits: [edit] } }] : [];
}
