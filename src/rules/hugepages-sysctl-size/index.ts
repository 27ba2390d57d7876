import { defineRule } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import { formatBytes } from '../../core/units.js';
import type { HugepagePool, SysctlFact } from '../../host/facts.js';
import { hugepageConfig } from '../../host/hugepages.js';
import { describePool } from '../../host/hugepage-supply.js';
import type { HostModel } from '../../host/model.js';
import { addKernelParam } from '../../edit/params.js';
import { deleteLine } from '../../edit/lines.js';
import { backedSizes, sysctlWrongSize } from '../hugepage-sizes.js';

const MiB2 = 2 * 1024 * 1024;
const KERNEL_SIZE: Record<number, string> = { [MiB2]: '2M', [1024 * 1024 * 1024]: '1G' };

export const rule = defineRule({
  meta: {
    id: 'hugepages-sysctl-size',
    description: 'vm.nr_hugepages counts pages of the default huge page size only: it cannot reserve the 1 GiB pages of a host whose default is 2 MiB, and asks for 1 GiB pages when the default is 1 GiB.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: [{ anyOf: ['sysctl', 'cmdline'] }],
    optional: ['domain', 'capabilities'],
    messages: {
      wrongSize: '{what} reserves pages of the default huge page size, {defaultSize} here ({why}), but {domains} {are} backed by {sizes} pages and nothing reserves those: vm.nr_hugepages sets only the default size\'s pool. Reserve {sizes} pages on the kernel command line (hugepagesz={k} hugepages=N), or make {sizes} the default size (default_hugepagesz={k}), after which vm.nr_hugepages counts {sizes} pages (and {pages} of them would be {asked})',
      exceedsRam: '{what} asks for {pages} pages of {size} ({bytes}), more than the host\'s {ram} of memory{meant}: the kernel allocates as many as it can and leaves the host short of memory',
      runtimeGigantic: '{what} asks for {pages} pages of {size} ({bytes}) at run time, after boot{boot}. Each {size} page needs {size} of free, physically contiguous memory, which is seldom left once memory is in use, so the pool may come up short; reserve them on the kernel command line (hugepages=N after default_hugepagesz={k}), where allocation is the most reliable',
    },
    sources: [
      'Linux `Documentation/admin-guide/mm/hugetlbpage.rst` (with several huge page sizes, /proc/sys/vm/nr_hugepages is the pool of the default size; `default_hugepagesz=` selects it; other sizes through `hugepagesz=`/`hugepages=` or /sys/kernel/mm/hugepages/hugepages-<size>kB; boot-time allocation is the most reliable, run-time allocation depends on physically contiguous free memory): https://docs.kernel.org/admin-guide/mm/hugetlbpage.html',
      'Linux `Documentation/admin-guide/sysctl/vm.rst`, "nr_hugepages" (changes the minimum size of the hugepage pool): https://docs.kernel.org/admin-guide/sysctl/vm.html',
      'Linux `Documentation/admin-guide/kernel-parameters.txt` (`default_hugepagesz=`: the size of the legacy /proc hugepages APIs; `hugetlb_cma=`: a CMA area that gigantic pages are allocated from at run time): https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'Linux commit 944d9fec8d7a, "hugetlb: add support for gigantic page allocation at runtime" (3.16), and commit cf11e85fc08c, "mm: hugetlb: optionally allocate gigantic hugepages using cma" (5.7), whose message says run-time 1 GiB allocation "actually works only at early stages of the system loading" because memory gets fragmented: https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=cf11e85fc08c',
    ],
  },
  check(ctx) {
    const { host, domains } = ctx.machine;
    const wrong = sysctlWrongSize(host, domains);
    if (wrong) {
      const users = backedSizes(host, domains);
      const names = wrong.sizes.flatMap((s) => users.get(s)!.map((u) => u.domain.name ?? u.domain.path));
      const def = host.boot?.get('default_hugepagesz');
      ctx.report({
        messageId: 'wrongSize',
        data: {
          what: describePool(host, wrong.pool),
          defaultSize: formatBytes(host.hugepages.defaultSize),
          why: def ? `default_hugepagesz=${def.value ?? ''}` : 'no default_hugepagesz= is set',
          domains: [...new Set(names)].join(', '),
          are: new Set(names).size === 1 ? 'is' : 'are',
          sizes: wrong.sizes.map(formatBytes).join(' and '),
          k: KERNEL_SIZE[wrong.sizes[0]!] ?? `${wrong.sizes[0]! / 1024}K`,
          pages: wrong.pool.pages,
          asked: formatBytes(wrong.pool.pages * wrong.sizes[0]!),
        },
        at: wrong.pool.at,
        related: wrong.sizes.flatMap((s) => users.get(s)!.slice(0, 4).map((u) => ({ ...u.at, message: `backed by ${formatBytes(s)} pages here` }))),
      });
      return;
    }
    const pool = host.hugepages.pools.get(host.hugepages.defaultSize);
    // An emptied pool (0 pages) needs no check of its own: 0 bytes exceed no RAM, and nothing is grown at run time.
    // Stryker disable next-line OptionalChaining: a pool that no sysctl file sets comes from a command-line parameter, so it has one
    if (!pool || !(pool.sysctl || pool.param?.key === 'sysctl.vm.nr_hugepages')) return;
    const size = pool.size;
    const bytes = pool.pages * size;
    const ram = host.capabilities?.memoryBytes;
    const base = { what: describePool(host, pool), pages: pool.pages, size: formatBytes(size), bytes: formatBytes(bytes) };
    if (ram !== undefined && bytes >= ram) {
      ctx.report({
        messageId: 'exceedsRam',
        // A pool of 2 MiB pages over the RAM is over it counted as 2 MiB pages too: no hint for it.
        data: { ...base, ram: formatBytes(ram), meant: pool.pages * MiB2 < ram ? `; counted as 2 MiB pages it would be ${formatBytes(pool.pages * MiB2)}` : '' },
        at: pool.at,
      });
      return;
    }
    // Gigantic pages from a sysctl file: grown at run time unless the boot already reserved as many, or a CMA area serves them.
    if (size <= MiB2) return;
    const sysctl = pool.sysctl;
    // Stryker disable next-line ConditionalExpression: a pool set by sysctl.vm.nr_hugepages= on the command line is also the boot's own, so pages <= atBoot returns below
    if (!sysctl) return;
    // A default size above 2 MiB is 1 GiB, set by the boot line's default_hugepagesz= (hugepages.ts): host.boot is there.
    const boot = host.boot!;
    if (boot.get('hugetlb_cma')) return;
    const atBoot = hugepageConfig(boot, undefined).pools.get(size)?.pages ?? 0;
    if (pool.pages <= atBoot) return;
    ctx.report({
      messageId: 'runtimeGigantic',
      data: { ...base, boot: atBoot > 0 ? ` (the command line reserves ${atBoot})` : '', k: KERNEL_SIZE[size]! },
      severity: 'info',
      at: pool.at,
      suggestions: moveToCmdline(host, pool, sysctl),
    });
  },
});

/** Reserve the pages at boot instead: `hugepages=N` after the command line's `default_hugepagesz=`, and drop the sysctl line. */
function moveToCmdline(host: HostModel, pool: HugepagePool, sysctl: SysctlFact): Suggestion[] {
  // host.boot, which sets default_hugepagesz= (the caller's pool is of a default size above 2 MiB); none when only /proc/cmdline was given.
  const source = host.configuredCmdlines[0];
  if (!source) return [];
  // Appended after a hugepagesz= the count would be that size's; after a hugepages= it would be ignored.
  if (source.params.some((p) => p.key === 'hugepagesz' || p.key === 'hugepages')) return [];
  const edit = addKernelParam(source, `hugepages=${pool.pages}`);
  if (!edit) return [];
  return [{ description: `Reserve the ${pool.pages} pages at boot (hugepages=${pool.pages} in ${source.label}) and remove the sysctl line`, fix: { edits: [edit, deleteLine(sysctl.file.source, sysctl.loc)] } }];
}
