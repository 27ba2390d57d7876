import { defineRule } from '../../engine/rule.js';
import type { Suggestion, TextEdit } from '../../engine/fix.js';
import { attr, childElements, firstChild } from '../../parsers/xml/index.js';
import { insertAfter, quoteOf, removeElement, setAttribute } from '../../edit/xml.js';
import type { DomainView } from '../../domain/view.js';
import type { DomainInput } from '../../model/machine.js';
import { tagLoc, valueLoc } from '../locate.js';
import { gpuPassthrough } from '../../domain/passthrough.js';
import { windowsGuest } from '../../domain/windows.js';

export const rule = defineRule({
  meta: {
    id: 'cpu-mode-not-passthrough',
    description: 'A passthrough gaming VM should use the host CPU as it is (host-passthrough), not a named or host-model CPU, and never QEMU\'s default CPU.',
    category: 'performance',
    severity: 'info',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      hostModel: "CPU mode '{mode}' on a passthrough VM ({why}): the guest gets a named CPU model {model}, not the host CPU itself; host-passthrough shows it every feature and the real cache and model data, and a VM with a physical device attached cannot migrate anyway, which is what {mode} is for",
      noModel: '<cpu> without mode or model on a passthrough VM ({why}): it only sets the topology, so QEMU gives the guest its default CPU model (qemu64 on x86), which lacks SSE4.2, AVX and most features games and drivers use; set mode=\'host-passthrough\'',
      noCpu: 'No <cpu> element on a passthrough VM ({why}): QEMU then gives the guest its default CPU model (qemu64 on x86), which lacks SSE4.2, AVX and most features games and drivers use; set <cpu mode=\'host-passthrough\'>',
    },
    sources: [
      'libvirt, Domain XML format, "CPU model and topology": modes custom, host-model, host-passthrough, maximum ("functionally identical to host-passthrough" with hardware virtualization), and migration with host-passthrough: https://libvirt.org/formatdomain.html#cpu-model-and-topology',
      'libvirt, Domain XML format, "Host device assignment": a domain with a PCI host device cannot be migrated (the device is on this host): https://libvirt.org/formatdomain.html#host-device-assignment',
      'QEMU `target/i386/cpu.c`: the default x86_64 CPU model is qemu64 (X86_CPU_TYPE_NAME("qemu64") in `pc_machine_class_init` / `TARGET_DEFAULT_CPU_TYPE`): https://gitlab.com/qemu-project/qemu/-/blob/master/target/i386/cpu.c',
      'Looking Glass, libvirt/QEMU Installation, "CPU model": host-passthrough for the guest to see the host CPU\'s features: https://looking-glass.io/docs/B7/install_libvirt/ (`doc/install_libvirt.rst`)',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const { view } = d;
    // The modes and QEMU's default model are judged for x86 guests only.
    const typeEl = view.os && firstChild(view.os.element, 'type');
    const arch = typeEl ? attr(typeEl, 'arch')?.value : undefined;
    if (arch !== undefined && arch !== 'x86_64' && arch !== 'i686') return;
    // macOS guests usually need a named Intel model to boot; that is not this rule's advice to give.
    if (view.guestOs === 'macos' || /mac ?os|osx|catalina|monterey|ventura|sonoma|big ?sur/i.test(view.name ?? '')) return;
    const gpu = gpuPassthrough(view);
    if (!gpu) return;
    const why = gpu.because;
    const path = d.file.source.path;
    const cpu = view.cpu;
    // Missing CPU features are a fault on a gaming guest; when only the device pair suggests one, it is a guess: info.
    const severity = windowsGuest(view) ? 'warning' : 'info';
    if (!cpu) {
      if (!view.vcpu) return;
      ctx.report({ messageId: 'noCpu', data: { why }, at: tagLoc(path, view.vcpu.element), severity, suggestions: addCpu(d) });
      return;
    }
    // host-passthrough and maximum (the host CPU itself) are what this rule asks for.
    if (cpu.mode !== 'host-model' && cpu.mode !== 'custom') return;
    // A <cpu> that only carries a topology (mode custom, no model) leaves QEMU's default CPU in place.
    if (cpu.mode === 'custom' && !cpu.model) {
      ctx.report({ messageId: 'noModel', data: { why }, at: tagLoc(path, cpu.element), severity, suggestions: toPassthrough(d) });
      return;
    }
    const modeAttr = attr(cpu.element, 'mode');
    ctx.report({
      messageId: 'hostModel',
      data: { mode: cpu.mode, why, model: cpu.model ? `(${cpu.model})` : '(derived from the host)' },
      at: modeAttr ? valueLoc(path, modeAttr) : tagLoc(path, cpu.element),
      suggestions: toPassthrough(d),
    });
  },
});

function toPassthrough(d: DomainInput): Suggestion[] {
  const cpu = d.view.cpu!;
  // match= belongs to custom CPUs only; the edit helpers cannot remove an attribute, so offer nothing then.
  if (attr(cpu.element, 'match')) return [];
  const path = d.file.source.path;
  const text = d.file.source.text;
  const edits: TextEdit[] = [setAttribute(path, text, cpu.element, 'mode', 'host-passthrough')];
  // A model or vendor only means something for custom and host-model CPUs.
  for (const child of childElements(cpu.element)) if (child.name === 'model' || child.name === 'vendor') edits.push(removeElement(path, text, child));
  return [{ description: "Use mode='host-passthrough' (keeps <topology> and <feature> lines)", fix: { edits } }];
}

function addCpu(d: DomainInput): Suggestion[] {
  const vcpu = d.view.vcpu!;
  const q = quoteOf(vcpu.element);
  return [{ description: "Add <cpu mode='host-passthrough'/>", fix: { edits: [insertAfter(d.file.source.path, d.file.source.text, vcpu.element, `<cpu mode=${q}host-passthrough${q}/>`)] } }];
}
