import { defineRule } from '../../engine/rule.js';
import type { Loc } from '../../engine/rule.js';
import type { Fix, Suggestion } from '../../engine/fix.js';
import type { HostModel } from '../../host/model.js';
import type { InitramfsConfig, ModprobeFact, ModuleFact } from '../../host/facts.js';
import { modprobeInImage } from '../../host/initramfs-contents.js';
import { displayDriversOf, displayVendorOf, gpuIdsOf, VENDOR_NAMES } from '../../host/display-drivers.js';
import { moduleItems } from '../../host/params.js';
import { appendLines } from '../../edit/lines.js';

/** After which hook `modconf` goes, first match wins (mkinitcpio's default: base udev autodetect microcode modconf kms ...). */
const MODCONF_AFTER = ['microcode', 'autodetect', 'udev', 'systemd', 'base'];

export const rule = defineRule({
  meta: {
    id: 'initramfs-modconf-missing',
    description: 'When vfio-pci or a GPU driver loads inside the initramfs, the modprobe.d lines that give vfio-pci its ids and hold the GPU driver back must be inside the image too.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'machine',
    // Without an initramfs configuration there is no image to miss anything: nothing to check, not a skipped check.
    requires: [],
    optional: ['cmdline'],
    messages: {
      idsLost: 'vfio_pci is loaded inside the initramfs ({where}), but {file}, which gives it its ids, is not in the image ({why}): vfio-pci starts there without ids, claims nothing, and being loaded already it never reads them after boot',
      guardLost: '{driver} can load inside the initramfs ({how}) and bind {vendor} device {id} first: the line that holds it back, `{guard}` in {file}, is not in the image ({why})',
    },
    sources: [
      'mkinitcpio `install/modconf` (adds /etc/modprobe.d/*.conf and /usr/lib/modprobe.d/*.conf), `init` (`modprobe -qab $MODULES` before udev), `install/kms`, `mkinitcpio.conf` (default HOOKS, FILES), commit fc8137c: https://gitlab.archlinux.org/archlinux/mkinitcpio/mkinitcpio (GitHub mirror archlinux/mkinitcpio)',
      'dracut `modules.d/90kernel-modules/module-setup.sh` (`[[ $hostonly ]] && inst_multiple -H -o /etc/modprobe.d/*.conf`; /usr/lib/modprobe.d always), `dracut.sh` (force_drivers become `rd.driver.pre=`), dracut.conf(5) (`hostonly` default no, `install_items`), commit 5d2bda4: https://github.com/dracutdevs/dracut',
      'dracut `modules.d/99base/dracut-lib.sh` `getcmdline` (the image\'s /etc/cmdline.d, where force_drivers are written, before /proc/cmdline; the same in dracut-ng): https://github.com/dracutdevs/dracut',
      'initramfs-tools 0.142+deb12u3 `/usr/sbin/mkinitramfs` (copies /etc/modprobe.d/*.conf and /lib/modprobe.d/*.conf into every image; read from the Debian package)',
      'kmod modprobe.d(5): options are given to a module when it is loaded; softdep, blacklist, install: https://man7.org/linux/man-pages/man5/modprobe.d.5.html',
    ],
  },
  check(ctx) {
    const host = ctx.machine.host;
    const ids = host.vfioIds;
    if (!ids) return;
    const idsFact = ids.from === 'modprobe' ? idsLine(host) : undefined;
    for (const cfg of host.initramfs) {
      const vfioLoad = earlyVfio(host, cfg);
      // Case A: vfio-pci loads inside without its ids.
      if (vfioLoad && idsFact) {
        const inImage = modprobeInImage(cfg, idsFact.file.systemPath);
        if (inImage.carried === false) {
          ctx.report({
            messageId: 'idsLost',
            data: { where: vfioLoad.where, file: idsFact.file.systemPath, why: inImage.why },
            at: vfioLoad.at,
            related: [{ ...idsFact.loc, message: 'the ids are set here, outside the image' }, ...(inImage.at ? [{ ...inImage.at, message: inImage.atSays }] : [])],
            ...remedy(cfg, idsFact),
          });
          continue;
        }
      }
      // Case B: a GPU driver loads inside and its guard stays outside.
      for (const load of gpuLoads(cfg)) {
        const vendorIds = gpuIdsOf(ids.ids, load.vendor, host.live);
        if (vendorIds.length === 0) continue;
        // NVIDIA on mkinitcpio is nvidia-not-blacklisted's (its `early` and `noModconf` messages).
        if (load.vendor === '10de' && cfg.generator === 'mkinitcpio') continue;
        // vfio_pci loaded before it already wins: its ids are on the command line or in a file the image
        // carries (case A reported one it leaves out), or that is unknown, and then so is every guard's.
        if (vfioLoad && vfioLoad.index < load.index) continue;
        const guards = guardsOf(host, load.driver);
        if (guards.length === 0) continue; // nothing to carry: vfio-pci-late-load and nvidia-not-blacklisted say what is missing
        const states = guards.map((g) => ({ g, in: modprobeInImage(cfg, g.file.systemPath) }));
        if (states.some((s) => s.in.carried !== false)) continue;
        const first = states[0]!;
        const id = `${vendorIds[0]!.vendor}:${vendorIds[0]!.device}`;
        ctx.report({
          messageId: 'guardLost',
          // Stryker disable next-line ConditionalExpression,StringLiteral: every guard left here is not carried (the check above); the test only narrows the type
          data: { driver: load.driver, how: load.how, vendor: VENDOR_NAMES[load.vendor] ?? load.vendor, id, guard: first.g.file.source.text.slice(first.g.loc.start, first.g.loc.end), file: first.g.file.systemPath, why: first.in.carried === false ? first.in.why : '' },
          at: load.at,
          related: [
            ...states.map((s) => ({ ...s.g.loc, message: 'this line is not in the image' })),
            { ...vendorIds[0]!.loc, message: 'the device is given to vfio-pci here' },
          ],
          ...remedy(cfg, first.g),
        });
      }
    }
  },
});

