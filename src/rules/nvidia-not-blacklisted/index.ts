import { displayDriversOf } from '../../host/display-drivers.js';
import { defineRule } from '../../engine/rule.js';
import type { Loc, RelatedLocation } from '../../engine/rule.js';
import type { HostModel } from '../../host/model.js';
import { carriesModprobeConf, guardOf as earlyGuard, modprobeGuard, strongGuard as strong } from '../../host/early-binding.js';
import { softdepSuggestion } from '../softdep-fix.js';

/** The drivers that bind an NVIDIA display function (catalog 3.6). */
const GUARDED = ['nouveau', 'nvidia'] as const;
const DISPLAY = new Set(displayDriversOf('10de'));

/**
 * The module that actually binds the PCI device when `m` loads: nvidia_drm,
 * nvidia_modeset, nvidia_uvm and nvidia_peermem bind nothing themselves but
 * pull in nvidia as a dependency, and kmod applies nvidia's softdep then too.
 */
function binder(m: string): string {
  return m.startsWith('nvidia_') ? 'nvidia' : m;
}

/** Modules nouveau depends on: a softdep on one of them loads vfio-pci before nouveau too (kmod applies a dependency's softdeps). */
const NOUVEAU_DEPS = ['drm', 'drm_kms_helper', 'ttm'];
const depsOf = (m: string) => (m === 'nouveau' ? NOUVEAU_DEPS : []);
const guardOf = (host: HostModel, m: string) => earlyGuard(host, m, DISPLAY, depsOf(m));
const strongGuard = (host: HostModel, m: string) => strong(host, m, DISPLAY, depsOf(m));

