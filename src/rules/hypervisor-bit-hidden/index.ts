import { defineRule } from '../../engine/rule.js';
import { hypervSettings } from '../../domain/hyperv.js';
import { removeElement } from '../../edit/xml.js';

export const rule = defineRule({
  meta: {
    id: 'hypervisor-bit-hidden',
    description: "Turning off the CPUID hypervisor bit (`<feature policy='disable' name='hypervisor'/>`) while Hyper-V enlightenments are configured makes Windows ignore every enlightenment.",
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      hidden: '{written} hides the hypervisor-present bit while {what} {are} configured: a guest looks for Hyper-V only when that bit is set (the Hyper-V specification asks this of every guest, and Windows does it), so it uses none of them and falls back to emulated timers and spinlocks. This is usually done for anti-cheat software; if that is not the reason here, remove it',
    },
    sources: [
      'Microsoft, Hyper-V Top Level Functional Specification, "Feature and Interface Discovery": "Before using any hypervisor interfaces, software should first determine whether it\'s running within a virtualized environment ... check bit 31 of register ECX (the hypervisor present bit)": https://learn.microsoft.com/en-us/virtualization/hyper-v-on-windows/tlfs/feature-discovery',
      'QEMU, "Hyper-V Enlightenments": with any enlightenment, QEMU presents Hyper-V identification in CPUID 0x40000000..0x4000000A: https://www.qemu.org/docs/master/system/i386/hyperv.html',
      'libvirt, Domain XML format, "CPU model and topology": `policy=\'disable\'` "The feature will be disabled on virtual CPU": https://libvirt.org/formatdomain.html#cpu-model-and-topology',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const hv = hypervSettings(view);
    const bit = hv.hypervisorBitOff;
    if (!bit) return;
    // hv-vendor-id is not an enlightenment (QEMU's own words); everything else on counts.
    const on = [...hv.flags.values()].filter((s) => s.on && s.flag !== 'hv-vendor-id');
    if (on.length === 0 && !hv.passthrough) return;
    const path = file.source.path;
    const what = hv.passthrough
      ? "every Hyper-V enlightenment KVM has (mode='passthrough')"
      : `${on.length} Hyper-V enlightenment${on.length > 1 ? 's' : ''} (${on.map((s) => s.flag).join(', ')})`;
    const plural = hv.passthrough === undefined && on.length > 1;
    const related = hv.hyperv && !hv.cpuOverride ? [{ path, start: hv.hyperv.start, end: hv.hyperv.startTagEnd, message: 'the enlightenments are configured here' }] : [];
    const text = file.source.text;
    // In a -cpu string, drop the property with the comma before it (the model always comes first).
    const edit = bit.element
      ? removeElement(path, text, bit.element)
      : text.slice(bit.loc.start, bit.loc.end) === bit.written && text[bit.loc.start - 1] === ','
        ? { path, start: bit.loc.start - 1, end: bit.loc.end, text: '' }
        : undefined;
    ctx.report({
      messageId: 'hidden',
      data: { written: bit.written, what, are: plural ? 'are' : 'is' },
      at: bit.loc,
      related,
      suggestions: edit ? [{ description: `Remove ${bit.written}, so the guest sees the hypervisor bit again`, fix: { edits: [edit] } }] : undefined,
    });
  },
});
