import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { liveHost } from '../../src/host/live.js';
import { completeDocument } from '../../src/live/document.js';
import { describePool, hugepageCapacity, hugepageSupply, reservationSources } from '../../src/host/hugepage-supply.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);
const M2 = 2 * 1024 * 1024;
const G1 = 1024 * 1024 * 1024;
const cmdline = (text: string) => file('kernel-cmdline', '/etc/kernel/cmdline', `${text}\n`);
const sysctl = (text: string, path = '/etc/sysctl.d/90-hugepages.conf') => file('sysctl', path, text);
/** Each pool as size:pages, with its per-node counts when given, and the text its count comes from. */
const pools = (...files: ReturnType<typeof file>[]) => {
  const h = buildHostModel(files).hugepages;
  const text = new Map(files.map((f) => [f.source.path, f.source.text]));
  return [...h.pools.values()].map((p) => `${p.size === G1 ? '1G' : p.size === M2 ? '2M' : p.size}:${p.pages}${p.nodes ? `(${[...p.nodes].map(([n, c]) => `${n}:${c}`).join(',')})` : ''}@${text.get(p.at.path)!.slice(p.at.start, p.at.end)}`);
};
const pool = (sizeKiB: number, total: number | null, surplus: number | null = 0, overcommit: number | null = 0) => ({ sizeKiB, total, free: total, reserved: 0, surplus, overcommit });
const live = (host: Record<string, unknown>) => {
  const doc = completeDocument({ format: 'vfio-lint-snapshot', version: 2, host });
  if (typeof doc === 'string') throw new Error(doc);
  return liveHost(doc.host, 'snapshot', '/snap');
};

describe('hugepageConfig: the pools the configured boot reserves (hugepages.ts)', () => {
  it('hugepages= counts for the size named just before it, or the default size', () => {
    expect(pools(cmdline('hugepages=16'))).toEqual(['2M:16@16']);
    expect(pools(cmdline('hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512'))).toEqual(['1G:4@4', '2M:512@512']);
    expect(pools(cmdline('default_hugepagesz=1G hugepages=8'))).toEqual(['1G:8@8']);
    expect(buildHostModel([cmdline('default_hugepagesz=1G')]).hugepages.defaultSize).toBe(G1);
    expect(buildHostModel([cmdline('quiet')]).hugepages).toEqual({ defaultSize: M2, pools: new Map() });
    expect(buildHostModel([]).hugepages).toEqual({ defaultSize: M2, pools: new Map() });
  });

  it('a second count for a size is ignored, and so is a count after a size the kernel refuses', () => {
    expect(pools(cmdline('hugepages=1 hugepages=2'))).toEqual(['2M:1@1']);
    expect(pools(cmdline('hugepagesz=2M hugepages=1 hugepagesz=2M hugepages=5'))).toEqual(['2M:1@1']);
    expect(pools(cmdline('hugepagesz=4M hugepages=8'))).toEqual([]);
    expect(pools(cmdline('hugepagesz=junk hugepages=8 hugepagesz=1G hugepages=2'))).toEqual(['1G:2@2']);
    // An unreadable count still uses up the size's count.
    expect(pools(cmdline('hugepages=x hugepages=3'))).toEqual([]);
    // A new hugepagesz= opens the size again for its own count (the pool already set keeps its first count).
    expect(pools(cmdline('hugepages=x hugepagesz=1G hugepages=3'))).toEqual(['1G:3@3']);
    // default_hugepagesz= that the kernel refuses leaves 2 MiB the default.
    expect(buildHostModel([cmdline('default_hugepagesz=3M hugepages=4')]).hugepages.defaultSize).toBe(M2);
    expect(pools(cmdline('default_hugepagesz=3M hugepages=4'))).toEqual([]);
  });

  it('the per-node form counts each node and their total; the flag form and anything after -- count nothing', () => {
    expect(pools(cmdline('hugepages=0:4,1:2'))).toEqual(['2M:6(0:4,1:2)@0:4,1:2']);
    expect(pools(cmdline('hugepages=0:1,0:2'))).toEqual(['2M:3(0:3)@0:1,0:2']);
    expect(pools(cmdline('hugepages=0:4,x'))).toEqual([]);
    expect(pools(cmdline('hugepages=0:4,1'))).toEqual([]);
    expect(pools(cmdline('hugepages hugepages=3'))).toEqual(['2M:3@3']);
    expect(pools(cmdline('quiet -- hugepages=3'))).toEqual([]);
  });

  it('vm.nr_hugepages, from sysctl or sysctl.vm.nr_hugepages= on the command line, sets the default size\'s pool', () => {
    expect(pools(sysctl('vm.nr_hugepages = 1024\n'))).toEqual(['2M:1024@1024']);
    expect(pools(cmdline('default_hugepagesz=1G hugepages=2'), sysctl('vm.nr_hugepages = 8\n'))).toEqual(['1G:8@8']);
    expect(pools(cmdline('hugepagesz=1G hugepages=2'), sysctl('vm.nr_hugepages = 8\n'))).toEqual(['1G:2@2', '2M:8@8']);
    expect(pools(sysctl('vm.nr_hugepages = lots\n'))).toEqual([]);
    expect(pools(cmdline('hugepages=4'), sysctl('vm.nr_hugepages = lots\n'))).toEqual(['2M:4@4']);
    expect(pools(cmdline('sysctl.vm.nr_hugepages=64'))).toEqual(['2M:64@64']);
    expect(pools(cmdline('sysctl.vm.nr_hugepages=x64'))).toEqual([]);
    const h = buildHostModel([cmdline('sysctl.vm.nr_hugepages=64')]).hugepages.pools.get(M2)!;
    expect([h.sysctl, h.param?.name]).toEqual([undefined, 'sysctl.vm.nr_hugepages']);
    const s = buildHostModel([sysctl('vm.nr_hugepages = 16\n')]).hugepages.pools.get(M2)!;
    expect([s.sysctl?.key, s.param]).toEqual(['vm.nr_hugepages', undefined]);
  });
});

