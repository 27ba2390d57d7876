import { defineRule } from '../../engine/rule.js';
import { hostVendor } from '../../host/vendor.js';
import { removeParam } from '../../edit/params.js';
import { paramToken, valueItems } from '../../host/params.js';

/** Values people write that amd_iommu= does not know (it has no "on": the AMD IOMMU is on when present). */
const NOT_AMD_OPTIONS = new Set(['on', 'pt', '1', 'y', 'yes', 'enable', 'enabled', 'true']);

export const rule = defineRule({
  meta: {
    id: 'iommu-param-noop',
    description: 'IOMMU kernel parameters that do nothing: `amd_iommu=on`, or the other vendor\'s parameter.',
    category: 'style',
    severity: 'info',
    fixable: 'safe',
    scope: 'machine',
    requires: ['cmdline'],
    optional: ['capabilities', 'domain'],
    messages: {
      amdOn: '{written} does nothing: amd_iommu= has no \'{option}\' option (the kernel logs "AMD-Vi: Unknown option"), and the AMD IOMMU is on by default when the hardware has one',
      otherVendor: '{written} does nothing on this {vendor} host ({from}): it configures the {other} IOMMU, which the host does not have',
    },
    sources: [
      'Research catalog entry A2 (rule-catalog.md). Newer kernels may add `amd_iommu=` options; this rule only flags the words above, never an unknown option in general.',
      'Linux drivers/iommu/amd/init.c (parse_amd_iommu_options): the accepted amd_iommu= options; others log "AMD-Vi: Unknown option" — https://github.com/torvalds/linux/blob/master/drivers/iommu/amd/init.c',
      'Linux Documentation/admin-guide/kernel-parameters.txt: amd_iommu=, intel_iommu= — https://docs.kernel.org/admin-guide/kernel-parameters.html',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    const vendor = hostVendor(machine.host, machine.domains[0]?.view);
    for (const source of machine.host.cmdlines) {
      if (source.kind === 'proc-cmdline') continue;
      for (const p of source.params) {
        if (p.afterDashDash || (p.key !== 'amd_iommu' && p.key !== 'intel_iommu')) continue;
        const written = paramToken(p);
        const edit = removeParam(p, undefined, p.source);
        const offer = (safe: boolean) => (edit ? (safe ? { fix: { edits: [edit] } } : { suggestions: [{ description: `Remove ${written}`, fix: { edits: [edit] } }] }) : {});
        const wrongVendor = vendor && ((p.key === 'intel_iommu' && vendor.vendor === 'AMD') || (p.key === 'amd_iommu' && vendor.vendor === 'Intel'));
        if (wrongVendor) {
          // Safe only when capabilities XML says what the host is; a guess from the domain's CPU model is not enough.
          ctx.report({
            messageId: 'otherVendor',
            data: { written, vendor: vendor.vendor, from: vendor.from, other: p.key === 'intel_iommu' ? 'Intel VT-d' : 'AMD-Vi' },
            at: p.loc,
            ...offer(vendor.from === 'capabilities XML'),
          });
          continue;
        }
        if (p.key === 'amd_iommu') {
          const options = valueItems(p).map((o) => o.text);
          const bad = options.find((o) => NOT_AMD_OPTIONS.has(o.toLowerCase()));
          // Only a value made of such no-op words is removed whole; a mix keeps the real options.
          if (bad) ctx.report({ messageId: 'amdOn', data: { written, option: bad }, at: p.loc, ...(options.every((o) => NOT_AMD_OPTIONS.has(o.toLowerCase())) ? offer(true) : {}) });
        }
      }
    }
  },
});
