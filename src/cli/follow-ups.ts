import type { LintReport } from '../engine/result.js';

/**
 * What the user must run for fixed files to take effect: none of these files
 * is read live, each by its own tool at its own time.
 */
export function followUps(report: LintReport): string[] {
  const notes: string[] = [];
  const changed = report.results.filter((r) => r.output !== undefined);
  const kinds = new Set(changed.map((r) => r.kind));
  for (const r of changed) {
    if (r.kind !== 'domain') continue;
    notes.push(
      r.systemPath?.startsWith('/etc/libvirt/qemu/')
        ? `note: ${r.filePath} is libvirt's own copy; libvirt reads it only when it starts: run \`virsh define ${r.filePath}\` for the change to take effect`
        : `note: ${r.filePath} changed; load it into libvirt with \`virsh define ${r.filePath}\``,
    );
  }
  if (kinds.has('grub')) notes.push('note: /etc/default/grub changed: run `update-grub` (Debian, Ubuntu) or `grub-mkconfig -o /boot/grub/grub.cfg`, then reboot');
  if (kinds.has('kernel-cmdline') || kinds.has('bls-entry')) notes.push('note: the kernel command line changed: rebuild the boot entries (kernel-install, ukify or proxmox-boot-tool refresh), then reboot');
  if (kinds.has('modprobe') || kinds.has('mkinitcpio') || kinds.has('dracut') || kinds.has('initramfs-modules') || kinds.has('modules-load'))
    notes.push('note: module configuration changed: regenerate the initramfs (`mkinitcpio -P`, `dracut -f --regenerate-all` or `update-initramfs -u -k all`), then reboot');
  if (kinds.has('sysctl')) notes.push('note: sysctl settings changed: run `sysctl --system` or reboot');
  return notes;
}
