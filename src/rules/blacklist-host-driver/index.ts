import { defineRule } from '../../engine/rule.js';
import type { Loc } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import type { ModprobeFact, VfioId } from '../../host/facts.js';
import type { HostModel } from '../../host/model.js';
import type { PciDevice } from '../../host/live.js';
import { valueItems } from '../../host/params.js';
import { describeDevice, vfioTargets } from '../../host/vfio-targets.js';
import { GPU_AUDIO_DRIVER } from '../../host/display-drivers.js';
import { pciDriversByClass, pciDriversById } from '../../data/pci-drivers.js';

/**
 * Drivers a host nearly always needs for something: what each drives, for messages. Blacklisting one to free
 * a single device takes it from every other device it drives. GPU drivers are here only for a host whose
 * other GPU the running host shows (GPU_DRIVERS).
 */
const HOST_DRIVERS: Record<string, string> = {
  snd_hda_intel: 'onboard HD Audio and every GPU\'s HDMI/DP audio',
  xhci_pci: 'USB 3 controllers, the host\'s keyboard and mouse ports included',
  xhci_hcd: 'USB 3 controllers (xhci_pci needs it)',
  ehci_pci: 'USB 2 controllers',
  ahci: 'SATA controllers',
  nvme: 'NVMe drives, the boot drive included',
  mpt3sas: 'LSI/Broadcom SAS HBAs',
  e1000e: 'Intel gigabit Ethernet (onboard)',
  igb: 'Intel gigabit Ethernet',
  igc: 'Intel 2.5G Ethernet',
  ixgbe: 'Intel 10G Ethernet',
  i40e: 'Intel 40G Ethernet',
  r8169: 'Realtek Ethernet (onboard)',
  tg3: 'Broadcom Ethernet',
  iwlwifi: 'Intel Wi-Fi',
};
/** GPU drivers: reported only when the running host shows another GPU that driver drives (a guess otherwise). */
const GPU_DRIVERS = new Set(['amdgpu', 'i915', 'xe']);

/** One place that disables a driver host-wide. */
interface Disable {
  module: string;
  at: Loc;
  written: string;
  fact: ModprobeFact | undefined;
}

