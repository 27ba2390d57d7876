import type { Loc } from '../core/range.js';
import type { CmdlineSource } from '../host/facts.js';

/**
 * Where to point at a whole command line when no one token is to blame (a parameter it lacks):
 * the name of the last plain GRUB_CMDLINE_LINUX_DEFAULT (else GRUB_CMDLINE_LINUX) assignment of
 * /etc/default/grub, else the span of its parameters, else the file's start.
 */
export function cmdlineAnchor(source: CmdlineSource): Loc {
  const path = source.file.source.path;
  const ast = source.file.ast;
  // A grub source's file is /etc/default/grub or a drop-in (host/grub.ts); no other source's file has a grub AST.
  if (ast.kind === 'grub') {
    for (const name of ['GRUB_CMDLINE_LINUX_DEFAULT', 'GRUB_CMDLINE_LINUX']) {
      const a = ast.file.assignments.filter((x) => x.name === name && x.scope === 'file').at(-1);
      if (a) return { path, start: a.nameStart, end: a.nameEnd };
    }
  }
  const own = source.params.filter((p) => p.loc.path === path);
  if (own.length > 0) return { path, start: own[0]!.loc.start, end: own.at(-1)!.loc.end };
  return { path, start: 0, end: 0 };
}

/** The command that makes the boot loader read a changed source again, in words for messages (for a configured source). */
export function regenerateCommand(source: CmdlineSource, proxmoxBootTool: boolean): string {
  if (source.kind === 'grub') return 'update-grub (Debian, Ubuntu) or grub-mkconfig -o /boot/grub/grub.cfg (grub2-mkconfig -o /boot/grub2/grub.cfg on Fedora)';
  if (source.kind === 'kernel-cmdline') return proxmoxBootTool ? 'proxmox-boot-tool refresh' : 'kernel-install add for the installed kernel, or rebuild the UKI';
  // A loader entry: no caller asks about the booted command line (/proc/cmdline), the one other source.
  return 'nothing to regenerate: the loader reads the entry at boot; check that this entry is the one booted';
}