function idsLine(host: HostModel): ModprobeFact | undefined {
  for (let i = host.modprobe.facts.length - 1; i >= 0; i--) {
    const f = host.modprobe.facts[i]!;
    if (f.keyword === 'options' && f.module === 'vfio_pci' && f.options.some((o) => o.key === 'ids' && o.value !== undefined)) return f;
  }
  return undefined;
}

/** vfio_pci loaded early inside the image: mkinitcpio MODULES, dracut force_drivers, or dracut's `rd.driver.pre=` on a configured command line. */
function earlyVfio(host: HostModel, cfg: InitramfsConfig): { at: Loc; where: string; index: number } | undefined {
  const i = cfg.early.findIndex((m) => m.module === 'vfio_pci');
  if (i >= 0) return { at: cfg.early[i]!.loc, where: `${cfg.generator === 'mkinitcpio' ? 'MODULES' : 'force_drivers'} in ${cfg.early[i]!.file.systemPath}`, index: i };
  if (cfg.generator !== 'dracut') return undefined;
  for (const source of host.configuredCmdlines) {
    const p = source.params.find((x) => (x.key === 'rd.driver.pre' || x.key === 'rdloaddriver') && moduleItems(x).includes('vfio_pci'));
    // After every force_drivers module: dracut writes those as rd.driver.pre= lines in the image's
    // /etc/cmdline.d, which getcmdline (dracut-lib.sh) reads before /proc/cmdline.
    if (p) return { at: p.loc, where: `${p.name}= in ${source.label}`, index: cfg.early.length };
  }
  return undefined;
}

interface GpuLoad {
  driver: string;
  vendor: string;
  how: string;
  at: Loc;
  /** Its place in the early list (Infinity: loaded later by udev). */
  index: number;
}

