import { int, type Collector } from './collector.js';
import type { HugepagePool, NumaNode } from './types.js';

const GLOBAL = '/sys/kernel/mm/hugepages';
const NODES = '/sys/devices/system/node';

/** The global huge page pools, one per page size. */
export function readHugepages(c: Collector): HugepagePool[] {
  const dirs = c.list('hugepages', GLOBAL);
  if (dirs === null) return [];
  c.noteRead('hugepages', GLOBAL);
  return pools(c, GLOBAL, dirs, true);
}

/** NUMA nodes: their CPUs and their share of each huge page pool. */
export function readNuma(c: Collector): NumaNode[] {
  const names = c.list('numa', NODES, { optional: true });
  if (names === null) return [];
  c.noteRead('numa', NODES);
  const nodes: NumaNode[] = [];
  for (const id of names.filter((n) => /^node\d+$/.test(n)).map((n) => Number(n.slice(4))).sort((a, b) => a - b)) {
    const dir = `${NODES}/node${id}`;
    const hp = `${dir}/hugepages`;
    const dirs = c.list('numa', hp, { optional: true }) ?? [];
    nodes.push({ id, cpus: c.attr('numa', `${dir}/cpulist`), hugepages: pools(c, hp, dirs, false) });
  }
  return nodes;
}

function pools(c: Collector, base: string, dirs: string[], global: boolean): HugepagePool[] {
  const out: HugepagePool[] = [];
  for (const d of dirs) {
    const m = /^hugepages-(\d+)kB$/.exec(d);
    if (!m) continue;
    const at = (f: string) => int(c.attr('hugepages', `${base}/${d}/${f}`));
    out.push({
      sizeKiB: Number(m[1]),
      total: at('nr_hugepages'),
      free: at('free_hugepages'),
      reserved: global ? at('resv_hugepages') : null,
      surplus: at('surplus_hugepages'),
      overcommit: global ? at('nr_overcommit_hugepages') : null,
    });
  }
  return out.sort((a, b) => a.sizeKiB - b.sizeKiB);
}
