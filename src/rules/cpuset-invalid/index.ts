import { defineRule } from '../../engine/rule.js';
import { domainCpusets } from '../../domain/cpusets.js';

export const rule = defineRule({
  meta: {
    id: 'cpuset-invalid',
    description: 'A CPU, vCPU or NUMA node set in the domain XML must be one libvirt can parse, or libvirt refuses the whole domain.',
    category: 'correctness',
    severity: 'error',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      invalid: "{attribute}='{value}' on <{element}> is not a set libvirt can read ({reason}): libvirt refuses the domain (\"Failed to parse bitmap '{value}'\")",
      empty: "{attribute}='{value}' on <{element}> names no {what} at all: libvirt refuses the domain (\"Invalid value of '{attribute}'\")",
    },
    sources: [
      'libvirt `src/util/virbitmap.c` (`virBitmapParse`, `virBitmapParseInternal`): the grammar, and "Failed to parse bitmap": https://gitlab.com/libvirt/libvirt/-/blob/master/src/util/virbitmap.c',
      'libvirt `src/conf/domain_conf.c` (vcpu, vcpupin, emulatorpin, iothreadpin, vcpusched, cachetune) and `src/conf/numa_conf.c` (numatune, NUMA cells): which attributes are bitmaps, and "Invalid value of \'cpuset\'" for an all-clear set: https://gitlab.com/libvirt/libvirt/-/blob/master/src/conf/domain_conf.c',
      'libvirt, Domain XML format, "CPU Allocation", "CPU Tuning", "NUMA Node Tuning": the cpuset syntax (`1-4,^3,6`): https://libvirt.org/formatdomain.html#cpu-allocation',
      'libvirt\'s own test domains `tests/qemuxmlconfdata/cpuset-invalid.xml` ("Failed to parse bitmap \'aaa\'") and `numatune-memory-invalid-nodeset.xml` ("Invalid value of \'nodeset\': 0,^0"), in the shared corpus with their expected errors',
    ],
  },
  check(ctx) {
    const { file } = ctx.domain;
    for (const c of domainCpusets(file.source.path, ctx.domain.view.root)) {
      const data = { attribute: c.attr.name, value: c.attr.value, element: c.element.name };
      if (!c.result.ok) {
        // Point at the token libvirt stops at, when the value in the file is exactly what libvirt reads.
        const exact = c.loc.end - c.loc.start === c.attr.value.length;
        const at = exact ? { path: c.loc.path, start: c.loc.start + c.result.start, end: c.loc.start + Math.max(c.result.end, c.result.start + 1) } : c.loc;
        ctx.report({ messageId: 'invalid', data: { ...data, reason: c.result.message }, at: clampTo(at, c.loc) });
      } else if (c.result.empty && c.emptyRefused) {
        ctx.report({ messageId: 'empty', data: { ...data, what: c.attr.name === 'nodeset' ? 'NUMA node' : 'CPU' }, at: c.loc });
      }
    }
  },
});

/** Keep a token's span inside the value (an error at the end of the value points at its last character). */
function clampTo(at: { path: string; start: number; end: number }, value: { start: number; end: number }) {
  if (value.end === value.start) return { ...at, start: value.start, end: value.end };
  const start = Math.min(Math.max(at.start, value.start), value.end - 1);
  return { path: at.path, start, end: Math.min(Math.max(at.end, start + 1), value.end) };
}
