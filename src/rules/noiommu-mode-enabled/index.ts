import { defineRule } from '../../engine/rule.js';
import { kernelBool } from '../../host/params.js';
import { removeParam } from '../../edit/params.js';

export const rule = defineRule({
  meta: {
    id: 'noiommu-mode-enabled',
    description: 'vfio\'s `enable_unsafe_noiommu_mode` removes all DMA isolation and cannot be used to pass a device to a VM.',
    category: 'security',
    severity: 'error',
    fixable: 'safe',
    scope: 'machine',
    requires: [],
    optional: ['modprobe', 'cmdline'],
    messages: {
      enabled: '`{written}` turns on vfio\'s no-IOMMU mode: no device isolation, no DMA translation, no protection of the host kernel, and it taints the kernel; it cannot be used to give a device to a virtual machine, so it only does harm here. Remove it',
    },
    sources: [
      'Research catalog entry B9 (rule-catalog.md), checked against the above.',
      'Linux drivers/vfio/container.c (vfio/vfio.c before 6.2): the enable_unsafe_noiommu_mode parameter description and the taint — https://github.com/torvalds/linux/blob/master/drivers/vfio/container.c',
      'Linux Documentation/driver-api/vfio.rst, "VFIO NO-IOMMU mode" — https://docs.kernel.org/driver-api/vfio.html',
    ],
  },
  check(ctx) {
    for (const s of ctx.machine.host.moduleParams('vfio', 'enable_unsafe_noiommu_mode')) {
      if (kernelBool(s.param.value) !== true) continue;
      const edit = removeParam(s.param, s.options, s.source);
      ctx.report({ messageId: 'enabled', data: { written: s.written }, at: s.param.loc, ...(edit ? { fix: { edits: [edit] } } : {}) });
    }
  },
});
