import { defineRule } from '../../engine/rule.js';
import { describeDevice, sysfsLoc, vfioTargets } from '../../host/vfio-targets.js';

/** GPU drivers that drive a display: detaching one while the host uses the card is what hangs hosts at VM start. */
const DISPLAY_DRIVERS = new Set(['nvidia', 'nouveau', 'amdgpu', 'radeon', 'i915', 'xe']);
/** Drivers that leave the device free for vfio-pci or VFIO already. */
const FREE = new Set(['vfio-pci', 'pci-stub']);

export const rule = defineRule({
  meta: {
    id: 'device-bound-to-host-driver',
    description: 'A device given to VFIO should be bound to vfio-pci on the running host, not held by a host driver.',
    category: 'correctness',
    severity: 'warning',
    scope: 'machine',
    requires: ['live'],
    messages: {
      ids: 'vfio-pci is given {id}, but {device} is bound to {driver} right now: {why}. {advice}',
      unmanaged: 'PCI device {device} is passed through with managed=\'no\', but {driver} holds it right now: libvirt will not detach it, so the VM cannot start until it is bound to vfio-pci (`virsh nodedev-detach`), or set managed=\'yes\'',
      display: 'PCI device {device} is bound to the display driver {driver} right now: libvirt (managed=\'yes\') will unbind it when the VM starts, which hangs or fails while the host still uses the card. Give its id to vfio-pci so it is never bound on the host',
    },
    sources: [
      'Linux kernel, Documentation/ABI/testing/sysfs-bus-pci (`driver`, `driver_override`): https://www.kernel.org/doc/Documentation/ABI/testing/sysfs-bus-pci',
      'Linux kernel, drivers/vfio/pci/vfio_pci.c (`ids` parameter: vfio-pci adds these ids to its table when it loads, so a driver that bound the device earlier keeps it): https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/drivers/vfio/pci/vfio_pci.c',
      'libvirt, Domain XML format, "Host device assignment" (managed=\'yes\': libvirt detaches the device from its host driver before the guest starts; managed=\'no\': the user must do it with virNodeDeviceDetach): https://libvirt.org/formatdomain.html#host-device-assignment',
      'man 5 modprobe.d, softdep: https://man7.org/linux/man-pages/man5/modprobe.d.5.html',
    ],
  },
  check(ctx) {
    const { host, domains } = ctx.machine;
    if (!host.live?.pci) return;
    for (const t of vfioTargets(host, domains).values()) {
      const dev = t.device;
      if (!dev || dev.driver === null || FREE.has(dev.driver)) continue;
      const related = [{ ...sysfsLoc(dev.address, 'driver'), message: `${describeDevice(dev)} is bound to ${dev.driver} now` }];
      if (t.ids.length > 0) {
        const id = t.ids[0]!;
        const module = dev.driver.replaceAll('-', '_');
        const noGroups = host.live.iommu?.groups.size === 0;
        const builtin = host.live.modules.builtin('vfio_pci') === true && host.vfioIds?.from === 'modprobe';
        const [why, advice] = noGroups
          ? ['this boot has no IOMMU groups, and vfio-pci binds no device without one', 'Turn the IOMMU on (firmware setup, and the kernel command line), then reboot']
          : builtin
            ? ['vfio-pci is built into this kernel, so `options vfio-pci ids=` in modprobe.d never reaches it', `Give the ids on the kernel command line (vfio-pci.ids=${id.vendor}:${id.device}), then reboot`]
            : [`${dev.driver} claimed it before vfio-pci loaded`, `Load vfio-pci first (\`softdep ${module} pre: vfio-pci\`, and vfio-pci in the initramfs), then reboot`];
        ctx.report({ messageId: 'ids', data: { id: `${id.vendor}:${id.device}`, device: describeDevice(dev), driver: dev.driver, why, advice }, at: id.loc, related });
        continue;
      }
      for (const { hostdev } of t.hostdevs) {
        const at = hostdev.addressAt;
        if (!hostdev.managed) ctx.report({ messageId: 'unmanaged', data: { device: dev.address, driver: dev.driver }, at, related, severity: 'error' });
        else if (DISPLAY_DRIVERS.has(dev.driver) && dev.class?.startsWith('03')) ctx.report({ messageId: 'display', data: { device: dev.address, driver: dev.driver }, at, related });
      }
    }
  },
});
