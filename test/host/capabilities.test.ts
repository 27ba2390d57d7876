import { describe, expect, it } from 'vitest';
import { parseXml } from '../../src/parsers/xml/parse.js';
import { capabilitiesView } from '../../src/host/capabilities.js';
import { coresOf, hostCpuTopology } from '../../src/host/topology.js';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { liveHost } from '../../src/host/live.js';
import { completeDocument } from '../../src/live/document.js';
import { CpuSet } from '../../src/core/cpuset.js';

const view = (xml: string) => capabilitiesView(parseXml(xml).root!);
const CAPS = `<capabilities>
  <host>
    <cpu>
      <arch>x86_64</arch>
      <model> EPYC-Rome </model>
      <vendor> AMD </vendor>
      <feature name='x2apic'/><feature name='topoext'/><feature/>
    </cpu>
    <iommu support='yes'/>
    <topology>
      <cells num='2'>
        <cell id='0'>
          <memory unit='KiB'>1024</memory>
          <pages unit='KiB' size='4'>256</pages>
          <pages unit='KiB' size='2048'>8</pages>
          <pages unit='KiB' size='1048576'>junk</pages>
          <cpus num='3'>
            <cpu id='0' socket_id='0' core_id='0' siblings='0,2'/>
            <cpu id='2' socket_id='0' core_id='0' siblings='0,2'/>
            <cpu id='1' socket_id='0' core_id='1' siblings='bad'/>
          </cpus>
        </cell>
        <cell id='1'>
          <memory unit='MiB'>2</memory>
          <pages size='2048'>4</pages>
          <cpus num='2'>
            <cpu id='2' socket_id='9' core_id='9'/>
            <cpu id='x' socket_id='1' core_id='0'/>
            <cpu id='3' socket_id='s' core_id='1'/>
          </cpus>
        </cell>
        <cell id='2'/>
      </cells>
    </topology>
  </host>
</capabilities>`;

describe('capabilitiesView: the facts rules read from virsh capabilities (capabilities.ts)', () => {
  it('vendor, model and features of the host CPU', () => {
    const v = view(CAPS);
    expect(v.vendor).toBe('AMD');
    expect(v.vendorElement?.name).toBe('vendor');
    expect(v.model).toBe('EPYC-Rome');
    expect([...v.features]).toEqual(['x2apic', 'topoext', '']);
    expect(v.root.name).toBe('capabilities');
    const none = view('<capabilities><host><cpu><arch>x86_64</arch></cpu></host></capabilities>');
    expect([none.vendor, none.vendorElement, none.model, none.features.size, none.memoryBytes, none.iommuSupport, none.cpus.size, none.pagesBySize.size]).toEqual([undefined, undefined, undefined, 0, undefined, undefined, 0, 0]);
    expect(view('<capabilities/>').features.size).toBe(0);
  });

  it('CPUs from every cell, the first of a repeated id kept, with socket, core and siblings when readable', () => {
    const v = view(CAPS);
    expect([...v.cpus.keys()]).toEqual([0, 2, 1, 3]);
    expect(v.hostCpuSet.toArray()).toEqual([0, 1, 2, 3]);
    expect(v.cpus.get(2)).toEqual({ id: 2, socketId: 0, coreId: 0, siblings: CpuSet.of(0, 2) });
    expect(v.cpus.get(1)).toEqual({ id: 1, socketId: 0, coreId: 1, siblings: undefined });
    expect(v.cpus.get(3)).toEqual({ id: 3, socketId: undefined, coreId: 1, siblings: undefined });
  });

  it('ids that are not whole numbers are unknown: a CPU without a readable id is left out', () => {
    const v = view(`<capabilities><host><topology><cells num='1'><cell id='0'><cpus num='4'>
      <cpu id='4x' socket_id='0' core_id='0'/><cpu id='x5' socket_id='0' core_id='0'/><cpu id='-6' socket_id='0' core_id='0'/>
      <cpu id='7' socket_id='1x' core_id='x2'/>
    </cpus></cell></cells></topology></host></capabilities>`);
    expect([...v.cpus.values()]).toEqual([{ id: 7, socketId: undefined, coreId: undefined, siblings: undefined }]);
  });

  it('memory and huge pages summed over the cells, each in its unit', () => {
    const v = view(CAPS);
    expect(v.memoryBytes).toBe(1024 * 1024 + 2 * 1024 * 1024);
    expect(v.pagesBySize).toEqual(new Map([[4096, 256], [2 * 1024 * 1024, 12]]));
    // Without a unit, KiB (libvirt's default here); a value with blanks around it; <pages> without a size says nothing.
    const bare = view(`<capabilities><host><topology><cells num='1'><cell id='0'>
      <memory>
        4
      </memory>
      <pages>7</pages>
      <pages unit='MiB' size='2'>3</pages>
      <pages size='2048'> 5 </pages>
    </cell></cells></topology></host></capabilities>`);
    expect([bare.memoryBytes, bare.pagesBySize]).toEqual([4096, new Map([[2 * 1024 * 1024, 8]])]);
  });

  it('IOMMU support as libvirt says it, unknown when it does not', () => {
    expect(view(CAPS).iommuSupport).toBe(true);
    expect(view("<capabilities><host><iommu support='no'/></host></capabilities>").iommuSupport).toBe(false);
    expect(view('<capabilities><host><iommu/></host></capabilities>').iommuSupport).toBeUndefined();
  });

  it('the host model takes its CPUs from capabilities: every id, and their count for N in CPU lists', () => {
    const caps = parseFile(sourceFile('/caps.xml', CAPS), 'capabilities', '/caps.xml');
    const host = buildHostModel([caps, parseFile(sourceFile('/etc/kernel/cmdline', 'isolcpus=1-N\n'), 'kernel-cmdline', '/etc/kernel/cmdline')]);
    expect(host.capabilitiesFile).toBe(caps);
    expect(host.cpus?.count).toBe(4);
    expect(host.cpus?.all.toArray()).toEqual([0, 1, 2, 3]);
    const iso = host.boot!.cpuLists.isolcpus!.list;
    expect(iso.kind === 'ok' && iso.set.toArray()).toEqual([1, 2, 3]);
    expect(buildHostModel([parseFile(sourceFile('/caps.xml', '<capabilities><host/></capabilities>'), 'capabilities', '/caps.xml')]).cpus).toBeUndefined();
  });
});

