// Writes the shortened snapshots (docs/snapshot.md, "A shortened document") that the fixtures of
// numa-misaligned and gpu-numa-locality lint against: the CPU, NUMA and PCI facts of a two-socket
// server, as /sys shows them. Run: node scripts/make-numa-fixtures.mjs
//
// The host: two Intel Xeon E5-2680 v2 (10 cores, 20 threads each), one NUMA node per socket, the
// layout of test/topology/hosts/xeon-2s-e5-2680v2/capabilities.xml (from the lscpu -e of such a
// machine in https://github.com/autonomys/subspace/issues/2456): node 0 holds CPUs 0-9 and their
// SMT siblings 20-29, node 1 CPUs 10-19 and 30-39; one 25 MiB L3 per socket. A GeForce RTX 3060
// (10de:2503, audio 10de:228e; ids as in scripts/make-snapshot-fixtures.mjs) sits in a slot wired to
// one socket: on two-socket Intel boards the second socket's root ports are on bus 0x80 and up, and
// the kernel gives each device the node of its root port (numa_node).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RULES = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'rules');

// Options: `smt: false` is the host with SMT turned off (`nosmt`, or smt/control=off): the siblings 20-39
// are offline, so they have no topology directory and are in no node's cpulist (x86 takes a CPU out of its
// node's mask when it goes offline). `pci` shortens the GPU's entries as a bug report might (docs/snapshot.md):
// `only` keeps only the PCI group, `no-class` drops the class, `no-ids` drops vendor and device.
function xeon2s({ gpuBus, gpuNode, smt = true, pci }) {
  const cpus = Array.from({ length: 40 }, (_, id) => {
    const core = id % 20;
    const pkg = core < 10 ? 0 : 1;
    if (!smt && id >= 20) {
      return { id, online: false, packageId: null, dieId: null, clusterId: null, coreId: null, threadSiblings: null, l3: null, coreType: null, capacity: null };
    }
    return {
      id,
      online: true,
      packageId: pkg,
      dieId: 0,
      clusterId: core,
      coreId: core,
      threadSiblings: smt ? `${core},${core + 20}` : `${core}`,
      l3: { id: pkg, size: '25600K', sharedCpus: smt ? (pkg === 0 ? '0-9,20-29' : '10-19,30-39') : (pkg === 0 ? '0-9' : '10-19') },
      coreType: null,
      capacity: null,
    };
  });
  const full = (fn, device, cls) => ({
    address: `0000:${gpuBus}:00.${fn}`,
    vendor: '10de',
    device,
    subsystemVendor: '1462',
    subsystemDevice: '397d',
    class: cls,
    driver: 'vfio-pci',
    driverOverride: null,
    iommuGroup: null,
    bootVga: fn === 0 ? false : null,
    numaNode: gpuNode,
    resetMethods: ['bus'],
  });
  const gpu = (fn, device, cls) => {
    const d = full(fn, device, cls);
    if (pci === 'only') return { address: d.address, vendor: d.vendor, device: d.device, class: d.class, driver: d.driver, numaNode: d.numaNode };
    if (pci === 'no-class') return { address: d.address, vendor: d.vendor, device: d.device, driver: d.driver, numaNode: d.numaNode };
    if (pci === 'no-ids') return { address: d.address, class: d.class, driver: d.driver, numaNode: d.numaNode };
    return d;
  };
  const devices = [gpu(0, '2503', '030000'), gpu(1, '228e', '040300')];
  if (pci === 'only') return { format: 'vfio-lint-snapshot', version: 1, host: { pci: devices } };
  return {
    format: 'vfio-lint-snapshot',
    version: 1,
    host: {
      cpu: { online: smt ? '0-39' : '0-19', possible: '0-39', present: '0-39', isolated: '', nohzFull: null, smtControl: smt ? 'on' : 'off', cpus, vendor: 'GenuineIntel', modelName: 'Intel(R) Xeon(R) CPU E5-2680 v2 @ 2.80GHz', family: 6, model: 62, flags: [] },
      numa: [
        { id: 0, cpus: smt ? '0-9,20-29' : '0-9', hugepages: [] },
        { id: 1, cpus: smt ? '10-19,30-39' : '10-19', hugepages: [] },
      ],
      pci: devices,
    },
  };
}

