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

function xeon2s({ gpuBus, gpuNode }) {
  const cpus = Array.from({ length: 40 }, (_, id) => {
    const core = id % 20;
    const pkg = core < 10 ? 0 : 1;
    return {
      id,
      online: true,
      packageId: pkg,
      dieId: 0,
      clusterId: core,
      coreId: core,
      threadSiblings: `${core},${core + 20}`,
      l3: { id: pkg, size: '25600K', sharedCpus: pkg === 0 ? '0-9,20-29' : '10-19,30-39' },
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
      cpu: { online: '0-39', possible: '0-39', present: '0-39', isolated: '', nohzFull: null, smtControl: 'on', cpus, vendor: 'GenuineIntel', modelName: 'Intel(R) Xeon(R) CPU E5-2680 v2 @ 2.80GHz', family: 6, model: 62, flags: [] },
      numa: [
        { id: 0, cpus: '0-9,20-29', hugepages: [] },
        { id: 1, cpus: '10-19,30-39', hugepages: [] },
      ],
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
};

for (const [path, host] of Object.entries(CASES)) {
  const [rule, kind, name] = path.split('/');
  const dir = join(RULES, rule, 'fixtures', kind, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'vfio-lint-snapshot.json'), `${JSON.stringify(xeon2s(host), null, 2)}\n`);
  // A snapshot folder holds the host's /etc beside its facts (and the rule kit reads a case with etc/ as a tree).
  mkdirSync(join(dir, 'etc', 'modprobe.d'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'modprobe.d', 'vfio.conf'), 'options vfio-pci ids=10de:2503,10de:228e\nsoftdep nouveau pre: vfio-pci\nsoftdep nvidia pre: vfio-pci\n');
}
