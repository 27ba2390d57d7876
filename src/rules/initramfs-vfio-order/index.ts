import { defineRule } from '../../engine/rule.js';
import type { Fix, Suggestion, TextEdit } from '../../engine/fix.js';
import type { HostModel } from '../../host/model.js';
import type { InitramfsConfig, ModuleFact, VfioId } from '../../host/facts.js';
import { modprobeInImage } from '../../host/initramfs-contents.js';
import { displayVendorOf, GPU_AUDIO_DRIVER, gpuIdsOf, VENDOR_NAMES } from '../../host/display-drivers.js';
import { deleteLines } from '../../edit/lines.js';
import { eolOf } from '../../edit/xml.js';

/** The vfio modules a list loads early; they move together, in their order. */
const VFIO = new Set(['vfio_pci', 'vfio', 'vfio_iommu_type1', 'vfio_pci_core', 'vfio_virqfd']);

const LIST: Record<InitramfsConfig['generator'], string> = { mkinitcpio: 'MODULES', dracut: 'force_drivers', 'initramfs-tools': 'the modules list' };

export const rule = defineRule({
  meta: {
    id: 'initramfs-vfio-order',
    description: 'An initramfs that loads a GPU driver early must load vfio-pci before it, or the driver binds the GPU meant for vfio-pci.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'machine',
    // A list that is not there is in no wrong order: nothing to check, not a skipped check.
    requires: [],
    optional: ['modprobe', 'cmdline'],
    messages: {
      order: '{driver} is loaded before vfio_pci ({list} in {file}), so it binds {vendor} device {id} before vfio-pci can claim it: list vfio_pci before {driver}',
      noVfio: '{driver} is loaded early ({list} in {file}) and vfio_pci is not, though {others} {are}: {driver} binds {vendor} device {id} before vfio-pci loads. List vfio_pci before {driver}',
    },
    sources: [
      'mkinitcpio `init`: `modprobe -qab ${earlymodules//,/ } $MODULES`, in the order listed, before udev (commit fc8137c): https://gitlab.archlinux.org/archlinux/mkinitcpio/mkinitcpio (GitHub mirror archlinux/mkinitcpio)',
      'dracut `dracut.sh`: each force_drivers module becomes an `rd.driver.pre=` line, which `dracut-pre-udev.sh` loads in order with modprobe (commit 5d2bda4): https://github.com/dracutdevs/dracut',
      'initramfs-tools 0.142+deb12u3 `scripts/functions` `load_modules`: `/sbin/modprobe $m` for each line of /conf/modules, in order (read from the Debian package)',
      'Linux `drivers/pci/pci-driver.c`: a device is bound by the first loaded driver whose id table matches it; vfio-pci matches only the ids it is given: https://github.com/torvalds/linux/blob/master/drivers/pci/pci-driver.c',
      'kmod modprobe.d(5): `softdep m pre: vfio-pci` loads vfio-pci before m whenever m is loaded: https://man7.org/linux/man-pages/man5/modprobe.d.5.html',
    ],
  },
  check(ctx) {
    const host = ctx.machine.host;
    const ids = host.vfioIds?.ids;
    if (!ids) return;
    for (const cfg of host.initramfs) {
      const vfioAt = cfg.early.findIndex((m) => m.module === 'vfio_pci');
      const seen = new Set<string>();
      for (let i = 0; i < cfg.early.length; i++) {
        const m = cfg.early[i]!;
        if (vfioAt >= 0 && vfioAt < i) break;
        if (seen.has(m.module)) continue;
        const target = claimedBy(m.module, ids, host);
        if (!target || guardedInImage(host, cfg, m.module)) continue;
        seen.add(m.module);
        const data = { driver: m.module, list: LIST[cfg.generator], file: m.file.systemPath, vendor: VENDOR_NAMES[target.vendor] ?? target.vendor, id: `${target.vendor}:${target.device}` };
        const related = [{ ...target.loc, message: 'the device is given to vfio-pci here' }];
        if (vfioAt >= 0) {
          const moved = cfg.early.slice(i + 1).filter((x) => VFIO.has(x.module));
          const move = moveBefore(cfg, m, moved);
          ctx.report({
            messageId: 'order',
            data,
            at: m.loc,
            related: [...related, { ...cfg.early[vfioAt]!.loc, message: 'vfio_pci is loaded only here' }],
            ...(move?.unambiguous ? { fix: move.fix } : move ? { suggestions: [{ description: `Move ${moved.map((x) => x.name).join(', ')} before ${m.name}`, fix: move.fix }] satisfies Suggestion[] } : {}),
          });
          continue;
        }
        const others = cfg.early.filter((x) => VFIO.has(x.module));
        if (others.length === 0) continue; // nothing shows vfio was meant to load early: vfio-pci-late-load's question
        const insert = insertBefore(cfg, m, 'vfio_pci');
        ctx.report({
          messageId: 'noVfio',
          data: { ...data, others: others.map((x) => x.name).join(', '), are: others.length === 1 ? 'is' : 'are' },
          at: m.loc,
          related,
          ...(insert ? { suggestions: [{ description: `Load vfio_pci before ${m.name}`, fix: insert }] } : {}),
        });
      }
    }
  },
});

