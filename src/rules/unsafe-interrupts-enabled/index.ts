import { defineRule } from '../../engine/rule.js';
import { kernelBool } from '../../host/params.js';
import { removeParam } from '../../edit/params.js';

export const rule = defineRule({
  meta: {
    id: 'unsafe-interrupts-enabled',
    description: '`vfio_iommu_type1 allow_unsafe_interrupts` gives up MSI isolation; it is only for hosts without interrupt remapping.',
    category: 'security',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: [],
    optional: ['modprobe', 'cmdline'],
    messages: {
      enabled: '`{written}` lets a passed-through device send arbitrary interrupts to the host. It exists for platforms without interrupt remapping; current AMD-Vi and VT-d hosts have it, and VFIO works without this. Remove it unless dmesg says interrupt remapping is missing',
    },
    sources: [
      'Research catalog entry B8 (rule-catalog.md); the dmesg strings are from memory, not checked here.',
      'Linux drivers/vfio/vfio_iommu_type1.c: allow_unsafe_interrupts, "Enable VFIO IOMMU support for on platforms without interrupt remapping support", and the refusal without it — https://github.com/torvalds/linux/blob/master/drivers/vfio/vfio_iommu_type1.c',
    ],
  },
  check(ctx) {
    for (const s of ctx.machine.host.moduleParams('vfio_iommu_type1', 'allow_unsafe_interrupts')) {
      if (kernelBool(s.param.value) !== true) continue;
      const edit = removeParam(s.param, s.options, s.source);
      ctx.report({
        messageId: 'enabled',
        data: { written: s.written },
        at: s.param.loc,
        ...(edit ? { suggestions: [{ description: `Remove ${s.token} (check first: dmesg | grep -i 'remapping')`, fix: { edits: [edit] } }] } : {}),
      });
    }
  },
});
