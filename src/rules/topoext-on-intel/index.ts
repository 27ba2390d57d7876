import { defineRule } from '../../engine/rule.js';
import { attr } from '../../parsers/xml/index.js';
import { removeElement } from '../../edit/xml.js';
import { hostVendor } from '../../host/vendor.js';
import { domainCpu } from '../../domain/facts.js';
import { tagLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'topoext-on-intel',
    description: 'The AMD-only topoext CPU feature must not be required or forced on an Intel host.',
    category: 'correctness',
    severity: 'error',
    fixable: 'safe',
    scope: 'domain',
    requires: ['domain'],
    // Without capabilities XML it says nothing (and is not reported as skipped): most runs have none.
    optional: ['capabilities'],
    messages: {
      refused: "topoext is required (policy='{policy}') with CPU mode '{mode}' on an Intel host ({from}): Intel CPUs do not have this AMD feature, so libvirt refuses to start the guest (\"{libvirtError}\")",
      noop: "topoext is {how} (policy='{policy}') with CPU mode '{mode}' on an Intel host ({from}): Intel CPUs do not have this AMD feature and KVM cannot offer it, so QEMU drops it with a warning and the line does nothing",
    },
    sources: [
      'libvirt, Domain XML format, "CPU model and topology": feature policies (require: "Guest creation will fail unless the feature is supported by the host CPU or the hypervisor is able to emulate it"; force) and the `check` attribute (none, partial, full): https://libvirt.org/formatdomain.html#cpu-model-and-topology',
      'libvirt `src/cpu_map/x86_features.xml`: topoext is CPUID 0x80000001 ECX bit 22, an AMD extended leaf: https://gitlab.com/libvirt/libvirt/-/blob/master/src/cpu_map/x86_features.xml',
      'libvirt `src/cpu/cpu_x86.c`: "Host CPU does not provide required features" (CPU comparison before start) and "guest CPU doesn\'t match specification: missing features: %s" (check=\'full\' after start); both strings are in Debian\'s libvirt0 9.0.0-4: https://gitlab.com/libvirt/libvirt/-/blob/master/src/cpu/cpu_x86.c',
      'Linux `arch/x86/kvm/cpuid.c` (`kvm_set_cpu_caps`): KVM offers TOPOEXT only when the host CPU has it: https://github.com/torvalds/linux/blob/master/arch/x86/kvm/cpuid.c',
      'QEMU `target/i386/cpu.c` (`x86_cpu_filter_features`): a requested feature the accelerator cannot provide is removed with "host doesn\'t support requested feature": https://gitlab.com/qemu-project/qemu/-/blob/master/target/i386/cpu.c',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const cpu = d.view.cpu;
    const feature = cpu?.features.find((f) => f.name === 'topoext');
    if (!cpu || !feature || (feature.policy !== 'require' && feature.policy !== 'force')) return;
    const vendor = hostVendor(ctx.machine.host, domainCpu(d.view));
    // Only the host's own vendor counts: a domain's Intel model says nothing about the host it runs on.
    if (vendor?.vendor !== 'Intel' || vendor.from !== 'capabilities XML') return;

    const path = d.file.source.path;
    const check = attr(cpu.element, 'check')?.value;
    const passthrough = cpu.mode === 'host-passthrough' || cpu.mode === 'maximum';
    // libvirt compares a custom or host-model CPU with the host before start (check defaults to partial
    // there); a host-passthrough CPU is checked only with check='full'.
    const refused = feature.policy === 'require' && (passthrough ? check === 'full' : check !== 'none');
    const fix = { edits: [removeElement(path, d.file.source.text, feature.element)] };
    const data = { policy: feature.policy, mode: cpu.mode, from: vendor.from };
    if (refused) {
      const libvirtError = passthrough ? "guest CPU doesn't match specification: missing features: topoext" : 'Host CPU does not provide required features: topoext';
      ctx.report({ messageId: 'refused', data: { ...data, libvirtError }, at: tagLoc(path, feature.element), fix });
    } else {
      ctx.report({ messageId: 'noop', data: { ...data, how: feature.policy === 'force' ? 'forced' : 'required' }, at: tagLoc(path, feature.element), severity: 'warning', fix });
    }
  },
});
