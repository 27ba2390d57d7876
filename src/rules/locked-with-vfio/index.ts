import { defineRule } from '../../engine/rule.js';
import { firstChild } from '../../parsers/xml/index.js';
import { removeElement } from '../../edit/xml.js';
import { tagLoc } from '../locate.js';
import { pciHostdevs } from '../../domain/passthrough.js';

export const rule = defineRule({
  meta: {
    id: 'locked-with-vfio',
    description: '<memoryBacking><locked/> adds nothing to a VFIO domain\'s guest RAM, and without <memtune><hard_limit> it lifts the memory-lock limit of the whole QEMU process.',
    category: 'security',
    severity: 'info',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      locked: '<locked/> on a domain with PCI passthrough (VFIO) and no <memtune><hard_limit>: VFIO already pins all guest RAM (libvirt raises the lock limit for that itself), while <locked/> also locks QEMU\'s own memory and so makes libvirt remove the limit on locked memory altogether, which libvirt calls a potential security risk',
    },
    sources: [
      'libvirt, Domain XML format, "Memory Backing" (`locked`: the QEMU process memory is locked too, so libvirt "has to remove the limit on locked memory altogether"; "a potential security risk"; "highly recommended to set a hard_limit") and "Memory Tuning" (`hard_limit`): https://libvirt.org/formatdomain.html#memory-backing',
      'libvirt `src/qemu/qemu_domain.c` (`qemuDomainGetMemLockLimitBytes`) and its test `tests/qemumemlocktest.c`: the lock limit libvirt sets for domains with VFIO host devices, and the unlimited one for <locked/> without hard_limit: https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_domain.c',
      'Linux `Documentation/driver-api/vfio.rst`: VFIO pins the guest memory it maps for device DMA (VFIO_IOMMU_MAP_DMA): https://docs.kernel.org/driver-api/vfio.html',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const backing = view.memoryBacking;
    const locked = backing && firstChild(backing.element, 'locked');
    // PCI passthrough maps (and so pins) all guest RAM for device DMA; a mediated device pins pages on demand, so it is left out.
    const hostdev = pciHostdevs(view)[0];
    if (!locked || !hostdev) return;
    const memtune = firstChild(view.root, 'memtune');
    if (memtune && firstChild(memtune, 'hard_limit')) return;
    const path = file.source.path;
    ctx.report({
      messageId: 'locked',
      at: tagLoc(path, locked),
      related: [{ ...tagLoc(path, hostdev.element), message: `PCI device${hostdev.pciAddress ? ` ${hostdev.pciAddress}` : ''} passed through with VFIO` }],
      suggestions: [{ description: 'Remove <locked/>: VFIO keeps guest RAM resident anyway', fix: { edits: [removeElement(path, file.source.text, locked)] } }],
    });
  },
});
