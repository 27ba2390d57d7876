import { defineRule } from '../../engine/rule.js';
import { paramToken } from '../../host/params.js';
import type { KernelParamFact } from '../../host/facts.js';

/** Comma-list parameters, with the shape of one item (to tell a stray item from a parameter of its own). */
const ID = /^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}(:[0-9a-fA-F]{4}:[0-9a-fA-F]{4})?$/;
const CPUS = /^(\d+(-\d+(:\d+\/\d+)?)?|N|all)(,(\d+(-\d+)?|N))*,?$/;
const MODULE = /^[A-Za-z0-9_-]+$/;
const LISTS: Record<string, RegExp> = {
  'vfio_pci.ids': ID,
  'pci_stub.ids': ID,
  isolcpus: CPUS,
  nohz_full: CPUS,
  rcu_nocbs: CPUS,
  irqaffinity: CPUS,
  video: /^[A-Za-z0-9_-]+:\S+$/,
  'modprobe.blacklist': MODULE,
  module_blacklist: MODULE,
  'rd.driver.pre': MODULE,
  'rd.driver.blacklist': MODULE,
  initcall_blacklist: MODULE,
  intel_iommu: /^[a-z_]+$/,
  amd_iommu: /^[a-z_]+$/,
  iommu: /^[a-z_]+$/,
};

export const rule = defineRule({
  meta: {
    id: 'cmdline-list-whitespace',
    description: 'A comma list on the kernel command line split by a blank (`vfio-pci.ids=10de:1b81, 10de:10f0`): a blank ends the parameter, so the rest is not part of the list.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'machine',
    requires: ['cmdline'],
    messages: {
      split: '{written} {tail} are one list split by a blank: the kernel ends {name}= at the blank, so {lost} {isNot} in it (and {stray} goes to init as a parameter of its own). Join them without the blank: {joined}',
      video: '{written} {tail} is split by a blank: the kernel ends video= at the blank, so {stray} goes to init and {lost} is never configured. video= takes one driver or connector per parameter (a comma list after the first is read as that driver\'s options), so write each as its own: {joined}',
    },
    sources: [
      'Research catalog entry A5 and section 2.5 (rule-catalog.md).',
      'Linux lib/cmdline.c (next_arg: a parameter ends at whitespace outside double quotes) and init/main.c (unknown_bootoption passes a name the kernel does not know to init) — https://github.com/torvalds/linux/blob/master/lib/cmdline.c',
      "systemd's kernel-install plugin 90-loaderentry.install: the entry's options are /etc/kernel/cmdline read through `tr -s \"$IFS\" ' '`, so its line breaks become blanks: https://github.com/systemd/systemd/blob/main/src/kernel-install/90-loaderentry.install.in",
      'Linux drivers/video/cmdline.c (video_setup: each video=NAME:OPTIONS is one entry; the options after the first colon belong to that name) and Documentation/fb/modedb.rst; kernel-parameters.rst (cpu lists) and kernel-parameters.txt (vfio-pci ids, isolcpus=, video=, module_blacklist=) — https://docs.kernel.org/admin-guide/kernel-parameters.html',
    ],
  },
  check(ctx) {
    for (const source of ctx.machine.host.configuredCmdlines) {
      const params = source.params;
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        const shape = LISTS[p.key];
        // A list after `--` (init's arguments) needs no check here: every word after it is too, and stops the tail.
        if (!shape || p.value === undefined) continue;
        // Items left over after the blank(s): bare words (or `,word`) of the list's own shape.
        const tail: KernelParamFact[] = [];
        const video = p.key === 'video';
        let open = p.value.endsWith(',');
        for (let j = i + 1; j < params.length; j++) {
          const q = params[j]!;
          if (q.value !== undefined || q.afterDashDash || !sameGap(p, tail.at(-1) ?? p, q)) break;
          const word = q.name.replace(/^,/, '');
          const leadingComma = q.name.startsWith(',');
          // A word may hold several items (`10de:10f0,10de:1aef`); a video= word is one name with its options.
          const items = word.replace(/,$/, '');
          if (!(open || leadingComma) || !(video ? [items] : items.split(',')).every((item) => shape.test(item))) break;
          tail.push(q);
          open = q.name.endsWith(',');
        }
        if (tail.length === 0) continue;
        const last = tail.at(-1)!;
        const text = p.source.text;
        // video=: one name per parameter, so the comma and blank become ` video=`; other lists are joined.
        const pieces = [p, ...tail];
        const edits = pieces.slice(0, -1).map((t, k) => {
          const next = tail[k]!;
          if (!video) return { path: t.loc.path, start: t.loc.end, end: next.loc.start, text: '' };
          const comma = text[t.loc.end - 1] === ',' ? t.loc.end - 1 : t.loc.end;
          const nextStart = text[next.loc.start] === ',' ? next.loc.start + 1 : next.loc.start;
          return { path: t.loc.path, start: comma, end: nextStart, text: ` ${p.name}=` };
        });
        const joined = video
          ? pieces.map((t, k) => (k === 0 ? paramToken(t).replace(/,$/, '') : `${p.name}=${t.name.replace(/^,|,$/g, '')}`)).join(' ')
          : pieces.map((t) => text.slice(t.loc.start, t.loc.end)).join('');
        // What the kernel leaves out; one word may hold several list entries (a,b).
        const lost = tail.map((t) => t.name.replace(/^,|,$/g, '')).join(', ');
        ctx.report({
          messageId: video ? 'video' : 'split',
          data: {
            written: paramToken(p),
            tail: tail.map((t) => t.name).join(' '),
            name: p.name,
            lost,
            isNot: lost.includes(',') ? 'are not' : 'is not',
            stray: tail.length === 1 ? `'${tail[0]!.name}'` : 'each of them',
            joined,
          },
          at: { path: p.loc.path, start: p.loc.start, end: last.loc.end },
          fix: { edits },
        });
        i += tail.length;
      }
    }
  },
});

/**
 * `q` follows `prev` in the same file with only whitespace between (no quote or other token), so deleting it
 * joins the two. A newline counts: kernel-install reads /etc/kernel/cmdline with its line breaks as blanks,
 * and the kernel reads a newline as one.
 */
function sameGap(p: KernelParamFact, prev: KernelParamFact, q: KernelParamFact): boolean {
  if (q.loc.path !== p.loc.path || prev.loc.path !== p.loc.path || q.loc.start <= prev.loc.end) return false;
  const gap = p.source.text.slice(prev.loc.end, q.loc.start);
  return /^[ \t\r\n]+$/.test(gap) && p.source.text.slice(prev.loc.start, prev.loc.end) === paramToken(prev) && p.source.text.slice(q.loc.start, q.loc.end) === paramToken(q);
}
