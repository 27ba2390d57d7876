import type { Rule } from '../../engine/rule.js';
import { kernelBool, moduleParamSettings } from '../../host/module-params.js';
import { removeParam } from '../../edit/params.js';

export const rule: Rule = {
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
      'Linux drivers/vfio/vfio_iommu_type1.c: allow_unsafe_interrupts, "Enable VFIO IOMMU support for on platforms without interrupt remapping support", and the refusal without it — https://github.com/torvalds/linux/blob/master/drivers/vfio/vfio_iommu_type1.c',
    ],
  },
  check(ctx) {
    for (const s of moduleParamSettings(ctx.machine.host, 'vfio_iommu_type1', 'allow_unsafe_interrupts')) {
      if (kernelBool(s.param.value) !== true) continue;
      const token = `${s.param.name}${s.param.value === undefined ? '' : `=${s.param.value}`}`;
      const written = s.options ? `options vfio_iommu_type1 ${token}` : token;
      const source = (s.options?.file ?? ctx.machine.files.find((f) => f.source.path === s.param.loc.path))!.source;
      const edit = removeParam(s, source);
      ctx.report({
        messageId: 'enabled',
        data: { written },
        at: s.param.loc,
        ...(edit ? { suggestions: [{ description: `Remove ${token} (check first: dmesg | grep -i 'remapping')`, fix: { edits: [edit] } }] } : {}),
      });
    }
  },
};