describe('hugepageSupply and hugepageCapacity: what the host has of one page size (hugepage-supply.ts)', () => {
  it('the configured pool, overcommit for the default size only, and the running kernel\'s pool and nodes', () => {
    const running = live({
      hugepages: [pool(2048, 512, 0, 16), pool(1048576, 4)],
      numa: [
        { id: 0, cpus: '0-3', hugepages: [pool(2048, 256), pool(1048576, null)] },
        { id: 1, cpus: '4-7', hugepages: [pool(2048, 256)] },
      ],
    });
    const host = buildHostModel([cmdline('hugepagesz=1G hugepages=4'), sysctl('vm.nr_overcommit_hugepages = 32\n')], running);
    const def = hugepageSupply(host, undefined);
    expect(def.size).toBe(M2);
    expect(def.configured).toBeUndefined();
    expect(def.overcommit?.value).toBe('32');
    expect(def.live?.total).toBe(512);
    expect(def.liveNodes).toEqual(new Map([[0, 256], [1, 256]]));
    const big = hugepageSupply(host, G1);
    expect(big.configured?.pages).toBe(4);
    expect(big.overcommit).toBeUndefined();
    expect(big.live?.total).toBe(4);
    expect(big.liveNodes).toEqual(new Map());
    expect(hugepageSupply(buildHostModel([]), undefined)).toEqual({ size: M2, configured: undefined, overcommit: undefined, live: undefined, liveNodes: undefined });
    // A running kernel without NUMA nodes: no per-node counts.
    expect(hugepageSupply(buildHostModel([], live({ hugepages: [pool(2048, 4)], numa: [] })), undefined).liveNodes).toBeUndefined();
  });

  it('overcommit counts only when it is a number above 0', () => {
    for (const [text, want] of [['0', undefined], [' 8 ', ' 8'], ['x', undefined], ['-1', undefined]] as const) {
      const host = buildHostModel([sysctl(`vm.nr_overcommit_hugepages =${text}\n`)]);
      expect(hugepageSupply(host, undefined).overcommit?.value, text).toBe(want?.trim());
    }
  });

  it('capacity: the configured pool, with the running nodes only when they hold exactly that pool', () => {
    const running = (total: number, surplus: number) =>
      live({ hugepages: [pool(2048, total, surplus, 8)], numa: [{ id: 0, cpus: '0', hugepages: [pool(2048, total - 100)] }, { id: 1, cpus: '1', hugepages: [pool(2048, 100)] }] });
    const files = [cmdline('hugepages=512'), sysctl('vm.nr_overcommit_hugepages = 3\n')];
    const exact = hugepageCapacity(buildHostModel(files, running(512, 0)), undefined)!;
    expect(exact).toMatchObject({ size: M2, pages: 512, overcommit: 3, what: 'hugepages=512 on the kernel command line (/etc/kernel/cmdline)' });
    expect(exact.nodes).toEqual(new Map([[0, 412], [1, 100]]));
    expect(exact.pool?.pages).toBe(512);
    // Surplus pages are not the pool's.
    expect(hugepageCapacity(buildHostModel(files, running(520, 8)), undefined)!.nodes).toEqual(new Map([[0, 420], [1, 100]]));
    expect(hugepageCapacity(buildHostModel(files, running(600, 0)), undefined)!.nodes).toBeUndefined();
    // Per-node counts on the command line are the pool's own.
    expect(hugepageCapacity(buildHostModel([cmdline('hugepages=0:2,1:6')], running(512, 0)), undefined)!.nodes).toEqual(new Map([[0, 2], [1, 6]]));
    expect(hugepageCapacity(buildHostModel([cmdline('hugepages=8')]), undefined)).toMatchObject({ pages: 8, overcommit: 0, nodes: undefined });
  });

  it('capacity: else the running kernel\'s persistent pages and its larger overcommit; undefined when neither says', () => {
    const running = live({ hugepages: [pool(2048, 300, 20, 50)], numa: [{ id: 0, cpus: '0', hugepages: [pool(2048, 300)] }] });
    expect(hugepageCapacity(buildHostModel([], running), undefined)).toEqual({ size: M2, pages: 280, overcommit: 50, nodes: new Map([[0, 300]]), pool: undefined, what: 'the running kernel' });
    expect(hugepageCapacity(buildHostModel([sysctl('vm.nr_overcommit_hugepages = 90\n')], running), undefined)?.overcommit).toBe(90);
    const unknowns = live({ hugepages: [pool(2048, 10, null, null)], numa: [] });
    expect(hugepageCapacity(buildHostModel([], unknowns), undefined)).toMatchObject({ pages: 10, overcommit: 0, nodes: undefined });
    expect(hugepageCapacity(buildHostModel([], live({ hugepages: [pool(2048, null)], numa: [] })), undefined)).toBeUndefined();
    expect(hugepageCapacity(buildHostModel([], running), G1)).toBeUndefined();
    expect(hugepageCapacity(buildHostModel([]), undefined)).toBeUndefined();
  });

  it('a pool in words, and where reservations were looked for', () => {
    const bySysctl = buildHostModel([sysctl('vm.nr_hugepages = 64\n')]);
    expect(describePool(bySysctl, bySysctl.hugepages.pools.get(M2)!)).toBe('vm.nr_hugepages = 64');
    const byCmdline = buildHostModel([cmdline('hugepages=4')]);
    const p = byCmdline.hugepages.pools.get(M2)!;
    expect(describePool(byCmdline, p)).toBe('hugepages=4 on the kernel command line (/etc/kernel/cmdline)');
    expect(describePool(buildHostModel([]), p)).toBe('hugepages=4 on the kernel command line');
    expect(describePool(buildHostModel([]), { ...p, param: undefined })).toBe('hugepages= on the kernel command line');
    expect(describePool(buildHostModel([]), { ...p, param: { ...p.param!, value: undefined } })).toBe('hugepages= on the kernel command line');

    expect(reservationSources(buildHostModel([]))).toEqual([]);
    expect(reservationSources(buildHostModel([cmdline('quiet'), sysctl('vm.swappiness = 1\n')], live({ hugepages: [] })))).toEqual([
      { kind: 'cmdline', text: 'the kernel command line (/etc/kernel/cmdline)' },
      { kind: 'sysctl', text: 'the sysctl file /etc/sysctl.d/90-hugepages.conf' },
      { kind: 'live', text: 'the running kernel' },
    ]);
    expect(reservationSources(buildHostModel([sysctl('a = 1\n'), sysctl('b = 2\n', '/etc/sysctl.conf')]))).toEqual([{ kind: 'sysctl', text: 'the 2 sysctl files' }]);
    expect(reservationSources(buildHostModel([], live({ cmdline: 'quiet' })))).toEqual([]);
  });
});