export const rule = defineRule({
  meta: {
    id: 'blacklist-host-driver',
    description: 'Disabling a driver host-wide (blacklist, install /bin/false, module_blacklist=) to free one device for a guest takes that driver from every other device the host needs it for: bind the one device to vfio-pci instead.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: [{ anyOf: ['modprobe', 'cmdline'] }],
    optional: ['live', 'domain'],
    messages: {
      needed: '`{written}` disables {module} for the whole host, but {module} also drives {count} other {devices} here: {list}. {they} left without a driver. Keep {module} off only the guest\'s device: give its id to vfio-pci and load vfio-pci first (`softdep {module} pre: vfio-pci`), or set its driver_override',
      neededNoTarget: '`{written}` disables {module} for the whole host, and {module} drives {list} here, {none} meant for a guest: {they} left without a driver{deliberate}',
      likely: '`{written}` disables {module} for the whole host, not only for the guest\'s device: {module} drives {what}. Without the host\'s devices (`--live` or a snapshot) vfio-lint cannot tell whether this host has others; if it does, give the guest\'s device to vfio-pci by id and load vfio-pci first (`softdep {module} pre: vfio-pci`) instead{idsNote}',
    },
    sources: [
      'kmod modprobe.d(5) (blacklist, install) and Linux `kernel/module/main.c` (`module_blacklist=`): each acts on the module, for every device: https://man7.org/linux/man-pages/man5/modprobe.d.5.html',
      'Linux `drivers/vfio/pci/vfio_pci.c` (`ids=`: vfio-pci takes only the listed vendor:device ids) and `Documentation/ABI/testing/sysfs-bus-pci` (`driver_override`: one device, by address): https://github.com/torvalds/linux/blob/master/Documentation/ABI/testing/sysfs-bus-pci',
      'Which driver takes which device: modules.alias of Debian linux-image-6.12.95+deb12-amd64 (data/pci-drivers.json, scripts/gen-data.mjs); the running host\'s sysfs driver links (`--live`, snapshots)',
      'Linux `drivers/usb/host/xhci-pci.c`: the PCI driver of xhci_pci registers as `xhci_hcd`, the name sysfs shows: https://github.com/torvalds/linux/blob/master/drivers/usb/host/xhci-pci.c',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    const host = machine.host;
    const pci = host.live?.pci;
    const ids = host.vfioIds?.ids ?? [];
    const targets = vfioTargets(host, machine.domains);
    const isTarget = (d: PciDevice) => targets.has(d.address) || d.driver === 'vfio-pci' || d.driverOverride === 'vfio-pci';

    for (const off of disables(host)) {
      const needs = HOST_DRIVERS[off.module];
      const gpu = GPU_DRIVERS.has(off.module);
      if (!needs && !gpu) continue;
      if (pci) {
        const driven = pci.devices.filter((d) => drives(off.module, d));
        const others = driven.filter((d) => !isTarget(d));
        if (others.length === 0) continue;
        const list = others.slice(0, 4).map(describeDevice).join(', ') + (others.length > 4 ? ` and ${others.length - 4} more` : '');
        if (driven.some(isTarget)) {
          ctx.report({
            messageId: 'needed',
            data: { written: off.written, module: off.module, count: String(others.length), devices: others.length === 1 ? 'device' : 'devices', list, they: others.length === 1 ? 'It is' : 'They are' },
            at: off.at,
            suggestions: rebind(host, off, ids),
          });
        } else {
          ctx.report({ messageId: 'neededNoTarget', severity: 'info', data: { written: off.written, module: off.module, list, none: others.length === 1 ? 'which is not' : 'none of them', they: others.length === 1 ? 'it is' : 'they are', deliberate: '. If that is not what you want, remove the line' }, at: off.at });
        }
        continue;
      }
      // Without the host's devices a GPU driver's blacklist is the usual passthrough setup, or not: no guess.
      if (gpu) continue;
      const byTable = ids.filter((id) => pciDriversById(id.vendor, id.device).includes(off.module));
      const gpus = ids.filter((id) => claims(off.module, id) && !byTable.includes(id));
      ctx.report({
        messageId: 'likely',
        severity: 'info',
        data: {
          written: off.written,
          module: off.module,
          what: needs!,
          idsNote:
            byTable.length > 0
              ? ` (vfio-pci's ids already name ${idList(byTable)}, which ${off.module} would take)`
              : gpus.length > 0
                ? ` (vfio-pci's ids already name the GPU ${idList(gpus)}, whose HDMI/DP audio function ${off.module} would take)`
                : '',
        },
        at: off.at,
        suggestions: rebind(host, off, ids),
      });
    }
  },
});

/** Every place that disables a driver for the whole host, the first per module: blacklist, an install that loads nothing, modprobe.blacklist=, module_blacklist=. */
function disables(host: HostModel): Disable[] {
  const out: Disable[] = [];
  for (const f of host.modprobe.facts) {
    const written = f.file.source.text.slice(f.loc.start, f.loc.end).trim();
    if (f.keyword === 'blacklist') out.push({ module: f.module, at: f.moduleLoc, written, fact: f });
    if (f.keyword === 'install' && host.modprobe.install(f.module) === f && /^\s*(\/usr)?(\/s?bin\/)?(false|true)\s*$/.test(f.command ?? '')) {
      out.push({ module: f.module, at: f.moduleLoc, written, fact: f });
    }
  }
  const boot = host.configuredCmdlines[0];
  for (const p of boot?.params ?? []) {
    if (p.afterDashDash) continue;
    // module_blacklist= is the kernel's: the occurrence it uses, exact names only.
    if (p.key === 'module_blacklist' && boot!.get('module_blacklist') !== p) continue;
    if (p.key !== 'modprobe.blacklist' && p.key !== 'module_blacklist') continue;
    for (const item of valueItems(p)) {
      const name = item.text.trim();
      if (!name) continue;
      const module = p.key === 'module_blacklist' ? name : name.replaceAll('-', '_');
      out.push({ module, at: item.loc, written: `${p.name}=${p.value}`, fact: undefined });
    }
  }
  const seen = new Set<string>();
  return out.filter((d) => !seen.has(d.module) && (seen.add(d.module), true));
}

const idList = (ids: readonly VfioId[]): string => ids.map((i) => `${i.vendor}:${i.device}`).join(', ');

/** Does `module` drive this device: bound to it now, or (unbound, as a blacklisted driver leaves it) named by its device tables. */
function drives(module: string, d: PciDevice): boolean {
  const binder = module === 'xhci_hcd' ? 'xhci_pci' : module;
  // A device on vfio-pci is asked about by its tables: which driver would take it back.
  if (d.driver && d.driver !== 'vfio-pci') return d.driver.replaceAll('-', '_') === binder || (binder === 'xhci_pci' && d.driver === 'xhci_hcd');
  if (!d.vendor || !d.device) return false;
  return pciDriversById(d.vendor, d.device).includes(binder) || (d.class !== null && pciDriversByClass(d.vendor, d.class).includes(binder));
}

/** Would `module` take this vfio-pci id's device (its device table names it, or it is a GPU's HDMI audio)? */
function claims(module: string, id: VfioId): boolean {
  if (pciDriversById(id.vendor, id.device).includes(module)) return true;
  return module === GPU_AUDIO_DRIVER && (id.vendor === '10de' || id.vendor === '1002') && pciDriversById(id.vendor, id.device).length === 0;
}

/**
 * Replace the blacklist (or install) line with `softdep MODULE pre: vfio-pci`, when vfio-pci's ids already
 * name a device the module would take: then vfio-pci gets that device and the module keeps the others.
 */
function rebind(host: HostModel, off: Disable, ids: readonly VfioId[]): Suggestion[] | undefined {
  if (!off.fact || !ids.some((id) => claims(off.module, id))) return undefined;
  const f = off.fact;
  const existing = host.modprobe.softdep(off.module);
  const text = existing?.pre.includes('vfio_pci') ? '' : `softdep ${off.module} pre: vfio-pci`;
  if (existing && !text) {
    return [{ description: `Remove \`${off.written}\`: \`softdep ${off.module} pre: vfio-pci\` already keeps ${off.module} off the devices in vfio-pci's ids`, fix: { edits: [lineEdit(f, '')] } }];
  }
  if (existing) return undefined; // its softdep line is another's: softdep-ineffective and vfio-pci-late-load say what to add
  return [{ description: `Replace \`${off.written}\` with \`${text}\`: vfio-pci takes the devices in its ids, ${off.module} keeps the others`, fix: { edits: [lineEdit(f, text)] } }];
}

/** Replace a modprobe.d line's text (an empty text deletes the line, break included). */
function lineEdit(f: ModprobeFact, text: string): { path: string; start: number; end: number; text: string } {
  const src = f.file.source.text;
  if (text) return { path: f.loc.path, start: f.loc.start, end: f.loc.end, text };
  let end = f.loc.end;
  if (src[end] === '\r') end++;
  if (src[end] === '\n') end++;
  return { path: f.loc.path, start: f.loc.start, end, text: '' };
}
