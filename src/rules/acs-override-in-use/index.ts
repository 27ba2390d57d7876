import { defineRule } from '../../engine/rule.js';
import { paramToken } from '../../host/params.js';

export const rule = defineRule({
  meta: {
    id: 'acs-override-in-use',
    description: '`pcie_acs_override=` (an out-of-tree patch) splits IOMMU groups by pretending devices are isolated, which breaks the isolation the groups exist for.',
    category: 'security',
    severity: 'warning',
    scope: 'machine',
    requires: ['cmdline'],
    messages: {
      inUse: '{written}: on a kernel with the ACS override patch (linux-zen, Proxmox, Liquorix…) the kernel treats these devices as isolated although the hardware does not say so; devices split into separate IOMMU groups can still reach each other (and a device given to a VM the host\'s) by peer-to-peer DMA around the IOMMU. A mainline or stock distribution kernel does not have the parameter and ignores it',
    },
    sources: [
      'Research catalog entry B10 (rule-catalog.md), checked against the sources below.',
      'Alex Williamson, "[RFC PATCH] pci: Enable overrides for missing ACS capabilities" (2013): "we have to assume peer-to-peer DMA within a hierarchy can bypass IOMMU isolation" (linux-pci; carried out of tree by linux-zen and Proxmox VE kernels), quoted in the catalog [ACS]',
      'Linux Documentation/admin-guide/kernel-parameters.txt (6.12): no pcie_acs_override (data/kernel-params.json) — https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'Linux drivers/pci/quirks.c, pci_dev_specific_acs_enabled: the in-tree ACS quirks are per device, with vendor confirmation — https://github.com/torvalds/linux/blob/master/drivers/pci/quirks.c',
    ],
  },
  check(ctx) {
    for (const source of ctx.machine.host.configuredCmdlines) {
      for (const p of source.all('pcie_acs_override')) ctx.report({ messageId: 'inUse', data: { written: paramToken(p) }, at: p.loc });
    }
  },
});
