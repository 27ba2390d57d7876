import type { Rule, Loc } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import { formatBytes, parseKernelSize } from '../../core/units.js';
import type { CmdlineSource, KernelParamFact, SysctlFact } from '../../host/facts.js';
import type { DomainInput } from '../../model/machine.js';
import { insertAfter, insertLastChild, quoteOf } from '../../edit/xml.js';
import { deleteLine } from '../../edit/lines.js';

const MiB2 = 2 * 1024 * 1024;

/** A persistent huge page pool of one page size, and what set it. */
interface Pool {
  size: number;
  pages: number;
  /** The token that sets the count (a `hugepages=` parameter or a `vm.nr_hugepages` line). */
  at: Loc;
  sysctl: SysctlFact | undefined;
}

export const rule: Rule = {
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
      'Linux Documentation/admin-guide/mm/hugetlbpage.rst: the persistent pool is only usable through hugetlbfs, SHM_HUGETLB or MAP_HUGETLB; hugepagesz/hugepages/default_hugepagesz — https://docs.kernel.org/admin-guide/mm/hugetlbpage.html',
      'Linux Documentation/admin-guide/sysctl/vm.rst: nr_hugepages sets the pool of the default huge page size',
      'libvirt formatdomain, "Memory Backing": <hugepages/> uses the default huge page size, <page size unit> a specific one — https://libvirt.org/formatdomain.html#memory-backing',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    const boot = machine.host.cmdlines.find((c) => c.kind !== 'proc-cmdline') ?? machine.host.cmdlines[0];
    const defaultSize = boot ? defaultHugepageSize(boot) : MiB2;
    const pools = boot ? bootPools(boot, defaultSize) : new Map<number, Pool>();
    // vm.nr_hugepages (the last assignment wins) resizes the default size's pool at run time.
    const nr = machine.host.sysctl.values.get('vm.nr_hugepages');
    if (nr && /^\d+$/.test(nr.value.trim())) pools.set(defaultSize, { size: defaultSize, pages: Number(nr.value.trim()), at: nr.valueLoc, sysctl: nr });

    const wanted = new Map<number, DomainInput[]>();
    for (const d of machine.domains) {
      const hp = d.view.memoryBacking?.hugepages;
      if (!hp) continue;
      const sizes = hp.pages.length === 0 ? [defaultSize] : hp.pages.map((p) => p.sizeBytes ?? defaultSize);
      for (const s of sizes) wanted.set(s, [...(wanted.get(s) ?? []), d]);
    }
    const checked = machine.domains.map((d) => d.view.name ?? d.file.source.path).join(', ');
    for (const pool of pools.values()) {
      if (pool.pages <= 0 || wanted.has(pool.size)) continue;
      const what = pool.sysctl ? `${pool.sysctl.key} = ${pool.sysctl.value}` : 'The kernel command line';
      const data = { what, total: formatBytes(pool.pages * pool.size), size: formatBytes(pool.size), pages: pool.pages, domains: checked, asked: [...wanted.keys()].map(formatBytes).join(', ') };
      ctx.report({
        messageId: wanted.size > 0 ? 'otherSize' : 'unused',
        data,
        at: pool.at,
        related: machine.domains.slice(0, 8).map((d) => ({ path: d.file.source.path, start: d.view.root.start, end: d.view.root.startTagEnd, message: `${d.view.name ?? 'this domain'} has no <hugepages> of this size` })),
        suggestions: suggestionsFor(pool, pools.size, defaultSize, machine.domains),
      });
    }
  },
};

/** `default_hugepagesz=` if given (the first one counts), else 2 MiB as on x86. */
function defaultHugepageSize(source: CmdlineSource): number {
  const p = source.params.find((x) => x.key === 'default_hugepagesz' && x.value !== undefined);
  const size = p ? parseKernelSize(p.value!) : undefined;
  return size?.ok && X86_SIZES.has(size.bytes) ? size.bytes : MiB2;
}

