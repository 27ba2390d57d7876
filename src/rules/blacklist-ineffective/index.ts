import { defineRule } from '../../engine/rule.js';
import type { Loc, RelatedLocation } from '../../engine/rule.js';
import type { HostModel } from '../../host/model.js';
import { modprobeInImage } from '../../host/initramfs-contents.js';
import { displayVendorOf, GPU_AUDIO_DRIVER } from '../../host/display-drivers.js';
import { moduleItems, valueItems } from '../../host/params.js';
import { moduleInfo } from '../../data/kernel-modules.js';

/** One `blacklist` entry kmod reads: a modprobe.d line, or an item of `modprobe.blacklist=` on a configured command line. */
interface BlacklistEntry {
  module: string;
  at: Loc;
  /** For messages: `blacklist nouveau` or `modprobe.blacklist=nouveau`. */
  written: string;
  /** The modprobe.d file, when it is a line (what an initramfs must carry). */
  systemPath: string | undefined;
}

/** A load of a module by its name, and whether that load applies the blacklist. */
interface NamedLoad {
  module: string;
  at: Loc;
  how: string;
  /** True: the loader applies the blacklist to the name (modprobe -b, systemd-modules-load). */
  honours: boolean;
  /** The initramfs config it belongs to, for an early list. */
  initramfs: HostModel['initramfs'][number] | undefined;
}