/** GPU drivers the image loads: listed early or added (udev loads an added driver by the device's alias), or every DRM driver through mkinitcpio's kms hook. */
function gpuLoads(cfg: InitramfsConfig): GpuLoad[] {
  // Stryker disable next-line ArrayDeclaration: a stray element has no vendor, so gpuIdsOf finds no ids for it and check() skips it
  const out: GpuLoad[] = [];
  const listed = (m: ModuleFact, index: number, list: string) => {
    const vendor = displayVendorOf(m.module);
    // Stryker disable next-line ConditionalExpression: a load with no vendor finds no ids in gpuIdsOf, so check() skips it; the test keeps such loads out of the list
    if (vendor) out.push({ driver: m.module, vendor, how: `${list} in ${m.file.systemPath}`, at: m.loc, index });
  };
  const early = cfg.generator === 'mkinitcpio' ? 'MODULES' : 'force_drivers';
  cfg.early.forEach((m, i) => listed(m, i, early));
  cfg.included.forEach((m) => listed(m, Infinity, 'add_drivers'));
  const kms = cfg.hooks.find((h) => h.name === 'kms'); // only mkinitcpio has HOOKS
  if (kms) {
    // NVIDIA's drivers under kms are nvidia-not-blacklisted's.
    for (const vendor of ['1002', '8086']) {
      for (const driver of displayDriversOf(vendor)) {
        if (out.some((l) => l.driver === driver)) continue;
        out.push({ driver, vendor, how: `the kms hook in ${kms.file.systemPath} adds the DRM drivers`, at: kms.loc, index: Infinity });
      }
    }
  }
  return out;
}

/** The modprobe.d lines that keep `driver` off a device given to vfio-pci: a softdep loading vfio-pci first, a blacklist, an install command. */
function guardsOf(host: HostModel, driver: string): ModprobeFact[] {
  const out: ModprobeFact[] = [];
  const softdep = host.modprobe.softdep(driver);
  if (softdep?.pre.includes('vfio_pci')) out.push(softdep);
  const blacklist = host.modprobe.blacklist(driver);
  if (blacklist) out.push(blacklist);
  const install = host.modprobe.install(driver);
  if (install) out.push(install);
  return out;
}

/** mkinitcpio: add the modconf hook (a fix: it is upstream's default, and carries modprobe.d as the host reads it). dracut: name the file in install_items (a suggestion). */
function remedy(cfg: InitramfsConfig, line: ModprobeFact): { fix?: Fix; suggestions?: Suggestion[] } {
  if (cfg.generator === 'mkinitcpio') {
    const fix = addModconf(cfg);
    return fix ? { fix } : {};
  }
  const file = cfg.files.find((f) => f.systemPath.startsWith('/etc/dracut.conf.d/')) ?? cfg.files.find((f) => f.systemPath === '/etc/dracut.conf');
  if (!file) return {};
  return {
    suggestions: [{
      description: `Copy ${line.file.systemPath} into the image (install_items in ${file.systemPath}); then rebuild it with dracut --force`,
      fix: { edits: [appendLines(file.source, [`install_items+=" ${line.file.systemPath} "`])] },
    }],
  };
}

function addModconf(cfg: InitramfsConfig): Fix | undefined {
  for (const name of MODCONF_AFTER) {
    const hook = cfg.hooks.find((h) => h.name === name);
    if (!hook) continue;
    const text = hook.file.source.text;
    if (text.slice(hook.loc.start, hook.loc.end) !== name) return undefined;
    const lineStart = text.lastIndexOf('\n', hook.loc.start) + 1;
    const lineEnd = text.indexOf('\n', hook.loc.end);
    const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
    if (/\$\(|`|;|&&|\|\|/.test(line)) return undefined;
    // A quoted word ("udev") gets a quoted neighbour after its closing quote, not a second word inside it.
    const quote = text[hook.loc.start - 1];
    if ((quote === '"' || quote === "'") && text[hook.loc.end] === quote) {
      return { edits: [{ path: hook.loc.path, start: hook.loc.end + 1, end: hook.loc.end + 1, text: ` ${quote}modconf${quote}` }] };
    }
    return { edits: [{ path: hook.loc.path, start: hook.loc.end, end: hook.loc.end, text: ' modconf' }] };
  }
  return undefined;
}
