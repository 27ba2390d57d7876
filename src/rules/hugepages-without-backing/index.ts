import { defineRule } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import { formatBytes } from '../../core/units.js';
import type { HugepagePool } from '../../host/facts.js';
import { viewAgain, type DomainFacts } from '../../domain/facts.js';
import { insertAfter, insertLastChild, quoteOf } from '../../edit/xml.js';
import { deleteLine } from '../../edit/lines.js';
import { sysctlWrongSize } from '../hugepage-sizes.js';

export const rule = defineRule({
  meta: {
    id: 'hugepages-without-backing',
    description: 'Huge pages reserved on the host should be used by a domain (`<memoryBacking><hugepages/>`); otherwise that memory is lost to everything else.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: ['domain'],
    optional: ['cmdline', 'sysctl', 'capabilities'],
    messages: {
      unused: '{what} reserves {total} of {size} huge pages ({pages} pages), but no domain given uses {size} pages (checked: {domains}): persistent huge pages serve only hugetlbfs users, so that memory sits idle',
      otherSize: '{what} reserves {total} of {size} huge pages ({pages} pages), but the domains given ask for {asked} pages (checked: {domains})',
    },
    sources: [
      'Linux `Documentation/admin-guide/mm/hugetlbpage.rst`: https://docs.kernel.org/admin-guide/mm/hugetlbpage.html',
      'libvirt, Domain XML format, "Memory Backing": https://libvirt.org/formatdomain.html#memory-backing',
      'libvirt `src/util/virfile.c` (`virFileGetDefaultHugepageSize`): https://gitlab.com/libvirt/libvirt',
      'Linux Documentation/admin-guide/sysctl/vm.rst: nr_hugepages sets the pool of the default huge page size',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    // The pools and the default size are the host model's reading of the command line and sysctl.
    const { defaultSize, pools } = machine.host.hugepages;

    const wanted = new Map<number, DomainFacts[]>();
    for (const d of machine.domains) {
      const hp = d.hugepages;
      if (!hp) continue;
      const sizes = hp.pageSizes.length === 0 ? [defaultSize] : hp.pageSizes.map((size) => size ?? defaultSize);
      for (const s of sizes) {
        const list = wanted.get(s);
        if (list) list.push(d);
        else wanted.set(s, [d]);
      }
    }
    // vm.nr_hugepages set for domains of another size is hugepages-sysctl-size's finding (the sysctl cannot reserve that size).
    const wrongSize = sysctlWrongSize(machine.host, machine.domains)?.pool;
    const checked = machine.domains.map((d) => d.name ?? d.path).join(', ');
    for (const pool of pools.values()) {
      if (pool.pages <= 0 || wanted.has(pool.size) || pool === wrongSize) continue;
      const what = pool.sysctl ? `${pool.sysctl.key} = ${pool.sysctl.value}` : 'The kernel command line';
      const data = { what, total: formatBytes(pool.pages * pool.size), size: formatBytes(pool.size), pages: pool.pages, domains: checked, asked: [...wanted.keys()].map(formatBytes).join(', ') };
      ctx.report({
        messageId: wanted.size > 0 ? 'otherSize' : 'unused',
        data,
        at: pool.at,
        related: machine.domains.slice(0, 8).map((d) => ({ ...d.rootTag, message: `${d.name ?? 'this domain'} has no <hugepages> of this size` })),
        suggestions: suggestionsFor(pool, pools.size, defaultSize, machine.domains),
      });
    }
  },
});

function suggestionsFor(pool: HugepagePool, poolCount: number, defaultSize: number, domains: readonly DomainFacts[]): Suggestion[] {
  const out: Suggestion[] = [];
  // (a) back a domain with the pool, when one size is reserved and the pool can hold the guest.
  const fits = domains.filter((d) => !d.hugepages && d.memoryBytes !== undefined && d.memoryBytes <= pool.pages * pool.size);
  if (poolCount === 1 && fits.length === 1) {
    const d = fits[0]!;
    const path = d.path;
    const text = d.source.text;
    const view = viewAgain(d);
    const q = quoteOf(view.root);
    const page = pool.size === defaultSize ? '<hugepages/>' : `<hugepages><page size=${q}${pool.size / 1024}${q} unit=${q}KiB${q}/></hugepages>`;
    const backing = view.memoryBacking?.element;
    const anchor = view.root.children.find((c) => c.type === 'element' && c.name === 'currentMemory') ?? view.root.children.find((c) => c.type === 'element' && c.name === 'memory');
    const edit = backing ? insertLastChild(path, text, backing, page) : anchor && anchor.type === 'element' ? insertAfter(path, text, anchor, `<memoryBacking>${page}</memoryBacking>`) : undefined;
    if (edit) out.push({ description: `Back ${d.name ?? 'the domain'} with ${formatBytes(pool.size)} huge pages`, fix: { edits: [edit] } });
  }
  // (b) give the memory back: drop the reservation line.
  if (pool.sysctl) out.push({ description: `Remove the reservation (${pool.sysctl.key} = ${pool.sysctl.value})`, fix: { edits: [deleteLine(pool.sysctl.file.source, pool.sysctl.loc)] } });
  return out;
}
