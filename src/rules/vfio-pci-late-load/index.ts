import { defineRule } from '../../engine/rule.js';
import type { RelatedLocation } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import type { VfioId } from '../../host/facts.js';
import { carriesModprobeConf, guardOf } from '../../host/early-binding.js';
import type { HostModel } from '../../host/model.js';
import { describeDevice, sysfsLoc } from '../../host/vfio-targets.js';
import { pciDriverDepends, pciDriversByClass, pciDriversById, pciDriversKernel, pciVendorClassDrivers } from '../../data/pci-drivers.js';
import { softdepSuggestion } from '../softdep-fix.js';

/** NVIDIA's own drivers: nvidia-not-blacklisted is the rule for those. */
const NVIDIA_DRIVERS = new Set(['nouveau', 'nvidia', 'nvidia_drm', 'nvidia_modeset']);

const VENDORS: Record<string, string> = { '1002': 'AMD', '1022': 'AMD', '10de': 'NVIDIA', '8086': 'Intel' };

/** What will likely claim an id's device, and how that is known. */
interface Claim {
  ids: VfioId[];
  drivers: string[];
  how: string;
  related: RelatedLocation[];
}

export const rule = defineRule({
  meta: {
    id: 'vfio-pci-late-load',
    description: 'A device given to vfio-pci by id goes to whichever driver binds it first: something must load vfio-pci before the device\'s own driver.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: [{ anyOf: ['cmdline', 'modprobe'] }],
    optional: ['initramfs', 'live'],
    messages: {
      late: '{ids} is given to vfio-pci, but nothing loads vfio-pci before {drivers}{race}, so {drivers} will likely claim it first: {how}. Load vfio-pci first: `softdep {driver} pre: vfio-pci`, or vfio_pci early in the initramfs',
      lateByClass: '{ids} {isAre} in no driver\'s device table, but {how}. Nothing loads vfio-pci before {drivers}{race}, so {which} will likely be claimed by the host driver first. Load vfio-pci first: `softdep {driver} pre: vfio-pci`, or vfio_pci early in the initramfs',
    },
    sources: [
      'Linux `drivers/vfio/pci/vfio_pci.c` (`.id_table = NULL, /* only dynamic ids */`, `vfio_pci_fill_ids` adds the `ids=` list when the module initialises): https://github.com/torvalds/linux/blob/master/drivers/vfio/pci/vfio_pci.c',
      'Linux `drivers/pci/pci-driver.c` (a device already bound keeps its driver; a new dynamic id only probes unbound devices): https://github.com/torvalds/linux/blob/master/drivers/pci/pci-driver.c',
      'depmod(8), modules.alias: the `pci:v…d…sv…sd…bc…sc…i…` patterns udev loads drivers by (data/pci-drivers.json, from Debian linux-image-6.12.95+deb12-amd64): https://man7.org/linux/man-pages/man8/depmod.8.html',
      'kmod `man/modprobe.d.5.scd` (softdep, install, blacklist), `libkmod/libkmod-module.c` (the softdeps of a module\'s dependencies apply when it loads): https://github.com/kmod-project/kmod',
      'mkinitcpio `init` (MODULES load before udev is triggered), `install/modconf`: https://gitlab.archlinux.org/archlinux/mkinitcpio/mkinitcpio',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    const host = machine.host;
    const ids = host.vfioIds?.ids ?? [];
    // Stryker disable next-line ConditionalExpression: with no ids both loops below run zero times and nothing is reported; the return only skips the work
    if (ids.length === 0) return;
    const kernel = pciDriversKernel().version;
    // systemd-modules-load runs while udev coldplugs devices: vfio_pci there loads alongside the drivers, not before them.
    const race = raceNote(host);
    const seen = new Set<string>();
    const guessed = new Map<string, VfioId[]>();
    const claims: Claim[] = [];
    for (const id of ids) {
      const key = `${id.vendor}:${id.device}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const live = host.live?.pci?.withId(id.vendor, id.device) ?? [];
      // The running boot already gave it to vfio-pci: whatever does that is not in the files given.
      if (live.some((d) => d.driver === 'vfio-pci')) continue;
      const byId = pciDriversById(id.vendor, id.device);
      const withClass = live.find((d) => d.class);
      if (withClass?.class) {
        const drivers = [...new Set([...byId, ...pciDriversByClass(id.vendor, withClass.class)])];
        const bound = withClass.driver ? `, and it is bound to ${withClass.driver} now` : '';
        const how = byId.length > 0 ? `${key} is in ${tables(byId)} (modules.alias, Linux ${kernel})${bound}` : `${describeDevice(withClass)} has class ${withClass.class}, which ${drivers.join(' and ')} take${drivers.length === 1 ? 's' : ''} (modules.alias, Linux ${kernel})${bound}`;
        claims.push({ ids: [id], drivers, how, related: [{ ...sysfsLoc(withClass.address), message: `the device as the running host has it: class ${withClass.class}, driver ${withClass.driver ?? 'none'}` }] });
      } else if (byId.length > 0) {
        claims.push({ ids: [id], drivers: byId, how: `${key} is in ${tables(byId)} (modules.alias, Linux ${kernel})`, related: [] });
      } else {
        // Vendors with no class drivers are dropped below (no entries).
        guessed.set(id.vendor, [...(guessed.get(id.vendor) ?? []), id]);
      }
    }

    for (const claim of claims) {
      const open = claim.drivers.filter((d) => !NVIDIA_DRIVERS.has(d) && unguarded(host, d));
      if (open.length === 0) continue;
      ctx.report({
        messageId: 'late',
        data: { ids: claim.ids.map((i) => `${i.vendor}:${i.device}`).join(', '), drivers: open.join(' and '), driver: open[0]!, how: claim.how, race: race + shadowNote(host, open) },
        at: claim.ids[0]!.loc,
        related: claim.related,
        suggestions: suggestions(open),
      });
    }

    // Ids no table names: the vendor's class drivers may take them, depending on a class only a live read tells.
    for (const [vendor, list] of guessed) {
      const entries = pciVendorClassDrivers(vendor)
        .map((e) => ({ ...e, drivers: e.drivers.filter((d) => !NVIDIA_DRIVERS.has(d)) }))
        .filter((e) => e.drivers.length > 0);
      // A lone NVIDIA id is most likely the GPU itself, nvidia-not-blacklisted's case; two or more include its audio function.
      const nvidiaOnlyGpu = vendor === '10de' && list.length < 2;
      if (entries.length === 0 || nvidiaOnlyGpu) continue;
      const byDriver = new Map<string, string[]>();
      for (const e of entries) for (const d of e.drivers) byDriver.set(d, [...(byDriver.get(d) ?? []), e.classCode]);
      const open = [...byDriver.keys()].filter((d) => unguarded(host, d));
      if (open.length === 0) continue;
      const name = VENDORS[vendor] ?? `vendor ${vendor}`;
      const how = open.map((d) => `${d} takes every ${name} device of class ${byDriver.get(d)!.map(classWords).join(' or ')}`).join(', ') + ` (modules.alias, Linux ${kernel})`;
      ctx.report({
        messageId: 'lateByClass',
        data: {
          ids: list.map((i) => `${i.vendor}:${i.device}`).join(', '),
          isAre: list.length === 1 ? 'is' : 'are',
          how,
          drivers: open.join(' and '),
          driver: open[0]!,
          which: list.length === 1 ? 'unless it is of another class, it' : 'whichever of them is of such a class',
          race: race + shadowNote(host, open),
        },
        at: list[0]!.loc,
        related: list.slice(1).map((i) => ({ ...i.loc, message: `${i.vendor}:${i.device}` })),
        suggestions: suggestions(open),
      });
    }

    function suggestions(drivers: string[]): Suggestion[] {
      return drivers.flatMap((d) => softdepSuggestion(machine, d));
    }
  },
});

/** Nothing loads vfio-pci before `driver`, and the driver is not kept from registering (nomodeset, modeset=0). */
function unguarded(host: HostModel, driver: string): boolean {
  return guardOf(host, driver, new Set([driver]), pciDriverDepends(driver)).strength === 'none';
}

/** A softdep that would load vfio-pci first but is not the line kmod uses (it reads a module's first softdep only). */
function shadowNote(host: HostModel, drivers: string[]): string {
  for (const d of drivers) {
    const used = host.modprobe.softdep(d);
    const lost = host.modprobe.facts.find((f) => f.keyword === 'softdep' && f.module === d && f !== used && f.pre.includes('vfio_pci'));
    if (used && lost) return ` (kmod reads only the first softdep line of ${d}, in ${used.file.systemPath}, not the one in ${lost.file.systemPath} that loads vfio-pci)`;
  }
  return '';
}

/** Why a vfio_pci load the files do have does not count, for the message. */
function raceNote(host: HostModel): string {
  // mkinitcpio without modconf loads vfio_pci early with no options: it claims nothing, and once loaded it never reads modprobe.d's ids.
  const bare = host.initramfs.find((c) => c.generator === 'mkinitcpio' && !carriesModprobeConf(c) && c.early.some((m) => m.module === 'vfio_pci'));
  if (bare && host.vfioIds?.from === 'modprobe') return ` (mkinitcpio loads vfio_pci first, but without its ids: the image has no modprobe.d without the modconf hook)`;
  // systemd-modules-load runs while udev coldplugs devices: vfio_pci there loads alongside the drivers, not before them.
  const listed = host.modulesLoad.find((m) => m.module === 'vfio_pci');
  return listed ? ` (vfio_pci in ${listed.file.systemPath} loads while udev loads the drivers, not before them)` : '';
}

/** `amdgpu's device table`, `the device tables of i915 and xe`. */
function tables(drivers: string[]): string {
  return drivers.length === 1 ? `${drivers[0]}'s device table` : `the device tables of ${drivers.join(' and ')}`;
}

/** `040300` -> `0403 (audio)`: the class as lspci -n shows it, with what it is for the common ones. */
function classWords(code: string): string {
  const words: Record<string, string> = { '03': 'display', '0403': 'audio', '12': 'accelerator', '0c03': 'USB', '0106': 'SATA', '0108': 'NVMe', '02': 'network' };
  const name = words[code.slice(0, 4)] ?? words[code.slice(0, 2)];
  return name ? `${code.slice(0, 4)} (${name})` : code.slice(0, 4);
}
