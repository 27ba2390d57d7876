import { defineRule } from '../../engine/rule.js';
import { paramToken } from '../../host/params.js';
import { hostVendor } from '../../host/vendor.js';
import { missingModulePrefix } from '../../host/module-prefix.js';
import { renameParam } from '../../edit/params.js';

export const rule = defineRule({
  meta: {
    id: 'cmdline-param-missing-prefix',
    description: 'Module parameters written on the kernel command line without their module (`ignore_msrs=1` for `kvm.ignore_msrs=1`) go to init and set nothing.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'machine',
    requires: ['cmdline'],
    optional: ['capabilities', 'domain'],
    messages: {
      missing: '{written} sets nothing: on the kernel command line a module parameter needs its module, {fixed}; without it the kernel does not know the name and passes it to init',
      ambiguous: '{written} sets nothing: on the kernel command line a module parameter needs its module ({candidates}); without it the kernel does not know the name and passes it to init',
    },
    sources: [
      'Research catalog entry A4 (rule-catalog.md).',
      'Linux Documentation/admin-guide/kernel-parameters.rst, "Module parameters can be specified in two ways: via the kernel command line with a module name prefix, or via modprobe"; init/main.c unknown_bootoption passes unknown names to init — https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'Module parameters of Linux 6.12 (data/kernel-modules.json): kvm ignore_msrs/report_ignored_msrs, vfio_iommu_type1 allow_unsafe_interrupts, vfio_pci ids/disable_vga/disable_idle_d3, vfio enable_unsafe_noiommu_mode, kvm_amd avic/npt/nested, kvm_intel nested',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    const vendor = hostVendor(machine.host, machine.domains[0]?.cpu);
    for (const source of machine.host.configuredCmdlines) {
      for (const p of source.params) {
        if (p.afterDashDash) continue;
        const m = missingModulePrefix(p.key, vendor?.vendor);
        if (!m) continue;
        const written = paramToken(p);
        if (m.module) {
          const fixed = `${m.module}.${written}`;
          const edit = renameParam(p, `${m.module}.${p.name}`);
          // Safe where the module is the only one with the parameter, or the vendor is known from capabilities XML.
          // Stryker disable next-line OptionalChaining: a module picked among several was picked by the vendor, so vendor is set
          const safe = m.candidates.length === 1 || vendor?.from === 'capabilities XML';
          ctx.report({ messageId: 'missing', data: { written, fixed }, at: p.loc, ...(edit ? (safe ? { fix: { edits: [edit] } } : { suggestions: [{ description: `Write ${fixed}`, fix: { edits: [edit] } }] }) : {}) });
        } else {
          ctx.report({ messageId: 'ambiguous', data: { written, candidates: m.candidates.map((c) => `${c}.${p.name}`).join(' or ') }, at: p.loc });
        }
      }
    }
  },
});
