import { defineRule } from '../../engine/rule.js';
import { describeDevice, sysfsLoc, VFIO_SAFE_DRIVERS, vfioTargets } from '../../host/vfio-targets.js';
import type { PciDevice } from '../../live/types.js';

/** PCI-to-PCI bridges (class 0604): the group may hold them whatever drives them (pcieport, shpchp). */
const isBridge = (d: PciDevice) => d.class?.startsWith('0604') === true;

export const rule = defineRule({
  meta: {
    id: 'iommu-group-not-viable',
    description: 'A device given to VFIO must not share its IOMMU group with a device a host driver holds: VFIO refuses the whole group.',
    category: 'correctness',
    severity: 'error',
    scope: 'machine',
    requires: ['live'],
    messages: {
      hostdev: 'PCI device {device} is in IOMMU group {group} with {others}, bound to a host driver and not passed through: the VM cannot start (VFIO: "group {group} is not viable"). Pass {them} through too, or move the card to a slot with a group of its own',
      ids: 'vfio-pci is given {device} ({id}), which is in IOMMU group {group} with {others}, bound to a host driver: no VM can use the group while {they} stay{s} with the host. Pass {them} through too, or move the card to a slot with a group of its own',
    },
    sources: [
      'Linux kernel, Documentation/driver-api/vfio.rst, "Groups, Devices, and IOMMUs" (a group is viable only when every device in it is bound to a VFIO driver or is safe): https://docs.kernel.org/driver-api/vfio.html',
      'Linux kernel, drivers/iommu/iommu.c, `iommu_group_claim_dma_owner` and `iommu_device_use_default_domain` (a bound driver without `driver_managed_dma` makes claiming the group fail with -EBUSY): https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/drivers/iommu/iommu.c',
      'Linux kernel, drivers/pci/pcie/portdrv.c and drivers/pci/pci-stub.c (`.driver_managed_dma = true`): https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/drivers/pci/pcie/portdrv.c',
      'Linux kernel, Documentation/ABI/testing/sysfs-kernel-iommu_groups (/sys/kernel/iommu_groups/N/devices): https://docs.kernel.org/admin-guide/abi-testing.html',
      'libvirt, Domain XML format, "Host device assignment" (managed=\'yes\' detaches only the listed device): https://libvirt.org/formatdomain.html#host-device-assignment',
    ],
  },
  check(ctx) {
    const { host, domains } = ctx.machine;
    const pci = host.live?.pci;
    if (!pci || !host.live?.iommu) return;
    const targets = vfioTargets(host, domains);
    const given = new Set(targets.keys());
    // One finding per group and place: the second function of a card says nothing new.
    const said = new Set<string>();
    for (const t of targets.values()) {
      if (!t.device || t.device.iommuGroup === null) continue;
      const blocking = pci.groupPeers(t.address).filter((p) => !given.has(p.address) && p.driver !== null && !VFIO_SAFE_DRIVERS.has(p.driver) && !isBridge(p));
      if (blocking.length === 0) continue;
      const others = blocking.map(describeDevice).join(', ');
      const related = blocking.map((p) => ({ ...sysfsLoc(p.address, 'driver'), message: `${describeDevice(p)} is in group ${t.device!.iommuGroup} and bound to ${p.driver}` }));
      const plural = blocking.length > 1;
      const data = { device: t.address, group: t.device.iommuGroup, others, them: plural ? 'them' : 'it', they: plural ? 'they' : 'it', s: plural ? '' : 's' };
      if (t.hostdevs.length > 0) {
        for (const { domain, hostdev } of t.hostdevs) {
          if (said.has(`${domain.path}\0${t.device.iommuGroup}`)) continue;
          said.add(`${domain.path}\0${t.device.iommuGroup}`);
          ctx.report({ messageId: 'hostdev', data, at: hostdev.addressAt, related });
        }
      } else {
        // Only the ids give it to vfio-pci: no VM is known to need it now, so it is a warning.
        const id = t.ids[0]!;
        if (said.has(`ids\0${t.device.iommuGroup}`)) continue;
        said.add(`ids\0${t.device.iommuGroup}`);
        ctx.report({ messageId: 'ids', data: { ...data, id: `${id.vendor}:${id.device}` }, at: id.loc, related, severity: 'warning' });
      }
    }
  },
});
