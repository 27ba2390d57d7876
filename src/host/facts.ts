import type { Loc } from '../core/range.js';
import type { SourceFile } from '../core/source.js';
import type { CpuSet } from '../core/cpuset.js';
import type { ParsedFile } from '../model/file.js';
import type { KernelList } from './cpulists.js';

/** One kernel parameter as the kernel will see it, with where it is written. */
export interface KernelParamFact {
  /** The name as written (`vfio-pci.ids`). */
  name: string;
  /** The name for matching: `-` read as `_` (`vfio_pci.ids`), as the kernel compares them. */
  key: string;
  /** undefined for the flag form (`quiet`). */
  value: string | undefined;
  /** The whole token. */
  loc: Loc;
  /** The value alone, when there is one. */
  valueLoc: Loc | undefined;
  /** After a bare `--`: passed to init, not the kernel (kmod still reads module options there). */
  afterDashDash: boolean;
  /** The file the token is written in (for edits). */
  source: SourceFile;
}

/** A kernel command line as read from its file, before it is indexed. */
export type CmdlineBase = Pick<CmdlineSource, 'kind' | 'label' | 'file' | 'params'>;

/** A kernel command line a boot will use (catalog 1.1.2: each source is checked on its own). */
export interface CmdlineSource {
  kind: 'grub' | 'kernel-cmdline' | 'bls-entry' | 'proc-cmdline';
  /** For messages: `/etc/default/grub`, `loader entry arch.conf`. */
  label: string;
  /** The file that holds (most of) it. */
  file: ParsedFile;
  /** Every parameter, in command-line order. */
  params: KernelParamFact[];
  /** The occurrence the kernel uses for each name (see `effectiveParam`): ask with `source.get(key)`. */
  get(key: string): KernelParamFact | undefined;
  /** Every occurrence of a name given to the kernel (with a value or not, none after `--`). */
  all(key: string): KernelParamFact[];
  /** The CPU-list parameters, parsed once against the host's CPU count when known. */
  cpuLists: CpuListParams;
}

/** A CPU-list parameter in effect and its parsed value. */
export interface CpuListParam {
  param: KernelParamFact;
  list: KernelList;
}

/** isolcpus, nohz_full, rcu_nocbs and irqaffinity as the kernel takes them (which occurrence wins is the kernel's). */
export interface CpuListParams {
  isolcpus: (CpuListParam & { flags: string[]; flagText: string }) | undefined;
  nohzFull: CpuListParam | undefined;
  rcuNocbs: CpuListParam | undefined;
  irqaffinity: CpuListParam | undefined;
}

/** A persistent huge page pool of one page size, and what set its count. */
export interface HugepagePool {
  size: number;
  pages: number;
  /** The token that sets the count (a `hugepages=` value or a `vm.nr_hugepages` value). */
  at: Loc;
  sysctl: SysctlFact | undefined;
  /** The `hugepages=` (or `sysctl.vm.nr_hugepages=`) parameter, when the count comes from the command line (for edits). */
  param?: KernelParamFact | undefined;
  /** Pages per NUMA node when the count is given per node (`hugepages=0:N,1:M`); undefined: spread by the kernel. */
  nodes?: ReadonlyMap<number, number> | undefined;
}

/** The huge pages the configured boot reserves. */
export interface HugepageConfig {
  /** `default_hugepagesz=` when valid, else 2 MiB (x86). */
  defaultSize: number;
  pools: Map<number, HugepagePool>;
}

/** The host's CPUs (from capabilities XML now; a live host or snapshot later). */
export interface HostCpus {
  /** Every host CPU id. */
  all: CpuSet;
  /** Highest id + 1: what `N` and `all` mean in a kernel CPU list. */
  count: number;
}

export type ModprobeKeyword = 'alias' | 'blacklist' | 'options' | 'install' | 'remove' | 'softdep' | 'weakdep';

/** One modprobe.d command after kmod's precedence, in the order kmod processes it. */
export interface ModprobeFact {
  keyword: ModprobeKeyword;
  /** The module (or pattern) it is about, `-` read as `_`. */
  module: string;
  /** `alias`: the name (or pattern) it defines, `-` read as `_` as kmod reads it; `module` is its target. */
  alias?: string;
  file: ParsedFile;
  /** The whole command. */
  loc: Loc;
  moduleLoc: Loc;
  /** `install`/`remove`: the shell command. */
  command: string | undefined;
  /** `softdep`: modules after `pre:` and `post:` (normalized). */
  pre: string[];
  post: string[];
  /** `softdep`: the first `pre:` word, where a module loaded before this one is added. */
  preAt: Loc | undefined;
  /** `softdep`: each module word after `pre:`/`post:` with its place (for messages at the word). */
  depRefs: { module: string; name: string; role: 'pre' | 'post'; loc: Loc }[];
  /** `options`: each option with its place. */
  options: KernelParamFact[];
}

export interface SysctlFact {
  /** Canonical dotted key (`vm.nr_hugepages` for `vm/nr_hugepages` too). */
  key: string;
  value: string;
  file: ParsedFile;
  loc: Loc;
  valueLoc: Loc;
  /** A `-key = value` line: failures to set it are ignored. */
  ignoreFailure: boolean;
}

/** One module named in an initramfs configuration. */
export interface ModuleFact {
  /** As written. */
  name: string;
  /** `-` read as `_`, a trailing `?` dropped. */
  module: string;
  file: ParsedFile;
  loc: Loc;
}

export interface InitramfsConfig {
  generator: 'mkinitcpio' | 'dracut' | 'initramfs-tools';
  /** Modules loaded early, in load order (mkinitcpio MODULES, dracut force_drivers, initramfs-tools modules). */
  early: ModuleFact[];
  /** Modules only added to the image (dracut add_drivers). */
  included: ModuleFact[];
  /** mkinitcpio HOOKS. */
  hooks: ModuleFact[];
  /** dracut omit_drivers. */
  omitted: ModuleFact[];
  /** Files copied into the image as named: mkinitcpio FILES, dracut install_items and install_optional_items. */
  extraFiles: FileItemFact[];
  /** dracut `hostonly` as the given files set it (only a host-only image carries /etc/modprobe.d); undefined when none sets it. */
  hostonly: { enabled: boolean; at: Loc } | undefined;
  /** A list this config sets has a part vfio-lint cannot know (a command substitution, a conditional assignment). */
  uncertain: boolean;
  files: ParsedFile[];
}

/** A file named in an initramfs configuration's list of files to copy. */
export interface FileItemFact {
  path: string;
  file: ParsedFile;
  loc: Loc;
}

/** One `vendor:device` id given to vfio-pci. */
export interface VfioId {
  vendor: string;
  device: string;
  loc: Loc;
}
