import type { Loc } from '../core/range.js';
import type { DomainFacts, HostdevFact } from '../domain/facts.js';
import type { PciDevice } from '../live/types.js';
import type { HostModel } from './model.js';
import type { VfioId } from './facts.js';

/** A PCI device the configuration gives to VFIO, and every place that does. */
export interface VfioTarget {
  address: string;
  /** The device as the running host has it; undefined when the host has no such device (or PCI was not read). */
  device: PciDevice | undefined;
  hostdevs: Array<{ domain: DomainFacts; hostdev: HostdevFact }>;
  /** The vfio-pci `ids=` entries that match it (the configured boot's). */
  ids: VfioId[];
}

/**
 * The PCI devices meant for VFIO: each `<hostdev type='pci'>` of every domain
 * given, and each live device whose vendor:device is in the vfio-pci ids the
 * configured boot sets. Needs the live PCI facts to match ids to addresses;
 * without them, only hostdevs are listed (with `device` undefined).
 */
export function vfioTargets(host: HostModel, domains: readonly DomainFacts[]): Map<string, VfioTarget> {
  const out = new Map<string, VfioTarget>();
  const pci = host.live?.pci;
  const entry = (address: string): VfioTarget => {
    let t = out.get(address);
    if (!t) out.set(address, (t = { address, device: pci?.get(address), hostdevs: [], ids: [] }));
    return t;
  };
  for (const domain of domains) {
    for (const h of domain.hostdevs) {
      if ((h.mode ?? 'subsystem') !== 'subsystem' || h.type !== 'pci' || !h.pciAddress) continue;
      // libvirt's default is managed='no' for a hostdev written by hand (`managed`); virt-manager writes managed='yes'.
      entry(h.pciAddress).hostdevs.push({ domain, hostdev: h });
    }
  }
  for (const id of host.vfioIds?.ids ?? []) {
    for (const d of pci?.withId(id.vendor, id.device) ?? []) entry(d.address).ids.push(id);
  }
  return out;
}

/** Drivers that leave a device's DMA to its user, so a group holding them stays usable for VFIO. */
export const VFIO_SAFE_DRIVERS: ReadonlySet<string> = new Set(['vfio-pci', 'pci-stub', 'pcieport']);

/** `0000:03:00.0 (1022:43d5, xhci_hcd)`: a device as messages name it. */
export function describeDevice(d: PciDevice): string {
  const id = d.vendor && d.device ? `${d.vendor}:${d.device}` : 'unknown id';
  return `${d.address} (${id}${d.driver ? `, ${d.driver}` : ', no driver'})`;
}

/** Where a related location points for a live fact: the device's sysfs directory (no line: it is not a file we read). */
export function sysfsLoc(address: string, attribute?: string): Loc {
  return { path: `/sys/bus/pci/devices/${address}${attribute ? `/${attribute}` : ''}`, start: 0, end: 0 };
}
