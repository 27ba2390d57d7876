import { defineRule } from '../../engine/rule.js';
import { usesVfio } from '../../domain/view.js';
import { hypervSettings, type HvSetting } from '../../domain/hyperv.js';
import { removeElement } from '../../edit/xml.js';
import { childElements } from '../../parsers/xml/index.js';
import type { TextEdit } from '../../engine/fix.js';

export const rule = defineRule({
  meta: {
    id: 'kvm-hidden-obsolete',
    description: 'Hiding KVM (`<kvm><hidden state=\'on\'/>`, `kvm=off`) and a custom Hyper-V `vendor_id` were the workaround for NVIDIA\'s "Code 43"; GeForce drivers R465 and later support passthrough and no longer need it.',
    category: 'style',
    severity: 'info',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      hidden: '{what} {verb} the NVIDIA "Code 43" workaround: GeForce drivers R465 and later support passing a GeForce card (Kepler or newer) to a Windows VM, so with those it is not needed. Keep it for an older driver or card, or if you hide the VM on purpose (some anti-cheat software refuses VMs)',
    },
    sources: [
      'NVIDIA, "GeForce GPU Passthrough for Windows Virtual Machine (Beta)", R465 and later, Kepler and newer, one VM per GPU (https://nvidia.custhelp.com/app/answers/detail/a_id/5173), as reported at https://linuxiac.com/nvidia-gpu-passthrough-to-windows-vm-from-linux-host',
      'libvirt, Domain XML format, "Hypervisor features": `<kvm><hidden>` "Hide the KVM hypervisor from standard MSR based discovery", `<hyperv><vendor_id>`: https://libvirt.org/formatdomain.html#hypervisor-features',
      'QEMU, "Hyper-V Enlightenments": hv-vendor-id "guests shouldn\'t use this information", and the KVM leaves kept at 0x40000100 when Hyper-V identification is on: https://www.qemu.org/docs/master/system/i386/hyperv.html',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    // The workaround is about a passed-through GPU; without VFIO there is nothing to say.
    if (!usesVfio(view)) return;
    const hv = hypervSettings(view);
    const vendor = hv.flags.get('hv-vendor-id');
    const parts: HvSetting[] = [];
    if (hv.kvmHidden) parts.push(hv.kvmHidden);
    // 'Microsoft Hv' is QEMU's default id, written out: it hides nothing.
    if (vendor?.on && vendor.value !== 'Microsoft Hv') parts.push(vendor);
    if (parts.length === 0) return;
    const path = file.source.path;
    const text = file.source.text;
    const inCpu = hv.cpuOverride !== undefined;
    const words = parts.map((p) => (p.flag === 'kvm' ? (inCpu ? `${p.written} in the -cpu argument` : "<kvm><hidden state='on'/>") : inCpu ? p.written : `<vendor_id value='${p.value ?? ''}'>`));
    const edits: TextEdit[] = [];
    for (const p of parts) {
      // <hidden> alone in <kvm>: the emptied <kvm> goes too.
      const kvm = p.flag === 'kvm' ? p.element?.parent : undefined;
      if (kvm && childElements(kvm).length === 1) edits.push(removeElement(path, text, kvm));
      else if (p.element) edits.push(removeElement(path, text, p.element));
      // In a -cpu string, drop the property with the comma before it (the model always comes first).
      else if (text.slice(p.loc.start, p.loc.end) === p.written && text[p.loc.start - 1] === ',') edits.push({ path, start: p.loc.start - 1, end: p.loc.end, text: '' });
    }
    ctx.report({
      messageId: 'hidden',
      data: { what: words.join(' and '), verb: parts.length > 1 ? 'are' : 'is' },
      at: parts[0]!.loc,
      related: parts.slice(1).map((p) => ({ ...p.loc, message: 'also part of the workaround' })),
      suggestions: edits.length === parts.length ? [{ description: `Remove ${words.join(' and ')}`, fix: { edits } }] : undefined,
    });
  },
});
