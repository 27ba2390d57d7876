/**
 * HostSnapshot: the running host's facts, as read from /proc, /sys, /lib/modules,
 * /boot and a few tools, in one JSON-serialisable object (format version 2;
 * docs/snapshot.md says what changed since version 1).
 *
 * Conventions, so that a snapshot read back from JSON equals the live read:
 * - Nothing is `undefined`: a value that could not be read or does not exist is
 *   `null`, and why is in `unread` (unless its absence is normal, as said per field).
 * - Ids from sysfs are lowercase hex without `0x` (`"10de"`, class `"030000"`).
 * - CPU lists keep the kernel's own text (`"0-7,16-23"`); parse them with src/core/cpuset.ts.
 * - Paths are the host's own (`/sys/...`), also when the reader was pointed at a fixture root.
 * - Times are milliseconds since the epoch (integers), as `stat` gives them.
 * - Lists are in a fixed order (sorted by address, id or name), so two reads of an unchanged host are equal.
 *
 * Counters that move while the host runs (free huge pages, module use counts) are
 * kept only where a rule needs them; the rest is left out so snapshots compare.
 */

export const SNAPSHOT_VERSION = 2;
/** The oldest format version a reader of this one still reads (the groups it lacks are unknown, not none). */
export const OLDEST_SNAPSHOT_VERSION = 1;

/** Why something could not be read. */
export type UnreadReason =
  /** Not there on this host (file, directory or EFI variable absent). */
  | 'missing'
  /** There, but this user may not read it (EACCES/EPERM, or a tool said so). */
  | 'permission'
  /** The tool that reads it is not installed (not on PATH). */
  | 'tool-absent'
  /** A tool ran longer than its time limit and was killed. */
  | 'timeout'
  /** Larger than the reader's limit for it. */
  | 'too-large'
  /** Anything else: a tool failed, a file did not parse, an I/O error. `detail` says what. */
  | 'failed';

/** The groups of facts; each `read` and `unread` entry names one. */
export type LiveItem =
  | 'kernel-release'
  | 'cmdline'
  | 'iommu'
  | 'pci'
  | 'modules.loaded'
  | 'modules.parameters'
  | 'modules.builtin'
  | 'modules.order'
  | 'modules.installed'
  | 'hugepages'
  | 'numa'
  | 'cpu'
  | 'cpuinfo'
  | 'boot.efi'
  | 'boot.entries'
  | 'boot.grub'
  | 'boot.proxmox'
  | 'boot.uki'
  | 'initramfs'
  | 'initramfs.inputs'
  | 'libvirt.capabilities'
  | 'libvirt.domains';

export interface ReadItem {
  item: LiveItem;
  /** A host path or a command line, e.g. `/proc/cmdline`, `virsh -r -c qemu:///system capabilities`. */
  source: string;
}

export interface UnreadItem extends ReadItem {
  reason: UnreadReason;
  /** One line: what happened (the error in words, a tool's first line of stderr). */
  detail: string;
}

export interface HostSnapshot {
  version: typeof SNAPSHOT_VERSION;
  /** `uname -r`, from /proc/sys/kernel/osrelease. */
  kernelRelease: string | null;
  /** /proc/cmdline as booted, without the trailing newline. */
  cmdline: string | null;
  iommu: IommuFacts;
  /** Every device in /sys/bus/pci/devices, by address. */
  pci: PciDevice[];
  modules: ModuleFacts;
  hugepages: HugepagePool[];
  /** NUMA nodes from /sys/devices/system/node (empty when the kernel has no NUMA support built in). */
  numa: NumaNode[];
  cpu: CpuFacts;
  boot: BootFacts;
  /**
   * The initramfs images for the running kernel: found in /boot by name, and the
   * copies the loader entries for this kernel name (on the ESP: kernel-install,
   * proxmox-boot-tool when its ESP is mounted).
   */
  initramfs: InitramfsImage[];
  /**
   * The /etc files that go into an initramfs image (modprobe.d, mkinitcpio, dracut,
   * initramfs-tools configuration), with their times, to tell an image older than
   * its configuration (format version 2; a version 1 snapshot does not have them).
   */
  initramfsInputs: FileFact[];
  libvirt: LibvirtFacts;
  /** What was read, one entry per source. */
  read: ReadItem[];
  /** What could not be read, and why. */
  unread: UnreadItem[];
}

