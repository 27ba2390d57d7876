import { defineRule } from '../../engine/rule.js';
import { attr } from '../../parsers/xml/index.js';
import { removeElement, setAttribute } from '../../edit/xml.js';

/**
 * Linux /proc/cpuinfo flags that people copy into `<feature name=...>` but that
 * are not libvirt feature names (libvirt's src/cpu_map/x86_features.xml), with
 * libvirt's name for the same thing where there is one. Only names known to be
 * wrong are listed: a full list of libvirt's names would age with every release.
 */
const CPUINFO_ONLY: Record<string, string | undefined> = {
  constant_tsc: 'invtsc',
  nonstop_tsc: 'invtsc',
  tsc_reliable: undefined,
  tsc_known_freq: undefined,
  rep_good: undefined,
  nopl: undefined,
  xtopology: undefined,
  cpuid: undefined,
  aperfmperf: undefined,
  tsc_deadline_timer: 'tsc-deadline',
  nonstop_tsc_s3: undefined,
};

export const rule = defineRule({
  meta: {
    id: 'unknown-cpu-feature',
    description: 'A `<cpu><feature>` name that is a Linux cpuinfo flag, not a libvirt feature name: libvirt refuses the domain.',
    category: 'correctness',
    severity: 'error',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      withName: '\'{name}\' is a Linux /proc/cpuinfo flag, not a libvirt CPU feature: libvirt fails with "unknown CPU feature: {name}". libvirt calls it \'{libvirt}\'',
      noName: '\'{name}\' is a Linux /proc/cpuinfo flag, not a libvirt CPU feature: libvirt fails with "unknown CPU feature: {name}"; remove it',
    },
    sources: [
      'Research catalog entry D8 (rule-catalog.md). The catalog proposes shipping libvirt\'s full name list; this rule lists only names known to be wrong, to avoid flagging features newer libvirt releases add.',
      'libvirt src/cpu/cpu_x86.c: feature names are checked against the CPU map ("unknown CPU feature") — https://gitlab.com/libvirt/libvirt/-/blob/master/src/cpu/cpu_x86.c',
      'libvirt src/cpu_map/x86_features.xml: the feature names libvirt knows; invariant TSC is "invtsc" — https://gitlab.com/libvirt/libvirt/-/blob/master/src/cpu_map/x86_features.xml',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const cpu = d.view.cpu;
    if (!cpu) return;
    const path = d.file.source.path;
    const text = d.file.source.text;
    const has = new Set(cpu.features.map((f) => f.name));
    let renamed = false;
    for (const f of cpu.features) {
      if (!Object.hasOwn(CPUINFO_ONLY, f.name)) continue;
      const nameAttr = attr(f.element, 'name')!;
      const libvirt = CPUINFO_ONLY[f.name];
      // Rename the first one to libvirt's name (once), drop the rest.
      const rename = libvirt !== undefined && !has.has(libvirt) && !renamed;
      if (rename) renamed = true;
      const edit = rename ? setAttribute(path, text, f.element, 'name', libvirt) : removeElement(path, text, f.element);
      ctx.report({
        messageId: libvirt ? 'withName' : 'noName',
        data: { name: f.name, libvirt: libvirt ?? '' },
        at: { path, start: nameAttr.valueStart, end: nameAttr.valueEnd },
        suggestions: [{ description: rename ? `Use libvirt's name, ${libvirt}` : `Remove the ${f.name} feature`, fix: { edits: [edit] } }],
      });
    }
  },
});