export const rule = defineRule({
  meta: {
    id: 'blacklist-ineffective',
    description: 'A `blacklist` line only stops a module from loading by a device alias: it does nothing against a load by name, a dependency or softdep pull, a built-in driver, or an initramfs that does not carry it.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'machine',
    requires: [{ anyOf: ['modprobe', 'cmdline'] }],
    optional: ['initramfs', 'live'],
    messages: {
      loadedAnyway: '`{written}` does not stop {how}: blacklist only ignores {module}\'s device aliases, and this load names the module{more}. To refuse every load, use `install {module} /bin/false` (modprobe then fails for {module} and for what depends on it) or `module_blacklist={module}` on the kernel command line (the kernel refuses it whoever asks); either makes that load fail, so remove it if it is not wanted',
      contradiction: '{module} is both listed to load ({how}) and blacklisted (`{written}`): this loader applies the blacklist, so it skips {module} and the listing does nothing',
      notInImage: '`{written}` is not in the initramfs ({why}), which {how}: inside the initramfs {module} loads as if it were not blacklisted',
      builtin: '{module} is built into the running kernel{release}: `{written}` only affects kmod loading a module, and a built-in driver registers during boot without it',
      builtinGuess: '{module} is built into the kernels vfio-lint knows ({kernels}), where `{written}` does nothing: a blacklist only affects loading a module. If this host\'s kernel has it as a module, the line works',
      loadedNow: '{module} is blacklisted (`{written}`) but loaded on the running host{usedBy}',
      dash: '`module_blacklist=` compares exact module names, and module names use `_`: `{item}` matches no module. Write `{fixed}`',
    },
    sources: [
      'kmod `libkmod/libkmod-module.c` (`module_is_blacklisted`: exact name comparison; `kmod_module_probe_insert_module`: the blacklist is checked for the module asked for, and only with the alias or `-b` flags; its dependencies and softdeps are loaded unfiltered unless KMOD_PROBE_APPLY_BLACKLIST_ALL, which modprobe never sets; a built-in module returns at once), `tools/modprobe.c` (`-b` sets KMOD_PROBE_APPLY_BLACKLIST), `libkmod/libkmod-config.c` (`modprobe.blacklist=` on /proc/cmdline becomes blacklist entries), commit 84fa569: https://github.com/kmod-project/kmod',
      'kmod modprobe.d(5) (blacklist: "all of that particular module\'s internal aliases are to be ignored"; install) and modprobe(8) (`-b`, `--use-blacklist`: "apply the blacklist commands in the configuration files (if any) to module names as well. It is usually used by udev"): https://man7.org/linux/man-pages/man5/modprobe.d.5.html',
      'Linux `kernel/module/main.c` (`blacklisted()`: `module_blacklist=` is compared with memcmp against the module\'s name; checked only when a module is loaded): https://github.com/torvalds/linux/blob/master/kernel/module/main.c',
      'dracut `modules.d/98dracut-systemd/dracut-pre-udev.sh` (`rd.driver.pre` modules, which `force_drivers` become, are loaded with `modprobe` without `-b`): https://github.com/dracutdevs/dracut',
      'initramfs-tools 0.142+deb12u3 `scripts/functions` `load_modules` (`/sbin/modprobe $m` for each line of the modules file, without `-b`; read from the Debian package)',
      'mkinitcpio `init` (`modprobe -qab` for MODULES), `install/modconf`, `install/kms`: https://gitlab.archlinux.org/archlinux/mkinitcpio/mkinitcpio',
      'systemd `src/shared/module-util.c` (`module_load_and_warn` passes KMOD_PROBE_APPLY_BLACKLIST: systemd-modules-load skips a blacklisted module): https://github.com/systemd/systemd',
    ],
  },
  check(ctx) {
    const host = ctx.machine.host;
    // Stryker disable next-line ArrayDeclaration: only an id's vendor is read, and an element without one matches no vendor, as an empty list does
    const ids = host.vfioIds?.ids ?? [];
    const entries = blacklistEntries(host);
    const loads = namedLoads(host);
    const reported = new Set<string>();

    for (const b of firstPerModule(entries)) {
      // A module the kernel refuses (module_blacklist=) or whose load runs another command cannot load by name either.
      if (refusedAnyway(host, b.module)) continue;
      if (host.live?.modules.builtin(b.module) === true) {
        const release = host.live.kernelRelease === undefined ? '' : ` (${host.live.kernelRelease})`;
        ctx.report({ messageId: 'builtin', data: { module: b.module, release, written: b.written }, at: b.at });
        continue;
      }
      if (host.live?.modules.builtin(b.module) === undefined) {
        const info = moduleInfo(b.module);
        if (info?.status === 'kernel' && info.missingFrom.length === 0 && info.kinds.every((k) => k === 'y')) {
          ctx.report({ messageId: 'builtinGuess', severity: 'info', data: { module: b.module, kernels: info.kernels.join(', '), written: b.written }, at: b.at });
          continue;
        }
      }
      const mine = loads.filter((l) => l.module === b.module);
      const ignoring = mine.filter((l) => !l.honours && !otherRulesLoad(l, host, ids));
      if (ignoring.length > 0) {
        const first = ignoring[0]!;
        reported.add(b.module);
        ctx.report({
          messageId: 'loadedAnyway',
          data: { written: b.written, how: first.how, module: b.module, more: ignoring.length > 1 ? ` (and ${ignoring.length - 1} more ${ignoring.length === 2 ? 'load' : 'loads'} by name)` : '' },
          at: b.at,
          related: ignoring.map((l): RelatedLocation => ({ ...l.at, message: l.how })),
        });
      }
      for (const l of mine.filter((x) => x.honours)) {
        // mkinitcpio applies the blacklist inside the image only when the image carries the file.
        const carried = l.initramfs && b.systemPath ? modprobeInImage(l.initramfs, b.systemPath) : undefined;
        if (carried && carried.carried !== true) {
          if (carried.carried === false && !reported.has(b.module) && !otherRulesImage(b.module, ids)) {
            reported.add(b.module);
            ctx.report({ messageId: 'notInImage', data: { written: b.written, why: carried.why, how: `loads it from ${l.how}`, module: b.module }, at: b.at, related: [{ ...l.at, message: 'loaded here' }] });
          }
          continue;
        }
        if (l.initramfs && !b.systemPath) continue; // modprobe.blacklist= is read by the initramfs's modprobe too, but only where it reads /proc/cmdline
        ctx.report({ messageId: 'contradiction', severity: 'info', data: { module: b.module, how: l.how, written: b.written }, at: l.at, related: [{ ...b.at, message: 'blacklisted here' }] });
      }
      // A DRM driver the kms hook puts in a mkinitcpio image, where udev loads it by alias: the blacklist must be inside too.
      if (!reported.has(b.module) && b.systemPath && KMS_DRIVERS.has(b.module) && !otherRulesImage(b.module, ids)) {
        for (const cfg of host.initramfs) {
          const kms = cfg.hooks.find((h) => h.name === 'kms'); // only mkinitcpio has HOOKS
          if (!kms) continue;
          const carried = modprobeInImage(cfg, b.systemPath);
          if (carried.carried !== false) continue;
          reported.add(b.module);
          ctx.report({ messageId: 'notInImage', data: { written: b.written, why: carried.why, how: `gets ${b.module} from the kms hook and loads it by device alias`, module: b.module }, at: b.at, related: [{ ...kms.loc, message: 'the kms hook adds the DRM drivers' }] });
        }
      }
      if (!reported.has(b.module) && b.systemPath && host.live?.modules.loaded(b.module) === true) {
        // Stryker disable next-line OptionalChaining,ArrayDeclaration: loaded() is true only for a name in facts.modules.loaded, read with the same `-`/`_` rule (host/live.ts)
        const usedBy = host.live.facts.modules.loaded?.find((m) => m.name.replaceAll('-', '_') === b.module)?.usedBy ?? [];
        ctx.report({
          messageId: 'loadedNow',
          severity: usedBy.length > 0 ? 'warning' : 'info',
          data: {
            module: b.module,
            written: b.written,
            usedBy: usedBy.length > 0
              ? `, used by ${usedBy.join(', ')}: it was loaded as their dependency, which a blacklist does not stop`
              : ': something loaded it by name, or the blacklist is newer than this boot (or than the initramfs)',
          },
          at: b.at,
        });
      }
    }

    // module_blacklist= is the kernel's: exact names, so a `-` never matches.
    for (const source of host.configuredCmdlines) {
      const mb = source.get('module_blacklist');
      if (!mb) continue;
      for (const item of valueItems(mb)) {
        const name = item.text.trim();
        if (!name.includes('-')) continue;
        const fixed = name.replaceAll('-', '_');
        const verbatim = mb.source.text.slice(item.loc.start, item.loc.end) === item.text;
        ctx.report({
          messageId: 'dash',
          data: { item: name, fixed },
          at: item.loc,
          fix: verbatim ? { edits: [{ path: item.loc.path, start: item.loc.start, end: item.loc.end, text: item.text.replaceAll('-', '_') }] } : undefined,
        });
      }
    }
  },
});

