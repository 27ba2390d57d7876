import type { LintReport } from '../engine/result.js';
import { displayPath } from '../reporters/paths.js';
import { oneLine } from '../reporters/text.js';

/**
 * What the user must run for fixed files to take effect: none of these files
 * is read live, each by its own tool at its own time. Paths are shown as in
 * the report (relative to `cwd` when inside it) and quoted for a shell.
 */
export function followUps(report: LintReport, cwd: string): string[] {
  const notes: string[] = [];
  const changed = report.results.filter((r) => r.output !== undefined);
  const kinds = new Set(changed.map((r) => r.kind));
  for (const r of changed) {
    if (r.kind !== 'domain') continue;
    const shown = displayPath(r.filePath, cwd);
    const define = `\`virsh define ${shellQuote(shown)}\``;
    notes.push(
      r.systemPath?.startsWith('/etc/libvirt/qemu/')
        ? `note: ${oneLine(shown)} is libvirt's own copy; libvirt reads it only when it starts: run ${define} for the change to take effect`
        : `note: ${oneLine(shown)} changed; load it into libvirt with ${define}`,
    );
  }
  if (kinds.has('grub')) notes.push('note: /etc/default/grub changed: run `update-grub` (Debian, Ubuntu) or `grub-mkconfig -o /boot/grub/grub.cfg`, then reboot');
  if (kinds.has('kernel-cmdline') || kinds.has('bls-entry')) notes.push('note: the kernel command line changed: rebuild the boot entries (kernel-install, ukify or proxmox-boot-tool refresh), then reboot');
  if (kinds.has('modprobe') || kinds.has('mkinitcpio') || kinds.has('dracut') || kinds.has('initramfs-modules') || kinds.has('modules-load'))
    notes.push('note: module configuration changed: regenerate the initramfs (`mkinitcpio -P`, `dracut -f --regenerate-all` or `update-initramfs -u -k all`), then reboot');
  if (kinds.has('sysctl')) notes.push('note: sysctl settings changed: run `sysctl --system` or reboot');
  return notes;
}

/**
 * A path as one shell word: as is when it is plain, else in single quotes; a name with control
 * characters in bash's `$'...'` form, each such character as `\xNN`, so nothing reaches the
 * terminal raw and the command still names the file.
 */
export function shellQuote(s: string): string {
  if (/^[\w./@%+=:,-]+$/.test(s)) return s;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(s)) return `$'${s.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
