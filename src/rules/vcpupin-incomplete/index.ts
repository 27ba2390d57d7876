import { defineRule } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import { CpuSet } from '../../core/cpuset.js';
import { domainPins, ownPin, type DomainPins } from '../../domain/pins.js';
import { onlineVcpus } from '../../domain/vcpus.js';
import { hostTopology } from '../../host/topology.js';
import type { CapabilitiesView } from '../../host/capabilities.js';
import type { DomainInput } from '../../model/machine.js';
import { indentOf } from '../../parsers/xml/index.js';
import { eolOf, insertAfter, quoteOf } from '../../edit/xml.js';
import { listIds } from '../words.js';
import { tagLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'vcpupin-incomplete',
    description: 'When some vCPUs are pinned, every vCPU should be: an unpinned vCPU floats over the host CPUs the pinned ones were given.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    optional: ['capabilities'],
    messages: {
      floating: 'vCPU{s} {unpinned} of {count} {have} no <vcpupin> while vCPU{ps} {pinned} {pHave}: {they} may run on {where}{overlap}',
    },
    sources: [
      'libvirt, Domain XML format, "CPU Tuning" (`vcpupin`: without it, and without <vcpu cpuset>, "the vCPU is pinned to all the physical CPUs by default") and "CPU Allocation" (<vcpu cpuset>): https://libvirt.org/formatdomain.html#cpu-tuning',
      'libvirt, KVM Real Time Guest Config, "CPU configuration" (each vCPU pinned to its own host CPU): https://libvirt.org/kbase/kvm-realtime.html',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const pins = domainPins(d.view);
    if (pins.indeterminate || pins.invalid) return;
    // Only vCPUs online at start run anywhere; a disabled one (<vcpus enabled='no'>, current=) runs only after a hot-plug.
    const online = onlineVcpus(d.view);
    const pinned = pins.vcpus.filter((v) => v.from === 'pin' && online.has(v.id));
    const unpinned = pins.vcpus.filter((v) => v.from !== 'pin' && online.has(v.id));
    if (pinned.length === 0 || unpinned.length === 0) return;

    const pinnedCpus = pinned.reduce((acc, v) => acc.union(ownPin(v)!), CpuSet.of());
    const fallback = unpinned[0]!.placement;
    const where = fallback.kind === 'all' ? 'any host CPU' : `the <vcpu cpuset> CPUs ${fallback.set.format()}`;
    const shared = fallback.kind === 'all' ? pinnedCpus : fallback.set.intersect(pinnedCpus);
    const emulator = ownPin(pins.emulator);
    const sharedEmulator = emulator && (fallback.kind === 'all' ? emulator : fallback.set.intersect(emulator));
    const parts: string[] = [];
    if (!shared.isEmpty()) parts.push(`host CPU${shared.size === 1 ? '' : 's'} ${shared.format()} of the pinned vCPUs`);
    if (sharedEmulator && !sharedEmulator.isEmpty()) parts.push(`the emulator's ${sharedEmulator.format()}`);
    const overlap = parts.length > 0 ? `, including ${parts.join(' and ')}` : '';

    const path = d.file.source.path;
    ctx.report({
      messageId: 'floating',
      data: {
        s: unpinned.length === 1 ? '' : 's',
        unpinned: listIds(unpinned.map((v) => v.id)),
        count: online.size,
        have: unpinned.length === 1 ? 'has' : 'have',
        ps: pinned.length === 1 ? '' : 's',
        pinned: listIds(pinned.map((v) => v.id)),
        pHave: pinned.length === 1 ? 'has one' : 'have them',
        they: unpinned.length === 1 ? 'it' : 'they',
        where,
        overlap,
      },
      at: tagLoc(path, d.view.cputune!.element),
      related: [{ ...tagLoc(path, d.view.vcpu!.element), message: `the domain has ${pins.vcpus.length} vCPUs` }],
      suggestions: pinSuggestion(d, pins, unpinned, ctx.machine.host.capabilities, ctx.machine.host.cpus?.all),
    });
  },
});

/**
 * With capabilities XML: pin each unpinned vCPU, in order, to a host CPU no other thread of the domain is
 * pinned to, taking whole free cores first so that guest thread pairs land on one host core.
 */
function pinSuggestion(d: DomainInput, pins: DomainPins, unpinned: DomainPins['vcpus'], caps: CapabilitiesView | undefined, host: CpuSet | undefined): Suggestion[] {
  if (!caps || !host) return [];
  let used = CpuSet.of();
  for (const t of [...pins.vcpus, pins.emulator, ...pins.iothreads]) {
    const own = ownPin(t);
    if (own) used = used.union(own);
  }
  const free = host.minus(used);
  const cores = hostTopology(caps).cores;
  const whole = cores.filter((c) => c.cpus.isSubsetOf(free)).flatMap((c) => c.cpus.toArray());
  const rest = free.toArray().filter((c) => !whole.includes(c));
  const order = [...whole, ...rest];
  if (order.length < unpinned.length) return [];

  const path = d.file.source.path;
  const text = d.file.source.text;
  const cputune = d.view.cputune!;
  const q = quoteOf(cputune.element);
  const lines = unpinned.map((v, i) => `<vcpupin vcpu=${q}${v.id}${q} cpuset=${q}${order[i]}${q}/>`);
  const lastPin = cputune.vcpupins.at(-1)!.element;
  const edit = insertAfter(path, text, lastPin, lines.join(`${eolOf(text)}${indentOf(text, lastPin)}`));
  const chosen = CpuSet.of(...order.slice(0, unpinned.length));
  return [{ description: `Pin vCPU${unpinned.length === 1 ? '' : 's'} ${listIds(unpinned.map((v) => v.id))} to host CPU${chosen.size === 1 ? '' : 's'} ${chosen.format()}, which no thread of this domain is pinned to`, fix: { edits: [edit] } }];
}
