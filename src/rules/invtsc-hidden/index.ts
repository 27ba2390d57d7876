import { defineRule } from '../../engine/rule.js';
import { attr } from '../../parsers/xml/index.js';
import { usesVfio } from '../../domain/view.js';
import { hypervSettings } from '../../domain/hyperv.js';
import { windowsGuest } from '../../domain/windows.js';
import { insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';
import { tagLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'invtsc-hidden',
    description: 'A Windows passthrough VM normally does not see the host\'s invariant TSC: libvirt and QEMU drop `invtsc` because it blocks migration, which a VM with a passed-through GPU cannot do anyway.',
    category: 'performance',
    severity: 'info',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    optional: ['capabilities'],
    messages: {
      passthrough: "Windows passthrough VM ({because}) with <cpu mode='{mode}'> and migratable {migratable}: QEMU then leaves out invtsc (it blocks migration){host}, so the guest is not told its TSC is invariant; the VM cannot migrate with a passed-through device anyway, so migratable='off' costs nothing",
      model: "Windows passthrough VM ({because}) with <cpu mode='{mode}'>: invtsc is in no CPU model and libvirt marks it non-migratable, so the guest does not get it unless it is required{hostNote}",
      override: 'Windows passthrough VM ({because}): the -cpu argument in <qemu:commandline> neither adds invtsc nor turns migratable off, so QEMU leaves invtsc out{host}',
    },
    sources: [
      'libvirt `src/cpu_map/x86_features.xml` (9.0.0, Debian `libvirt-daemon`): `<feature name=\'invtsc\' migratable=\'no\'>`: https://gitlab.com/libvirt/libvirt/-/blob/master/src/cpu_map/x86_features.xml',
      'libvirt, Domain XML format, "CPU model and topology": host-passthrough `migratable` (since 6.5.0) requests non-migratable features "to be removed from (on) or kept in (off) the virtual CPU": https://libvirt.org/formatdomain.html#cpu-model-and-topology',
      'QEMU `target/i386/kvm/kvm.c` (`invtsc_mig_blocker`: a guest with invtsc cannot migrate) and `target/i386/cpu.c` (invtsc among the unmigratable CPUID flags, dropped from `-cpu host` with migratable=on): https://gitlab.com/qemu-project/qemu/-/blob/master/target/i386/cpu.c',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    if (attr(view.root, 'type')?.value !== 'kvm' || !usesVfio(view)) return;
    const win = windowsGuest(view);
    if (!win) return;
    const caps = ctx.machine.host.capabilities;
    // Only where the host has it, or nobody knows.
    if (caps?.model && !caps.features.has('invtsc')) return;
    const host = caps?.model ? ' although the host CPU has it (capabilities XML)' : '';
    const path = file.source.path;
    const text = file.source.text;
    const hv = hypervSettings(view);

    if (hv.cpuOverride) {
      const v = hv.cpuOverride.value;
      if (/(^|,)\+?invtsc(=on)?(,|$)/.test(v) || /(^|,)migratable=(off|no|false)(,|$)/.test(v)) return;
      if (!/^(host|max)(,|$)/.test(v)) return; // a named model: invtsc comes only when asked for, and the model is the user's choice
      ctx.report({ messageId: 'override', data: { because: win.because, host }, at: hv.cpuOverride.loc, suggestions: [{ description: 'Add +invtsc to the -cpu argument', fix: { edits: [{ path, start: hv.cpuOverride.loc.end, end: hv.cpuOverride.loc.end, text: ',+invtsc' }] } }] });
      return;
    }
    const cpu = view.cpu;
    if (!cpu) return; // no <cpu>: QEMU's default model; cpu-mode-not-passthrough says what to do about that
    const mode = cpu.mode;
    const wanted = cpu.features.find((f) => f.name === 'invtsc' && (f.policy === 'require' || f.policy === 'force'));
    if (wanted) return;
    const disabled = cpu.features.find((f) => f.name === 'invtsc' && (f.policy === 'disable' || f.policy === 'forbid'));
    if (disabled) return; // turned off on purpose
    const q = quoteOf(view.root);
    if (mode === 'host-passthrough' || mode === 'maximum') {
      const migratable = attr(cpu.element, 'migratable');
      if (migratable?.value === 'off') return;
      ctx.report({
        messageId: 'passthrough',
        data: { because: win.because, mode, migratable: migratable ? `'${migratable.value}'` : "unset (libvirt's default is on)", host },
        at: tagLoc(path, cpu.element),
        suggestions: [{ description: "Set migratable='off' so the guest keeps invtsc and the host's other non-migratable features", fix: { edits: [setAttribute(path, text, cpu.element, 'migratable', 'off')] } }],
      });
      return;
    }
    ctx.report({
      messageId: 'model',
      data: { because: win.because, mode, hostNote: host ? '; the host CPU has it (capabilities XML)' : '' },
      at: tagLoc(path, cpu.element),
      suggestions: [{ description: "Require invtsc (<feature policy='require' name='invtsc'/>); libvirt refuses to start the guest on a host without it", fix: { edits: [insertLastChild(path, text, cpu.element, `<feature policy=${q}require${q} name=${q}invtsc${q}/>`)] } }],
    });
  },
});
