import type { Loc } from '../core/range.js';
import type { HostModel } from './model.js';
import type { InitramfsConfig, KernelParamFact } from './facts.js';
import { moduleItems, valueItems } from './params.js';

/**
 * What keeps a host driver off a device given to vfio-pci until vfio-pci has claimed it. vfio-pci is never
 * loaded for a device by its alias (its table is driver_override only), so something must load it, with
 * its ids, before the driver binds; whichever binds first keeps the device. Shared by the rules about
 * NVIDIA (nvidia-not-blacklisted) and every other driver (vfio-pci-late-load).
 *
 * - strong: the guard holds whatever loads the driver (a softdep that loads vfio-pci first, an install
 *   command, the kernel's module_blacklist=, vfio-pci loaded first by the initramfs or built in with
 *   its ids on the command line, dracut's rd.driver.pre).
 * - weak: it holds only against a load by device alias (blacklist, modprobe.blacklist=), or the order is a
 *   race (vfio_pci in initramfs-tools' modules, loaded after udev has started).
 */
export type Guard = { strength: 'strong'; how: string; at: Loc | undefined } | { strength: 'weak'; how: string; at: Loc } | { strength: 'none' };

/**
 * The guard that keeps `module` off the device. `rivals` are the modules whose place in an initramfs
 * early list matters (the driver itself, and for nvidia the modules that pull it in); `depends` are the
 * modules `module` needs, whose softdep kmod applies when it loads `module`.
 */
export function guardOf(host: HostModel, module: string, rivals: ReadonlySet<string> = new Set([module]), depends: readonly string[] = []): Guard {
  const strong = strongGuard(host, module, rivals, depends);
  if (strong) return strong;
  const blacklist = host.modprobe.blacklist(module);
  if (blacklist) return { strength: 'weak', how: `blacklist ${module}`, at: blacklist.loc };
  for (const source of host.configuredCmdlines) {
    for (const p of source.params) {
      if ((p.key === 'modprobe.blacklist' || p.key === 'rd.driver.blacklist') && listHas(p, module)) return { strength: 'weak', how: `${p.name}=${p.value}`, at: p.loc };
    }
  }
  for (const cfg of host.initramfs) {
    if (cfg.generator === 'initramfs-tools' && cfg.early.some((m) => m.module === 'vfio_pci')) {
      const m = cfg.early.find((x) => x.module === 'vfio_pci')!;
      return { strength: 'weak', how: `vfio_pci in ${m.file.systemPath}`, at: m.loc };
    }
  }
  return { strength: 'none' };
}

/** install-false, module_blacklist=, a `softdep m pre: vfio-pci`, vfio-pci loaded first (with its ids) in the initramfs, built in with command-line ids, or (DRM drivers) mode setting off. */
export function strongGuard(host: HostModel, module: string, rivals: ReadonlySet<string> = new Set([module]), depends: readonly string[] = []): Guard | undefined {
  const fromModprobe = modprobeGuard(host, module, depends);
  if (fromModprobe) return fromModprobe;
  const mkinitcpio = host.initramfs.some((c) => c.generator === 'mkinitcpio');
  for (const source of host.configuredCmdlines) {
    // module_blacklist is a core parameter: the last one counts, and it compares exact names (nvidia-drm is not nvidia_drm).
    const mb = source.get('module_blacklist');
    if (mb && valueItems(mb).some((i) => i.text === module)) return { strength: 'strong', how: `module_blacklist=${mb.value}`, at: mb.loc };
    // rd.driver.pre is dracut's; mkinitcpio's init does not read it.
    const pre = source.params.find((p) => p.key === 'rd.driver.pre' && listHas(p, 'vfio_pci'));
    if (pre && !mkinitcpio) return { strength: 'strong', how: `${pre.name}=${pre.value}`, at: pre.loc };
  }
  for (const cfg of host.initramfs) {
    if (cfg.generator === 'initramfs-tools') continue;
    const vfio = cfg.early.findIndex((m) => m.module === 'vfio_pci');
    if (vfio < 0) continue;
    // Loaded first, vfio-pci still claims nothing unless it has its ids in the image: from modprobe.d (carried in) or the kernel command line.
    if (!carriesModprobeConf(cfg) && host.vfioIds?.from !== 'cmdline') continue;
    const rival = cfg.early.findIndex((m) => rivals.has(m.module));
    if (rival < 0 || vfio < rival) return { strength: 'strong', how: `vfio_pci first in ${cfg.generator}`, at: cfg.early[vfio]!.loc };
  }
  // Built in, vfio-pci registers during boot, before any module can load, and takes its ids from the command line only.
  if (host.live?.modules.builtin('vfio_pci') === true && host.vfioIds?.from === 'cmdline') {
    return { strength: 'strong', how: `vfio-pci built into ${host.live.kernelRelease ?? 'the running kernel'} with vfio-pci.ids= on the command line`, at: host.vfioIds.ids[0]?.loc };
  }
  // A DRM driver with mode setting off never registers its PCI driver, so it binds nothing.
  return modesetOff(host, module);
}

