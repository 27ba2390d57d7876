import { defineRule } from '../../engine/rule.js';
import { formatBytes } from '../../core/units.js';
import type { HugepagePool } from '../../host/facts.js';
import type { HostModel } from '../../host/model.js';
import { hugepageSupply } from '../../host/hugepage-supply.js';

const HUGETLB_PARAMS = new Set(['hugepages', 'hugepagesz', 'default_hugepagesz']);

export const rule = defineRule({
  meta: {
    id: 'hugepages-pool-short',
    description: 'The running kernel should have the huge pages the configuration reserves: a pool that came up short leaves hugepage-backed VMs unable to start.',
    category: 'correctness',
    severity: 'warning',
    scope: 'machine',
    requires: ['live'],
    optional: ['cmdline', 'sysctl'],
    messages: {
      short: '{what} reserves {want} pages of {size} ({wantBytes}), but the running kernel has {have} ({haveBytes}{nodes}): the kernel could not find that much free contiguous memory when it allocated them, or something has shrunk the pool since (a hook script, a manual write). A VM that needs more than {haveBytes} of {size} pages cannot start',
      noSize: '{what} reserves {want} pages of {size}, but the running kernel has no pool of that size (/sys/kernel/mm/hugepages has none): the CPU or kernel does not support it, so none were allocated',
    },
    sources: [
      'Linux `Documentation/admin-guide/mm/hugetlbpage.rst` (allocation depends on physically contiguous free memory at the time; boot-time allocation is the most reliable; per-size pools in /sys/kernel/mm/hugepages and per node in /sys/devices/system/node/node*/hugepages; `hugepages=0:N,1:M` per node): https://docs.kernel.org/admin-guide/mm/hugetlbpage.html',
      'Linux `Documentation/ABI/testing/sysfs-kernel-mm-hugepages` (nr_hugepages, surplus_hugepages per size): https://www.kernel.org/doc/Documentation/ABI/testing/sysfs-kernel-mm-hugepages',
    ],
  },
  check(ctx) {
    const host = ctx.machine.host;
    const live = host.live;
    if (!live?.hugepages) return;
    const cmdlineChanged = bootCmdlineChanged(host);
    for (const pool of host.hugepages.pools.values()) {
      if (pool.pages <= 0) continue;
      // A pool from the command line is compared only when the booted command line set the same counts:
      // otherwise the configuration changed since boot, and the next boot will tell.
      if (!pool.sysctl && cmdlineChanged) continue;
      const supply = hugepageSupply(host, pool.size);
      const what = describe(pool);
      const size = formatBytes(pool.size);
      if (!supply.live) {
        ctx.report({ messageId: 'noSize', data: { what, want: pool.pages, size }, at: pool.at });
        continue;
      }
      // nr_hugepages in sysfs counts surplus pages too; the persistent pool is the rest.
      const have = (supply.live.total ?? 0) - (supply.live.surplus ?? 0);
      if (supply.live.total === null) continue;
      if (have < pool.pages) {
        const nodes = supply.liveNodes && supply.liveNodes.size > 1 ? `; per node: ${[...supply.liveNodes].map(([n, c]) => `node ${n} has ${c}${pool.nodes?.has(n) ? ` of ${pool.nodes.get(n)}` : ''}`).join(', ')}` : '';
        ctx.report({
          messageId: 'short',
          data: { what, want: pool.pages, size, wantBytes: formatBytes(pool.pages * pool.size), have, haveBytes: formatBytes(have * pool.size), nodes },
          at: pool.at,
        });
      }
    }
  },
});

function describe(pool: HugepagePool): string {
  return pool.sysctl ? `${pool.sysctl.key} = ${pool.sysctl.value}` : 'The kernel command line';
}

/** Did the running kernel boot with other huge page parameters than the configured command line sets? Unknown counts as no. */
function bootCmdlineChanged(host: HostModel): boolean {
  const booted = host.live?.cmdline;
  if (booted === undefined || !host.boot || host.boot.kind === 'proc-cmdline') return false;
  const bootedTokens = booted.split(/\s+/).filter((t) => HUGETLB_PARAMS.has(t.split('=')[0]!)).join(' ');
  const configured = host.boot.params.filter((p) => !p.afterDashDash && HUGETLB_PARAMS.has(p.key)).map((p) => `${p.key}=${p.value ?? ''}`).join(' ');
  return bootedTokens !== configured;
}