export const rule = defineRule({
  meta: {
    id: 'nvidia-not-blacklisted',
    description: 'An NVIDIA GPU given to vfio-pci must be kept from nouveau and nvidia, which bind it first if they load first.',
    category: 'correctness',
    severity: 'error',
    fixable: 'suggest',
    scope: 'machine',
    requires: ['modprobe'],
    optional: ['cmdline', 'initramfs', 'domain'],
    messages: {
      unguarded: 'NVIDIA device {id} is given to vfio-pci, but nothing keeps {module} off it: whichever driver loads first binds the GPU. Add `softdep {module} pre: vfio-pci`{orBlacklist}',
      unguardedIfInstalled: 'NVIDIA device {id} is given to vfio-pci, and nothing here mentions the proprietary nvidia driver: if it is installed, nothing keeps it off the GPU. Add `softdep nvidia pre: vfio-pci`{orBlacklist}',
      weak: '`{how}` only stops {module} from loading by device alias; an explicit `modprobe {module}` (nvidia-persistenced, a display server) or a load as another module\'s dependency still binds NVIDIA device {id} before vfio-pci. Add `softdep {module} pre: vfio-pci`{orInstall}',
      early: '{module} is loaded early by the initramfs ({where}) before vfio-pci, so it binds NVIDIA device {id} first',
      explicitLoad: '{module} is loaded at boot by {where} and nothing holds it back: it can bind NVIDIA device {id} before vfio-pci',
      noModconf: 'The initramfs includes nouveau (mkinitcpio `kms` hook) but not the modprobe.d guards (no `modconf` hook), so nouveau can bind NVIDIA device {id} before vfio-pci',
    },
    sources: [
      'kmod `man/modprobe.d.5.scd`, `tools/modprobe.c`, `libkmod/libkmod-module.c`: https://github.com/kmod-project/kmod',
      'systemd `src/shared/module-util.c` (`module_load_and_warn`, `KMOD_PROBE_APPLY_BLACKLIST`): https://github.com/systemd/systemd',
      'Linux `drivers/vfio/pci/vfio_pci.c`, `kernel/module/main.c`: https://github.com/torvalds/linux',
      'mkinitcpio `init`, `hooks/udev`, `install/kms`, `install/modconf`: https://gitlab.archlinux.org/archlinux/mkinitcpio/mkinitcpio',
      'dracut.cmdline(7), `rd.driver.pre`, `rd.driver.blacklist`: https://man7.org/linux/man-pages/man7/dracut.cmdline.7.html (not re-read for this page)',
      'mkinitcpio: early MODULES load before the hooks run (init: modprobe -qab); the kms hook adds drm drivers, modconf adds modprobe.d — https://wiki.archlinux.org/title/Mkinitcpio',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    const host = machine.host;
    const nvidia = host.vfioIds?.ids.filter((i) => i.vendor === '10de') ?? [];
    if (nvidia.length === 0) return;
    const id = `${nvidia[0]!.vendor}:${nvidia[0]!.device}`;
    const at = nvidia[0]!.loc;
    const hostGpu = typeof ctx.options.hostGpu === 'string' ? ctx.options.hostGpu : undefined;
    const related: RelatedLocation[] = [{ ...at, message: 'the GPU is given to vfio-pci here' }];

    // Loads that ignore blacklist entirely, for any display module.
    // systemd-modules-load applies the blacklist (KMOD_PROBE_APPLY_BLACKLIST), so only an unguarded, unblacklisted module loads there.
    for (const m of host.modulesLoad) {
      if (!DISPLAY.has(m.module) || strongGuard(host, binder(m.module)) || blacklisted(host, m.module)) continue;
      ctx.report({ messageId: 'explicitLoad', data: { module: m.module, where: m.file.systemPath, id }, at: m.loc, related });
    }
    for (const cfg of host.initramfs) {
      const vfioAt = cfg.early.findIndex((m) => m.module === 'vfio_pci');
      cfg.early.forEach((m, i) => {
        if (!DISPLAY.has(m.module) || (vfioAt >= 0 && vfioAt < i)) return;
        // A softdep or install line holds it back inside the image too, when the image carries modprobe.d.
        if (carriesModprobeConf(cfg) && modprobeGuard(host, binder(m.module), depsOf(binder(m.module)))) return;
        ctx.report({ messageId: 'early', data: { module: m.module, where: `${cfg.generator} in ${m.file.systemPath}`, id }, at: m.loc, related });
      });
    }

    for (const module of GUARDED) {
      // Not installed for the running kernel (live /lib/modules): it cannot bind the GPU, so there is nothing to keep off.
      if (host.moduleInstalled(module) === false) continue;
      const guard = guardOf(host, module);
      if (guard.strength === 'strong') continue;
      if (guard.strength === 'weak') {
        if (module === 'nouveau' && !nouveauNeedsMore(host)) continue;
        ctx.report({
          messageId: 'weak',
          data: { how: guard.how, module, id, orInstall: hostGpu === 'nvidia' ? '' : ` (or \`install ${module} /bin/false\` if the host never uses ${module})` },
          at: guard.at,
          severity: 'warning',
          related,
          suggestions: softdepSuggestion(machine, module),
        });
        continue;
      }
      // nvidia is out of tree: a host whose configuration never names it most likely does not have it.
      const unknownInstall = module === 'nvidia' && !mentionsNvidia(host) && host.moduleInstalled('nvidia') !== true;
      ctx.report({
        messageId: unknownInstall ? 'unguardedIfInstalled' : 'unguarded',
        data: { module, id, orBlacklist: hostGpu === 'nvidia' ? '' : ` (or \`install ${module} /bin/false\` if the host never uses ${module})` },
        at,
        severity: unknownInstall ? 'warning' : undefined,
        suggestions: softdepSuggestion(machine, module),
      });
    }
    // mkinitcpio: the modprobe.d guards reach the initramfs only through modconf.
    for (const cfg of host.initramfs) {
      if (cfg.generator !== 'mkinitcpio') continue;
      const hooks = new Set(cfg.hooks.map((h) => h.name));
      const vfioFirst = cfg.early.some((m) => m.module === 'vfio_pci');
      if (hooks.has('kms') && !hooks.has('modconf') && !vfioFirst) {
        const kms = cfg.hooks.find((h) => h.name === 'kms')!;
        ctx.report({ messageId: 'noModconf', data: { id }, at: kms.loc, related });
      }
    }
  },
});

/** Does any configuration name an nvidia module (a blacklist, an option, a load)? */
function mentionsNvidia(host: HostModel): boolean {
  const isNvidia = (m: string) => m === 'nvidia' || m.startsWith('nvidia_');
  return (
    host.modprobe.facts.some((f) => isNvidia(f.module)) ||
    host.modulesLoad.some((m) => isNvidia(m.module)) ||
    host.initramfs.some((c) => c.early.some((m) => isNvidia(m.module))) ||
    host.cmdlines.some((c) => c.params.some((p) => p.key.startsWith('nvidia') || (p.value ?? '').includes('nvidia')))
  );
}

function blacklisted(host: HostModel, module: string): boolean {
  return host.modprobe.blacklist(module) !== undefined;
}

/** nouveau loads by device alias, which blacklist stops; only the initramfs can bypass that (kms without modconf). */
function nouveauNeedsMore(host: HostModel): boolean {
  return host.initramfs.some((c) => c.generator === 'mkinitcpio' && c.hooks.some((h) => h.name === 'kms') && !c.hooks.some((h) => h.name === 'modconf'));
}