export interface IommuFacts {
  /**
   * /sys/kernel/iommu_groups, by group number. Empty when the directory is empty
   * or absent: the IOMMU is off (or absent), and VFIO cannot work (except no-IOMMU mode).
   */
  groups: IommuGroup[];
  /** /sys/class/iommu: the IOMMU units the kernel set up (`dmar0`, `ivhd0`); empty when none. */
  units: string[];
}

export interface IommuGroup {
  id: number;
  /** PCI addresses (`0000:01:00.0`) of the group's devices, sorted. */
  devices: string[];
}

export interface PciDevice {
  /** Domain:bus:device.function, `0000:01:00.0`. */
  address: string;
  vendor: string | null;
  device: string | null;
  subsystemVendor: string | null;
  subsystemDevice: string | null;
  /** Class code, 6 hex digits: `030000` VGA, `030200` 3D controller, `040300` audio, `060400` PCI bridge. */
  class: string | null;
  /** The bound driver's name (`vfio-pci`, `nvidia`, `amdgpu`), or null when no driver is bound (normal, not in `unread`). */
  driver: string | null;
  /** driver_override; null when unset (sysfs prints `(null)`). */
  driverOverride: string | null;
  /** The IOMMU group number; null when the device has none (IOMMU off: normal, not in `unread`). */
  iommuGroup: number | null;
  /** boot_vga (`1`: the firmware's boot display). Null when the file is absent (only display devices have it). */
  bootVga: boolean | null;
  /** numa_node; null when the kernel says -1 (no NUMA affinity) or the file is absent. */
  numaNode: number | null;
  /** reset_method, split (`["flr", "bus"]`); null when absent (kernels before 5.15, or no reset method). */
  resetMethods: string[] | null;
}

export interface ModuleFacts {
  /** /proc/modules; null when it could not be read (a kernel without module support has none). */
  loaded: LoadedModule[] | null;
  /**
   * /sys/module/NAME/parameters/PARAM, for loaded and built-in modules that have
   * parameters: module name -> parameter -> value (trailing newline removed), or
   * null for a parameter this user may not read. vfio_pci's `ids` is not there:
   * the kernel gives it no sysfs entry.
   */
  parameters: Record<string, Record<string, string | null>>;
  /** Names (with `_`, as the kernel shows them) from /lib/modules/RELEASE/modules.builtin; null when unread. */
  builtin: string[] | null;
  /** Names from modules.order: the in-tree modules built for this kernel; null when unread. */
  order: string[] | null;
  /** Names of every module depmod indexed (modules.dep), including DKMS and other out-of-tree ones such as nvidia; null when unread. */
  installed: string[] | null;
}

export interface LoadedModule {
  name: string;
  /** `Live`, `Loading` or `Unloading`. */
  state: string;
  /** Modules that use this one (the fourth column of /proc/modules). */
  usedBy: string[];
}

export interface HugepagePool {
  /** The page size in KiB (2048, 1048576). */
  sizeKiB: number;
  /** nr_hugepages: pages allocated now. */
  total: number | null;
  free: number | null;
  reserved: number | null;
  surplus: number | null;
  overcommit: number | null;
}

export interface NumaNode {
  id: number;
  /** The node's CPU list, kernel format. */
  cpus: string | null;
  /** Per-node pools: `reserved` and `overcommit` are global only, so null here. */
  hugepages: HugepagePool[];
}

export interface CpuFacts {
  /** /sys/devices/system/cpu/{online,possible,present,isolated} as cpu lists; isolated is `""` when none. */
  online: string | null;
  possible: string | null;
  present: string | null;
  isolated: string | null;
  /** /sys/devices/system/cpu/nohz_full; null when absent (no CONFIG_NO_HZ_FULL). */
  nohzFull: string | null;
  /** smt/control: `on`, `off`, `forceoff`, `notsupported`, `notimplemented`. */
  smtControl: string | null;
  /** Every CPU directory under /sys/devices/system/cpu, by number. */
  cpus: CpuInfo[];
  /** From the first processor in /proc/cpuinfo (x86 field names; null on others). */
  vendor: string | null;
  modelName: string | null;
  family: number | null;
  model: number | null;
  /** CPU feature flags as /proc/cpuinfo lists them (`svm`, `vmx`, `topoext`, `hypervisor`). */
  flags: string[];
}

