import { defineRule } from '../../engine/rule.js';
import { hostVendor } from '../../host/vendor.js';
import { removeParam } from '../../edit/params.js';
import { paramToken } from '../../host/params.js';
import { iommuItems, isIommuParam } from '../../host/iommu-options.js';
import { passthroughEvidence } from '../../host/passthrough.js';
import type { CmdlineSource, KernelParamFact } from '../../host/facts.js';

export const rule = defineRule({
  meta: {
    id: 'iommu-param-noop',
    description: "IOMMU kernel parameters that do nothing: `amd_iommu=on`, `iommu=1`, `intel_iommu=1`, the other vendor's parameter, or `iommu=pt` with nothing that turns VT-d on.",
    category: 'style',
    severity: 'info',
    fixable: 'safe',
    scope: 'machine',
    requires: ['cmdline'],
    optional: ['capabilities', 'domain'],
    messages: {
      amdOn: '{written} does nothing: amd_iommu= has no \'{option}\' option (the kernel logs "AMD-Vi: Unknown option"), and the AMD IOMMU is on by default when the hardware has one',
      noEnable: "{written} does nothing: {param}= has no '{option}' option{detail}",
      otherVendor: '{written} does nothing on this {vendor} host ({from}): it configures the {other} IOMMU, which the host does not have',
      ptAlone: '{written} only makes an IOMMU that is on pass host devices through untranslated; nothing on this command line turns VT-d on on this Intel host ({from}), so it does nothing unless the kernel is built with CONFIG_INTEL_IOMMU_DEFAULT_ON (add intel_iommu=on to be sure)',
    },
    sources: [
      'Research catalog entry A2 (rule-catalog.md), widened: the words are those no parser of the family knows, read from the parsers below.',
      'Linux drivers/iommu/amd/init.c (parse_amd_iommu_options): the accepted amd_iommu= options; others log "AMD-Vi: Unknown option" — https://github.com/torvalds/linux/blob/master/drivers/iommu/amd/init.c',
      'Linux drivers/iommu/intel/iommu.c (intel_iommu_setup): on, off, igfx_off, forcedac, strict, sp_off, sm_on, sm_off, tboot_noforce, each compared with strncmp; others log "Unknown option"; dmar_disabled = !CONFIG_INTEL_IOMMU_DEFAULT_ON — https://github.com/torvalds/linux/blob/master/drivers/iommu/intel/iommu.c',
      'Linux arch/x86/kernel/pci-dma.c (iommu_setup) and arch/x86/kernel/amd_gart_64.c (gart_parse_options): iommu= has no "on"; a leading number is the GART aperture size — https://github.com/torvalds/linux/blob/master/arch/x86/kernel/pci-dma.c',
      'Linux Documentation/admin-guide/kernel-parameters.txt: amd_iommu=, intel_iommu=, iommu= — https://docs.kernel.org/admin-guide/kernel-parameters.html',
    ],
  },
  check(ctx) {
    const { machine } = ctx;
    const vendor = hostVendor(machine.host, machine.domains[0]?.cpu);
    const vfio = passthroughEvidence(machine.host, machine.domains);
    for (const source of machine.host.configuredCmdlines) {
      for (const p of source.params) {
        if (p.afterDashDash || !isIommuParam(p.key)) continue;
        const key = p.key;
        const written = paramToken(p);
        const edit = removeParam(p, undefined, p.source);
        const offer = (safe: boolean) => (edit ? (safe ? { fix: { edits: [edit] } } : { suggestions: [{ description: `Remove ${written}`, fix: { edits: [edit] } }] }) : {});
        const wrongVendor = vendor && ((key === 'intel_iommu' && vendor.vendor === 'AMD') || (key === 'amd_iommu' && vendor.vendor === 'Intel'));
        if (wrongVendor) {
          // Safe only when capabilities XML says what the host is; a guess from the domain's CPU model is not enough.
          ctx.report({
            messageId: 'otherVendor',
            data: { written, vendor: vendor.vendor, from: vendor.from, other: key === 'intel_iommu' ? 'Intel VT-d' : 'AMD-Vi' },
            at: p.loc,
            ...offer(vendor.from === 'capabilities XML'),
          });
          continue;
        }
        const items = iommuItems({ ...p, key });
        const bad = items.find((i) => i.enableWord);
        if (bad) {
          // Only a value made of such words is removed whole; a mix keeps the real options.
          const all = items.every((i) => i.enableWord);
          if (key === 'amd_iommu') ctx.report({ messageId: 'amdOn', data: { written, option: bad.text }, at: p.loc, ...(all ? offer(true) : {}) });
          else {
            const detail =
              bad.option === 'gart-size'
                ? ': a number there is the size of the old AMD K8 GART aperture, which neither VT-d nor AMD-Vi uses'
                : key === 'intel_iommu'
                  ? ' (the kernel logs "DMAR: Unknown option"); intel_iommu=on is the word that turns VT-d on'
                  : ' and ignores it; the IOMMU is turned on by intel_iommu=on (Intel) or is on by default (AMD)';
            ctx.report({ messageId: 'noEnable', data: { written, param: p.name, option: bad.text, detail }, at: p.loc, ...(all ? offer(true) : {}) });
          }
          continue;
        }
        // iommu=pt on an Intel host whose command line never turns VT-d on; with passthrough evidence iommu-not-enabled says it.
        if (key === 'iommu' && vendor?.vendor === 'Intel' && !vfio && items.some((i) => i.option === 'pt') && !turnsVtdOn(source)) {
          ctx.report({ messageId: 'ptAlone', data: { written, from: vendor.from }, at: p.loc });
        }
      }
    }
  },
});

/** Whether the command line's last intel_iommu= on/off item is `on` (every occurrence is parsed in order, so a later one overrides). */
function turnsVtdOn(source: CmdlineSource): boolean {
  const switches = source
    .all('intel_iommu')
    .filter((p): p is KernelParamFact & { value: string } => p.value !== undefined)
    .flatMap((p) => iommuItems({ ...p, key: 'intel_iommu' }))
    .filter((i) => i.option === 'on' || i.option === 'off');
  return switches.at(-1)?.option === 'on';
}
