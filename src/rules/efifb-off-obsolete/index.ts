import { defineRule } from '../../engine/rule.js';
import { paramToken, valueItems } from '../../host/params.js';
import { removeParam } from '../../edit/params.js';
import type { CmdlineSource, KernelParamFact } from '../../host/facts.js';

/** A space may be added inside the token: always in /etc/kernel/cmdline and loader entries, in GRUB's file only inside a quoted value. */
function spaceIsSafe(source: CmdlineSource, p: KernelParamFact): boolean {
  if (source.kind !== 'grub') return true;
  const file = source.file.source.path === p.loc.path ? source.file : undefined;
  if (!file) return false;
  // Stryker disable next-line ConditionalExpression: a grub source's file is /etc/default/grub, whose AST is grub; the check is for the types
  if (file.ast.kind !== 'grub') return false;
  return file.ast.file.assignments.some(
    (a) =>
      (a.quoting === 'double' || a.quoting === 'single') &&
      a.closeQuote !== undefined &&
      // Stryker disable next-line EqualityOperator: valueStart is the opening quote, so a parameter inside the quotes starts after it
      a.valueStart <= p.loc.start &&
      p.loc.end <= a.closeQuote,
  );
}

export const rule = defineRule({
  meta: {
    id: 'efifb-off-obsolete',
    description: '`video=efifb:off` and friends: the combined form switches off only its first driver, and on current kernels vfio-pci removes a firmware framebuffer itself.',
    category: 'correctness',
    severity: 'info',
    fixable: 'safe',
    scope: 'machine',
    requires: ['cmdline'],
    messages: {
      combined: "{written} switches off only {first}: each video= names one driver, and the rest of the value ({rest}) is handed to {first} as its options. Write one video= per driver",
      obsolete: '{written}: since Linux 6.0 vfio-pci removes a firmware framebuffer that sits on the GPU it binds, and kernels that boot with sysfb/simpledrm (most distributions) never load efifb, so this usually does nothing and only takes away the boot console. Where a firmware framebuffer really holds the passed-through GPU, initcall_blacklist=sysfb_init is the parameter that stops it',
    },
    sources: [
      'Research catalog entry C1 (rule-catalog.md), corrected: the version is 6.0, not 6.1, and on sysfb/simpledrm kernels there is no efifb to switch off.',
      'Linux drivers/video/fbdev/core/fb_cmdline.c (fb_get_options): each video= is matched against one driver name, "<driver>:" prefix, and the rest is that driver\'s option string — https://github.com/torvalds/linux/blob/master/drivers/video/fbdev/core/fb_cmdline.c',
      'Linux drivers/vfio/pci/vfio_pci_core.c (vfio_pci_core_register_device calls aperture_remove_conflicting_pci_devices for VGA devices; merged for 6.0 as "vfio/pci: Remove console drivers") — https://github.com/torvalds/linux/blob/master/drivers/vfio/pci/vfio_pci_core.c',
      'Linux drivers/firmware/sysfb.c (sysfb_init registers a simple-framebuffer device that simpledrm drives; efifb binds only to an "efi-framebuffer" device) and Documentation/admin-guide/kernel-parameters.txt (initcall_blacklist=) — https://github.com/torvalds/linux/blob/master/drivers/firmware/sysfb.c',
    ],
  },
  check(ctx) {
    for (const source of ctx.machine.host.configuredCmdlines) {
      for (const p of source.all('video')) {
        // Stryker disable next-line ConditionalExpression: exec() reads undefined as "undefined", which names no driver; the check is for the types
        if (p.value === undefined) continue;
        const written = paramToken(p);
        const m = /^(efifb|vesafb|simplefb):(.*)/.exec(p.value);
        if (!m) continue;
        const items = valueItems(p);
        const extra = items.slice(1).filter((i) => /^(efifb|vesafb|simplefb):/.test(i.text));
        if (extra.length > 0) {
          // Splitting keeps what the person meant (each driver off) and only adds what was missing: safe.
          const v = p.valueLoc;
          const fix = v && p.source.text.slice(p.loc.start, p.loc.end) === written && spaceIsSafe(source, p) ? { fix: { edits: [{ path: v.path, start: v.start, end: v.end, text: items.map((i) => i.text).join(` ${p.name}=`) }] } } : {};
          ctx.report({ messageId: 'combined', data: { written, first: m[1]!, rest: p.value.slice(items[0]!.text.length + 1) }, at: p.loc, severity: 'warning', ...fix });
          continue;
        }
        if (m[1] !== 'simplefb' && m[2] === 'off') {
          const edit = removeParam(p, undefined, p.source);
          ctx.report({ messageId: 'obsolete', data: { written }, at: p.loc, ...(edit ? { suggestions: [{ description: `Remove ${written}`, fix: { edits: [edit] } }] } : {}) });
        }
      }
    }
  },
});
