import { defineRule } from '../../engine/rule.js';
import type { Loc, RelatedLocation } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import type { HostModel } from '../../host/model.js';
import type { KernelParamFact } from '../../host/facts.js';
import { moduleItems, valueItems } from '../../host/params.js';
import type { Machine } from '../../model/machine.js';
import { appendLines } from '../../edit/lines.js';

/** The drivers that bind an NVIDIA display function (catalog 3.6). */
const GUARDED = ['nouveau', 'nvidia'] as const;
const DISPLAY = new Set(['nouveau', 'nvidia', 'nvidia_drm', 'nvidia_modeset', 'nvidia_uvm', 'nvidia_peermem', 'nvidiafb']);

/**
 * The module that actually binds the PCI device when `m` loads: nvidia_drm,
 * nvidia_modeset, nvidia_uvm and nvidia_peermem bind nothing themselves but
 * pull in nvidia as a dependency, and kmod applies nvidia's softdep then too.
 */
function binder(m: string): string {
  return m.startsWith('nvidia_') ? 'nvidia' : m;
}

type Guard = { strength: 'strong'; how: string; at: Loc | undefined } | { strength: 'weak'; how: string; at: Loc } | { strength: 'none' };

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
      modesetOnly: '`{how}` is not a guard: it only turns off nouveau\'s mode setting, and nouveau still binds NVIDIA device {id}',
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
        if (carriesModprobeConf(cfg) && modprobeGuard(host, binder(m.module))) return;
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
      const modeset = modesetOnly(host);
      if (module === 'nouveau' && modeset) {
        ctx.report({ messageId: 'modesetOnly', data: { how: modeset.how, id }, at: modeset.at, severity: 'info', related });
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

function guardOf(host: HostModel, module: string): Guard {
  const strong = strongGuard(host, module);
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

/** install-false, module_blacklist=, a `softdep m pre: vfio-pci`, or vfio-pci loaded first (with its ids) in the initramfs. */
function strongGuard(host: HostModel, module: string): Guard | undefined {
  const fromModprobe = modprobeGuard(host, module);
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
    const display = cfg.early.findIndex((m) => DISPLAY.has(m.module));
    if (display < 0 || vfio < display) return { strength: 'strong', how: `vfio_pci first in ${cfg.generator}`, at: cfg.early[vfio]!.loc };
  }
  return undefined;
}

/** Modules nouveau depends on: a softdep on one of them loads vfio-pci before nouveau too (kmod applies a dependency's softdeps). */
const NOUVEAU_DEPS = ['drm', 'drm_kms_helper', 'ttm'];

/** The modprobe.d guards: an install command that does not load the module, or a softdep that loads vfio-pci first. */
function modprobeGuard(host: HostModel, module: string): Guard | undefined {
  // kmod uses only the first softdep and the first install line of a module; a softdep also makes it skip install.
  const softdep = host.modprobe.softdep(module);
  if (softdep?.pre.includes('vfio_pci')) return { strength: 'strong', how: `softdep ${module} pre: vfio-pci`, at: softdep.loc };
  if (module === 'nouveau') {
    const dep = NOUVEAU_DEPS.map((m) => host.modprobe.softdep(m)).find((f) => f?.pre.includes('vfio_pci'));
    if (dep) return { strength: 'strong', how: `softdep ${dep.module} pre: vfio-pci`, at: dep.loc };
  }
  const install = host.modprobe.install(module);
  if (install && !softdep && !/modprobe\b[^;|&]*--ignore-install/.test(install.command ?? '')) return { strength: 'strong', how: `install ${module}`, at: install.loc };
  return undefined;
}

/** Whether the image holds the host's modprobe.d: mkinitcpio only with the modconf hook; dracut and initramfs-tools copy it. */
function carriesModprobeConf(cfg: HostModel['initramfs'][number]): boolean {
  return cfg.generator !== 'mkinitcpio' || cfg.hooks.some((h) => h.name === 'modconf');
}

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

function modesetOnly(host: HostModel): { how: string; at: Loc } | undefined {
  const opt = host.modprobe.facts.find((f) => f.keyword === 'options' && f.module === 'nouveau' && f.options.some((o) => o.key === 'modeset'));
  if (opt) return { how: `options nouveau modeset=...`, at: opt.loc };
  for (const source of host.cmdlines) {
    const p = source.params.find((x) => x.key === 'nouveau.modeset');
    if (p) return { how: `${p.name}=${p.value ?? ''}`, at: p.loc };
  }
  return undefined;
}

function listHas(p: KernelParamFact, module: string): boolean {
  return moduleItems(p).includes(module);
}

/**
 * Load vfio-pci before `module`. kmod reads only a module's first softdep line, so an existing one gets
 * vfio-pci at the head of its `pre:` list (a second line would be ignored); otherwise a new line goes
 * into the modprobe.d file that gives vfio-pci its ids (or the first /etc one).
 */
function softdepSuggestion(machine: Machine, module: string): Suggestion[] {
  const host = machine.host;
  const existing = host.modprobe.softdep(module);
  if (existing) {
    const at = existing.preAt?.end ?? existing.moduleLoc.end;
    return [{
      description: `Load vfio-pci before ${module} (add it to the softdep line kmod uses, in ${existing.file.systemPath})`,
      fix: { edits: [{ path: existing.file.source.path, start: at, end: at, text: existing.preAt ? ' vfio-pci' : ' pre: vfio-pci' }] },
    }];
  }
  const idsFact = host.modprobe.facts.find((f) => f.keyword === 'options' && f.module === 'vfio_pci');
  const file = idsFact?.file ?? host.modprobe.effective.find((f) => f.systemPath.startsWith('/etc/modprobe.d/'));
  if (!file) return [];
  return [{ description: `Load vfio-pci before ${module} (softdep ${module} pre: vfio-pci in ${file.systemPath})`, fix: { edits: [appendLines(file.source, [`softdep ${module} pre: vfio-pci`])] } }];
}
