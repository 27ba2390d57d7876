/** What one file is, decided by where it sits and, failing that, by its content. */
export type FileKind =
  | 'domain'
  | 'capabilities'
  | 'grub'
  | 'kernel-cmdline'
  | 'bls-entry'
  | 'proc-cmdline'
  | 'modprobe'
  | 'sysctl'
  | 'mkinitcpio'
  | 'dracut'
  | 'initramfs-modules'
  | 'modules-load';

export const FILE_KINDS: readonly FileKind[] = [
  'domain', 'capabilities', 'grub', 'kernel-cmdline', 'bls-entry', 'proc-cmdline',
  'modprobe', 'sysctl', 'mkinitcpio', 'dracut', 'initramfs-modules', 'modules-load',
];

/** The libvirt XML kinds, known by their root element; every other kind is a host configuration file. */
export function isXmlKind(kind: FileKind): kind is 'domain' | 'capabilities' {
  return kind === 'domain' || kind === 'capabilities';
}