/** Huge page sizes an x86-64 kernel accepts (1 GiB needs the pdpe1gb CPU flag). */
const X86_SIZES = new Set([MiB2, 1024 * 1024 * 1024]);

/**
 * Walk `hugepagesz=`, `default_hugepagesz=` and `hugepages=` in order, as
 * mm/hugetlb.c does (catalog 3.5, checked against hugetlbpage.rst): a count
 * applies to the size named just before it (by hugepagesz or
 * default_hugepagesz), or the default size; a second count for a size is
 * ignored; a count after an invalid size is ignored.
 */
function bootPools(source: CmdlineSource, defaultSize: number): Map<number, Pool> {
  const pools = new Map<number, Pool>();
  let size: number | undefined = defaultSize;
  let counted = false;
  for (const p of source.params) {
    if (p.afterDashDash || p.value === undefined) continue;
    if (p.key === 'hugepagesz' || p.key === 'default_hugepagesz') {
      const s = parseKernelSize(p.value);
      size = s.ok && X86_SIZES.has(s.bytes) ? s.bytes : undefined;
      counted = false;
    } else if (p.key === 'hugepages') {
      if (counted || size === undefined || pools.has(size)) continue;
      const pages = countPages(p);
      if (pages !== undefined) pools.set(size, { size, pages, at: p.valueLoc ?? p.loc, sysctl: undefined });
      counted = true;
    } else if (p.key === 'sysctl.vm.nr_hugepages' && /^\d+$/.test(p.value)) {
      pools.set(defaultSize, { size: defaultSize, pages: Number(p.value), at: p.valueLoc ?? p.loc, sysctl: undefined });
    }
  }
  return pools;
}

/** `hugepages=N`, or the per-node form `hugepages=0:N,1:M`. */
function countPages(p: KernelParamFact): number | undefined {
  const v = p.value!;
  if (/^\d+$/.test(v)) return Number(v);
  const nodes = v.split(',').map((part) => /^\d+:(\d+)$/.exec(part));
  return nodes.every(Boolean) ? nodes.reduce((n, m) => n + Number(m![1]), 0) : undefined;
}

function suggestionsFor(pool: Pool, poolCount: number, defaultSize: number, domains: readonly DomainInput[]): Suggestion[] {
  const out: Suggestion[] = [];
  // (a) back a domain with the pool, when one size is reserved and the pool can hold the guest.
  const fits = domains.filter((d) => !d.view.memoryBacking?.hugepages && d.view.memoryBytes !== undefined && d.view.memoryBytes <= pool.pages * pool.size);
  if (poolCount === 1 && fits.length === 1) {
    const d = fits[0]!;
    const path = d.file.source.path;
    const text = d.file.source.text;
    const q = quoteOf(d.view.root);
    const page = pool.size === defaultSize ? '<hugepages/>' : `<hugepages><page size=${q}${pool.size / 1024}${q} unit=${q}KiB${q}/></hugepages>`;
    const backing = d.view.memoryBacking?.element;
    const anchor = d.view.root.children.find((c) => c.type === 'element' && c.name === 'currentMemory') ?? d.view.root.children.find((c) => c.type === 'element' && c.name === 'memory');
    const edit = backing ? insertLastChild(path, text, backing, page) : anchor && anchor.type === 'element' ? insertAfter(path, text, anchor, `<memoryBacking>${page}</memoryBacking>`) : undefined;
    if (edit) out.push({ description: `Back ${d.view.name ?? 'the domain'} with ${formatBytes(pool.size)} huge pages`, fix: { edits: [edit] } });
  }
  // (b) give the memory back: drop the reservation line.
  if (pool.sysctl) out.push({ description: `Remove the reservation (${pool.sysctl.key} = ${pool.sysctl.value})`, fix: { edits: [deleteLine(pool.sysctl.file.source, pool.sysctl.loc)] } });
  return out;
}
