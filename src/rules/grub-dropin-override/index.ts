import { defineRule } from '../../engine/rule.js';
import { extendInsteadOfReplace } from '../../edit/grub-vars.js';
import { paramToken } from '../../host/params.js';

export const rule = defineRule({
  meta: {
    id: 'grub-dropin-override',
    description: 'A /etc/default/grub.d/*.cfg drop-in should extend GRUB_CMDLINE_LINUX(_DEFAULT), not replace it: a replacing drop-in silently drops the parameters set in /etc/default/grub.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: ['cmdline'],
    messages: {
      replaces:
        '{file} sets {variable} without "${variable}", so the {count} parameter(s) set before it ({dropped}) never reach the kernel: on Debian and Ubuntu grub-mkconfig sources the grub.d drop-ins after /etc/default/grub, in name order{winner}. Write {variable}="${variable} ..." here, or put the parameters in this file',
    },
    sources: [
      "Debian's grub-mkconfig (package grub-common 2.06-13+deb12u2, /usr/sbin/grub-mkconfig, read from the .deb): sources /etc/default/grub, then `for x in ${sysconfdir}/default/grub.d/*.cfg` each drop-in in glob (name) order; upstream GRUB has no such loop: https://sources.debian.org/src/grub2/2.06-13%2Bdeb12u2/util/grub-mkconfig.in/",
      "Debian's 10_linux (grub-common 2.06-13+deb12u2, /etc/grub.d/10_linux): normal entries get \"${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}\", recovery entries \"${GRUB_CMDLINE_LINUX_RECOVERY} ${GRUB_CMDLINE_LINUX}\": https://sources.debian.org/src/grub2/2.06-13%2Bdeb12u2/util/grub.d/10_linux.in/",
      'GNU GRUB manual, "Simple configuration" (GRUB_CMDLINE_LINUX, GRUB_CMDLINE_LINUX_DEFAULT; the file is sourced by a shell script): https://www.gnu.org/software/grub/manual/grub/html_node/Simple-configuration.html',
      'POSIX sh, "Parameter Expansion": `$NAME` inside double quotes expands to the earlier value: https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_06_02',
    ],
  },
  check(ctx) {
    const grub = ctx.machine.host.grub;
    if (!grub) return;
    for (const o of grub.overrides) {
      const dropped = o.dropped.map(paramToken);
      const edit = extendInsteadOfReplace(o);
      ctx.report({
        messageId: 'replaces',
        data: {
          file: o.file.systemPath,
          variable: o.variable,
          count: dropped.length,
          dropped: dropped.map((t) => `\`${t}\``).join(', '),
          winner: o.wins ? `, and this is the last file to set ${o.variable}` : `; a later file sets ${o.variable} again`,
        },
        at: o.nameLoc,
        related: [
          ...(o.replaces ? [{ ...o.replaces.nameLoc, message: `the value ${o.file.systemPath} replaces is set here` }] : []),
          ...o.dropped.map((p) => ({ ...p.loc, message: `\`${paramToken(p)}\`: dropped by ${o.file.systemPath}` })),
        ],
        suggestions: edit ? [{ description: `Keep the earlier value: ${o.variable}="$${o.variable} ..."`, fix: { edits: [edit] } }] : [],
      });
    }
  },
});