/**
 * The modprobe.d guards: an install command that does not load the module, or a softdep that loads
 * vfio-pci first, on the module or on a module it depends on (kmod applies a dependency's softdep too).
 */
export function modprobeGuard(host: HostModel, module: string, depends: readonly string[] = []): Guard | undefined {
  // kmod uses only the first softdep and the first install line of a module; a softdep also makes it skip install.
  const softdep = host.modprobe.softdep(module);
  if (softdep?.pre.includes('vfio_pci')) return { strength: 'strong', how: `softdep ${module} pre: vfio-pci`, at: softdep.loc };
  const dep = depends.map((m) => host.modprobe.softdep(m)).find((f) => f?.pre.includes('vfio_pci'));
  if (dep) return { strength: 'strong', how: `softdep ${dep.module} pre: vfio-pci`, at: dep.loc };
  const install = host.modprobe.install(module);
  if (install && !softdep && !/modprobe\b[^;|&]*--ignore-install/.test(install.command ?? '')) return { strength: 'strong', how: `install ${module}`, at: install.loc };
  return undefined;
}

/** Whether the image holds the host's modprobe.d: mkinitcpio only with the modconf hook; dracut and initramfs-tools copy it. */
export function carriesModprobeConf(cfg: InitramfsConfig): boolean {
  return cfg.generator !== 'mkinitcpio' || cfg.hooks.some((h) => h.name === 'modconf');
}

function listHas(p: KernelParamFact, module: string): boolean {
  return moduleItems(p).includes(module);
}

/** DRM drivers whose init refuses to register with `nomodeset` (drm_firmware_drivers_only()) unless `<driver>.modeset=1`, or with `<driver>.modeset=0`. */
const MODESET_DRIVERS: ReadonlySet<string> = new Set(['amdgpu', 'radeon', 'i915', 'xe', 'nouveau']);

/**
 * The setting that keeps a DRM driver from registering at all, so it binds nothing: its last `modeset`
 * value (modprobe.d, then the command line) is 0, or `nomodeset` is on the next boot's command line and
 * no `modeset` value overrides it.
 */
export function modesetOff(host: HostModel, driver: string): Guard | undefined {
  if (!MODESET_DRIVERS.has(driver)) return undefined;
  const last = host.moduleParams(driver, 'modeset').at(-1);
  if (last) return last.param.value?.trim() === '0' ? { strength: 'strong', how: last.written, at: last.param.loc } : undefined;
  // A flag: source.get() answers only for parameters with a value.
  const nomodeset = host.boot?.all('nomodeset')[0];
  return nomodeset && host.boot?.kind !== 'proc-cmdline' ? { strength: 'strong', how: 'nomodeset', at: nomodeset.loc } : undefined;
}
