import { defineRule } from '../../engine/rule.js';
import { attr } from '../../parsers/xml/index.js';
import { hypervSettings, libvirtName, type HvSetting } from '../../domain/hyperv.js';
import { hostVendor } from '../../host/vendor.js';
import { domainCpu } from '../../domain/facts.js';
import { insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';
import type { TextEdit } from '../../engine/fix.js';
import type { RelatedLocation } from '../../core/range.js';
import { tagLoc, valueLoc } from '../locate.js';

/**
 * What QEMU refuses to start without (`kvm_hyperv_properties[].dependencies` and the
 * extra synic check in `kvm_hyperv_expand_features`, target/i386/kvm/kvm.c), with
 * QEMU's own names for its message.
 */
export const DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  'hv-synic': ['hv-vpindex'],
  'hv-stimer': ['hv-synic', 'hv-time'],
  'hv-stimer-direct': ['hv-stimer'],
  'hv-tlbflush': ['hv-vpindex'],
  'hv-ipi': ['hv-vpindex'],
  'hv-evmcs': ['hv-vapic'],
  'hv-syndbg': ['hv-synic', 'hv-relaxed'],
  'hv-tlbflush-ext': ['hv-tlbflush'],
  'hv-tlbflush-direct': ['hv-vapic'],
};
const DESC: Readonly<Record<string, string>> = {
  'hv-relaxed': 'relaxed timing (hv-relaxed)',
  'hv-vapic': 'virtual APIC (hv-vapic)',
  'hv-time': 'clocksources (hv-time)',
  'hv-vpindex': 'VP_INDEX MSR (hv-vpindex)',
  'hv-synic': 'synthetic interrupt controller (hv-synic)',
  'hv-stimer': 'synthetic timers (hv-stimer)',
  'hv-stimer-direct': 'direct mode synthetic timers (hv-stimer-direct)',
  'hv-tlbflush': 'paravirtualized TLB flush (hv-tlbflush)',
  'hv-ipi': 'paravirtualized IPI (hv-ipi)',
  'hv-evmcs': 'enlightened VMCS (hv-evmcs)',
  'hv-syndbg': 'Enable synthetic kernel debugger channel (hv-syndbg)',
  'hv-tlbflush-ext': 'Extended gva ranges for TLB flush hypercalls (hv-tlbflush-ext)',
  'hv-tlbflush-direct': 'direct TLB flush (hv-tlbflush-direct)',
};

