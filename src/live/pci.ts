import { hexId, int, type Collector } from './collector.js';
import type { IommuFacts, PciDevice } from './types.js';

const PCI_DEVICES = '/sys/bus/pci/devices';
const IOMMU_GROUPS = '/sys/kernel/iommu_groups';
const PCI_ADDRESS = /^[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
const MAX_DEVICES = 4096;

/** /sys/bus/pci/devices/*: ids, class, driver and group of each device (names only; no link is followed to list a directory). */
export function readPci(c: Collector): PciDevice[] {
  const names = c.list('pci', PCI_DEVICES, { max: MAX_DEVICES });
  if (names === null) return [];
  c.noteRead('pci', PCI_DEVICES);
  const devices: PciDevice[] = [];
  for (const address of names) {
    if (!PCI_ADDRESS.test(address)) continue;
    const at = (attr: string) => `${PCI_DEVICES}/${address}/${attr}`;
    const numa = int(c.attr('pci', at('numa_node'), true));
    const bootVga = c.attr('pci', at('boot_vga'), true);
    const override = c.attr('pci', at('driver_override'), true);
    const reset = c.attr('pci', at('reset_method'), true);
    devices.push({
      address,
      vendor: hexId(c.attr('pci', at('vendor'))),
      device: hexId(c.attr('pci', at('device'))),
      subsystemVendor: hexId(c.attr('pci', at('subsystem_vendor'), true)),
      subsystemDevice: hexId(c.attr('pci', at('subsystem_device'), true)),
      class: hexId(c.attr('pci', at('class'))),
      driver: c.link('pci', at('driver'), true),
      driverOverride: override === null || override === '(null)' || override === '' ? null : override,
      iommuGroup: int(c.link('pci', at('iommu_group'), true)),
      bootVga: bootVga === null ? null : bootVga.trim() === '1',
      numaNode: numa === null || numa < 0 ? null : numa,
      resetMethods: reset === null ? null : reset.split(/\s+/).filter((m) => m !== ''),
    });
  }
  return devices;
}

/** /sys/kernel/iommu_groups/N/devices and /sys/class/iommu. */
export function readIommu(c: Collector): IommuFacts {
  const units = c.list('iommu', '/sys/class/iommu', { optional: true }) ?? [];
  const groups: IommuFacts['groups'] = [];
  const ids = c.list('iommu', IOMMU_GROUPS, { max: MAX_DEVICES });
  if (ids !== null) {
    c.noteRead('iommu', IOMMU_GROUPS);
    for (const id of ids.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b)) {
      const devices = c.list('iommu', `${IOMMU_GROUPS}/${id}/devices`, { max: MAX_DEVICES });
      if (devices !== null) groups.push({ id, devices: devices.filter((d) => PCI_ADDRESS.test(d)) });
    }
  }
  return { groups, units };
}
