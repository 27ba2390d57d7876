import { defineRule } from '../../engine/rule.js';
import type { CpuSet } from '../../core/cpuset.js';
import type { CpusetValue, VcpuPin } from '../../domain/view.js';
import type { HostModel } from '../../host/model.js';
import { attr, firstChild } from '../../parsers/xml/index.js';
import { removeElement } from '../../edit/xml.js';
import { tagLoc, valueLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'vcpupin-invalid',
    description: 'Each <vcpupin> must name an existing vCPU once, with a cpuset, and every pin must name host CPUs that exist.',
    category: 'correctness',
    severity: 'error',
    fixable: 'safe',
    scope: 'domain',
    requires: ['domain'],
    optional: ['capabilities'],
    messages: {
      outOfRange: 'vcpupin for vCPU {vcpu}, but the domain has {count} vCPU{s}{why} (ids 0-{last}): libvirt ignores this pin ("Ignoring vcpupin for missing vcpus") and drops it when the domain is defined',
      duplicate: "Second <vcpupin> for vCPU {vcpu}: libvirt refuses the domain (\"duplicate vcpupin for vcpu '{vcpu}'\")",
      missingCpuset: 'vcpupin for vCPU {vcpu} has no cpuset: libvirt refuses the domain ("missing cpuset for vcpupin")',
      badVcpu: "<vcpupin> {problem}: libvirt refuses the domain (the vcpu attribute is required and must be a non-negative integer)",
      noHostCpu: '{what} pins to host CPU{s} {cpus}, none of which exists on this host (the capabilities XML lists CPUs {host}): the VM cannot start, as the kernel refuses an affinity set with no existing CPU',
      hostCpuMissing: '{what} names host CPU{s} {missing}, which the capabilities XML does not list (host CPUs: {host}): those CPUs do not exist on this host, so the pin is not what it says (the kernel runs the thread only on {present}, or the cpuset cgroup refuses the set and the VM does not start)',
    },
    sources: [
      'libvirt `src/conf/domain_conf.c` (`virDomainVcpuPinDefParseXML`): "Ignoring vcpupin for missing vcpus" (a warning; the pin is dropped), "missing cpuset for vcpupin", "duplicate vcpupin for vcpu \'%d\'" (errors); the strings are in Debian\'s libvirt0 9.0.0-4: https://gitlab.com/libvirt/libvirt/-/blob/master/src/conf/domain_conf.c',
      'libvirt `src/util/virxml.c` (`virXMLPropUInt` with VIR_XML_PROP_REQUIRED): "Missing required attribute \'%s\' in element \'%s\'", "Expected non-negative integer value": https://gitlab.com/libvirt/libvirt/-/blob/master/src/util/virxml.c',
      'libvirt, Domain XML format, "CPU Allocation" (vCPU ids run from 0 to the <vcpu> count minus 1; the count defaults to 1) and "CPU Tuning": https://libvirt.org/formatdomain.html#cpu-tuning',
      'Linux man page sched_setaffinity(2), ERRORS: EINVAL "The affinity bit mask mask contains no processors that are currently physically on the system and permitted to the thread": https://man7.org/linux/man-pages/man2/sched_setaffinity.2.html',
      'Linux `Documentation/admin-guide/cgroup-v1/cpusets.rst` and `cgroup-v2.rst` ("cpuset.cpus"): a cpuset may only name CPUs its parent has: https://docs.kernel.org/admin-guide/cgroup-v2.html#cpuset',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const path = file.source.path;
    const cputune = view.cputune;
    // libvirt's maximum vCPU count: the <vcpu> text, 1 without the element; unknown when the text is not a number.
    const count = view.vcpu ? view.vcpu.count : 1;

    const firstPin = new Map<number, VcpuPin>();
    const kept: Array<{ what: string; value: CpusetValue }> = [];
    for (const pin of cputune?.vcpupins ?? []) {
      const vcpuAttr = attr(pin.element, 'vcpu');
      if (pin.vcpu === undefined) {
        const problem = vcpuAttr ? `has vcpu='${vcpuAttr.value}', which is not a vCPU id` : 'has no vcpu attribute';
        ctx.report({ messageId: 'badVcpu', data: { problem }, at: vcpuAttr ? valueLoc(path, vcpuAttr) : tagLoc(path, pin.element) });
        continue;
      }
      // libvirt checks the range first: a pin beyond the count is dropped whatever else is wrong with it.
      if (count !== undefined && pin.vcpu >= count) {
        ctx.report({
          messageId: 'outOfRange',
          data: { vcpu: pin.vcpu, count, s: count === 1 ? '' : 's', why: view.vcpu ? '' : " (no <vcpu> element: libvirt's default)", last: count - 1 },
          at: valueLoc(path, vcpuAttr!),
          severity: 'warning',
          related: view.vcpu ? [{ ...tagLoc(path, view.vcpu.element), message: `the domain has ${count} vCPU${count === 1 ? '' : 's'}` }] : [],
          fix: { edits: [removeElement(path, file.source.text, pin.element)] },
        });
        continue;
      }
      if (!pin.cpuset) {
        ctx.report({ messageId: 'missingCpuset', data: { vcpu: pin.vcpu }, at: tagLoc(path, pin.element) });
        continue;
      }
      const first = firstPin.get(pin.vcpu);
      if (first) {
        ctx.report({
          messageId: 'duplicate',
          data: { vcpu: pin.vcpu },
          at: valueLoc(path, vcpuAttr!),
          related: [{ ...tagLoc(path, first.element), message: `the first <vcpupin> for vCPU ${pin.vcpu}` }],
        });
        continue;
      }
      firstPin.set(pin.vcpu, pin);
      kept.push({ what: `vcpupin for vCPU ${pin.vcpu}`, value: pin.cpuset });
    }

    // Host CPUs that do not exist: only with capabilities XML, which lists every host CPU.
    const host = ctx.machine.host.cpus?.all;
    if (!host) return;
    if (view.vcpu?.cpuset && view.vcpu.placement !== 'auto') kept.push({ what: '<vcpu cpuset>', value: view.vcpu.cpuset });
    if (cputune?.emulatorpin?.cpuset) kept.push({ what: 'emulatorpin', value: cputune.emulatorpin.cpuset });
    // Stryker disable next-line ArrayDeclaration: an element without a cpuset is skipped, as none at all is
    for (const p of cputune?.iothreadpins ?? []) if (p.cpuset) kept.push({ what: `iothreadpin for IOThread ${p.iothread ?? '?'}`, value: p.cpuset });
    for (const { what, value } of kept) {
      const set = value.set;
      if (!set || set.isEmpty()) continue; // cpuset-invalid reports these
      const missing = set.minus(host);
      if (missing.isEmpty()) continue;
      const present = set.intersect(host);
      if (present.isEmpty()) {
        ctx.report({ messageId: 'noHostCpu', data: { what, s: plural(set), cpus: set.format(), host: host.format() }, at: value.loc, related: capsRelated(ctx.machine.host) });
      } else {
        ctx.report({
          messageId: 'hostCpuMissing',
          data: { what, s: plural(missing), missing: missing.format(), host: host.format(), present: present.format() },
          at: value.loc,
          severity: 'warning',
          related: capsRelated(ctx.machine.host),
        });
      }
    }
  },
});

function plural(set: CpuSet): string {
  return set.size === 1 ? '' : 's';
}

/** The host CPU list in the capabilities XML, for a related location. */
function capsRelated(host: HostModel) {
  const file = host.capabilitiesFile;
  const hostEl = host.capabilities && firstChild(host.capabilities.root, 'host');
  const topology = hostEl && firstChild(hostEl, 'topology');
  // Stryker disable next-line LogicalOperator,ArrayDeclaration: the host CPUs come from this file's <host><topology> (host/model.ts), so both are there whenever a finding needs them; the test narrows the types
  return file && topology ? [{ ...tagLoc(file.source.path, topology), message: 'the host CPUs are listed here' }] : [];
}
