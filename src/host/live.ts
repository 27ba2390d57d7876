import { CpuSet, parseKernelCpuList } from '../core/cpuset.js';
import type { BootFacts, FileFact, HostSnapshot, HugepagePool as LivePool, InitramfsImage, LiveItem, NumaNode, PciDevice, UnreadItem } from '../live/types.js';

export type { PciDevice, InitramfsImage, UnreadItem, LiveItem, FileFact } from '../live/types.js';

/**
 * The running host's facts (src/live/types.ts), as the rules ask them: from
 * `--live` (read now) or a snapshot folder (read when it was taken). Each group
 * of facts is `undefined` when it was not read (its reason is in `unread`), so
 * "unknown" is never mistaken for "none": `iommu` undefined means the groups
 * were not read, `iommu.groups.size === 0` means the host has none.
 *
 * The configured host (HostModel's other fields) says what the next boot will
 * do; this says what the current boot did. A rule that compares the two (the
 * booted command line against /etc/default/grub) reads `cmdline` here and
 * `host.boot` there.
 */
export interface LiveHost {
  /** `live`: read from the running host at `where` (`/`); `snapshot`: from the snapshot folder `where`. */
  origin: 'live' | 'snapshot';
  where: string;
  /** The facts as read (for what this interface does not answer). */
  facts: HostSnapshot;
  /** Was this group of facts read? */
  has(item: LiveItem): boolean;
  /** What could not be read, and why. */
  unread: readonly UnreadItem[];
  kernelRelease: string | undefined;
  /** /proc/cmdline: the command line the running kernel was booted with. */
  cmdline: string | undefined;
  /** /sys/kernel/iommu_groups; an empty map: no IOMMU groups (the IOMMU is off or absent). */
  iommu: { groups: ReadonlyMap<number, readonly string[]>; units: readonly string[] } | undefined;
  pci: LivePci | undefined;
  modules: LiveModules;
  hugepages: LiveHugepages | undefined;
  cpus: LiveCpus | undefined;
  /** Which bootloader booted this kernel, and how that is known. */
  bootloader: Bootloader | undefined;
  boot: BootFacts | undefined;
  /** The running kernel's initramfs images in /boot (with their module lists where a lister was installed). */
  initramfs: readonly InitramfsImage[] | undefined;
  /** The /etc files that go into an initramfs image, with their times, by host path; undefined when not recorded (a version 1 snapshot). */
  initramfsInputs: ReadonlyMap<string, FileFact> | undefined;
}

export interface LivePci {
  devices: readonly PciDevice[];
  get(address: string): PciDevice | undefined;
  /** Every device with this vendor and device id (`10de`, `2503`). */
  withId(vendor: string, device: string): PciDevice[];
  /** The other devices in `address`'s IOMMU group (empty when alone or without a group). */
  groupPeers(address: string): PciDevice[];
}

export interface LiveModules {
  /** Is the module loaded now (/proc/modules)? undefined when unread. Names with `_` or `-`. */
  loaded(name: string): boolean | undefined;
  /** Is it built into the running kernel (modules.builtin)? */
  builtin(name: string): boolean | undefined;
  /** Is it installed for the running kernel, in-tree or not (modules.dep: DKMS modules such as nvidia count)? */
  installed(name: string): boolean | undefined;
  /** /sys/module/NAME/parameters/PARAM now; null when unreadable, undefined when absent. */
  param(name: string, param: string): string | null | undefined;
}

export interface LiveHugepages {
  /** Global pools, one per page size (KiB). */
  pools: readonly LivePool[];
  /** Per NUMA node (empty on a kernel without NUMA). */
  nodes: readonly NumaNode[];
  pool(sizeKiB: number): LivePool | undefined;
}

export interface LiveCpus {
  /** Every CPU the kernel knows (online or not). */
  all: CpuSet;
  online: CpuSet | undefined;
  /** The SMT siblings of `cpu` (itself included), from thread_siblings_list. */
  siblings(cpu: number): CpuSet | undefined;
  /** The NUMA node `cpu` belongs to; undefined without NUMA facts. */
  nodeOf(cpu: number): number | undefined;
  /** /proc/cpuinfo's vendor_id (`AuthenticAMD`, `GenuineIntel`). */
  vendor: string | undefined;
  flags: ReadonlySet<string>;
}

export interface Bootloader {
  name: 'systemd-boot' | 'grub' | 'uki' | 'unknown';
  /** Proxmox's proxmox-boot-tool manages the ESPs (its command line comes from /etc/kernel/cmdline). */
  proxmoxBootTool: boolean;
  /** How it is known, in words for messages (`the EFI variable LoaderInfo says systemd-boot 252`). */
  from: string;
}

const norm = (m: string) => m.replaceAll('-', '_');

