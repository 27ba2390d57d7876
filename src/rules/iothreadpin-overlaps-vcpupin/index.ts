import { defineRule } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import { CpuSet } from '../../core/cpuset.js';
import { domainPins, ownPin } from '../../domain/pins.js';
import { usedIothreads } from '../../domain/iothreads.js';
import { firstChild } from '../../parsers/xml/index.js';
import { insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';
import type { DomainInput } from '../../model/machine.js';
import { listIds } from '../words.js';
import { tagLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'iothreadpin-overlaps-vcpupin',
    description: 'IOThreads should run on host CPUs that no vCPU is pinned to.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    optional: ['capabilities'],
    messages: {
      overlap: 'IOThread {id} may run on host CPU{s} {cpus}, which also run{verbS} vCPU{vs} {vcpus}: its block I/O work then competes with them',
      unpinned: 'IOThread{s} {ids} {have} no <iothreadpin>: {they} may run on any host CPU, including {cpus} where vCPUs are pinned; pin {them} to CPUs the vCPUs do not use',
    },
    sources: [
      'libvirt, Domain XML format, "CPU Tuning" (`iothreadpin`: without it and without <vcpu cpuset>, "the IOThreads are pinned to all the physical CPUs by default") and "IOThreads Allocation" (ids 1 to <iothreads>): https://libvirt.org/formatdomain.html#cpu-tuning',
      'libvirt, KVM Real Time Guest Config, "CPU configuration" (vCPUs on dedicated host CPUs, the other QEMU threads elsewhere): https://libvirt.org/kbase/kvm-realtime.html',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const pins = domainPins(d.view);
    // No IOThread at all needs no check of its own: nothing below reports then.
    if (pins.indeterminate || pins.invalid) return;
    const path = d.file.source.path;

    const vcpusOn = new Map<number, number[]>();
    let vcpuCpus = CpuSet.of();
    for (const v of pins.vcpus) {
      const own = ownPin(v);
      if (!own) continue;
      vcpuCpus = vcpuCpus.union(own);
      for (const c of own.toArray()) vcpusOn.set(c, [...(vcpusOn.get(c) ?? []), v.id]);
    }
    if (vcpuCpus.isEmpty()) return;
    const target = housekeeping(ownPin(pins.emulator), vcpuCpus);

    // Only IOThreads a device runs on have work that can take a vCPU's CPU.
    const used = usedIothreads(d.view);
    const busy = pins.iothreads.filter((t) => used.has(t.id));
    const unpinned = busy.filter((t) => t.placement.kind === 'all');
    if (unpinned.length > 0) {
      const n = unpinned.length;
      const iothreadsEl = firstChild(d.view.root, 'iothreads');
      ctx.report({
        messageId: 'unpinned',
        data: { s: n === 1 ? '' : 's', ids: listIds(unpinned.map((t) => t.id)), have: n === 1 ? 'has' : 'have', they: n === 1 ? 'it' : 'they', them: n === 1 ? 'it' : 'them', cpus: vcpuCpus.format() },
        at: iothreadsEl ? tagLoc(path, iothreadsEl) : tagLoc(path, d.view.cputune!.element),
        suggestions: target ? addPins(d, unpinned.map((t) => t.id), target) : [],
      });
    }
    for (const t of busy) {
      if (t.placement.kind !== 'set') continue;
      const overlap = t.placement.set.intersect(vcpuCpus);
      if (overlap.isEmpty()) continue;
      const vcpus = [...new Set(overlap.toArray().flatMap((c) => vcpusOn.get(c) ?? []))].sort((a, b) => a - b);
      const pin = d.view.cputune?.iothreadpins.find((p) => p.iothread === t.id && p.cpuset?.set);
      ctx.report({
        messageId: 'overlap',
        data: { id: t.id, s: overlap.size === 1 ? '' : 's', cpus: overlap.format(), verbS: overlap.size === 1 ? 's' : '', vs: vcpus.length === 1 ? '' : 's', vcpus: listIds(vcpus) },
        at: t.placement.loc,
        suggestions: target && pin ? [{ description: `Pin IOThread ${t.id} to host CPUs ${target.format()}, which no vCPU uses`, fix: { edits: [setAttribute(path, d.file.source.text, pin.element, 'cpuset', target.format())] } }] : [],
      });
    }
  },
});

/** Where IOThreads belong: the emulator's pinned CPUs when no vCPU uses them (the housekeeping CPUs). */
function housekeeping(emulator: CpuSet | undefined, vcpuCpus: CpuSet): CpuSet | undefined {
  if (!emulator || emulator.isEmpty() || !emulator.intersect(vcpuCpus).isEmpty()) return undefined;
  return emulator;
}

function addPins(d: DomainInput, ids: number[], cpus: CpuSet): Suggestion[] {
  // IOThreads are reported only when some vCPU is pinned, which takes a <cputune>.
  const cputune = d.view.cputune!;
  const q = quoteOf(cputune.element);
  const text = d.file.source.text;
  const markup = ids.map((id) => `<iothreadpin iothread=${q}${id}${q} cpuset=${q}${cpus.format()}${q}/>`);
  // One edit per pin would insert at the same offset; chain them as one block after the last child.
  const first = insertLastChild(d.file.source.path, text, cputune.element, markup[0]!);
  const lineStart = first.text.lastIndexOf('\n') + 1;
  const indent = first.text.slice(lineStart).match(/^[ \t]*/)![0];
  const edit = { ...first, text: first.text + markup.slice(1).map((m) => `${first.text.includes('\r\n') ? '\r\n' : '\n'}${indent}${m}`).join('') };
  return [{ description: `Pin IOThread${ids.length === 1 ? '' : 's'} ${listIds(ids)} to the emulator's host CPUs ${cpus.format()}, which no vCPU uses`, fix: { edits: [edit] } }];
}