// A four-node host: one AMD EPYC 7313P (16 cores, 32 threads; four CCDs of four cores, 32 MiB of L3 each)
// on a Supermicro H12SSL-NT with NPS=4 and "ACPI SRAT L3 Cache as NUMA Domain": one node per CCD, node 0 =
// CPUs 0-3 and their siblings 16-19 (numactl -H in https://metebalci.com/blog/supermicro-h12ssl-numa/; the
// other nodes follow the same pattern, node n = 4n..4n+3 and 16+4n..16+4n+3). The GPU's slot is given by
// its node.
function epyc7313pNps4({ gpuBus, gpuNode }) {
  const nodeCpus = (n) => `${4 * n}-${4 * n + 3},${16 + 4 * n}-${16 + 4 * n + 3}`;
  const cpus = Array.from({ length: 32 }, (_, id) => {
    const core = id % 16;
    const ccd = Math.floor(core / 4);
    return {
      id,
      online: true,
      packageId: 0,
      dieId: 0,
      clusterId: core,
      coreId: core,
      threadSiblings: `${core},${core + 16}`,
      l3: { id: ccd, size: '32768K', sharedCpus: nodeCpus(ccd) },
      coreType: null,
      capacity: null,
    };
  });
  const gpu = (fn, device, cls) => ({
    address: `0000:${gpuBus}:00.${fn}`,
    vendor: '10de',
    device,
    subsystemVendor: '1462',
    subsystemDevice: '397d',
    class: cls,
    driver: 'vfio-pci',
    driverOverride: null,
    iommuGroup: null,
    bootVga: fn === 0 ? false : null,
    numaNode: gpuNode,
    resetMethods: ['bus'],
  });
  return {
    format: 'vfio-lint-snapshot',
    version: 1,
    host: {
      cpu: { online: '0-31', possible: '0-31', present: '0-31', isolated: '', nohzFull: null, smtControl: 'on', cpus, vendor: 'AuthenticAMD', modelName: 'AMD EPYC 7313P 16-Core Processor', family: 25, model: 1, flags: [] },
      numa: [0, 1, 2, 3].map((id) => ({ id, cpus: nodeCpus(id), hugepages: [] })),
      pci: [gpu(0, '2503', '030000'), gpu(1, '228e', '040300')],
    },
  };
}

/** rule/case: the GPU's slot. `numaNode: null` is a kernel that says -1 (no affinity known). */
const CASES = {
  'numa-misaligned/invalid/live-memory-on-gpu-node': { gpuBus: '82', gpuNode: 1 },
  'numa-misaligned/valid/live-gpu-elsewhere': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/invalid/vcpus-on-socket-0': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/invalid/vcpus-and-memory-on-socket-0': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/invalid/vcpu-cpuset-socket-1': { gpuBus: '03', gpuNode: 0 },
  'gpu-numa-locality/valid/same-node': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/valid/no-affinity': { gpuBus: '82', gpuNode: null },
  'gpu-numa-locality/valid/unpinned': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/valid/guest-numa-both-nodes': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/valid/snapshot-without-cpus': { gpuBus: '82', gpuNode: 1, pci: 'only' },
  'gpu-numa-locality/valid/placement-auto-stale-cpuset': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/valid/partly-pinned': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/valid/no-affinity-vcpus-on-socket-1': { gpuBus: '82', gpuNode: null },
  'gpu-numa-locality/valid/snapshot-gpu-without-class': { gpuBus: '82', gpuNode: 1, pci: 'no-class' },
  'gpu-numa-locality/valid/smt-off-pins-on-siblings': { gpuBus: '82', gpuNode: 1, smt: false },
  'gpu-numa-locality/invalid/smt-off-some-pins-on-siblings': { gpuBus: '82', gpuNode: 1, smt: false },
  'gpu-numa-locality/invalid/hotplug-vcpus-unpinned': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/invalid/snapshot-gpu-without-ids': { gpuBus: '82', gpuNode: 1, pci: 'no-ids' },
  'gpu-numa-locality/invalid/memory-interleaved-both-nodes': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/invalid/placement-auto-all-vcpupins': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/valid/emulatorpin-cpuset-invalid': { gpuBus: '82', gpuNode: 1 },
  'gpu-numa-locality/invalid/nps4-vcpus-and-memory-on-two-nodes': { host: 'epyc7313p-nps4', gpuBus: 'c1', gpuNode: 3 },
};

for (const [path, host] of Object.entries(CASES)) {
  const [rule, kind, name] = path.split('/');
  const dir = join(RULES, rule, 'fixtures', kind, name);
  mkdirSync(dir, { recursive: true });
  const facts = host.host === 'epyc7313p-nps4' ? epyc7313pNps4(host) : xeon2s(host);
  writeFileSync(join(dir, 'vfio-lint-snapshot.json'), `${JSON.stringify(facts, null, 2)}\n`);
  // A snapshot folder holds the host's /etc beside its facts (and the rule kit reads a case with etc/ as a tree).
  mkdirSync(join(dir, 'etc', 'modprobe.d'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'modprobe.d', 'vfio.conf'), 'options vfio-pci ids=10de:2503,10de:228e\nsoftdep nouveau pre: vfio-pci\nsoftdep nvidia pre: vfio-pci\n');
}