/** DRM drivers mkinitcpio's kms hook adds (install/kms: the drivers under drivers/gpu/drm that bind a GPU). */
const KMS_DRIVERS = new Set(['amdgpu', 'radeon', 'i915', 'xe', 'nouveau']);

function blacklistEntries(host: HostModel): BlacklistEntry[] {
  const out: BlacklistEntry[] = [];
  for (const f of host.modprobe.facts) {
    if (f.keyword !== 'blacklist') continue;
    out.push({ module: f.module, at: f.moduleLoc, written: `blacklist ${f.file.source.text.slice(f.moduleLoc.start, f.moduleLoc.end)}`, systemPath: f.file.systemPath });
  }
  // kmod reads modprobe.blacklist= from /proc/cmdline: the configured boot's command line is what it will read.
  const boot = host.configuredCmdlines[0];
  for (const p of boot?.params ?? []) {
    if (p.key !== 'modprobe.blacklist') continue;
    for (const item of valueItems(p)) {
      const name = item.text.trim();
      if (name) out.push({ module: name.replaceAll('-', '_'), at: item.loc, written: `${p.name}=${name}`, systemPath: undefined });
    }
  }
  return out;
}

function firstPerModule(entries: readonly BlacklistEntry[]): BlacklistEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.module) && (seen.add(e.module), true));
}

