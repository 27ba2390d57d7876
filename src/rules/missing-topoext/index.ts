import { defineRule } from '../../engine/rule.js';
import { insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';
import { hostVendor } from '../../host/vendor.js';
import { domainCpu } from '../../domain/facts.js';
import { tagLoc, valueLoc } from '../locate.js';
import { attr } from '../../parsers/xml/index.js';

export const rule = defineRule({
  meta: {
    id: 'missing-topoext',
    description: 'On an AMD host, a guest with SMT (threads > 1) needs the `topoext` CPU feature to see which vCPUs are hyper-thread pairs.',
    category: 'performance',
    severity: 'warning',
    // Safe when capabilities XML shows the host has topoext; a suggestion otherwise.
    fixable: 'safe',
    scope: 'domain',
    requires: ['domain'],
    optional: ['capabilities'],
    messages: {
      disabled: 'topoext is hidden (policy=\'{policy}\') while the guest has threads={threads} on an AMD host ({from}): the guest cannot tell which vCPUs share a core',
      missing: 'CPU mode \'{mode}\' with threads={threads} on an AMD host ({from}) and no topoext feature{hostNote}: the guest cannot tell which vCPUs share a core; add <feature policy=\'require\' name=\'topoext\'/>',
      passthrough: 'CPU mode \'{mode}\' with threads={threads} on an AMD host ({from}): topoext normally comes through, but requiring it makes a missing one fail loudly instead of silently losing the SMT layout',
    },
    sources: [
      'libvirt `src/cpu_map/x86_features.xml` (topoext: `eax_in=\'0x80000001\' ecx=\'0x00400000\'`), `x86_EPYC-Rome.xml`, `x86_EPYC-Milan.xml`: https://gitlab.com/libvirt/libvirt/-/tree/master/src/cpu_map',
      'libvirt, Domain XML format, "CPU model and topology": https://libvirt.org/formatdomain.html#cpu-model-and-topology',
      'QEMU `target/i386/cpu.c`, `x86_cpu_realizefn`: https://gitlab.com/qemu-project/qemu/-/blob/master/target/i386/cpu.c',
      'Linux `arch/x86/kvm/cpuid.c`, `kvm_set_cpu_caps`: https://github.com/torvalds/linux/blob/master/arch/x86/kvm/cpuid.c',
      'Looking Glass, libvirt/QEMU Installation, "Additional tuning", item 6: https://looking-glass.io/docs/B7/install_libvirt/#additional-tuning (`doc/install_libvirt.rst`)',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const cpu = d.view.cpu;
    if (!cpu) return;
    const threads = cpu.topology?.threads ?? 1;
    if (threads < 2) return;
    const vendor = hostVendor(ctx.machine.host, domainCpu(d.view));
    if (vendor?.vendor !== 'AMD') return;
    const path = d.file.source.path;
    const text = d.file.source.text;
    const caps = ctx.machine.host.capabilities;
    // Safe only when the host is known to have the feature; `require` on a host without it stops the guest from starting.
    const hostHas = caps ? caps.features.has('topoext') : undefined;
    const feature = cpu.features.find((f) => f.name === 'topoext');
    const q = quoteOf(cpu.element);
    const insert = { edits: [insertLastChild(path, text, cpu.element, `<feature policy=${q}require${q} name=${q}topoext${q}/>`)] };
    const offer = (fix: { edits: typeof insert.edits }) => (hostHas ? { fix } : { suggestions: [{ description: 'Require the topoext CPU feature', fix }] });

    if (feature && (feature.policy === 'disable' || feature.policy === 'forbid')) {
      const policyAttr = attr(feature.element, 'policy')!;
      const fix = { edits: [setAttribute(path, text, feature.element, 'policy', 'require')] };
      ctx.report({
        messageId: 'disabled',
        data: { policy: feature.policy, threads, from: vendor.from },
        at: valueLoc(path, policyAttr),
        ...offer(fix),
      });
      return;
    }
    if (feature) return;
    const at = cpu.topology ? tagLoc(path, cpu.topology.element) : tagLoc(path, cpu.element);
    if (cpu.mode === 'host-passthrough' || cpu.mode === 'maximum') {
      ctx.report({
        messageId: 'passthrough',
        data: { mode: cpu.mode, threads, from: vendor.from },
        at,
        severity: 'info',
        ...offer(insert),
      });
      return;
    }
    ctx.report({
      messageId: 'missing',
      data: {
        mode: cpu.mode,
        threads,
        from: vendor.from,
        hostNote: hostHas === true ? ' although the host CPU has it' : hostHas === false ? ' (and the capabilities XML does not list topoext for the host CPU)' : '',
      },
      at,
      ...offer(insert),
    });
  },
});
