import { defineRule } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import { formatBytes } from '../../core/units.js';
import { hugepageBacking } from '../../domain/hugepage-backing.js';
import { hugepageSupply, reservationSources } from '../../host/hugepage-supply.js';
import type { HostModel } from '../../host/model.js';
import { addKernelParam } from '../../edit/params.js';
import { tagLoc } from '../locate.js';

/** Kernel sizes for a `hugepagesz=` token. */
const KERNEL_SIZE: Record<number, string> = { [2 * 1024 * 1024]: '2M', [1024 * 1024 * 1024]: '1G' };

export const rule = defineRule({
  meta: {
    id: 'memorybacking-without-hugepages',
    description: 'A domain backed by huge pages needs the host to have pages of that size: nothing in the configuration reserves any.',
    category: 'correctness',
    severity: 'info',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    optional: ['cmdline', 'sysctl', 'live'],
    messages: {
      none: '{domain} is backed by {size} huge pages ({pages} pages for {memory}), but no {size} pages are reserved in {checked}. Unless something allocates them before the VM starts (a libvirt hook script, a service), QEMU cannot map the guest memory and the VM does not start',
      noneLive: '{domain} is backed by {size} huge pages ({pages} pages for {memory}), but no {size} pages are reserved in {checked}, and the running kernel has none now. Unless something allocates them before the VM starts (a libvirt hook script), QEMU cannot map the guest memory and the VM does not start',
    },
    sources: [
      'Linux `Documentation/admin-guide/mm/hugetlbpage.rst` (persistent pages are reserved by `hugepages=`/`hugepagesz=` at boot or `nr_hugepages` at run time; `nr_overcommit_hugepages` allows surplus pages on demand): https://docs.kernel.org/admin-guide/mm/hugetlbpage.html',
      'libvirt, Domain XML format, "Memory Backing" (`<hugepages>` backs guest memory with huge pages; `<page size unit nodeset>`): https://libvirt.org/formatdomain.html#memory-backing',
      'libvirt `src/qemu/qemu_command.c` (`qemuBuildMemoryBackendProps`: a hugepage-backed guest gets a `memory-backend-file` on the hugetlbfs mount of its page size, with `prealloc`): https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_command.c',
      'libvirt, "Hooks for specific system management" (the qemu hook runs at `prepare` before the domain starts, where community scripts allocate huge pages): https://libvirt.org/hooks.html',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const host = ctx.machine.host;
    const checked = reservationSources(host);
    // Nothing given that could reserve huge pages: the rule knows nothing about the host.
    if (checked.length === 0) return;
    const said = new Set<number>();
    for (const b of hugepageBacking(view)) {
      const supply = hugepageSupply(host, b.sizeBytes);
      if (said.has(supply.size)) continue;
      if ((supply.configured?.pages ?? 0) > 0 || supply.overcommit) continue;
      const live = supply.live;
      if (live && ((live.total ?? 0) > 0 || (live.overcommit ?? 0) > 0)) continue;
      said.add(supply.size);
      const pages = Math.ceil(b.bytes / supply.size);
      const others = [...host.hugepages.pools.values()].filter((p) => p.pages > 0 && p.size !== supply.size);
      ctx.report({
        messageId: live ? 'noneLive' : 'none',
        data: { domain: view.name ?? 'This domain', size: formatBytes(supply.size), pages, memory: formatBytes(b.bytes), checked: joinWords(checked.filter((c) => c.kind !== 'live').map((c) => c.text)) || 'the files given' },
        at: tagLoc(file.source.path, b.element),
        related: others.map((p) => ({ ...p.at, message: `this reserves ${p.pages} pages of ${formatBytes(p.size)}, not ${formatBytes(supply.size)}` })),
        suggestions: reserveAtBoot(host, supply.size, pages),
      });
    }
  },
});

/** Add `hugepages=N` (default size) or `hugepagesz=S hugepages=N` to the configured command line, when it has no huge page parameter yet. */
function reserveAtBoot(host: HostModel, size: number, pages: number): Suggestion[] {
  const source = host.configuredCmdlines[0];
  const kernelSize = KERNEL_SIZE[size];
  if (!source || !kernelSize) return [];
  // A count appended after an existing hugepagesz= would count pages of that size instead: offer nothing then.
  if (source.params.some((p) => ['hugepages', 'hugepagesz', 'default_hugepagesz'].includes(p.key))) return [];
  const token = size === host.hugepages.defaultSize ? `hugepages=${pages}` : `hugepagesz=${kernelSize} hugepages=${pages}`;
  const edit = addKernelParam(source, token);
  return edit ? [{ description: `Reserve ${pages} pages of ${formatBytes(size)} at boot (${token} in ${source.label})`, fix: { edits: [edit] } }] : [];
}

function joinWords(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