export const rule = defineRule({
  meta: {
    id: 'hyperv-dependency',
    description: 'Hyper-V settings must be ones libvirt accepts and QEMU can start with: spinlocks retries of at least 4095, a vendor_id of at most 12 characters, each enlightenment with the ones it depends on (stimer needs synic and hypervclock, synic needs vpindex, ...), and no evmcs on an AMD host.',
    category: 'correctness',
    severity: 'error',
    fixable: 'safe',
    scope: 'domain',
    requires: ['domain'],
    optional: ['capabilities'],
    messages: {
      requires: 'Hyper-V {desc} requires Hyper-V {depDesc}{depState}: QEMU refuses to start the guest with this message; turn on {depName}',
      spinlocks: "spinlocks retries='{retries}' is below 4095: libvirt refuses the domain (\"HyperV spinlock retry count must be at least 4095\")",
      vendorLong: "vendor_id value '{value}' has {length} characters: libvirt refuses the domain (\"HyperV vendor_id value must not be more than 12 characters\")",
      vendorMissing: "<vendor_id state='on'> has no value: libvirt refuses the domain (\"missing 'value' attribute for HyperV feature 'vendor_id'\")",
      evmcsAmd: 'evmcs (enlightened VMCS) is Intel-only and this host is AMD ({from}): KVM has no eVMCS on AMD, so QEMU refuses to start ("Hyper-V enlightened VMCS (hv-evmcs) is not supported by kernel")',
    },
    sources: [
      'QEMU `target/i386/kvm/kvm.c`: `kvm_hyperv_properties[]` (`.dependencies`), `hv_feature_check_deps` ("Hyper-V %s requires Hyper-V %s"), `kvm_hyperv_expand_features` (synic needs vpindex; "is not supported by kernel"): https://gitlab.com/qemu-project/qemu/-/blob/master/target/i386/kvm/kvm.c',
      'QEMU, "Hyper-V Enlightenments" (`docs/system/i386/hyperv.rst`): the "Requires:" line of each enlightenment, and "The feature is Intel-only" for hv-evmcs: https://www.qemu.org/docs/master/system/i386/hyperv.html',
      'libvirt, Domain XML format, "Hypervisor features": spinlocks "retries - at least 4095", vendor_id "string, up to 12 characters": https://libvirt.org/formatdomain.html#hypervisor-features',
      'libvirt 9.0.0 (Debian bookworm `libvirt0`) messages: "HyperV spinlock retry count must be at least 4095", "HyperV vendor_id value must not be more than %d characters.", "missing \'value\' attribute for HyperV feature \'vendor_id\'": https://gitlab.com/libvirt/libvirt/-/blob/master/src/conf/domain_conf.c',
      'A QEMU 5.0 / libvirt 6.4 guest failing with "Hyper-V synthetic timers (hv-stimer) requires Hypver-V clocksources (hv-time)": https://github.com/ruzickap/packer-templates/issues/154',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const path = file.source.path;
    const text = file.source.text;
    const hv = hypervSettings(view);

    // libvirt's own parse checks, whatever the domain type (only where libvirt reads <hyperv>).
    if (!hv.cpuOverride) {
      const spin = hv.flags.get('hv-spinlocks');
      const retriesAttr = spin?.element ? attr(spin.element, 'retries') : undefined;
      if (spin?.on && retriesAttr && /^\d+$/.test(retriesAttr.value.trim()) && Number(retriesAttr.value) < 4095) {
        ctx.report({
          messageId: 'spinlocks',
          data: { retries: retriesAttr.value },
          at: valueLoc(path, retriesAttr),
          suggestions: [{ description: "Set retries='4095', the least libvirt accepts (8191 is the usual choice)", fix: { edits: [setAttribute(path, text, spin.element!, 'retries', '4095')] } }],
        });
      }
      const vendor = hv.flags.get('hv-vendor-id');
      if (vendor?.on && vendor.element) {
        const valueAttr = attr(vendor.element, 'value');
        if (!valueAttr) ctx.report({ messageId: 'vendorMissing', at: tagLoc(path, vendor.element) });
        else if ([...valueAttr.value].length > 12) ctx.report({ messageId: 'vendorLong', data: { value: valueAttr.value, length: [...valueAttr.value].length }, at: valueLoc(path, valueAttr) });
      }
    }

    // QEMU's checks run in KVM's Hyper-V code, and not at all in passthrough mode.
    if (attr(view.root, 'type')?.value !== 'kvm' || hv.passthrough) return;
    const q = quoteOf(view.root);
    for (const [flag, deps] of Object.entries(DEPENDENCIES)) {
      const s = hv.flags.get(flag);
      if (!s?.on) continue;
      for (const dep of deps) {
        if (hv.isOn(dep)) continue;
        const have = hv.flags.get(dep);
        const related: RelatedLocation[] = have ? [{ ...have.loc, message: `${name(dep)} is turned off here` }] : [];
        const edit = hv.cpuOverride ? undefined : enableEdit(dep, have, hv, path, text, q);
        const fix = hv.cpuOverride
          ? { edits: [{ path, start: hv.cpuOverride.loc.end, end: hv.cpuOverride.loc.end, text: `,${dep}=on` }] }
          : edit ? { edits: [edit] } : undefined;
        ctx.report({
          messageId: 'requires',
          data: { desc: DESC[flag]!, depDesc: DESC[dep]!, depState: have ? ' (turned off)' : '', depName: hv.cpuOverride ? `${dep} in the -cpu argument` : name(dep) },
          at: s.loc,
          related,
          // Appending to a -cpu string written by hand is offered, not applied.
          ...(fix && !hv.cpuOverride ? { fix } : fix ? { suggestions: [{ description: `Add ${dep}=on to the -cpu argument`, fix }] } : {}),
        });
        break; // one finding per enlightenment: QEMU stops at its first missing dependency
      }
    }

    const evmcs = hv.flags.get('hv-evmcs');
    if (evmcs?.on) {
      const vendor = hostVendor(ctx.machine.host, domainCpu(view));
      if (vendor?.vendor === 'AMD') {
        const off = evmcs.element ? { edits: [setAttribute(path, text, evmcs.element, 'state', 'off')] } : undefined;
        ctx.report({
          messageId: 'evmcsAmd',
          data: { from: vendor.from },
          at: evmcs.loc,
          // Certain only when the capabilities XML says AMD; a CPU model name in the domain is a weaker hint.
          ...(off ? (vendor.from === 'capabilities XML' ? { fix: off } : { suggestions: [{ description: "Turn evmcs off (state='off')", fix: off }] }) : {}),
        });
      }
    }
  },
});

function name(flag: string): string {
  return flag === 'hv-time' ? "the hypervclock timer (<timer name='hypervclock' present='yes'/>)" : libvirtName(flag);
}

/** The edit that turns a prerequisite on in libvirt XML, or undefined when there is nowhere safe to put it. */
function enableEdit(dep: string, have: HvSetting | undefined, hv: ReturnType<typeof hypervSettings>, path: string, text: string, q: string): TextEdit | undefined {
  if (dep === 'hv-time') {
    if (have?.element) return setAttribute(path, text, have.element, 'present', 'yes');
    if (hv.clock) return insertLastChild(path, text, hv.clock, `<timer name=${q}hypervclock${q} present=${q}yes${q}/>`);
    return undefined; // a new <clock> would be a guess about the offset
  }
  if (have?.element) {
    // A sub-feature (<direct> in <stimer>) needs its parent on, which its own check reports.
    return setAttribute(path, text, have.element, 'state', 'on');
  }
  const libvirt = libvirtName(dep);
  if (!hv.hyperv || libvirt.includes('/') || libvirt === dep) return undefined;
  return insertLastChild(path, text, hv.hyperv, `<${libvirt} state=${q}on${q}/>`);
}