/** The rules' view of a live read or a snapshot. */
export function liveHost(facts: HostSnapshot, origin: LiveHost['origin'], where: string): LiveHost {
  const read = new Set(facts.read.map((r) => r.item));
  const has = (item: LiveItem) => read.has(item);
  const listSet = (item: LiveItem, list: readonly string[] | null) => (has(item) && list !== null ? new Set(list.map(norm)) : undefined);
  const loaded = facts.modules.loaded && has('modules.loaded') ? new Set(facts.modules.loaded.map((m) => norm(m.name))) : undefined;
  const builtin = listSet('modules.builtin', facts.modules.builtin);
  const installed = listSet('modules.installed', facts.modules.installed);
  return {
    origin,
    where,
    facts,
    has,
    unread: facts.unread,
    kernelRelease: has('kernel-release') ? (facts.kernelRelease ?? undefined) : undefined,
    cmdline: has('cmdline') ? (facts.cmdline ?? undefined) : undefined,
    iommu: has('iommu') ? { groups: new Map(facts.iommu.groups.map((g) => [g.id, g.devices])), units: facts.iommu.units } : undefined,
    pci: has('pci') ? livePci(facts) : undefined,
    modules: {
      loaded: (n) => loaded?.has(norm(n)),
      builtin: (n) => builtin?.has(norm(n)),
      installed: (n) => (installed === undefined ? undefined : installed.has(norm(n)) || builtin?.has(norm(n)) === true),
      param: (n, p) => (has('modules.parameters') ? facts.modules.parameters[norm(n)]?.[p] : undefined),
    },
    hugepages: has('hugepages') ? { pools: facts.hugepages, nodes: facts.numa, pool: (size) => facts.hugepages.find((p) => p.sizeKiB === size) } : undefined,
    cpus: has('cpu') && facts.cpu.cpus.length > 0 ? liveCpus(facts) : undefined,
    bootloader: bootloaderOf(facts, has),
    boot: has('boot.efi') || has('boot.grub') || has('boot.entries') || has('boot.proxmox') || has('boot.uki') ? facts.boot : undefined,
    initramfs: has('initramfs') ? facts.initramfs : undefined,
    initramfsInputs: has('initramfs.inputs') ? new Map(facts.initramfsInputs.map((f) => [f.path, f])) : undefined,
  };
}

function livePci(facts: HostSnapshot): LivePci {
  const byAddress = new Map(facts.pci.map((d) => [d.address, d]));
  const groups = new Map<number, string[]>(facts.iommu.groups.map((g) => [g.id, g.devices]));
  return {
    devices: facts.pci,
    get: (a) => byAddress.get(a),
    withId: (v, d) => facts.pci.filter((p) => p.vendor === v.toLowerCase() && p.device === d.toLowerCase()),
    groupPeers(a) {
      const dev = byAddress.get(a);
      if (!dev || dev.iommuGroup === null) return [];
      const members = groups.get(dev.iommuGroup) ?? facts.pci.filter((p) => p.iommuGroup === dev.iommuGroup).map((p) => p.address);
      return members.filter((m) => m !== a).map((m) => byAddress.get(m) ?? ({ address: m } as PciDevice));
    },
  };
}

function cpuList(text: string | null): CpuSet | undefined {
  if (text === null) return undefined;
  // The parser takes sysfs's trailing newline as bitmap_parselist does: no trim.
  const r = parseKernelCpuList(text);
  return r.ok ? r.set : undefined;
}

function liveCpus(facts: HostSnapshot): LiveCpus {
  const siblings = new Map<number, CpuSet | undefined>(facts.cpu.cpus.map((c) => [c.id, cpuList(c.threadSiblings)]));
  const node = new Map<number, number>();
  for (const n of facts.numa) for (const c of cpuList(n.cpus) ?? CpuSet.EMPTY) node.set(c, n.id);
  return {
    all: CpuSet.fromIds(facts.cpu.cpus.map((c) => c.id)),
    online: cpuList(facts.cpu.online),
    siblings: (c) => siblings.get(c),
    nodeOf: (c) => node.get(c),
    vendor: facts.cpu.vendor ?? undefined,
    flags: new Set(facts.cpu.flags),
  };
}

/**
 * Which bootloader booted the running kernel. The EFI variables say it for sure
 * (systemd-boot sets LoaderInfo, systemd-stub StubInfo; BootCurrent names the
 * firmware's entry); on BIOS, a grub.cfg is the only loader vfio-lint reads.
 */
function bootloaderOf(facts: HostSnapshot, has: (i: LiveItem) => boolean): Bootloader | undefined {
  const b = facts.boot;
  const proxmoxBootTool = b.proxmox !== null;
  const efi = has('boot.efi') ? b.efi : null;
  if (efi?.stubInfo) return { name: 'uki', proxmoxBootTool, from: `the EFI variable StubInfo says ${efi.stubInfo}` };
  if (efi?.loaderInfo) return { name: /systemd-boot/i.test(efi.loaderInfo) ? 'systemd-boot' : 'unknown', proxmoxBootTool, from: `the EFI variable LoaderInfo says ${efi.loaderInfo}` };
  if (efi?.bootCurrentPath) {
    const path = efi.bootCurrentPath.toLowerCase();
    if (/\\(grub|shim)[^\\]*\.efi$/.test(path)) return { name: 'grub', proxmoxBootTool, from: `the firmware booted ${efi.bootCurrentPath} (${efi.bootCurrentDescription})` };
    if (/systemd-boot|\\boot\\bootx64\.efi$/.test(path) && path.includes('systemd')) return { name: 'systemd-boot', proxmoxBootTool, from: `the firmware booted ${efi.bootCurrentPath}` };
  }
  if (b.firmware === 'bios' && has('boot.grub') && b.grub) return { name: 'grub', proxmoxBootTool, from: `BIOS boot, and ${b.grub.path} exists` };
  if (!has('boot.efi') && !has('boot.grub')) return undefined;
  return { name: 'unknown', proxmoxBootTool, from: 'neither the EFI variables nor /boot say which loader booted' };
}
