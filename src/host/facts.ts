import type { Loc } from '../engine/rule.js';
import type { ParsedFile } from '../model/machine.js';

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
}

/** A kernel command line a boot will use (catalog 1.1.2: each source is checked on its own). */
export interface CmdlineSource {
  kind: 'grub' | 'kernel-cmdline' | 'bls-entry' | 'proc-cmdline';
  /** For messages: `/etc/default/grub`, `loader entry arch.conf`. */
  label: string;
  /** The file that holds (most of) it. */
  file: ParsedFile;
  params: KernelParamFact[];
}

export type ModprobeKeyword = 'alias' | 'blacklist' | 'options' | 'install' | 'remove' | 'softdep' | 'weakdep';

/** One modprobe.d command after kmod's precedence, in the order kmod processes it. */
export interface ModprobeFact {
  keyword: ModprobeKeyword;
  /** The module (or pattern) it is about, `-` read as `_`. */
  module: string;
  file: ParsedFile;
  /** The whole command. */
  loc: Loc;
  moduleLoc: Loc;
  /** `install`/`remove`: the shell command. */
  command: string | undefined;
  /** `softdep`: modules after `pre:` and `post:` (normalized). */
  pre: string[];
  post: string[];
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
  files: ParsedFile[];
}

/** One `vendor:device` id given to vfio-pci. */
export interface VfioId {
  vendor: string;
  device: string;
  loc: Loc;
}