describe('host cores: by siblings, else by socket and core, else alone (topology.ts)', () => {
  it('coresOf: siblings that name the CPU decide; then socket and core ids; a CPU with neither is its own core', () => {
    const cores = coresOf([
      { id: 0, socketId: 0, coreId: 0, siblings: CpuSet.of(0, 4) },
      { id: 4, socketId: 0, coreId: 7, siblings: CpuSet.of(0, 4) },
      // Siblings that leave the CPU out are not believed: socket and core decide.
      { id: 1, socketId: 0, coreId: 1, siblings: CpuSet.of(5) },
      { id: 5, socketId: 0, coreId: 1, siblings: undefined },
      { id: 6, socketId: undefined, coreId: 3, siblings: undefined },
      { id: 7, socketId: undefined, coreId: 3, siblings: undefined },
      { id: 3, socketId: 0, coreId: undefined, siblings: undefined },
      { id: 2, socketId: 0, coreId: undefined, siblings: undefined },
    ]);
    expect(cores.map((c) => [c.first, c.cpus.format(), c.socketId, c.coreId])).toEqual([
      [0, '0,4', 0, 0],
      [1, '1,5', 0, 1],
      [2, '2', 0, undefined],
      [3, '3', 0, undefined],
      [6, '6-7', undefined, 3],
    ]);
  });

  it('hostCpuTopology: the running host\'s sysfs first, else capabilities, else none; one answer per host', () => {
    const doc = completeDocument({
      format: 'vfio-lint-snapshot',
      version: 2,
      host: { cpu: { cpus: [0, 1, 2, 3].map((id) => ({ id, online: true, packageId: 0, coreId: id % 2, threadSiblings: id % 2 === 0 ? '0,2' : '1,3' })), flags: [] } },
    });
    if (typeof doc === 'string') throw new Error(doc);
    const caps = parseFile(sourceFile('/caps.xml', CAPS), 'capabilities', '/caps.xml');
    const fromLive = buildHostModel([caps], liveHost(doc.host, 'snapshot', '/s'));
    const t = hostCpuTopology(fromLive)!;
    expect(t.cores.map((c) => c.cpus.format())).toEqual(['0,2', '1,3']);
    expect(t.smt).toBe(true);
    expect(t.coreOf(3)?.first).toBe(1);
    expect(hostCpuTopology(fromLive)).toBe(t);
    const fromCaps = hostCpuTopology(buildHostModel([caps]))!;
    expect(fromCaps.cores.map((c) => c.cpus.format())).toEqual(['0,2', '1', '3']);
    const noCpus = buildHostModel([parseFile(sourceFile('/caps.xml', '<capabilities><host/></capabilities>'), 'capabilities', '/caps.xml')]);
    expect(hostCpuTopology(noCpus)).toBeUndefined();
    expect(hostCpuTopology(noCpus)).toBeUndefined();
    expect(hostCpuTopology(buildHostModel([]))).toBeUndefined();
    // Live facts with a packageId or coreId of null count as unknown.
    const nulls = completeDocument({ format: 'vfio-lint-snapshot', version: 2, host: { cpu: { cpus: [{ id: 0, online: true, packageId: null, coreId: null, threadSiblings: null }, { id: 1, online: true, packageId: null, coreId: null, threadSiblings: null }], flags: [] } } });
    if (typeof nulls === 'string') throw new Error(nulls);
    const alone = hostCpuTopology(buildHostModel([], liveHost(nulls.host, 'live', '/')))!;
    expect(alone.cores.map((c) => [c.cpus.format(), c.socketId, c.coreId])).toEqual([['0', undefined, undefined], ['1', undefined, undefined]]);
    expect(alone.smt).toBe(false);
  });
});