export interface CpuInfo {
  id: number;
  /** cpuN/online; cpu0 often has no such file and is online: then true. */
  online: boolean;
  /** From cpuN/topology; null for an offline CPU (no topology directory) or a field this kernel lacks. */
  packageId: number | null;
  dieId: number | null;
  clusterId: number | null;
  coreId: number | null;
  /** SMT siblings (cpu list), including this CPU. */
  threadSiblings: string | null;
  /** The level 3 cache this CPU uses, from cpuN/cache/indexK with level 3. */
  l3: CacheInfo | null;
  /** Hybrid cores: `core` (P-core) or `atom` (E-core) from /sys/devices/cpu_core and cpu_atom; null when the CPU is not hybrid. */
  coreType: 'core' | 'atom' | null;
  /** cpu_capacity (ARM big.LITTLE); null when absent. */
  capacity: number | null;
}

export interface CacheInfo {
  id: number | null;
  /** As the kernel prints it, e.g. `32768K`. */
  size: string | null;
  sharedCpus: string | null;
}

export interface BootFacts {
  /** `uefi` when /sys/firmware/efi exists, else `bios`. */
  firmware: 'uefi' | 'bios';
  efi: EfiFacts | null;
  /** Boot Loader Specification entries (systemd-boot, and GRUB with BLS on Fedora) in /boot, /efi, /boot/efi. */
  entries: BootEntry[];
  /** The first grub.cfg found (/boot/grub/grub.cfg, /boot/grub2/grub.cfg); null when none. */
  grub: GrubConfig | null;
  /** Proxmox's proxmox-boot-tool state; null when /etc/kernel/proxmox-boot-uuids is absent (not managed by it). */
  proxmox: ProxmoxBoot | null;
  /** Unified kernel images in EFI/Linux on the ESP or /boot. */
  ukis: FileFact[];
}

export interface EfiFacts {
  /** BootCurrent as 4 hex digits; null when the variable could not be read. */
  bootCurrent: string | null;
  /** The description of the Boot#### entry the firmware booted (`Linux Boot Manager`, `proxmox`, `debian`, `ubuntu`). */
  bootCurrentDescription: string | null;
  /** Its file path, as the firmware has it (`\EFI\systemd\systemd-bootx64.efi`). */
  bootCurrentPath: string | null;
  /** systemd-boot's LoaderInfo (`systemd-boot 252.33`): set when systemd-boot booted this kernel. */
  loaderInfo: string | null;
  /** LoaderEntrySelected: the entry booted. */
  loaderEntrySelected: string | null;
  /** systemd-stub's StubInfo: set when a UKI (or a systemd-stub image) booted this kernel. */
  stubInfo: string | null;
}

export interface BootEntry {
  /** The host path of the entry file. */
  path: string;
  mtimeMs: number;
  title: string | null;
  version: string | null;
  linux: string | null;
  initrd: string[];
  /** All `options` lines joined with spaces, as systemd-boot does. */
  options: string | null;
}

export interface GrubConfig {
  path: string;
  mtimeMs: number;
  /** The arguments of every `linux`/`linuxefi` line, in file order (the first is usually the default entry). */
  linuxArgs: string[];
}

export interface ProxmoxBoot {
  /** How many ESPs /etc/kernel/proxmox-boot-uuids lists (their UUIDs are not kept). */
  espCount: number;
  /** /etc/kernel/cmdline exists: proxmox-boot-tool takes the command line from it instead of /etc/default/grub. */
  kernelCmdlineFile: boolean;
}

export interface FileFact {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface InitramfsImage extends FileFact {
  /**
   * The loader entry (its host path) that names this image, for a copy on the ESP;
   * null for an image found in /boot by its name (also when an entry names that same file).
   */
  entry: string | null;
  /** The tool that listed it; null when none is installed (then `modules` is null too). */
  lister: 'lsinitramfs' | 'lsinitrd' | 'lsinitcpio' | null;
  /** Kernel module names (with `_`) found in the image, sorted; null when not listed. */
  modules: string[] | null;
}

export interface LibvirtFacts {
  /** `virsh capabilities` XML on the system connection; null when virsh is absent or failed. */
  capabilities: string | null;
  /** Running domains (`virsh dumpxml`), by name; null when virsh is absent or failed. */
  domains: RunningDomain[] | null;
}

export interface RunningDomain {
  name: string;
  xml: string;
}
