import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml } from '../../src/parsers/xml/parse.js';
import { capabilitiesView } from '../../src/host/capabilities.js';
import { buildLayout, factsFromCapabilities, formatBytes, planPins, type TopologyLayout } from '../../src/topology/index.js';

const HOSTS = join(import.meta.dirname, 'hosts');
const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'libvirt-tests', 'capabilities');

export function layoutOf(path: string): TopologyLayout {
  const caps = capabilitiesView(parseXml(readFileSync(path, 'utf8')).root!);
  return buildLayout(factsFromCapabilities(caps, path));
}
const host = (name: string) => layoutOf(join(HOSTS, name, 'capabilities.xml'));
/** The layout as short text: `pkg0 node0 L3#0 96 MiB: (0,16) (1,17)`. */
const outline = (l: TopologyLayout) => l.l3s.map((g) => `pkg${g.packageId} node${g.node} L3#${g.index}${g.bytes ? ` ${formatBytes(g.bytes)}` : ''}${g.largest ? ' largest' : ''}: ${g.cores.map((c) => `(${c.threads.join(',')})`).join(' ')}`);

describe('topology layout from capabilities XML', () => {
  it('splits a dual-CCD X3D part into its two L3 caches and names the larger', () => {
    const l = host('ryzen-7950x3d');
    expect(outline(l)).toEqual([
      'pkg0 node0 L3#0 96 MiB largest: (0,16) (1,17) (2,18) (3,19) (4,20) (5,21) (6,22) (7,23)',
      'pkg0 node0 L3#1 32 MiB: (8,24) (9,25) (10,26) (11,27) (12,28) (13,29) (14,30) (15,31)',
    ]);
    expect(l.l3SizesDiffer).toBe(true);
    expect(l.missing).toEqual([]);
    expect(l.l3Of(24)?.index).toBe(1);
  });

  it('keeps a single-CCD part in one L3', () => {
    const l = host('ryzen-7800x3d');
    expect(l.l3s).toHaveLength(1);
    expect(l.l3s[0]!.largest).toBe(false);
    expect(l.cores.map((c) => c.threads)).toEqual(Array.from({ length: 8 }, (_, i) => [i, i + 8]));
  });

  it('shows an Intel hybrid part\'s E-cores as single-thread cores sharing one L2', () => {
    const l = host('intel-12700k');
    expect(l.cores.filter((c) => c.threads.length === 2)).toHaveLength(8);
    const e = l.cores.filter((c) => c.threads.length === 1);
    expect(e.map((c) => c.first)).toEqual([16, 17, 18, 19]);
    expect(e.every((c) => c.sharedL2?.format() === '16-19')).toBe(true);
    expect(l.coreOf(0)?.sharedL2).toBeUndefined();
  });

  it('groups a two-socket server by package and NUMA node', () => {
    const l = host('xeon-2s-e5-2680v2');
    expect(l.packages.map((p) => [p.id, p.nodes.map((n) => n.id)])).toEqual([[0, [0]], [1, [1]]]);
    expect(l.l3s.map((g) => g.cpus.format())).toEqual(['0-9,20-29', '10-19,30-39']);
    expect(l.nodeOf(35)).toBe(1);
  });

  it('says what is missing and still draws CPUs without siblings or caches', () => {
    const l = layoutOf(join(CORPUS, 'caps-test.xml'));
    expect(l.missing.join('\n')).toMatch(/no L3 cache banks/);
    expect(l.cpus.size).toBe(16);
    expect(l.l3s.every((g) => !g.known)).toBe(true);
    const empty = buildLayout(factsFromCapabilities(capabilitiesView(parseXml('<capabilities><host/></capabilities>').root!), 'x.xml'));
    expect(empty.missing).toEqual(['x.xml lists no host CPUs (no <cpu> in <host><topology><cells>): there is nothing to draw']);
  });

  it('reads libvirt\'s real AMD two-socket dump: four L3s per socket, unknown cluster ids ignored', () => {
    const l = layoutOf(join(CORPUS, 'vircaps-x86_64-resctrl-amd.xml'));
    expect(l.packages).toHaveLength(2);
    expect(l.l3s).toHaveLength(8);
    expect(l.l3s[0]!.cpus.format()).toBe('0-3,32-35');
    expect(l.l3s.every((g) => g.known && g.cores.length === 4)).toBe(true);
  });

  it('lays out every corpus capabilities file without losing a CPU', () => {
    for (const f of readdirSync(CORPUS).filter((n) => n.endsWith('.xml'))) {
      const l = layoutOf(join(CORPUS, f));
      const drawn = l.l3s.reduce((n, g) => n + g.cpus.size, 0);
      expect(drawn, f).toBe(l.cpus.size);
    }
  });
});

describe('proposed pin layout', () => {
  it('puts 8 vCPUs on whole cores of the V-cache CCD, the emulator on the core of CPU 0', () => {
    const p = planPins(host('ryzen-7950x3d'), 8)!;
    expect(p.l3.index).toBe(0);
    expect(p.vcpuCpus).toEqual([1, 17, 2, 18, 3, 19, 4, 20]);
    expect(p.housekeeping.cpus.format()).toBe('0,16');
    expect(p.cmdline).toBe('isolcpus=managed_irq,domain,1-4,17-20 nohz_full=1-4,17-20 rcu_nocbs=1-4,17-20');
  });

  it('uses P-cores first on a hybrid part and returns nothing when no L3 has room', () => {
    const p = planPins(host('intel-12700k'), 6)!;
    expect(p.vcpuCpus).toEqual([2, 3, 4, 5, 6, 7]);
    expect(planPins(host('ryzen-7800x3d'), 16)).toBeUndefined();
    expect(planPins(host('ryzen-7800x3d'), 14)!.vcpuCpus).toEqual([1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15]);
  });
});
