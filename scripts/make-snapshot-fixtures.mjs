// Writes the host trees under test/fixtures/snapshots/<name>/root (and their
// canned tool outputs in tools/, and mtimes.json) from the descriptions below.
// Each description follows one real kind of machine (the README.md written
// beside it says which); PCI ids and names were checked against pci.ids
// 2023.04.10 (Debian package pci.ids 0.0~2023.04.11-1). Run:
//   node scripts/make-snapshot-fixtures.mjs
// then regenerate the snapshot folders and review the diff:
//   VFIO_LINT_UPDATE_SNAPSHOTS=1 npx vitest run test/live/fixtures.test.ts
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'snapshots');
const EFI_GLOBAL = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
const SYSTEMD_LOADER = '4a67b082-0a4c-41cf-b6c7-440b29bb8c4f';

// ---------------------------------------------------------------------------
// Building blocks: each returns { path: content } where content is a string, a
// Buffer, or { link: target } (a symlink, target relative as sysfs has them).

class Tree {
  files = new Map();
  file(path, content) {
    this.files.set(path.replace(/^\//, ''), content);
  }
  link(path, target) {
    this.files.set(path.replace(/^\//, ''), { link: target });
  }
  dir(path) {
    this.files.set(path.replace(/^\//, ''), { dir: true });
  }
  /** A link at `from` to `to`, both tree paths, made relative as sysfs makes them. */
  relLink(from, to) {
    this.link(from, relative(dirname(`/${from.replace(/^\//, '')}`), `/${to.replace(/^\//, '')}`));
  }
}

/**
 * PCI devices. `devs` entries: [address, vendor:device, class, driver|null,
 * group|null, extra]. extra: { sub: 'vvvv:dddd', parent: address, bootVga, reset, numa }.
 */
function pci(t, devs, { numaDefault = '-1' } = {}) {
  const pathOf = new Map();
  for (const [addr, , , , , extra = {}] of devs) {
    const parent = extra.parent ? pathOf.get(extra.parent) : `sys/devices/pci${addr.slice(0, 4)}:${addr.slice(5, 7)}`;
    if (!parent) throw new Error(`${addr}: parent ${extra.parent} not listed before it`);
    pathOf.set(addr, `${parent}/${addr}`);
  }
  const groups = new Map();
  for (const [addr, ids, cls, driver, group, extra = {}] of devs) {
    const [vendor, device] = ids.split(':');
    const [sv, sd] = (extra.sub ?? ids).split(':');
    const dir = pathOf.get(addr);
    t.file(`${dir}/vendor`, `0x${vendor}\n`);
    t.file(`${dir}/device`, `0x${device}\n`);
    t.file(`${dir}/subsystem_vendor`, `0x${sv}\n`);
    t.file(`${dir}/subsystem_device`, `0x${sd}\n`);
    t.file(`${dir}/class`, `0x${cls}\n`);
    t.file(`${dir}/numa_node`, `${extra.numa ?? numaDefault}\n`);
    t.file(`${dir}/driver_override`, `${extra.override ?? '(null)'}\n`);
    // The kernel shows boot_vga only on VGA-class devices.
    if (cls.startsWith('0300')) t.file(`${dir}/boot_vga`, extra.bootVga ? '1\n' : '0\n');
    if (extra.reset) t.file(`${dir}/reset_method`, `${extra.reset}\n`);
    if (driver) {
      t.dir(`sys/bus/pci/drivers/${driver}`);
      t.relLink(`${dir}/driver`, `sys/bus/pci/drivers/${driver}`);
      t.relLink(`sys/bus/pci/drivers/${driver}/${addr}`, dir);
    }
    if (group !== null) {
      t.relLink(`${dir}/iommu_group`, `sys/kernel/iommu_groups/${group}`);
      t.relLink(`sys/kernel/iommu_groups/${group}/devices/${addr}`, dir);
      groups.set(group, true);
    }
    t.relLink(`sys/bus/pci/devices/${addr}`, dir);
  }
  t.dir('sys/kernel/iommu_groups');
}

function iommuUnit(t, name) {
  t.dir(`sys/devices/virtual/iommu/${name}`);
  t.relLink(`sys/class/iommu/${name}`, `sys/devices/virtual/iommu/${name}`);
}

/**
 * CPUs: `threads` lists, per logical CPU, [package, die, core, siblings, l3Index]
 * and `l3s` lists the L3 caches [id, size, shared list].
 */
function cpus(t, { online, threads, l3s, smt = 'on', isolated = '', hybrid, capacity }) {
  const base = 'sys/devices/system/cpu';
  t.file(`${base}/online`, `${online}\n`);
  t.file(`${base}/possible`, `${online}\n`);
  t.file(`${base}/present`, `${online}\n`);
  t.file(`${base}/isolated`, `${isolated}\n`);
  t.file(`${base}/offline`, '\n');
  t.file(`${base}/kernel_max`, '8191\n');
  t.file(`${base}/smt/control`, `${smt}\n`);
  t.file(`${base}/smt/active`, smt === 'on' ? '1\n' : '0\n');
  threads.forEach(([pkg, die, core, siblings, l3, cluster], id) => {
    const d = `${base}/cpu${id}`;
    if (id !== 0) t.file(`${d}/online`, '1\n');
    t.file(`${d}/topology/physical_package_id`, `${pkg}\n`);
    t.file(`${d}/topology/die_id`, `${die}\n`);
    t.file(`${d}/topology/core_id`, `${core}\n`);
    t.file(`${d}/topology/cluster_id`, `${cluster ?? core}\n`);
    t.file(`${d}/topology/thread_siblings_list`, `${siblings}\n`);
    t.file(`${d}/topology/core_cpus_list`, `${siblings}\n`);
    t.file(`${d}/topology/package_cpus_list`, `${online}\n`);
    // index0-2: L1d, L1i, L2 (private to the core); index3: the shared L3.
    const cache = [
      ['1', 'Data', '32K'],
      ['1', 'Instruction', '32K'],
      ['2', 'Unified', hybrid?.l2?.(id) ?? '512K'],
    ];
    cache.forEach(([level, type, size], i) => {
      t.file(`${d}/cache/index${i}/level`, `${level}\n`);
      t.file(`${d}/cache/index${i}/type`, `${type}\n`);
      t.file(`${d}/cache/index${i}/size`, `${size}\n`);
      t.file(`${d}/cache/index${i}/id`, `${core}\n`);
      t.file(`${d}/cache/index${i}/shared_cpu_list`, `${siblings}\n`);
    });
    const [l3id, l3size, l3shared] = l3s[l3];
    t.file(`${d}/cache/index3/level`, '3\n');
    t.file(`${d}/cache/index3/type`, 'Unified\n');
    t.file(`${d}/cache/index3/size`, `${l3size}\n`);
    t.file(`${d}/cache/index3/id`, `${l3id}\n`);
    t.file(`${d}/cache/index3/shared_cpu_list`, `${l3shared}\n`);
    if (capacity) t.file(`${d}/cpu_capacity`, `${capacity(id)}\n`);
  });
  if (hybrid) {
    t.file('sys/devices/cpu_core/cpus', `${hybrid.core}\n`);
    t.file('sys/devices/cpu_atom/cpus', `${hybrid.atom}\n`);
  }
}

function cpuinfo(t, count, { vendor, family, model, name, flags }) {
  const blocks = [];
  for (let i = 0; i < count; i++) {
    blocks.push(`processor\t: ${i}\nvendor_id\t: ${vendor}\ncpu family\t: ${family}\nmodel\t\t: ${model}\nmodel name\t: ${name}\nflags\t\t: ${flags}\n`);
  }
  t.file('proc/cpuinfo', `${blocks.join('\n')}\n`);
}

/** Global pools: { sizeKiB: [nr, free, resv, surplus, overcommit] }; nodes: [{ cpus, pools: { sizeKiB: [nr, free, surplus] } }]. */
function memory(t, pools, nodes) {
  for (const [size, [nr, free, resv, surplus, over]] of Object.entries(pools)) {
    const d = `sys/kernel/mm/hugepages/hugepages-${size}kB`;
    t.file(`${d}/nr_hugepages`, `${nr}\n`);
    t.file(`${d}/free_hugepages`, `${free}\n`);
    t.file(`${d}/resv_hugepages`, `${resv}\n`);
    t.file(`${d}/surplus_hugepages`, `${surplus}\n`);
    t.file(`${d}/nr_overcommit_hugepages`, `${over}\n`);
    t.file(`${d}/nr_hugepages_mempolicy`, `${nr}\n`);
  }
  nodes.forEach((n, id) => {
    const d = `sys/devices/system/node/node${id}`;
    t.file(`${d}/cpulist`, `${n.cpus}\n`);
    for (const [size, [nr, free, surplus]] of Object.entries(n.pools)) {
      t.file(`${d}/hugepages/hugepages-${size}kB/nr_hugepages`, `${nr}\n`);
      t.file(`${d}/hugepages/hugepages-${size}kB/free_hugepages`, `${free}\n`);
      t.file(`${d}/hugepages/hugepages-${size}kB/surplus_hugepages`, `${surplus}\n`);
    }
  });
  t.file('sys/devices/system/node/online', `0${nodes.length > 1 ? `-${nodes.length - 1}` : ''}\n`);
}

/** modules: [name, size, usedBy[], params{}]; builtin: [path, params{}] (built-in modules with parameters still have /sys/module/NAME). */
function modules(t, release, { loaded, builtin, order, dkms = [] }) {
  const lines = loaded.map(([name, size, users]) => `${name} ${size} ${users.length} ${users.length ? `${users.join(',')},` : '-'} Live 0x0000000000000000`);
  t.file('proc/modules', `${lines.join('\n')}\n`);
  for (const [name, , , params = {}] of loaded) {
    t.file(`sys/module/${name}/initstate`, 'live\n');
    for (const [p, v] of Object.entries(params)) t.file(`sys/module/${name}/parameters/${p}`, `${v}\n`);
  }
  for (const [path, params = {}] of builtin) {
    const name = path.split('/').pop().replace(/\.ko$/, '').replaceAll('-', '_');
    for (const [p, v] of Object.entries(params)) t.file(`sys/module/${name}/parameters/${p}`, `${v}\n`);
  }
  const lib = `lib/modules/${release}`;
  t.file(`${lib}/modules.builtin`, `${builtin.map(([p]) => p).join('\n')}\n`);
  t.file(`${lib}/modules.order`, `${order.join('\n')}\n`);
  // modules.dep: every installed module (in-tree ones compressed as the distribution ships them, DKMS ones under updates/dkms).
  const dep = [...order.map((p) => `${p}${release.includes('generic') || release.includes('pve') ? '.zst' : '.xz'}:`), ...dkms.map((p) => `${p}:`)];
  t.file(`${lib}/modules.dep`, `${dep.join('\n')}\n`);
}

function utf16z(s) {
  return Buffer.concat([Buffer.from(s, 'utf16le'), Buffer.alloc(2)]);
}

/** An efivarfs file: the 4-byte attributes (NV+BS+RT = 7, or BS+RT = 6 for volatile ones), then the data. */
function efivar(t, name, guid, data, attrs = 7) {
  const a = Buffer.alloc(4);
  a.writeUInt32LE(attrs);
  t.file(`sys/firmware/efi/efivars/${name}-${guid}`, Buffer.concat([a, data]));
}

/** EFI_LOAD_OPTION: attributes, device path length, description, then a hard-drive node and a file-path node and the end node. */
function loadOption(description, loader) {
  const hd = Buffer.alloc(42);
  hd.writeUInt8(0x04, 0);
  hd.writeUInt8(0x01, 1);
  hd.writeUInt16LE(42, 2);
  hd.writeUInt32LE(1, 4); // partition 1
  hd.writeBigUInt64LE(2048n, 8); // starts at LBA 2048
  hd.writeBigUInt64LE(1048576n, 16);
  hd.writeUInt8(0x02, 40); // GPT
  hd.writeUInt8(0x02, 41);
  const pathStr = utf16z(loader);
  const fp = Buffer.alloc(4);
  fp.writeUInt8(0x04, 0);
  fp.writeUInt8(0x04, 1);
  fp.writeUInt16LE(4 + pathStr.length, 2);
  const end = Buffer.from([0x7f, 0xff, 0x04, 0x00]);
  const dp = Buffer.concat([hd, fp, pathStr, end]);
  const head = Buffer.alloc(6);
  head.writeUInt32LE(1, 0); // LOAD_OPTION_ACTIVE
  head.writeUInt16LE(dp.length, 4);
  return Buffer.concat([head, utf16z(description), dp]);
}

function efi(t, { current, entries, loaderInfo, entrySelected, stubInfo }) {
  const cur = Buffer.alloc(2);
  cur.writeUInt16LE(current);
  efivar(t, 'BootCurrent', EFI_GLOBAL, cur, 6);
  const order = Buffer.alloc(2 * entries.length);
  entries.forEach(([n], i) => order.writeUInt16LE(n, 2 * i));
  efivar(t, 'BootOrder', EFI_GLOBAL, order);
  for (const [n, desc, loader] of entries) efivar(t, `Boot${n.toString(16).toUpperCase().padStart(4, '0')}`, EFI_GLOBAL, loadOption(desc, loader));
  if (loaderInfo) efivar(t, 'LoaderInfo', SYSTEMD_LOADER, utf16z(loaderInfo), 6);
  if (entrySelected) efivar(t, 'LoaderEntrySelected', SYSTEMD_LOADER, utf16z(entrySelected), 6);
  if (stubInfo) efivar(t, 'StubInfo', SYSTEMD_LOADER, utf16z(stubInfo), 6);
}

function write(name, t, tools, mtimes, readme) {
  const dir = join(OUT, name);
  rmSync(join(dir, 'root'), { recursive: true, force: true });
  rmSync(join(dir, 'tools'), { recursive: true, force: true });
  for (const [path, content] of [...t.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const p = join(dir, 'root', path);
    // Strings have a (legacy) .link method: tell the kinds apart by type first.
    const special = typeof content === 'object' && !Buffer.isBuffer(content) ? content : {};
    if (special.dir) {
      mkdirSync(p, { recursive: true });
      continue;
    }
    mkdirSync(dirname(p), { recursive: true });
    if (special.link) symlinkSync(special.link, p);
    else writeFileSync(p, content);
  }
  for (const [file, content] of Object.entries(tools)) {
    mkdirSync(join(dir, 'tools'), { recursive: true });
    writeFileSync(join(dir, 'tools', file), content);
  }
  writeFileSync(join(dir, 'mtimes.json'), `${JSON.stringify(mtimes, null, 2)}\n`);
  writeFileSync(join(dir, 'README.md'), readme);
}

// ---------------------------------------------------------------------------
// Host 1: AMD desktop, B450 board, GeForce in the chipset slot sharing a group.

function amdB450() {
  const t = new Tree();
  const release = '6.8.0-49-generic';
  t.file('proc/sys/kernel/osrelease', `${release}\n`);
  t.file('proc/sys/kernel/hostname', 'alice-tower\n');
  t.file('etc/hostname', 'alice-tower\n');
  t.file('etc/machine-id', '5b1e0c7a9d2f4e8c8a3b6f0d1c2e4a97\n');
  const rootUuid = '6f1c2b1e-3f7a-4c59-9a51-0d4f8b7e2a13';
  t.file('proc/cmdline', `BOOT_IMAGE=/boot/vmlinuz-${release} root=UUID=${rootUuid} ro quiet splash amd_iommu=on iommu=pt vfio-pci.ids=10de:2503 vt.handoff=7\n`);
  // Matisse root complex with a B450 (400 Series) chipset behind 00:01.3: the
  // chipset has no ACS, so everything behind it, the GeForce in the second x16
  // slot included, is one IOMMU group (2).
  pci(t, [
    ['0000:00:00.0', '1022:1480', '060000', null, null, { sub: '1462:7c02' }],
    ['0000:00:00.2', '1022:1481', '080600', null, null, { sub: '1462:7c02' }],
    ['0000:00:01.0', '1022:1482', '060000', null, 0],
    ['0000:00:01.1', '1022:1483', '060400', 'pcieport', 1],
    ['0000:00:01.3', '1022:1483', '060400', 'pcieport', 2],
    ['0000:00:02.0', '1022:1482', '060000', null, 3],
    ['0000:00:03.0', '1022:1482', '060000', null, 4],
    ['0000:00:03.1', '1022:1483', '060400', 'pcieport', 5],
    ['0000:00:04.0', '1022:1482', '060000', null, 6],
    ['0000:00:05.0', '1022:1482', '060000', null, 7],
    ['0000:00:07.0', '1022:1482', '060000', null, 8],
    ['0000:00:07.1', '1022:1484', '060400', 'pcieport', 9],
    ['0000:00:08.0', '1022:1482', '060000', null, 10],
    ['0000:00:08.1', '1022:1484', '060400', 'pcieport', 11],
    ['0000:00:14.0', '1022:790b', '0c0500', 'piix4_smbus', 12, { sub: '1462:7c02' }],
    ['0000:00:14.3', '1022:790e', '060100', null, 12, { sub: '1462:7c02' }],
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((f) => [`0000:00:18.${f}`, `1022:144${f}`, '060000', f === 3 ? 'k10temp' : null, 13]),
    ['0000:01:00.0', '144d:a80a', '010802', 'nvme', 14, { parent: '0000:00:01.1', sub: '144d:a801', reset: 'flr bus' }],
    ['0000:03:00.0', '1022:43d5', '0c0330', 'xhci_hcd', 2, { parent: '0000:00:01.3', sub: '1b21:1142', reset: 'bus' }],
    ['0000:03:00.1', '1022:43c8', '010601', 'ahci', 2, { parent: '0000:00:01.3', sub: '1b21:1062', reset: 'bus' }],
    ['0000:03:00.2', '1022:43c6', '060400', 'pcieport', 2, { parent: '0000:00:01.3', sub: '1b21:0201' }],
    ['0000:20:00.0', '1022:43c7', '060400', 'pcieport', 2, { parent: '0000:03:00.2', sub: '1b21:3306' }],
    ['0000:20:01.0', '1022:43c7', '060400', 'pcieport', 2, { parent: '0000:03:00.2', sub: '1b21:3306' }],
    ['0000:20:04.0', '1022:43c7', '060400', 'pcieport', 2, { parent: '0000:03:00.2', sub: '1b21:3306' }],
    ['0000:22:00.0', '10ec:8168', '020000', 'r8169', 2, { parent: '0000:20:01.0', sub: '1462:7c02', reset: 'bus' }],
    ['0000:26:00.0', '10de:2503', '030000', 'vfio-pci', 2, { parent: '0000:20:04.0', sub: '1462:397d', bootVga: false, reset: 'bus' }],
    ['0000:26:00.1', '10de:228e', '040300', 'snd_hda_intel', 2, { parent: '0000:20:04.0', sub: '1462:397d', reset: 'bus' }],
    ['0000:28:00.0', '1002:73ff', '030000', 'amdgpu', 15, { parent: '0000:00:03.1', sub: '1462:5022', bootVga: true, reset: 'bus' }],
    ['0000:28:00.1', '1002:ab28', '040300', 'snd_hda_intel', 15, { parent: '0000:00:03.1', sub: '1002:ab28', reset: 'bus' }],
    ['0000:2a:00.0', '1022:148a', '130000', null, 16, { parent: '0000:00:07.1', sub: '1022:148a' }],
    ['0000:2b:00.0', '1022:1485', '130000', null, 17, { parent: '0000:00:08.1', sub: '1022:1485' }],
    ['0000:2b:00.1', '1022:1486', '108000', 'ccp', 18, { parent: '0000:00:08.1', sub: '1022:1486' }],
    ['0000:2b:00.3', '1022:149c', '0c0330', 'xhci_hcd', 19, { parent: '0000:00:08.1', sub: '1462:7c02', reset: 'flr' }],
    ['0000:2b:00.4', '1022:1487', '040300', 'snd_hda_intel', 20, { parent: '0000:00:08.1', sub: '1462:cb02', reset: 'flr' }],
  ]);
  iommuUnit(t, 'ivhd0');
  // Ryzen 5 3600: 6 cores in two CCXes of 3 (core ids 0-2 and 4-6), SMT siblings N and N+6, 16 MiB L3 per CCX.
  const coreIds = [0, 1, 2, 4, 5, 6];
  cpus(t, {
    online: '0-11',
    threads: Array.from({ length: 12 }, (_, id) => {
      const c = id % 6;
      return [0, 0, coreIds[c], `${c},${c + 6}`, c < 3 ? 0 : 1];
    }),
    l3s: [
      [0, '16384K', '0-2,6-8'],
      [1, '16384K', '3-5,9-11'],
    ],
  });
  cpuinfo(t, 12, {
    vendor: 'AuthenticAMD',
    family: 23,
    model: 113,
    name: 'AMD Ryzen 5 3600 6-Core Processor',
    flags: 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate ssbd mba ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru wbnoinvd arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif v_spec_ctrl umip rdpid overflow_recov succor smca sev sev_es',
  });
  // 16 GiB of 2 MiB pages configured (vm.nr_hugepages = 8192); memory was fragmented, so only 6144 came up.
  memory(t, { 2048: [6144, 6144, 0, 0, 0], 1048576: [0, 0, 0, 0, 0] }, [{ cpus: '0-11', pools: { 2048: [6144, 6144, 0], 1048576: [0, 0, 0] } }]);
  modules(t, release, {
    loaded: [
      ['vfio_pci', 16384, [], { disable_idle_d3: 'N', disable_vga: 'N', nointxmask: 'N', enable_sriov: 'N', disable_denylist: 'N' }],
      ['vfio_pci_core', 86016, ['vfio_pci'], { disable_idle_d3: 'N', disable_vga: 'N', nointxmask: 'N' }],
      ['vfio_iommu_type1', 49152, [], { allow_unsafe_interrupts: 'N', dma_entry_limit: '65535' }],
      ['vfio', 69632, ['vfio_pci_core', 'vfio_iommu_type1', 'vfio_pci'], { enable_unsafe_noiommu_mode: 'N' }],
      ['kvm_amd', 208896, [], { npt: '1', nested: '1', avic: 'N', sev: 'N', sev_es: 'N', vls: '1', vgif: '1', lbrv: '1' }],
      ['kvm', 1409024, ['kvm_amd'], { ignore_msrs: 'N', report_ignored_msrs: 'Y', halt_poll_ns: '200000', tdp_mmu: 'Y' }],
      ['amdgpu', 19722240, [], { dc: '-1', runpm: '-1', audio: '-1' }],
      ['snd_hda_intel', 61440, [], { enable_msi: '-1', power_save: '1' }],
      ['r8169', 118784, []],
      ['ccp', 143360, ['kvm_amd']],
      ['k10temp', 16384, []],
      ['nvme', 61440, []],
    ],
    builtin: [
      ['kernel/drivers/pci/pcie/portdrv.ko'],
      ['kernel/drivers/usb/host/xhci-hcd.ko'],
      ['kernel/drivers/usb/host/xhci-pci.ko'],
      ['kernel/drivers/ata/ahci.ko'],
      ['kernel/drivers/i2c/busses/i2c-piix4.ko'],
      ['kernel/drivers/iommu/amd/iommu_v2.ko'],
    ],
    order: [
      'kernel/drivers/vfio/vfio.ko',
      'kernel/drivers/vfio/vfio_iommu_type1.ko',
      'kernel/drivers/vfio/pci/vfio-pci-core.ko',
      'kernel/drivers/vfio/pci/vfio-pci.ko',
      'kernel/arch/x86/kvm/kvm.ko',
      'kernel/arch/x86/kvm/kvm-amd.ko',
      'kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko',
      'kernel/drivers/gpu/drm/nouveau/nouveau.ko',
      'kernel/sound/pci/hda/snd-hda-intel.ko',
      'kernel/drivers/net/ethernet/realtek/r8169.ko',
      'kernel/drivers/crypto/ccp/ccp.ko',
      'kernel/drivers/hwmon/k10temp.ko',
      'kernel/drivers/nvme/host/nvme.ko',
    ],
    // nvidia-dkms-550 built its modules for this kernel: installed, though not loaded.
    dkms: ['updates/dkms/nvidia.ko.zst', 'updates/dkms/nvidia-modeset.ko.zst', 'updates/dkms/nvidia-drm.ko.zst', 'updates/dkms/nvidia-uvm.ko.zst'],
  });
  efi(t, { current: 0, entries: [[0, 'ubuntu', '\\EFI\\ubuntu\\shimx64.efi'], [1, 'UEFI OS', '\\EFI\\BOOT\\BOOTX64.EFI']] });
  t.file('boot/grub/grub.cfg', `#
# DO NOT EDIT THIS FILE
#
# It is automatically generated by grub-mkconfig using templates
# from /etc/grub.d and settings from /etc/default/grub
#
set default="0"
search --no-floppy --fs-uuid --set=root ${rootUuid}
menuentry 'Ubuntu' --class ubuntu --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-${rootUuid}' {
	recordfail
	load_video
	gfxmode $linux_gfx_mode
	insmod gzio
	insmod part_gpt
	insmod ext2
	search --no-floppy --fs-uuid --set=root ${rootUuid}
	linux	/boot/vmlinuz-${release} root=UUID=${rootUuid} ro  quiet splash amd_iommu=on iommu=pt vfio-pci.ids=10de:2503 $vt_handoff
	initrd	/boot/initrd.img-${release}
}
`);
  t.file(`boot/initrd.img-${release}`, 'fixture stand-in: the image is listed by the canned lsinitramfs output in tools/\n');
  t.file(`boot/vmlinuz-${release}`, 'fixture stand-in\n');
  t.file('etc/default/grub', `# If you change this file, run 'update-grub' afterwards to update
# /boot/grub/grub.cfg.
GRUB_DEFAULT=0
GRUB_TIMEOUT_STYLE=hidden
GRUB_TIMEOUT=0
GRUB_DISTRIBUTOR=\`( . /etc/os-release; echo \${NAME:-Ubuntu} ) 2>/dev/null || echo Ubuntu\`
GRUB_CMDLINE_LINUX_DEFAULT="quiet splash amd_iommu=on iommu=pt vfio-pci.ids=10de:2503"
GRUB_CMDLINE_LINUX=""
`);
  t.file('etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:2503,10de:228e\nsoftdep snd_hda_intel pre: vfio-pci\nsoftdep nouveau pre: vfio-pci\n');
  t.file('etc/modprobe.d/blacklist-nvidia.conf', 'blacklist nouveau\noptions nouveau modeset=0\n');
  t.file('etc/initramfs-tools/modules', '# List of modules that you want to include in your initramfs.\nvfio\nvfio_iommu_type1\nvfio_pci\n');
  t.file('etc/sysctl.d/80-hugepages.conf', 'vm.nr_hugepages = 8192\n');
  const domainUuid = 'a3f5e2d1-7c4b-4e8a-9f1d-2b6c8e0a4d57';
  const domain = `<domain type='kvm'>
  <name>win11</name>
  <uuid>${domainUuid}</uuid>
  <memory unit='KiB'>16777216</memory>
  <currentMemory unit='KiB'>16777216</currentMemory>
  <memoryBacking>
    <hugepages/>
  </memoryBacking>
  <vcpu placement='static'>6</vcpu>
  <cputune>
    <vcpupin vcpu='0' cpuset='3'/>
    <vcpupin vcpu='1' cpuset='9'/>
    <vcpupin vcpu='2' cpuset='4'/>
    <vcpupin vcpu='3' cpuset='10'/>
    <vcpupin vcpu='4' cpuset='5'/>
    <vcpupin vcpu='5' cpuset='11'/>
    <emulatorpin cpuset='0,6'/>
  </cputune>
  <sysinfo type='smbios'>
    <system>
      <entry name='manufacturer'>Micro-Star International Co., Ltd.</entry>
      <entry name='product'>MS-7C02</entry>
      <entry name='serial'>K919046519</entry>
      <entry name='uuid'>${domainUuid}</entry>
    </system>
  </sysinfo>
  <os>
    <type arch='x86_64' machine='pc-q35-8.2'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</loader>
    <nvram>/var/lib/libvirt/qemu/nvram/win11_VARS.fd</nvram>
    <smbios mode='sysinfo'/>
  </os>
  <features>
    <acpi/>
    <apic/>
    <hyperv mode='custom'>
      <relaxed state='on'/>
      <vapic state='on'/>
      <spinlocks state='on' retries='8191'/>
      <vendor_id state='on' value='1234567890ab'/>
    </hyperv>
    <kvm>
      <hidden state='on'/>
    </kvm>
  </features>
  <cpu mode='host-passthrough' check='none' migratable='on'>
    <topology sockets='1' dies='1' clusters='1' cores='3' threads='2'/>
    <feature policy='require' name='topoext'/>
  </cpu>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw' cache='none' io='native' discard='unmap'/>
      <source dev='/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R123456A'/>
      <target dev='vda' bus='virtio'/>
      <serial>S5GXNF0R123456A</serial>
    </disk>
    <interface type='bridge'>
      <mac address='52:54:00:3c:9a:1e'/>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x26' slot='0x00' function='0x0'/>
      </source>
    </hostdev>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x26' slot='0x00' function='0x1'/>
      </source>
    </hostdev>
    <memballoon model='none'/>
  </devices>
</domain>
`;
  t.file('etc/libvirt/qemu/win11.xml', domain);
  const caps = capabilities({
    uuid: '03d502e0-045e-0519-8d06-a50700080009',
    cpu: ['x86_64', 'EPYC-Rome', 'AMD'],
    cells: [{ memory: 32780748, pages: { 4: 6620187, 2048: 6144, 1048576: 0 }, cpus: 12, siblings: (id) => `${id % 6},${(id % 6) + 6}`, coreOf: (id) => coreIds[id % 6] }],
  });
  const lsinitramfs = `${release === '' ? '' : ''}.
kernel
kernel/x86
kernel/x86/microcode
kernel/x86/microcode/AuthenticAMD.bin
usr
usr/lib
usr/lib/modules
usr/lib/modules/${release}
usr/lib/modules/${release}/kernel
usr/lib/modules/${release}/kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko.zst
usr/lib/modules/${release}/kernel/drivers/nvme/host/nvme.ko.zst
usr/lib/modules/${release}/kernel/drivers/net/ethernet/realtek/r8169.ko.zst
usr/lib/modules/${release}/modules.dep
usr/lib/modules/${release}/modules.order
`;
  // The image was built on 2024-11-02; vfio.conf and initramfs-tools/modules were edited on 2024-11-20, with no update-initramfs since.
  const mtimes = {
    [`/boot/initrd.img-${release}`]: '2024-11-02T18:20:11Z',
    [`/boot/vmlinuz-${release}`]: '2024-10-29T09:14:02Z',
    '/boot/grub/grub.cfg': '2024-11-20T21:02:45Z',
    '/etc/default/grub': '2024-11-20T21:01:10Z',
    '/etc/modprobe.d/vfio.conf': '2024-11-20T21:05:33Z',
    '/etc/modprobe.d/blacklist-nvidia.conf': '2024-10-29T09:31:40Z',
    '/etc/initramfs-tools/modules': '2024-11-20T21:06:02Z',
  };
  write(
    'amd-b450-nvidia-shared-group',
    t,
    { 'virsh-capabilities.xml': caps, 'virsh-list.txt': 'win11\n\n', 'virsh-dumpxml-win11.xml': domain.replace("<domain type='kvm'>", "<domain type='kvm' id='1'>"), 'lsinitramfs.txt': lsinitramfs },
    mtimes,
    `# amd-b450-nvidia-shared-group

Modeled on an AMD desktop of the kind VFIO users most often post: a Ryzen 5 3600
(Matisse: two CCXes of three cores, SMT siblings N and N+6, 16 MiB L3 per CCX) on an
MSI B450 board (subsystem 1462:7c02), Ubuntu 24.04 (kernel ${release}) booting GRUB through shim,
a Radeon RX 6600 (1002:73ff) for the host in the CPU-attached slot, and a GeForce RTX 3060
(10de:2503, audio 10de:228e) in the second x16 slot, which hangs off the B450 chipset.
The 400 Series chipset has no ACS, so the GeForce shares IOMMU group 2 with the chipset's
USB (1022:43d5) and SATA (1022:43c8) controllers, its bridges, and the Realtek NIC: the group
layout reported again and again for B450/X470 boards.

What the facts show:
- group 2 is not viable: the GeForce is bound to vfio-pci, its audio function to
  snd_hda_intel, and xhci_hcd, ahci and r8169 hold the rest;
- the booted command line has vfio-pci.ids=10de:2503 only; /etc/modprobe.d/vfio.conf
  (edited 2024-11-20) adds the audio function, but the initramfs was last built on
  2024-11-02 and holds no vfio module;
- vm.nr_hugepages = 8192 is configured; 6144 pages came up;
- nvidia's DKMS modules are installed (modules.dep), not loaded.

Identifying values to be redacted: host name alice-tower, machine id, the root filesystem
UUID (cmdline, grub.cfg), the domain UUID, the copied SMBIOS serial, the disk serial, the MAC.
`,
  );
}

/** A small `virsh capabilities` document: host uuid, cpu, NUMA cells with pages and cpus. */
function capabilities({ uuid, cpu, cells }) {
  const [arch, model, vendor] = cpu;
  const cellXml = cells
    .map(
      (c, i) => `      <cell id='${i}'>
        <memory unit='KiB'>${c.memory}</memory>
${Object.entries(c.pages)
  .map(([size, n]) => `        <pages unit='KiB' size='${size}'>${n}</pages>`)
  .join('\n')}
        <cpus num='${c.cpus}'>
${Array.from({ length: c.cpus }, (_, id) => `          <cpu id='${id}' socket_id='0' die_id='0' cluster_id='${c.coreOf(id)}' core_id='${c.coreOf(id)}' siblings='${c.siblings(id)}'/>`).join('\n')}
        </cpus>
      </cell>`,
    )
    .join('\n');
  return `<capabilities>

  <host>
    <uuid>${uuid}</uuid>
    <cpu>
      <arch>${arch}</arch>
      <model>${model}</model>
      <vendor>${vendor}</vendor>
    </cpu>
    <iommu support='yes'/>
    <topology>
      <cells num='${cells.length}'>
${cellXml}
      </cells>
    </topology>
  </host>

</capabilities>
`;
}

// ---------------------------------------------------------------------------
// Host 2: Intel Alder Lake desktop with VT-d off in the firmware.

function intelIommuOff() {
  const t = new Tree();
  const release = '6.11.9-arch1-1';
  t.file('proc/sys/kernel/osrelease', `${release}\n`);
  t.file('proc/sys/kernel/hostname', 'archbox\n');
  t.file('etc/hostname', 'archbox\n');
  t.file('proc/cmdline', 'BOOT_IMAGE=/vmlinuz-linux root=UUID=0b7f3c55-2d1e-4a8b-b7c3-91f0e6d2a4c8 rw loglevel=3 quiet intel_iommu=on iommu=pt\n');
  // With VT-d disabled in the firmware there is no DMAR table: no IOMMU units, no groups,
  // and intel_iommu=on has nothing to turn on.
  pci(t, [
    ['0000:00:00.0', '8086:4668', '060000', 'igen6_edac', null, { sub: '1043:8694' }],
    ['0000:00:01.0', '8086:460d', '060400', 'pcieport', null],
    ['0000:00:02.0', '8086:4680', '030000', 'i915', null, { sub: '1043:8694', bootVga: false, reset: 'flr bus' }],
    ['0000:00:08.0', '8086:464f', '088000', null, null, { sub: '1043:8694' }],
    ['0000:00:14.0', '8086:7ae0', '0c0330', 'xhci_hcd', null, { sub: '1043:8694', reset: 'pm' }],
    ['0000:00:14.2', '8086:7aa7', '050000', null, null, { sub: '1043:8694' }],
    ['0000:00:16.0', '8086:7ae8', '078000', 'mei_me', null, { sub: '1043:8694', reset: 'pm' }],
    ['0000:00:17.0', '8086:7ae2', '010601', 'ahci', null, { sub: '1043:8694', reset: 'pm' }],
    ['0000:00:1c.0', '8086:7ab8', '060400', 'pcieport', null],
    ['0000:00:1f.0', '8086:7a84', '060100', null, null, { sub: '1043:8694' }],
    ['0000:00:1f.3', '8086:7ad0', '040300', 'snd_hda_intel', null, { sub: '1043:8882' }],
    ['0000:00:1f.4', '8086:7aa3', '0c0500', 'i801_smbus', null, { sub: '1043:8694' }],
    ['0000:00:1f.5', '8086:7aa4', '0c8000', 'intel-spi', null, { sub: '1043:8694' }],
    ['0000:01:00.0', '10de:2484', '030000', 'nvidia', null, { parent: '0000:00:01.0', sub: '3842:3755', bootVga: true, reset: 'bus' }],
    ['0000:01:00.1', '10de:228b', '040300', 'snd_hda_intel', null, { parent: '0000:00:01.0', sub: '3842:3755', reset: 'bus' }],
    ['0000:03:00.0', '8086:15f3', '020000', 'igc', null, { parent: '0000:00:1c.0', sub: '1043:87d2', reset: 'flr bus' }],
  ]);
  // i9-12900K: 8 P-cores with HT (cpu0-15, siblings 2n and 2n+1), 8 E-cores (cpu16-23) in two
  // clusters of four sharing an L2; one 30 MiB L3.
  const threads = [];
  for (let id = 0; id < 24; id++) {
    if (id < 16) threads.push([0, 0, Math.floor(id / 2) * 4, `${id - (id % 2)}-${id - (id % 2) + 1}`, 0, Math.floor(id / 2) * 4]);
    else threads.push([0, 0, 32 + (id - 16), `${id}`, 0, id < 20 ? 32 : 36]);
  }
  cpus(t, { online: '0-23', threads, l3s: [[0, '30720K', '0-23']], hybrid: { core: '0-15', atom: '16-23', l2: (id) => (id < 16 ? '1280K' : '2048K') } });
  cpuinfo(t, 24, {
    vendor: 'GenuineIntel',
    family: 6,
    model: 151,
    name: '12th Gen Intel(R) Core(TM) i9-12900K',
    flags: 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb ssbd ibrs ibpb stibp ibrs_enhanced tpr_shadow flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb intel_pt sha_ni xsaveopt xsavec xgetbv1 xsaves split_lock_detect user_shstk avx_vnni dtherm ida arat pln pts hwp hwp_notify hwp_act_window hwp_epp hwp_pkg_req hfi vnmi umip pku ospke waitpkg gfni vaes vpclmulqdq tme rdpid movdiri movdir64b fsrm md_clear serialize pconfig arch_lbr ibt flush_l1d arch_capabilities',
  });
  memory(t, { 2048: [0, 0, 0, 0, 0], 1048576: [0, 0, 0, 0, 0] }, [{ cpus: '0-23', pools: { 2048: [0, 0, 0], 1048576: [0, 0, 0] } }]);
  modules(t, release, {
    loaded: [
      ['nvidia_drm', 131072, [], { modeset: 'Y', fbdev: 'Y' }],
      ['nvidia_modeset', 1646592, ['nvidia_drm']],
      ['nvidia', 61435904, ['nvidia_modeset']],
      ['i915', 4685824, [], { enable_guc: '-1' }],
      ['kvm_intel', 458752, [], { nested: 'Y', ept: 'Y', enable_apicv: 'Y' }],
      ['kvm', 1417216, ['kvm_intel'], { ignore_msrs: 'N', report_ignored_msrs: 'Y' }],
      ['snd_hda_intel', 65536, []],
      ['igc', 217088, []],
      ['mei_me', 57344, []],
      ['igen6_edac', 32768, []],
    ],
    builtin: [['kernel/drivers/iommu/intel/iommu.ko'], ['kernel/drivers/pci/pcie/portdrv.ko']],
    order: [
      'kernel/drivers/vfio/vfio.ko',
      'kernel/drivers/vfio/vfio_iommu_type1.ko',
      'kernel/drivers/vfio/pci/vfio-pci-core.ko',
      'kernel/drivers/vfio/pci/vfio-pci.ko',
      'kernel/arch/x86/kvm/kvm.ko',
      'kernel/arch/x86/kvm/kvm-intel.ko',
      'kernel/drivers/gpu/drm/i915/i915.ko',
      'kernel/sound/pci/hda/snd-hda-intel.ko',
      'kernel/drivers/net/ethernet/intel/igc/igc.ko',
      'kernel/drivers/misc/mei/mei-me.ko',
      'kernel/drivers/edac/igen6_edac.ko',
    ],
    dkms: ['extramodules/nvidia.ko.xz', 'extramodules/nvidia-modeset.ko.xz', 'extramodules/nvidia-drm.ko.xz', 'extramodules/nvidia-uvm.ko.xz'],
  });
  efi(t, { current: 1, entries: [[1, 'GRUB', '\\EFI\\GRUB\\grubx64.efi'], [0, 'UEFI OS', '\\EFI\\BOOT\\BOOTX64.EFI']] });
  t.file('boot/grub/grub.cfg', `### BEGIN /etc/grub.d/10_linux ###
menuentry 'Arch Linux' --class arch --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-0b7f3c55-2d1e-4a8b-b7c3-91f0e6d2a4c8' {
	load_video
	set gfxpayload=keep
	insmod gzio
	insmod part_gpt
	insmod ext2
	search --no-floppy --fs-uuid --set=root 0b7f3c55-2d1e-4a8b-b7c3-91f0e6d2a4c8
	echo	'Loading Linux linux ...'
	linux	/boot/vmlinuz-linux root=UUID=0b7f3c55-2d1e-4a8b-b7c3-91f0e6d2a4c8 rw  loglevel=3 quiet intel_iommu=on iommu=pt
	echo	'Loading initial ramdisk ...'
	initrd	/boot/intel-ucode.img /boot/initramfs-linux.img
}
### END /etc/grub.d/10_linux ###
`);
  t.file('boot/initramfs-linux.img', 'fixture stand-in: listed by the canned lsinitcpio output in tools/\n');
  t.file('boot/initramfs-linux-fallback.img', 'fixture stand-in\n');
  t.file('etc/default/grub', 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR="Arch"\nGRUB_CMDLINE_LINUX_DEFAULT="loglevel=3 quiet intel_iommu=on iommu=pt"\nGRUB_CMDLINE_LINUX=""\n');
  t.file('etc/mkinitcpio.conf', 'MODULES=(vfio_pci vfio vfio_iommu_type1)\nBINARIES=()\nFILES=()\nHOOKS=(base udev autodetect microcode modconf kms keyboard keymap consolefont block filesystems fsck)\n');
  t.file('etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:2484,10de:228b\nsoftdep nvidia pre: vfio-pci\n');
  const lsinitcpio = `usr/lib/modules/${release}/kernel/drivers/vfio/vfio.ko.zst
usr/lib/modules/${release}/kernel/drivers/vfio/vfio_iommu_type1.ko.zst
usr/lib/modules/${release}/kernel/drivers/vfio/pci/vfio-pci-core.ko.zst
usr/lib/modules/${release}/kernel/drivers/vfio/pci/vfio-pci.ko.zst
usr/lib/modules/${release}/kernel/drivers/nvme/host/nvme.ko.zst
usr/lib/modules/${release}/modules.dep
usr/lib/modules/${release}/modules.order
`;
  write(
    'intel-iommu-off',
    t,
    { 'lsinitcpio.txt': lsinitcpio },
    {
      '/boot/initramfs-linux.img': '2024-11-25T08:40:00Z',
      '/boot/initramfs-linux-fallback.img': '2024-11-25T08:40:30Z',
      '/boot/grub/grub.cfg': '2024-11-24T19:12:00Z',
      '/etc/default/grub': '2024-11-24T19:10:00Z',
      '/etc/mkinitcpio.conf': '2024-11-25T08:38:00Z',
      '/etc/modprobe.d/vfio.conf': '2024-11-25T08:37:00Z',
    },
    `# intel-iommu-off

Modeled on an Intel desktop with VT-d switched off in the firmware setup (the default
on many consumer boards): an i9-12900K (Alder Lake: 8 P-cores with Hyper-Threading as
cpu0-15, SMT siblings 2n and 2n+1; 8 E-cores as cpu16-23 in two clusters of four; hybrid
types in /sys/devices/cpu_core and cpu_atom) on an ASUS Z690 board (subsystem 1043:8694),
Arch Linux (kernel ${release}) with GRUB and mkinitcpio, and a GeForce RTX 3070 (10de:2484,
audio 10de:228b) meant for a VM.

What the facts show:
- /sys/kernel/iommu_groups is empty and /sys/class/iommu has no dmar unit, although the
  booted command line has intel_iommu=on: without a DMAR table there is nothing to turn on;
- the GeForce is bound to nvidia (vfio-pci is in the initramfs and configured with the ids,
  but no IOMMU means vfio-pci cannot take it); no virsh is installed (no tools/virsh-*).
`,
  );
}

// ---------------------------------------------------------------------------
// Host 3: Ubuntu 20.04, where vfio-pci is built into the kernel.

function vfioBuiltin() {
  const t = new Tree();
  const release = '5.4.0-200-generic';
  t.file('proc/sys/kernel/osrelease', `${release}\n`);
  t.file('proc/sys/kernel/hostname', 'workstation\n');
  t.file('etc/hostname', 'workstation\n');
  t.file('proc/cmdline', `BOOT_IMAGE=/boot/vmlinuz-${release} root=UUID=d2c4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f ro quiet splash intel_iommu=on vt.handoff=7\n`);
  // Coffee Lake on Z370, legacy BIOS boot. The GTX 1070 sits alone (with its audio and the
  // root port above it) in group 1: a viable group.
  pci(t, [
    ['0000:00:00.0', '8086:3ec2', '060000', 'skl_uncore', 0, { sub: '1458:5000' }],
    ['0000:00:01.0', '8086:1901', '060400', 'pcieport', 1],
    ['0000:00:02.0', '8086:3e92', '030000', 'i915', 2, { sub: '1458:d000', bootVga: true, reset: 'flr bus' }],
    ['0000:00:14.0', '8086:a2af', '0c0330', 'xhci_hcd', 3, { sub: '1458:5007', reset: 'pm' }],
    ['0000:00:16.0', '8086:a2ba', '078000', 'mei_me', 4, { sub: '1458:1c3a', reset: 'pm' }],
    ['0000:00:17.0', '8086:a282', '010601', 'ahci', 5, { sub: '1458:b005', reset: 'pm' }],
    ['0000:00:1c.0', '8086:a290', '060400', 'pcieport', 6],
    ['0000:00:1c.4', '8086:a294', '060400', 'pcieport', 7],
    ['0000:00:1f.0', '8086:a2c9', '060100', null, 8, { sub: '1458:5001' }],
    ['0000:00:1f.2', '8086:a2a1', '058000', null, 8, { sub: '1458:5001' }],
    ['0000:00:1f.3', '8086:a2f0', '040300', 'snd_hda_intel', 8, { sub: '1458:a182' }],
    ['0000:00:1f.4', '8086:a2a3', '0c0500', 'i801_smbus', 8, { sub: '1458:5001' }],
    ['0000:00:1f.6', '8086:15b8', '020000', 'e1000e', 8, { sub: '1458:e000' }],
    ['0000:01:00.0', '10de:1b81', '030000', 'nouveau', 1, { parent: '0000:00:01.0', sub: '1462:3301', bootVga: false, reset: 'bus' }],
    ['0000:01:00.1', '10de:10f0', '040300', 'snd_hda_intel', 1, { parent: '0000:00:01.0', sub: '1462:3301', reset: 'bus' }],
    ['0000:03:00.0', '15b7:5009', '010802', 'nvme', 9, { parent: '0000:00:1c.4', sub: '15b7:5009', reset: 'flr bus' }],
  ]);
  iommuUnit(t, 'dmar0');
  iommuUnit(t, 'dmar1');
  // i7-8700K: 6 cores with HT, siblings N and N+6, 12 MiB L3.
  cpus(t, {
    online: '0-11',
    threads: Array.from({ length: 12 }, (_, id) => [0, 0, id % 6, `${id % 6},${(id % 6) + 6}`, 0]),
    l3s: [[0, '12288K', '0-11']],
  });
  cpuinfo(t, 12, {
    vendor: 'GenuineIntel',
    family: 6,
    model: 158,
    name: 'Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz',
    flags: 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb invpcid_single pti ssbd ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm mpx rdseed adx smap clflushopt intel_pt xsaveopt xsavec xgetbv1 xsaves dtherm ida arat pln pts hwp hwp_notify hwp_act_window hwp_epp md_clear flush_l1d arch_capabilities',
  });
  memory(t, { 2048: [0, 0, 0, 0, 0], 1048576: [0, 0, 0, 0, 0] }, [{ cpus: '0-11', pools: { 2048: [0, 0, 0], 1048576: [0, 0, 0] } }]);
  modules(t, release, {
    loaded: [
      ['nouveau', 1974272, []],
      ['i915', 1994752, []],
      ['kvm_intel', 286720, [], { nested: 'N', ept: 'Y' }],
      ['kvm', 663552, ['kvm_intel'], { ignore_msrs: 'N' }],
      ['snd_hda_intel', 53248, []],
      ['e1000e', 262144, []],
      ['mei_me', 40960, []],
      ['nvme', 45056, []],
    ],
    // Ubuntu 20.04's kernels build VFIO in (CONFIG_VFIO_PCI=y): /sys/module/vfio_pci exists
    // with its parameters, /proc/modules does not list it, and modprobe.d options for it are never read.
    builtin: [
      ['kernel/drivers/vfio/vfio.ko', { enable_unsafe_noiommu_mode: 'N' }],
      ['kernel/drivers/vfio/vfio_iommu_type1.ko', { allow_unsafe_interrupts: 'N', dma_entry_limit: '65535', disable_hugepages: 'N' }],
      ['kernel/drivers/vfio/vfio_virqfd.ko'],
      ['kernel/drivers/vfio/pci/vfio-pci.ko', { disable_idle_d3: 'N', disable_vga: 'N', nointxmask: 'N', enable_sriov: 'N', disable_denylist: 'N' }],
      ['kernel/drivers/pci/pcie/portdrv.ko'],
      ['kernel/drivers/usb/host/xhci-hcd.ko'],
      ['kernel/drivers/usb/host/xhci-pci.ko'],
      ['kernel/drivers/ata/ahci.ko'],
    ],
    order: [
      'kernel/arch/x86/kvm/kvm.ko',
      'kernel/arch/x86/kvm/kvm-intel.ko',
      'kernel/drivers/gpu/drm/i915/i915.ko',
      'kernel/drivers/gpu/drm/nouveau/nouveau.ko',
      'kernel/sound/pci/hda/snd-hda-intel.ko',
      'kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko',
      'kernel/drivers/misc/mei/mei-me.ko',
      'kernel/drivers/nvme/host/nvme.ko',
    ],
  });
  t.file('boot/grub/grub.cfg', `menuentry 'Ubuntu' --class ubuntu --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-d2c4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f' {
	recordfail
	load_video
	insmod gzio
	insmod part_msdos
	insmod ext2
	set root='hd0,msdos1'
	linux	/boot/vmlinuz-${release} root=UUID=d2c4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f ro  quiet splash intel_iommu=on $vt_handoff
	initrd	/boot/initrd.img-${release}
}
`);
  t.file(`boot/initrd.img-${release}`, 'fixture stand-in: listed by the canned lsinitramfs output in tools/\n');
  t.file('etc/default/grub', 'GRUB_DEFAULT=0\nGRUB_TIMEOUT_STYLE=hidden\nGRUB_TIMEOUT=0\nGRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash intel_iommu=on"\nGRUB_CMDLINE_LINUX=""\n');
  t.file('etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:1b81,10de:10f0\n');
  t.file('etc/initramfs-tools/modules', 'vfio\nvfio_iommu_type1\nvfio_pci\nvfio_virqfd\n');
  const lsinitramfs = `kernel/x86/microcode/GenuineIntel.bin
usr/lib/modules/${release}/kernel/drivers/gpu/drm/nouveau/nouveau.ko
usr/lib/modules/${release}/kernel/drivers/nvme/host/nvme.ko
usr/lib/modules/${release}/modules.builtin
usr/lib/modules/${release}/modules.dep
`;
  write(
    'vfio-builtin',
    t,
    { 'lsinitramfs.txt': lsinitramfs },
    {
      [`/boot/initrd.img-${release}`]: '2024-10-08T17:02:00Z',
      '/boot/grub/grub.cfg': '2024-10-08T16:55:00Z',
      '/etc/default/grub': '2024-10-08T16:54:00Z',
      '/etc/modprobe.d/vfio.conf': '2024-10-08T16:58:00Z',
      '/etc/initramfs-tools/modules': '2024-10-08T16:59:00Z',
    },
    `# vfio-builtin

Modeled on Ubuntu 20.04 LTS (kernel ${release}), whose kernels build VFIO into the
kernel (CONFIG_VFIO_PCI=y): vfio-pci appears in modules.builtin and in /sys/module
with its parameters, never in /proc/modules, and \`options vfio-pci ids=...\` in
modprobe.d is never read; the ids must be given as vfio-pci.ids= on the command line.
The machine: an i7-8700K (6 cores with Hyper-Threading, siblings N and N+6, one 12 MiB L3)
on a Gigabyte Z370 board (subsystem 1458:5000), legacy BIOS boot with GRUB, IOMMU on
(intel_iommu=on; two DMAR units), and a GeForce GTX 1070 (10de:1b81, audio 10de:10f0) that
sits with its root port in group 1.

What the facts show:
- modprobe.d has the ids; the booted command line does not; the GTX 1070 is bound to
  nouveau and its audio to snd_hda_intel;
- firmware is BIOS (no /sys/firmware/efi); GRUB's grub.cfg is current.
`,
  );
}

// ---------------------------------------------------------------------------
// Host 4: Proxmox VE 8 on ZFS, booted by systemd-boot through proxmox-boot-tool.

function proxmox() {
  const t = new Tree();
  const release = '6.8.12-4-pve';
  t.file('proc/sys/kernel/osrelease', `${release}\n`);
  t.file('proc/sys/kernel/hostname', 'pve\n');
  t.file('etc/hostname', 'pve\n');
  t.file('etc/machine-id', 'e3a1c9b27f5d4086a2c4d6e8f0b1a3c5\n');
  t.file('proc/cmdline', `initrd=\\EFI\\proxmox\\${release}\\initrd.img-${release} root=ZFS=rpool/ROOT/pve-1 boot=zfs\n`);
  // EPYC 7302P on a Supermicro H12SSL-i: Rome's root complex; the BMC's ASPEED VGA behind its
  // own bridge; an RTX A2000 for a VM, bound to vfio-pci; two BCM5720 ports.
  pci(t, [
    ['0000:00:00.0', '1022:1480', '060000', null, null, { sub: '15d9:1c45', numa: '0' }],
    ['0000:00:00.2', '1022:1481', '080600', null, null, { sub: '15d9:1c45', numa: '0' }],
    ['0000:00:01.0', '1022:1482', '060000', null, 0, { numa: '0' }],
    ['0000:00:01.1', '1022:1483', '060400', 'pcieport', 1, { numa: '0' }],
    ['0000:00:03.0', '1022:1482', '060000', null, 2, { numa: '0' }],
    ['0000:00:03.1', '1022:1483', '060400', 'pcieport', 3, { numa: '0' }],
    ['0000:00:07.0', '1022:1482', '060000', null, 4, { numa: '0' }],
    ['0000:00:07.1', '1022:1484', '060400', 'pcieport', 5, { numa: '0' }],
    ['0000:00:08.0', '1022:1482', '060000', null, 6, { numa: '0' }],
    ['0000:00:08.1', '1022:1484', '060400', 'pcieport', 7, { numa: '0' }],
    ['0000:00:14.0', '1022:790b', '0c0500', 'piix4_smbus', 8, { sub: '15d9:1c45', numa: '0' }],
    ['0000:00:14.3', '1022:790e', '060100', null, 8, { sub: '15d9:1c45', numa: '0' }],
    ['0000:01:00.0', '10de:2531', '030000', 'vfio-pci', 9, { parent: '0000:00:01.1', sub: '10de:151d', bootVga: false, reset: 'bus', numa: '0' }],
    ['0000:01:00.1', '10de:228e', '040300', 'vfio-pci', 9, { parent: '0000:00:01.1', sub: '10de:151d', reset: 'bus', numa: '0' }],
    ['0000:02:00.0', '14e4:165f', '020000', 'tg3', 10, { parent: '0000:00:03.1', sub: '15d9:165f', reset: 'flr bus', numa: '0' }],
    ['0000:02:00.1', '14e4:165f', '020000', 'tg3', 10, { parent: '0000:00:03.1', sub: '15d9:165f', reset: 'flr', numa: '0' }],
    ['0000:03:00.0', '1022:148a', '130000', null, 11, { parent: '0000:00:07.1', sub: '1022:148a', numa: '0' }],
    ['0000:04:00.0', '1022:1485', '130000', null, 12, { parent: '0000:00:08.1', sub: '1022:1485', numa: '0' }],
    ['0000:04:00.2', '1022:1498', '108000', 'ptdma', 13, { parent: '0000:00:08.1', sub: '1022:1498', numa: '0' }],
    ['0000:04:00.3', '1022:148c', '0c0330', 'xhci_hcd', 14, { parent: '0000:00:08.1', sub: '15d9:1c45', reset: 'flr', numa: '0' }],
    ['0000:05:00.0', '1022:7901', '010601', 'ahci', 15, { parent: '0000:00:08.1', sub: '15d9:1c45', numa: '0' }],
    ['0000:c1:00.0', '1a03:1150', '060400', null, 16, { numa: '0' }],
    ['0000:c2:00.0', '1a03:2000', '030000', 'ast', 16, { parent: '0000:c1:00.0', sub: '15d9:1c45', bootVga: true, numa: '0' }],
  ]);
  iommuUnit(t, 'ivhd0');
  iommuUnit(t, 'ivhd1');
  // EPYC 7302P: 16 cores, 4 CCDs with 2 CCXes of 2 cores, 16 MiB L3 per CCX; siblings N and N+16; NPS1: one node.
  const threads = Array.from({ length: 32 }, (_, id) => {
    const c = id % 16;
    const ccx = Math.floor(c / 2);
    return [0, 0, ccx * 4 + (c % 2), `${c},${c + 16}`, ccx];
  });
  const l3s = Array.from({ length: 8 }, (_, ccx) => [ccx, '16384K', `${ccx * 2}-${ccx * 2 + 1},${ccx * 2 + 16}-${ccx * 2 + 17}`]);
  cpus(t, { online: '0-31', threads, l3s });
  cpuinfo(t, 32, {
    vendor: 'AuthenticAMD',
    family: 23,
    model: 49,
    name: 'AMD EPYC 7302P 16-Core Processor',
    flags: 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru wbnoinvd amd_ppin arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif v_spec_ctrl umip rdpid overflow_recov succor smca sev sev_es',
  });
  // 1 GiB pages reserved at boot on the command line: none here, since /etc/kernel/cmdline lacks them.
  memory(t, { 2048: [0, 0, 0, 0, 0], 1048576: [0, 0, 0, 0, 0] }, [{ cpus: '0-31', pools: { 2048: [0, 0, 0], 1048576: [0, 0, 0] } }]);
  modules(t, release, {
    loaded: [
      ['vfio_pci', 16384, [], { disable_idle_d3: 'N', disable_vga: 'N', nointxmask: 'N' }],
      ['vfio_pci_core', 86016, ['vfio_pci']],
      ['vfio_iommu_type1', 49152, [], { allow_unsafe_interrupts: 'N' }],
      ['vfio', 65536, ['vfio_pci_core', 'vfio_iommu_type1', 'vfio_pci'], { enable_unsafe_noiommu_mode: 'N' }],
      ['kvm_amd', 208896, [], { npt: '1', nested: '1', avic: 'N' }],
      ['kvm', 1396736, ['kvm_amd'], { ignore_msrs: 'N' }],
      ['zfs', 6045696, [], { zfs_arc_max: '17179869184' }],
      ['tg3', 212992, []],
      ['ast', 86016, []],
      ['ptdma', 20480, []],
    ],
    builtin: [['kernel/drivers/pci/pcie/portdrv.ko'], ['kernel/drivers/ata/ahci.ko'], ['kernel/drivers/usb/host/xhci-pci.ko']],
    order: [
      'kernel/drivers/vfio/vfio.ko',
      'kernel/drivers/vfio/vfio_iommu_type1.ko',
      'kernel/drivers/vfio/pci/vfio-pci-core.ko',
      'kernel/drivers/vfio/pci/vfio-pci.ko',
      'kernel/arch/x86/kvm/kvm.ko',
      'kernel/arch/x86/kvm/kvm-amd.ko',
      'kernel/drivers/net/ethernet/broadcom/tg3.ko',
      'kernel/drivers/gpu/drm/ast/ast.ko',
      'kernel/drivers/dma/amd/ptdma/ptdma.ko',
      'zfs/zfs.ko',
    ],
  });
  efi(t, {
    current: 4,
    entries: [
      [4, 'Linux Boot Manager', '\\EFI\\systemd\\systemd-bootx64.efi'],
      [5, 'Linux Boot Manager', '\\EFI\\systemd\\systemd-bootx64.efi'],
    ],
    loaderInfo: 'systemd-boot 252.31-1~deb12u1',
    entrySelected: `proxmox-${release}.conf`,
  });
  // proxmox-boot-tool keeps the ESPs unmounted: no loader entries are visible at run time.
  t.file('etc/kernel/proxmox-boot-uuids', '5C2A-1F3B\n5C2A-9D04\n');
  t.file('etc/kernel/cmdline', 'root=ZFS=rpool/ROOT/pve-1 boot=zfs\n');
  // The guide followed said to edit /etc/default/grub; on this machine GRUB is not what boots.
  t.file('etc/default/grub', 'GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR="Proxmox VE"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=on iommu=pt hugepagesz=1G default_hugepagesz=1G hugepages=16"\nGRUB_CMDLINE_LINUX="root=ZFS=rpool/ROOT/pve-1 boot=zfs"\n');
  t.file('etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:2531,10de:228e\nsoftdep nouveau pre: vfio-pci\n');
  t.file('etc/modprobe.d/pve-blacklist.conf', '# This file contains a list of modules which are not supported by Proxmox VE\n\n# nvidiafb see bugreport https://bugzilla.proxmox.com/show_bug.cgi?id=701\nblacklist nvidiafb\n');
  t.file('etc/modules', '# /etc/modules: kernel modules to load at boot time.\nvfio\nvfio_iommu_type1\nvfio_pci\n');
  // initramfs-tools' postinst copies its template here (Debian package initramfs-tools-core 0.142+deb12u3, /usr/share/initramfs-tools/modules).
  t.file('etc/initramfs-tools/modules', '# List of modules that you want to include in your initramfs.\n# They will be loaded at boot time in the order below.\n#\n# Syntax:  module_name [args ...]\n#\n# You must run update-initramfs(8) to effect this change.\n#\n# Examples:\n#\n# raid1\n# sd_mod\n');
  t.file(`boot/initrd.img-${release}`, 'fixture stand-in: listed by the canned lsinitramfs output in tools/\n');
  t.file(`boot/vmlinuz-${release}`, 'fixture stand-in\n');
  const lsinitramfs = `usr/lib/modules/${release}/kernel/drivers/vfio/vfio.ko
usr/lib/modules/${release}/kernel/drivers/vfio/vfio_iommu_type1.ko
usr/lib/modules/${release}/kernel/drivers/vfio/pci/vfio-pci-core.ko
usr/lib/modules/${release}/kernel/drivers/vfio/pci/vfio-pci.ko
usr/lib/modules/${release}/zfs/zfs.ko
usr/lib/modules/${release}/modules.dep
`;
  const caps = capabilities({
    uuid: '00000000-0000-0000-0000-ac1f6bd0e5a2',
    cpu: ['x86_64', 'EPYC-Rome', 'AMD'],
    cells: [{ memory: 131866620, pages: { 4: 32966655, 2048: 0, 1048576: 0 }, cpus: 32, siblings: (id) => `${id % 16},${(id % 16) + 16}`, coreOf: (id) => Math.floor((id % 16) / 2) * 4 + ((id % 16) % 2) }],
  });
  write(
    'proxmox-systemd-boot',
    t,
    { 'lsinitramfs.txt': lsinitramfs, 'virsh-capabilities.xml': caps, 'virsh-list.txt': '\n' },
    {
      [`/boot/initrd.img-${release}`]: '2024-11-18T10:02:00Z',
      [`/boot/vmlinuz-${release}`]: '2024-11-12T14:33:00Z',
      '/etc/default/grub': '2024-11-18T09:50:00Z',
      '/etc/kernel/cmdline': '2024-06-02T12:00:00Z',
      '/etc/kernel/proxmox-boot-uuids': '2024-06-02T12:00:00Z',
      '/etc/modprobe.d/vfio.conf': '2024-11-18T09:55:00Z',
      '/etc/modprobe.d/pve-blacklist.conf': '2024-06-02T12:00:00Z',
      '/etc/initramfs-tools/modules': '2024-06-02T12:00:00Z',
      '/etc/modules': '2024-11-18T09:54:00Z',
    },
    `# proxmox-systemd-boot

Modeled on a Proxmox VE 8 homelab server installed on a ZFS mirror with UEFI, which the
installer sets up to boot with systemd-boot through proxmox-boot-tool (two ESPs listed in
/etc/kernel/proxmox-boot-uuids, kept unmounted, so no loader entries are visible at run time;
the command line comes from /etc/kernel/cmdline). The machine: an EPYC 7302P (16 cores in
4 CCDs of 2 CCXes with 2 cores each, 16 MiB L3 per CCX, siblings N and N+16, NPS1) on a
Supermicro H12SSL-i (subsystem 15d9:1c45; ASPEED BMC display 1a03:2000 behind its bridge;
Broadcom BCM5720 NICs), Debian 12's systemd-boot 252, kernel ${release}, and an NVIDIA
RTX A2000 (10de:2531, audio 10de:228e) bound to vfio-pci for a VM. Host name \`pve\` is the
installer's default and identifies nothing, so it is kept. libvirt's virsh is present (as on
hosts where it was installed beside Proxmox's own qm) with no running domains.

What the facts show:
- EFI: BootCurrent is "Linux Boot Manager" (systemd-boot), LoaderInfo says systemd-boot 252;
- /etc/default/grub has amd_iommu=on, iommu=pt and 1 GiB huge pages; the booted command line
  (from /etc/kernel/cmdline) has none of them, and no 1 GiB pages were reserved;
- the AMD IOMMU is on by default, so the groups exist anyway; the A2000 has its own group 9.
- the initramfs in /boot was rebuilt (10:02) after vfio.conf changed (09:55); the copies on the
  unmounted ESPs, which are what boots, cannot be compared.
`,
  );
}

amdB450();
intelIommuOff();
vfioBuiltin();
proxmox();