/**
 * The vfio-pci device `module` would take: a display driver binds its vendor's GPUs; snd_hda_intel
 * binds the HDMI/DP audio function that NVIDIA and AMD GPUs have beside the display. An Intel id
 * counts only when the live host shows it is a GPU (8086 is also chipsets, audio, NICs). NVIDIA's
 * display drivers are nvidia-not-blacklisted's (its `early` message).
 */
function claimedBy(module: string, ids: readonly VfioId[], host: HostModel): VfioId | undefined {
  if (module === GPU_AUDIO_DRIVER) return ids.find((i) => i.vendor === '10de' || i.vendor === '1002');
  const vendor = displayVendorOf(module);
  if (!vendor || vendor === '10de') return undefined;
  return gpuIdsOf(ids, vendor, host.live)[0];
}

/**
 * A softdep (`pre: vfio-pci`) or install line for the driver inside the image makes kmod load vfio-pci
 * first whatever the order; so does a blacklist under mkinitcpio, whose init loads MODULES with `-b`.
 * An image whose contents are unknown counts as guarded: the rule does not guess.
 */
function guardedInImage(host: HostModel, cfg: InitramfsConfig, driver: string): boolean {
  const guards = [];
  const softdep = host.modprobe.softdep(driver);
  if (softdep?.pre.includes('vfio_pci')) guards.push(softdep);
  const install = host.modprobe.install(driver);
  if (install && !softdep) guards.push(install);
  const blacklist = cfg.generator === 'mkinitcpio' ? host.modprobe.blacklist(driver) : undefined;
  if (blacklist) guards.push(blacklist);
  return guards.some((g) => modprobeInImage(cfg, g.file.systemPath).carried !== false);
}

/**
 * Edits that move `moved` (in their order) to just before `driver`. Unambiguous, and so a fix, when
 * every word is written as read and all sit in one list in one file; otherwise a suggestion.
 */
function moveBefore(cfg: InitramfsConfig, driver: ModuleFact, moved: readonly ModuleFact[]): { fix: Fix; unambiguous: boolean } | undefined {
  if (moved.length === 0 || ![driver, ...moved].every(verbatim)) return undefined;
  if (cfg.generator === 'initramfs-tools') {
    if (![driver, ...moved].every(aloneOnLine)) return undefined;
    const src = driver.file.source;
    const eol = eolOf(src.text);
    const lines = moved.map((m) => lineOf(m.file.source.text, m.loc.start) + eol).join('');
    const at = lineStart(src.text, driver.loc.start);
    return { fix: { edits: [{ path: driver.loc.path, start: at, end: at, text: lines }, ...deleteLines(moved.map((m) => ({ source: m.file.source, range: m.loc })))] }, unambiguous: moved.every((m) => m.file === driver.file) };
  }
  const edits: TextEdit[] = [{ path: driver.loc.path, start: driver.loc.start, end: driver.loc.start, text: moved.map((m) => `${m.name} `).join('') }];
  for (const m of moved) {
    const text = m.file.source.text;
    let start = m.loc.start;
    while (start > 0 && /\s/.test(text[start - 1]!)) start--;
    edits.push({ path: m.loc.path, start, end: m.loc.end, text: '' });
  }
  const last = moved.at(-1)!;
  const oneList = moved.every((m) => m.file === driver.file) && !/[=()"'$`#;]/.test(driver.file.source.text.slice(driver.loc.start, last.loc.end));
  return { fix: { edits }, unambiguous: oneList };
}

function insertBefore(cfg: InitramfsConfig, driver: ModuleFact, module: string): Fix | undefined {
  if (!verbatim(driver)) return undefined;
  const text = driver.file.source.text;
  if (cfg.generator === 'initramfs-tools') {
    if (!aloneOnLine(driver)) return undefined;
    const at = lineStart(text, driver.loc.start);
    return { edits: [{ path: driver.loc.path, start: at, end: at, text: module + eolOf(text) }] };
  }
  return { edits: [{ path: driver.loc.path, start: driver.loc.start, end: driver.loc.start, text: `${module} ` }] };
}

function verbatim(m: ModuleFact): boolean {
  return m.file.source.text.slice(m.loc.start, m.loc.end) === m.name;
}

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function lineOf(text: string, at: number): string {
  const start = lineStart(text, at);
  const end = text.indexOf('\n', at);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

/** A modules-file line that holds this module (and maybe its arguments) and nothing before it. */
function aloneOnLine(m: ModuleFact): boolean {
  const text = m.file.source.text;
  return text.slice(lineStart(text, m.loc.start), m.loc.start).trim() === '';
}
