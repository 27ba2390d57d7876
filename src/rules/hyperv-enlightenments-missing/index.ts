import { defineRule } from '../../engine/rule.js';
import { attr, firstChild } from '../../parsers/xml/index.js';
import { hypervSettings, libvirtName } from '../../domain/hyperv.js';
import { windowsGuest } from '../../domain/windows.js';
import { eolOf, indentUnit, insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';
import { indentOf } from '../../parsers/xml/index.js';
import type { TextEdit } from '../../engine/fix.js';
import type { RelatedLocation } from '../../core/range.js';
import { tagLoc } from '../locate.js';

/**
 * QEMU's recommended enlightenments for a Windows guest, less the ones it
 * says to leave out or to enable only on some hosts (reset, vendor-id,
 * evmcs, avic, crash, reenlightenment, no-nonarch-coresharing, debug ones).
 */
export const RECOMMENDED = ['hv-relaxed', 'hv-vapic', 'hv-spinlocks', 'hv-vpindex', 'hv-runtime', 'hv-synic', 'hv-stimer', 'hv-frequencies', 'hv-tlbflush', 'hv-ipi', 'hv-time'] as const;

export const rule = defineRule({
  meta: {
    id: 'hyperv-enlightenments-missing',
    description: 'A Windows guest on KVM should get the Hyper-V enlightenments QEMU recommends (relaxed, vapic, spinlocks, vpindex, runtime, synic, stimer, frequencies, tlbflush, ipi and the hypervclock timer); without them Windows falls back to slow emulated timers and interrupts.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      missing: 'Windows guest ({because}) without the Hyper-V enlightenments {missing}{offNote}: QEMU enables none by default, and Windows then uses emulated timers (HPET, RTC) and APIC accesses that cost CPU even when idle',
      overridden: 'Windows guest ({because}): the -cpu argument in <qemu:commandline> replaces libvirt\'s -cpu, and it lacks the Hyper-V enlightenments {missing}{offNote}',
    },
    sources: [
      'QEMU, "Hyper-V Enlightenments" (`docs/system/i386/hyperv.rst`): "No Hyper-V enlightenments are enabled by default", each enlightenment, and "Recommendations": https://www.qemu.org/docs/master/system/i386/hyperv.html',
      'libvirt, Domain XML format, "Hypervisor features" (the `<hyperv>` children and `mode`, since 8.0.0) and "Time keeping" (the `hypervclock` timer): https://libvirt.org/formatdomain.html#hypervisor-features',
      'libvirt `src/qemu/qemu_command.c` (`qemuBuildCpuCommandLine`): each `<hyperv>` child becomes an `hv-*` property of -cpu, the hypervclock timer with present=\'yes\' becomes `hv-time`: https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_command.c',
      'QEMU `system/vl.c`: a later `-cpu` replaces an earlier one; libvirt puts `<qemu:commandline>` arguments after its own: https://gitlab.com/qemu-project/qemu/-/blob/master/system/vl.c',
      'libosinfo ids for Windows (`http://microsoft.com/win/10`, `.../win/11`) as virt-manager writes them into `<metadata>`: https://libvirt.org/formatdomain.html#general-metadata',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    // Enlightenments are a KVM feature; TCG (type='qemu') guests do not get them.
    if (attr(view.root, 'type')?.value !== 'kvm') return;
    const win = windowsGuest(view);
    if (!win) return;
    const hv = hypervSettings(view);
    if (hv.passthrough) return; // every enlightenment KVM has; hyperv-passthrough-mode says what that implies
    const lacking = RECOMMENDED.filter((f) => !hv.isOn(f));
    if (lacking.length === 0) return;
    const path = file.source.path;
    const text = file.source.text;
    const absent = lacking.filter((f) => !hv.flags.has(f));
    const off = lacking.filter((f) => hv.flags.has(f));
    const name = (f: string) => (f === 'hv-time' ? 'hypervclock' : libvirtName(f));
    const related: RelatedLocation[] = win.evidence.filter((e) => e.kind !== 'hyperv').map((e) => ({ ...e.loc, message: e.kind === 'libosinfo' ? 'libosinfo says Windows here' : 'the name says Windows' }));
    for (const f of off) related.push({ ...hv.flags.get(f)!.loc, message: `${name(f)} is turned off here` });

    if (hv.cpuOverride) {
      const o = hv.cpuOverride;
      ctx.report({
        messageId: 'overridden',
        data: { because: win.because, missing: (absent.length > 0 ? absent : off).join(', '), offNote: off.length > 0 && absent.length > 0 ? ` (and ${off.join(', ')} turned off)` : off.length > 0 ? ' (turned off)' : '' },
        at: o.loc,
        related,
        suggestions: o.loc.end - o.loc.start === o.value.length
          ? [{ description: `Add ${lacking.join(', ')} to the -cpu argument`, fix: { edits: [{ path, start: o.loc.end, end: o.loc.end, text: lacking.map((f) => (f === 'hv-spinlocks' ? ',hv-spinlocks=0x1fff' : `,${f}=on`)).join('') }] } }]
          : undefined,
      });
      return;
    }

    const edits: TextEdit[] = [];
    const hyperv = hv.hyperv;
    const q = quoteOf(view.root);
    const childMarkup = (f: string) => (f === 'hv-spinlocks' ? `<spinlocks state=${q}on${q} retries=${q}8191${q}/>` : `<${libvirtName(f)} state=${q}on${q}/>`);
    const hvFlags = lacking.filter((f) => f !== 'hv-time');
    const unit = indentUnit(text, view.root);
    if (hyperv) {
      for (const f of hvFlags) {
        const s = hv.flags.get(f);
        if (s?.element) edits.push(setAttribute(path, text, s.element, 'state', 'on'));
        else edits.push(insertLastChild(path, text, hyperv, childMarkup(f)));
      }
    } else if (view.features) {
      edits.push(insertLastChild(path, text, view.features, block(text, indentOf(text, view.features) + unit, unit, `<hyperv mode=${q}custom${q}>`, hvFlags.map(childMarkup), '</hyperv>')));
    }
    if (lacking.includes('hv-time')) {
      const timer = hv.timers.get('hypervclock');
      const markup = `<timer name=${q}hypervclock${q} present=${q}yes${q}/>`;
      if (timer) edits.push(setAttribute(path, text, timer.element, 'present', 'yes'));
      else if (hv.clock) edits.push(insertLastChild(path, text, hv.clock, markup));
      // No <clock>: libvirt's default offset is utc, so writing it keeps the guest's time as it was.
      else if (view.features) edits.push({ path, start: view.features.end, end: view.features.end, text: `${eolOf(text)}${indentOf(text, view.features)}${block(text, indentOf(text, view.features), unit, `<clock offset=${q}utc${q}>`, [markup], '</clock>')}` });
    }
    const insertsMerge = mergeInserts(edits);
    const suggestions = [];
    if (view.features) suggestions.push({ description: `Turn on ${lacking.map(name).join(', ')}`, fix: { edits: insertsMerge } });
    if (hyperv) {
      suggestions.push({
        description: "Use <hyperv mode='passthrough'> instead: every enlightenment this host's KVM has (libvirt 8.0.0 or newer; blocks migration, and QEMU calls it a development feature)",
        fix: { edits: [setAttribute(path, text, hyperv, 'mode', 'passthrough')] },
      });
    }
    ctx.report({
      messageId: 'missing',
      data: {
        because: win.because,
        missing: (absent.length > 0 ? absent : off).map(name).join(', '),
        offNote: off.length > 0 && absent.length > 0 ? ` (and ${off.map(name).join(', ')} turned off)` : off.length > 0 ? ' (turned off)' : '',
      },
      at: hyperv ? tagLoc(path, hyperv) : view.features ? tagLoc(path, view.features) : tagLoc(path, view.root),
      related,
      suggestions,
    });
  },
});

/** An element with children, one per line: the element at `base`, its children one `unit` deeper. */
function block(text: string, base: string, unit: string, open: string, children: string[], close: string): string {
  const eol = eolOf(text);
  return `${open}${children.map((c) => `${eol}${base}${unit}${c}`).join('')}${eol}${base}${close}`;
}

/** Several insertions at one offset (new children of one element) become one edit, so the fix applies whole. */
function mergeInserts(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const prev = out.find((o) => o.start === e.start && o.end === e.end && o.start === o.end && e.start === e.end && o.path === e.path);
    if (prev) prev.text += e.text;
    else out.push({ ...e });
  }
  return out;
}
