import { defineRule } from '../../engine/rule.js';
import type { RelatedLocation, Report } from '../../engine/rule.js';
import type { Suggestion, TextEdit } from '../../engine/fix.js';
import { CpuSet } from '../../core/cpuset.js';
import { viewAgain, type DomainFacts } from '../../domain/facts.js';
import { domainPins, type Placement, type ThreadPin } from '../../domain/pins.js';
import { hostLayout } from '../../topology/machine.js';
import { formatBytes, type L3Group, type TopologyLayout } from '../../topology/layout.js';
import { planPins, type PinPlan } from '../../topology/plan.js';
import { insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';

export const rule = defineRule({
  meta: {
    id: 'pins-span-l3',
    description: 'A domain\'s vCPUs should be pinned within one L3 cache (one CCD/CCX) when they fit in one.',
    category: 'performance',
    severity: 'warning',
    fixable: 'suggest',
    // It reads every domain (to plan around the others' pins), so it runs once over the machine's domain facts.
    scope: 'machine',
    requires: ['domain'],
    // Without the host's caches there is nothing to check; like the other pinning rules it then stays quiet.
    optional: ['capabilities'],
    messages: {
      spans: 'The vCPUs are pinned across {count} L3 caches ({where}), but their {cpus} host CPUs fit in one L3 of {size} CPUs: threads of one guest then share data through the slower link between caches{sizes}',
    },
    sources: [
      'libvirt, Capabilities XML format, host `<cache>` banks (level, size, cpus) and `<topology>` cells: https://libvirt.org/formatcaps.html',
      'Linux `Documentation/ABI/testing/sysfs-devices-system-cpu` (cache/indexN/shared_cpu_list, size, level), the data libvirt reports: https://www.kernel.org/doc/Documentation/ABI/testing/sysfs-devices-system-cpu',
      'AMD, Ryzen 9 7950X3D specifications: 128 MB of L3 in total, the 3D V-Cache on one of the two CCDs: https://www.amd.com/en/products/processors/desktops/ryzen/7000-series/amd-ryzen-9-7950x3d.html',
      'libvirt, Domain XML format, "CPU Tuning" (vcpupin, emulatorpin): https://libvirt.org/formatdomain.html#cpu-tuning',
    ],
  },
  check(ctx) {
    const layout = hostLayout(ctx.machine.host);
    if (!layout || layout.l3s.filter((l) => l.known).length < 2) return;
    const domains = ctx.machine.domains;
    let around: PinnedAround | undefined;
    domains.forEach((d, i) => {
      const others = () => othersOf((around ??= pinnedAround(domains)), i);
      checkDomain(d, layout, others, ctx.report);
    });
  },
});

/** A vCPU pinned to a set of host CPUs. */
type SetPin = ThreadPin & { placement: Extract<Placement, { kind: 'set' }> };

/** One domain: its vCPUs over two L3 caches when one would hold them. */
function checkDomain(d: DomainFacts, layout: TopologyLayout, othersPinned: () => CpuSet, report: (r: Report) => void): void {
  const pins = domainPins(d.pinning);
  if (pins.indeterminate || pins.invalid) return;
  const online = d.onlineVcpus;
  const vcpus = pins.vcpus.filter((v): v is SetPin => online.has(v.id) && v.placement.kind === 'set');
  if (vcpus.length < 2) return;
  let used = CpuSet.EMPTY;
  for (const v of vcpus) used = used.union(v.placement.set);
  const touched = layout.l3s.filter((l) => l.known && l.cpus.overlaps(used));
  if (touched.length < 2 || layout.l3s.some((l) => !l.known && l.cpus.overlaps(used))) return;
  // Only when one L3 could hold them: a guest larger than any L3 must span.
  const biggest = Math.max(...layout.l3s.map((l) => l.cpus.size));
  if (used.size > biggest) return;

  const byShare = [...touched].sort((a, b) => used.intersect(b.cpus).size - used.intersect(a.cpus).size || a.index - b.index);
  const main = byShare[0]!;
  const firstOut = vcpus.find((v) => !v.placement.set.isSubsetOf(main.cpus))!;
  const locOf = (v: SetPin) => v.placement.loc;
  const related: RelatedLocation[] = byShare.map((l) => {
    const v = vcpus.find((x) => x.placement.set.overlaps(l.cpus))!;
    return { ...locOf(v), message: `vCPU ${v.id} runs in L3 #${l.index}${size(l)} (CPUs ${l.cpus.format()})` };
  });
  const sized = layout.l3s.filter((l) => l.known && l.bytes !== undefined);
  const largest = sized.filter((l) => l.largest);
  const sizes = layout.l3SizesDiffer
    ? `. The L3 caches differ: ${sized.map((l) => `#${l.index} (CPUs ${l.cpus.format()}) has ${formatBytes(l.bytes!)}`).join(', ')}; the larger is #${largest.map((l) => l.index).join(', #')}`
    : '';
  const plan = planPins(layout, vcpus.length, othersPinned());
  report({
    messageId: 'spans',
    data: { count: touched.length, where: byShare.map((l) => `L3 #${l.index}: CPUs ${used.intersect(l.cpus).format()}`).join('; '), cpus: used.size, size: biggest, sizes },
    at: locOf(firstOut),
    related,
    suggestions: plan ? suggestion(d, plan, vcpus.map((v) => v.id)) : [],
  });
}

function size(l: L3Group): string {
  return l.bytes !== undefined ? `, ${formatBytes(l.bytes)}` : '';
}

/** The CPUs each domain's vCPUs are pinned to, as unions of the domains before and after each one. */
interface PinnedAround {
  before: CpuSet[];
  after: CpuSet[];
}

/**
 * The CPUs the other domains of the machine pin: the union of those before a domain and of those
 * after it, each made once per machine (a union per domain over every other domain was quadratic
 * in domains), and only when a domain is reported.
 */
function pinnedAround(domains: readonly DomainFacts[]): PinnedAround {
  const cpus = domains.map(vcpuCpus);
  const before: CpuSet[] = [CpuSet.EMPTY];
  for (let i = 0; i < cpus.length; i++) before.push(before[i]!.union(cpus[i]!));
  const after: CpuSet[] = new Array<CpuSet>(cpus.length + 1);
  after[cpus.length] = CpuSet.EMPTY;
  for (let i = cpus.length - 1; i >= 0; i--) after[i] = after[i + 1]!.union(cpus[i]!);
  return { before, after };
}

function othersOf(p: PinnedAround, i: number): CpuSet {
  return p.before[i]!.union(p.after[i + 1]!);
}

function vcpuCpus(d: DomainFacts): CpuSet {
  const p = domainPins(d.pinning);
  if (p.indeterminate || p.invalid) return CpuSet.EMPTY;
  return p.vcpus.reduce((acc, v) => (v.placement.kind === 'set' ? acc.union(v.placement.set) : acc), CpuSet.EMPTY);
}

/** The plan as edits: each vCPU's own vcpupin, and the emulatorpin. Only when every vCPU has a vcpupin to edit. */
function suggestion(d: DomainFacts, plan: PinPlan, ids: number[]): Suggestion[] {
  const cputune = viewAgain(d).cputune;
  if (!cputune) return [];
  const path = d.path;
  const text = d.source.text;
  const edits: TextEdit[] = [];
  for (const id of ids) {
    const el = cputune.vcpupins.find((p) => p.vcpu === id)?.element;
    if (!el) return [];
    const cpu = String(plan.vcpuCpus[ids.indexOf(id)]);
    if (cputune.vcpupins.find((p) => p.vcpu === id)?.cpuset?.set?.format() !== cpu) edits.push(setAttribute(path, text, el, 'cpuset', cpu));
  }
  const hk = plan.housekeeping.cpus.format();
  const q = quoteOf(cputune.element);
  const ep = cputune.emulatorpin;
  if (!ep) edits.push(insertLastChild(path, text, cputune.element, `<emulatorpin cpuset=${q}${hk}${q}/>`));
  else if (ep.cpuset?.set?.format() !== hk) edits.push(setAttribute(path, text, ep.element, 'cpuset', hk));
  if (edits.length === 0) return [];
  const l3 = `L3 #${plan.l3.index}${size(plan.l3)}${plan.l3.largest ? ', the largest' : ''}`;
  return [{ description: `Pin the vCPUs to whole cores of ${l3} (CPUs ${CpuSet.of(...plan.vcpuCpus).format()}) and the emulator to the housekeeping core (CPUs ${hk}); then isolate the vCPUs' cores on the kernel command line: ${plan.cmdline}`, fix: { edits } }];
}
