import { defineRule } from '../../engine/rule.js';
import { attr } from '../../parsers/xml/index.js';
import { hypervSettings, libvirtName } from '../../domain/hyperv.js';
import { eolOf, indentUnit, insertLastChild, quoteOf, replaceElement, setAttribute } from '../../edit/xml.js';
import { indentOf } from '../../parsers/xml/index.js';
import type { TextEdit } from '../../engine/fix.js';
import { RECOMMENDED } from '../hyperv-enlightenments-missing/index.js';

export const rule = defineRule({
  meta: {
    id: 'hyperv-passthrough-mode',
    description: "`<hyperv mode='passthrough'>` (QEMU's hv-passthrough) gives the guest whatever enlightenments the host's KVM has: QEMU calls it a development feature, it blocks migration, and the set changes with the host kernel.",
    category: 'stability',
    severity: 'info',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      passthrough: "{written} turns on every Hyper-V enlightenment this host's KVM supports (QEMU's hv-passthrough): QEMU advises against it outside development, it blocks migration, and the guest's set changes when the host kernel does; a custom set states what the guest gets",
    },
    sources: [
      'QEMU, "Hyper-V Enlightenments", "Supplementary features" (hv-passthrough: "effectively prevents migration", "does not enable hv-syndbg") and "Recommendations" (hv-passthrough "should not be enabled in production configurations"): https://www.qemu.org/docs/master/system/i386/hyperv.html',
      'QEMU `target/i386/kvm/kvm.c` (`hyperv_init_vcpu`: "\'hv-passthrough\' CPU flag prevents migration, use explicit set of hv-* flags instead"): https://gitlab.com/qemu-project/qemu/-/blob/master/target/i386/kvm/kvm.c',
      'libvirt, Domain XML format, "Hypervisor features": `mode` since 8.0.0; passthrough "Enable all features currently supported by the hypervisor, even those that libvirt does not understand. Migration of a guest using passthrough is dangerous ...": https://libvirt.org/formatdomain.html#hypervisor-features',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    if (attr(view.root, 'type')?.value !== 'kvm') return;
    const hv = hypervSettings(view);
    const p = hv.passthrough;
    if (!p) return;
    const path = file.source.path;
    const text = file.source.text;
    const suggestions = [];
    if (p.element && hv.hyperv && !hv.cpuOverride) {
      const q = quoteOf(view.root);
      const eol = eolOf(text);
      const unit = indentUnit(text, view.root);
      const base = indentOf(text, hv.hyperv);
      const markup = (f: string) => (f === 'hv-spinlocks' ? `<spinlocks state=${q}on${q} retries=${q}8191${q}/>` : `<${libvirtName(f)} state=${q}on${q}/>`);
      const missing = RECOMMENDED.filter((f) => f !== 'hv-time' && !hv.flags.has(f));
      const edits: TextEdit[] = [];
      if (hv.hyperv.selfClosing) {
        edits.push(replaceElement(path, hv.hyperv, `<hyperv mode=${q}custom${q}>${missing.map((f) => `${eol}${base}${unit}${markup(f)}`).join('')}${eol}${base}</hyperv>`));
      } else {
        // Keep the children the user wrote (a vendor_id, spinlocks retries) and add the rest.
        edits.push(setAttribute(path, text, hv.hyperv, 'mode', 'custom'));
        if (missing.length > 0) {
          const first = insertLastChild(path, text, hv.hyperv, markup(missing[0]!));
          const lead = first.text.slice(0, first.text.length - markup(missing[0]!).length);
          edits.push({ ...first, text: missing.map((f) => `${lead}${markup(f)}`).join('') });
        }
      }
      const timer = hv.timers.get('hypervclock');
      if (!timer && hv.clock) edits.push(insertLastChild(path, text, hv.clock, `<timer name=${q}hypervclock${q} present=${q}yes${q}/>`));
      suggestions.push({ description: `Use mode='custom' with QEMU's recommended set${edits.length > 1 && !timer && hv.clock ? ' and the hypervclock timer' : ''}`, fix: { edits } });
    }
    ctx.report({ messageId: 'passthrough', data: { written: p.element ? "<hyperv mode='passthrough'> (libvirt 8.0.0 or newer)" : `${p.written} in the -cpu argument` }, at: p.loc, suggestions });
  },
});
