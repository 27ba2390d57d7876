import { defineRule } from '../../engine/rule.js';
import { paramToken } from '../../host/params.js';
import { removeParam } from '../../edit/params.js';
import type { CmdlineSource, KernelParamFact } from '../../host/facts.js';

/**
 * Parameters whose every occurrence counts, so giving one twice is not a duplicate:
 * - console= (each adds a console), initrd= (the EFI stub loads each), memmap=, acpi_osi=,
 *   initcall_blacklist= (each adds entries), efi=, pci=, iommu=, intel_iommu=, amd_iommu= (each
 *   occurrence's options are applied in turn: iommu-not-enabled and iommu-param-noop read them);
 * - hugepagesz=/hugepages= are positional pairs; crashkernel= has ,high/,low forms;
 * - modprobe.blacklist= (kmod adds each), and what dracut and systemd collect from every occurrence
 *   (rd.*, ip=, nameserver=, luks.*, systemd.mask=, systemd.wants=).
 */
const CUMULATIVE = new Set(['console', 'initrd', 'memmap', 'acpi_osi', 'initcall_blacklist', 'efi', 'pci', 'iommu', 'intel_iommu', 'amd_iommu', 'hugepagesz', 'hugepages', 'crashkernel', 'modprobe.blacklist', 'ip', 'nameserver', 'systemd.mask', 'systemd.wants']);
const CUMULATIVE_PREFIX = /^(rd\.|luks\.)/;

/** Where the kernel keeps the first occurrence (the host model's own list, src/host/kernel.ts) and why. */
const FIRST_WINS: Record<string, string> = {
  isolcpus: 'kernel/sched/isolation.c ignores a later mask that differs from the first',
  nohz_full: 'kernel/sched/isolation.c ignores a later mask that differs from the first',
  default_hugepagesz: 'mm/hugetlb.c ignores a second default_hugepagesz= ("default_hugepagesz previously specified")',
};

export const rule = defineRule({
  meta: {
    id: 'cmdline-duplicate-param',
    description: 'The same kernel parameter given twice on one command line: with different values only one counts (the last for most parameters, the first for a few), and an identical copy does nothing.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'machine',
    requires: ['cmdline'],
    messages: {
      overridden: '{written} is ignored: {name} is given again on {label} and the kernel keeps the {which} one, {kept} ({why}); values are not merged. Keep the one you mean and remove the other',
      same: '{written} is given twice on {label} (the other at {other}); the copy changes nothing: remove it',
    },
    sources: [
      'Research catalog entry A6 and section 1.1.3 (rule-catalog.md), checked against the sources below.',
      'Linux kernel/params.c (parse_args calls a parameter\'s setter for every occurrence, in order) and init/main.c (obsolete_checksetup runs a __setup handler for every occurrence; unknown_bootoption replaces an environment variable given twice) — https://github.com/torvalds/linux/blob/master/kernel/params.c',
      'Linux kernel/sched/isolation.c (housekeeping_setup: a later isolcpus=/nohz_full= mask that differs is ignored with "Housekeeping: nohz_full= must match isolcpus=") — https://github.com/torvalds/linux/blob/master/kernel/sched/isolation.c',
      'Linux mm/hugetlb.c (default_hugepagesz_setup: "default_hugepagesz previously specified, ignoring"; hugepages= applies to the hugepagesz= before it) — https://github.com/torvalds/linux/blob/master/mm/hugetlb.c',
      'Linux drivers/video/cmdline.c (video_setup keeps every video=NAME:... and the lookup takes the last for a name; a video= without a name replaces the global one) — https://github.com/torvalds/linux/blob/master/drivers/video/cmdline.c',
      'Linux Documentation/admin-guide/kernel-parameters.txt (console= may be given several times; module parameters on the command line) — https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'kmod libkmod/libkmod-config.c (kmod_config_parse_kcmdline: options from /proc/cmdline are appended in order, modprobe.blacklist= adds each list) — https://github.com/kmod-project/kmod/blob/master/libkmod/libkmod-config.c',
    ],
  },
  check(ctx) {
    for (const source of ctx.machine.host.configuredCmdlines) {
      for (const group of duplicateGroups(source)) {
        const first = FIRST_WINS[group[0]!.key];
        const kept = first !== undefined ? (source.get(group[0]!.key) ?? group[0]!) : group.at(-1)!;
        group.forEach((p, i) => {
          const written = paramToken(p);
          const j = group.slice(0, i).findIndex((q) => paramToken(q) === written);
          if (j >= 0) {
            // An identical copy. Drop the later one (GRUB_CMDLINE_LINUX's copy stays, which recovery entries read too),
            // unless it is the one the kernel uses and a different value sits between the two.
            const between = group.slice(j + 1, i).some((q) => paramToken(q) !== written);
            const copy = p === kept && between ? group[j]! : p;
            const other = copy === p ? group[j]! : p;
            const edit = removeParam(copy, undefined, copy.source);
            ctx.report({
              messageId: 'same',
              data: { written, label: source.label, other: where(other) },
              at: copy.loc,
              severity: 'info',
              related: [{ ...other.loc, message: `${written} here too` }],
              ...(edit ? { fix: { edits: [edit] } } : {}),
            });
            return;
          }
          // The first of copies identical to the one used is reported when the copy is reached.
          if (p === kept || paramToken(kept) === written) return;
          const edit = removeParam(p, undefined, p.source);
          ctx.report({
            messageId: 'overridden',
            data: {
              written,
              name: group[0]!.key === 'video' ? `video=${videoName(p) || '(no name)'}` : `${p.name}=`,
              label: source.label,
              which: first !== undefined ? 'first' : 'last',
              kept: paramToken(kept),
              why: first ?? lastWhy(p),
            },
            at: p.loc,
            related: [{ ...kept.loc, message: `the occurrence the kernel uses: ${paramToken(kept)}` }],
            suggestions: edit ? [{ description: `Remove ${written}`, fix: { edits: [edit] } }] : undefined,
          });
        });
      }
    }
  },
});

/** Occurrences of one parameter (one video= name) given more than once, in command-line order. */
function duplicateGroups(source: CmdlineSource): KernelParamFact[][] {
  const groups = new Map<string, KernelParamFact[]>();
  for (const p of source.params) {
    if (p.afterDashDash || CUMULATIVE.has(p.key) || CUMULATIVE_PREFIX.test(p.key)) continue;
    // A loader entry's own line is what it boots with; BOOT_IMAGE= and friends only appear in /proc/cmdline.
    const id = p.key === 'video' ? `video\0${videoName(p)}` : p.key;
    const list = groups.get(id);
    if (list) list.push(p);
    else groups.set(id, [p]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** The driver or connector a video= value is for (`efifb` in `video=efifb:off`), '' for the global mode. */
function videoName(p: KernelParamFact): string {
  const v = p.value ?? '';
  const colon = v.indexOf(':');
  return colon < 0 ? '' : v.slice(0, colon);
}

function lastWhy(p: KernelParamFact): string {
  if (p.key === 'video') return 'the framebuffer code looks the name up and takes the last match';
  if (p.key.includes('.')) return 'module parameters are set once per occurrence, in order';
  return 'the kernel runs the parameter\'s handler for each occurrence, in order';
}

function where(p: KernelParamFact): string {
  const text = p.source.text;
  let line = 1;
  let col = 1;
  for (let i = 0; i < p.loc.start; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}
