import type { Loc } from '../core/range.js';
import type { HugepagePool } from '../host/facts.js';
import type { HostModel } from '../host/model.js';
import type { DomainFacts } from '../domain/facts.js';

/** The page sizes the domains are backed by (a bare `<hugepages/>` is the host's default size), each with where it is asked for. */
export function backedSizes(host: HostModel, domains: readonly DomainFacts[]): Map<number, Array<{ domain: DomainFacts; at: Loc }>> {
  const out = new Map<number, Array<{ domain: DomainFacts; at: Loc }>>();
  for (const domain of domains) {
    for (const b of domain.backing) {
      const size = b.sizeBytes ?? host.hugepages.defaultSize;
      const list = out.get(size) ?? [];
      if (!list.some((u) => u.domain === domain)) list.push({ domain, at: b.at });
      out.set(size, list);
    }
  }
  return out;
}

/**
 * `vm.nr_hugepages` reserving pages of the default size for domains backed by another size (catalog E4):
 * the sysctl sets only the default size's pool, no domain uses that size, and nothing reserves the size
 * they do use. hugepages-sysctl-size reports it; hugepages-without-backing leaves that pool to it.
 */
export function sysctlWrongSize(host: HostModel, domains: readonly DomainFacts[]): { pool: HugepagePool; sizes: number[] } | undefined {
  const { defaultSize, pools } = host.hugepages;
  const pool = pools.get(defaultSize);
  const bySysctl = pool && (pool.sysctl !== undefined || pool.param?.key === 'sysctl.vm.nr_hugepages');
  if (!pool || !bySysctl || pool.pages <= 0) return undefined;
  const wanted = backedSizes(host, domains);
  if (wanted.size === 0 || wanted.has(defaultSize)) return undefined;
  const sizes = [...wanted.keys()].filter((s) => (pools.get(s)?.pages ?? 0) === 0);
  return sizes.length === wanted.size ? { pool, sizes } : undefined;
}