/** Every load of a module by its name the files show, and whether that loader applies the blacklist. */
function namedLoads(host: HostModel): NamedLoad[] {
  // Stryker disable next-line ArrayDeclaration: a load is matched by its module, and an element without one matches no blacklisted module
  const out: NamedLoad[] = [];
  const mkinitcpio = host.initramfs.some((c) => c.generator === 'mkinitcpio');
  for (const cfg of host.initramfs) {
    for (const m of cfg.early) {
      const list = cfg.generator === 'mkinitcpio' ? 'MODULES' : cfg.generator === 'dracut' ? 'force_drivers' : 'the initramfs-tools modules file';
      out.push({ module: m.module, at: m.loc, how: `${list} in ${m.file.systemPath}${cfg.generator === 'mkinitcpio' ? ', by modprobe -b' : ', loaded with modprobe without -b'}`, honours: cfg.generator === 'mkinitcpio', initramfs: cfg });
    }
  }
  for (const m of host.modulesLoad) out.push({ module: m.module, at: m.loc, how: `in ${m.file.systemPath}, by systemd-modules-load`, honours: true, initramfs: undefined });
  if (!mkinitcpio) {
    for (const source of host.configuredCmdlines) {
      for (const p of source.params) {
        if (p.key !== 'rd.driver.pre' || p.afterDashDash) continue;
        const items = valueItems(p);
        moduleItems(p).forEach((m, i) => out.push({ module: m, at: items[i]!.loc, how: `${p.name}= in ${source.label} (dracut loads it with modprobe, without -b)`, honours: false, initramfs: undefined }));
      }
    }
  }
  for (const f of host.modprobe.facts) {
    // Only the softdep (and the install line) kmod uses for its module does anything.
    if (host.modprobe.softdep(f.module) === f) {
      for (const d of f.depRefs) out.push({ module: d.module, at: d.loc, how: `\`softdep ${f.module} ${d.role}: ${d.name}\`, which loads it whenever ${f.module} loads`, honours: false, initramfs: undefined });
    }
    if (host.modprobe.install(f.module) === f && f.command) {
      for (const m of modprobedIn(f.command)) {
        if (m !== f.module) out.push({ module: m, at: f.loc, how: `the install command of ${f.module}, which runs modprobe ${m}`, honours: false, initramfs: undefined });
      }
    }
  }
  return out;
}

/** Modules an install command loads with modprobe (without -b): `modprobe x`, `/sbin/modprobe -q x y`. */
function modprobedIn(command: string): string[] {
  // Stryker disable next-line ArrayDeclaration: the names are compared with module names, and no module is called `Stryker was here`
  const out: string[] = [];
  for (const part of command.split(/[;&|]/)) {
    const words = part.split(/\s/); // the empty words between blanks are neither modprobe, an option nor a name
    const at = words.findIndex((w) => /(^|\/)modprobe$/.test(w));
    if (at < 0) continue;
    const args = words.slice(at + 1);
    if (args.some((a) => /^-[a-zA-Z]*b/.test(a) || a === '--use-blacklist' || a === '-r' || a === '--remove')) continue;
    const names = args.filter((a) => !a.startsWith('-') && /^[\w-]+$/.test(a));
    // `modprobe -a x y` loads all; otherwise the first word is the module and the rest are its parameters.
    out.push(...(args.includes('-a') || args.includes('--all') ? names : names.slice(0, 1)).map((n) => n.replaceAll('-', '_')));
  }
  return out;
}

/** install X <a command that does not load X> or module_blacklist=X: no load by name succeeds anyway. */
function refusedAnyway(host: HostModel, module: string): boolean {
  const command = host.modprobe.install(module)?.command; // kmod rejects an install line without a command
  if (command !== undefined && !host.modprobe.softdep(module) && !modprobedIn(command).includes(module) && !/--ignore-install|insmod/.test(command)) return true;
  return host.configuredCmdlines.some((s) => {
    const mb = s.get('module_blacklist');
    // The kernel compares each item byte for byte (blacklisted(): strcspn on ',' and memcmp): no blank is skipped.
    return mb !== undefined && valueItems(mb).some((i) => i.text === module);
  });
}

/**
 * Loads another rule already reports: an initramfs early list that loads a GPU or HDMI-audio driver whose
 * vendor's device is given to vfio-pci (initramfs-vfio-order, nvidia-not-blacklisted).
 */
function otherRulesLoad(l: NamedLoad, host: HostModel, ids: readonly { vendor: string }[]): boolean {
  if (!l.initramfs) return false;
  return otherRulesImage(l.module, ids);
}

/** A GPU or HDMI-audio driver whose vendor's device is given to vfio-pci: the initramfs rules speak for it. */
function otherRulesImage(module: string, ids: readonly { vendor: string }[]): boolean {
  if (module === GPU_AUDIO_DRIVER) return ids.some((i) => i.vendor === '10de' || i.vendor === '1002');
  const vendor = displayVendorOf(module); // undefined for a module that binds no display: it matches no id
  return ids.some((i) => i.vendor === vendor);
}
