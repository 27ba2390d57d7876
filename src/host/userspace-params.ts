/**
 * Command-line parameters the kernel passes on to user space, and who reads them. The kernel hands a
 * name it does not know to init (init/main.c unknown_bootoption); these are the ones an initramfs
 * generator, systemd, udev or a boot splash reads there, so they are not typos.
 *
 * Hand-kept, each group from its tool's documentation:
 * - dracut: dracut.cmdline(7) — https://man7.org/linux/man-pages/man7/dracut.cmdline.7.html
 * - systemd and udev: kernel-command-line(7) — https://www.freedesktop.org/software/systemd/man/latest/kernel-command-line.html
 * - initramfs-tools: initramfs-tools(7), "KERNEL COMMAND LINE" — https://manpages.debian.org/initramfs-tools
 * - mkinitcpio: mkinitcpio(8), "EARLY INIT ENVIRONMENT" and its encrypt/lvm2 hooks — https://man.archlinux.org/man/mkinitcpio.8
 * - genkernel: genkernel(8) initramfs options — https://wiki.gentoo.org/wiki/Genkernel
 * Only names are listed; a name not here and not the kernel's is reported as unknown (a warning).
 */
export type Generator = 'dracut' | 'mkinitcpio' | 'initramfs-tools';

/** dracut's own `rd.` parameters (dracut.cmdline(7)); `rd.driver.*` load or block modules in the initramfs. */
const DRACUT = [
  'rd.driver.pre', 'rd.driver.post', 'rd.driver.blacklist', 'rd.auto', 'rd.hostonly', 'rd.break', 'rd.shell', 'rd.debug', 'rd.info', 'rd.memdebug',
  'rd.fstab', 'rd.skipfsck', 'rd.lvm', 'rd.lvm.vg', 'rd.lvm.lv', 'rd.lvm.conf', 'rd.md', 'rd.md.uuid', 'rd.md.conf', 'rd.md.imsm', 'rd.md.ddf', 'rd.md.waitclean',
  'rd.dm', 'rd.dm.uuid', 'rd.multipath', 'rd.neednet', 'rd.iscsi.firmware', 'rd.iscsi.initiator', 'rd.iscsi.param', 'rd.zfcp', 'rd.dasd', 'rd.nfs.domain',
  'rd.net.timeout.dhcp', 'rd.retry', 'rd.timeout', 'rd.noverifyssl', 'rd.live.image', 'rd.live.overlay', 'rd.live.check', 'rd.live.ram', 'rd.writable.fsimg',
  'rd.route', 'rd.peerdns', 'rd.bootif', 'rd.ipv6', 'rd.kabi', 'rd.modules', 'rd.cmdline', 'rd.emergency', 'rd.loglevel', 'rd.splash', 'rd.plymouth',
  'rd.vconsole.keymap', 'rd.vconsole.font', 'rd.vconsole.unicode', 'rd.locale.LANG', 'rd.fips', 'rd.resume', 'rd.images', 'rd.multipath',
  'rd.luks', 'rd.luks.uuid', 'rd.luks.name', 'rd.luks.key', 'rd.luks.options', 'rd.luks.crypttab', 'rd.luks.allow-discards', 'rd.luks.timeout',
  'rd.udev.log_level', 'rd.udev.log_priority', 'rd.udev.children_max', 'rd.udev.exec_delay', 'rd.udev.event_timeout',
];
/** Names only dracut reads: on a host whose initramfs another tool builds they do nothing. (rd.luks.*, rd.udev.*, rd.systemd.* are systemd's too.) */
const DRACUT_ONLY_PREFIXES = ['rd.driver.', 'rd.lvm', 'rd.md', 'rd.dm', 'rd.auto', 'rd.hostonly', 'rd.neednet', 'rd.iscsi', 'rd.live', 'rd.break', 'rd.shell', 'rd.retry', 'rd.timeout'];

/** Parameters systemd, udev, plymouth and the like read (kernel-command-line(7)), as prefixes ending in '.' or exact names. */
const SYSTEMD_PREFIXES = ['systemd.', 'rd.systemd.', 'udev.', 'rd.udev.', 'luks.', 'rd.luks.', 'vconsole.', 'rd.vconsole.', 'locale.', 'rd.locale.', 'mount.usr', 'rd.mount.', 'plymouth.', 'rd.plymouth.', 'fstab', 'rd.fstab', 'resumeflags', 'rd.resume'];
const SYSTEMD_NAMES = ['emergency', 'rescue', 'single', 'debug', 'splash', 'rhgb', 'nosplash', 'noresume', 'net.ifnames', 'net.naming-scheme', 'biosdevname', 'fsck.mode', 'fsck.repair', 'quotacheck.mode', 'roothash', 'usrhash', 'veritytab', 'systemd', 'modules_load', 'rd.modules_load', 'rd.emergency', 'rd.rescue', 'ipv6.disable_ipv6', 'resume', 'resume_offset', 'rootflags', 'rootfstype', 'ro', 'rw', 'noinitrd', 'rootwait', 'BOOT_IMAGE', 'initrd', 'init', 'root', 'ip', 'nfsroot', 'S', 's', '-b', '1', '2', '3', '4', '5'];

/** initramfs-tools' scripts (initramfs-tools(7)). */
const INITRAMFS_TOOLS = ['boot', 'blacklist', 'break', 'rootdelay', 'noresume', 'panic', 'debug', 'netconsole', 'all_generic_ide', 'fastboot', 'forcefsck', 'fsckfix', 'nfsroot', 'init', 'root', 'rootfstype', 'ip', 'BOOTIF', 'hwaddr', 'dhcpclient'];
/** initramfs-tools only: `boot=` picks its script (local, nfs, zfs), `blacklist=` its modprobe blacklist. */
const INITRAMFS_TOOLS_ONLY = ['boot', 'blacklist'];

/** mkinitcpio's init and its hooks (mkinitcpio(8)). */
const MKINITCPIO = ['break', 'disablehooks', 'earlymodules', 'rd.debug', 'rd.log', 'rootdelay', 'cryptdevice', 'cryptkey', 'crypto', 'cryptheader', 'lvmwait', 'resume', 'root', 'rootfstype', 'rootflags', 'init', 'ip', 'nfsroot', 'fsck.mode', 'fsck.repair'];
const MKINITCPIO_ONLY = ['disablehooks', 'earlymodules', 'cryptdevice', 'cryptkey', 'lvmwait'];

/** genkernel's initramfs (Gentoo), which none of the three above is. */
const GENKERNEL = ['dozfs', 'domdadm', 'dolvm', 'dobtrfs', 'docrypt', 'crypt_root', 'real_root', 'real_init', 'root_keydev', 'root_key', 'keymap', 'dokeymap', 'nodetect', 'scandelay', 'doscsi', 'dosshd', 'gk.hw.load-all'];

/**
 * Kernel parameters that exist only in distribution kernels' patches (not in the documentation of the
 * kernel the dictionary comes from): vt.handoff is Ubuntu's (its grub adds it), noibrs/noibpb RHEL 7's.
 */
const DISTRO_KERNEL = ['vt.handoff', 'noibrs', 'noibpb', 'pcie_acs_override'];

const norm = (n: string) => n.replaceAll('-', '_');
const exact = new Set([...DRACUT, ...SYSTEMD_NAMES, ...INITRAMFS_TOOLS, ...MKINITCPIO, ...GENKERNEL, ...DISTRO_KERNEL].map(norm));

export interface UserspaceParam {
  reader: 'dracut' | 'systemd' | 'initramfs-tools' | 'mkinitcpio' | 'genkernel' | 'distribution kernel';
  /** The one initramfs generator that reads it, when only one does. */
  onlyFor: Generator | undefined;
}

/** Who reads a parameter the kernel does not, or undefined when nothing we know of does. */
export function userspaceParam(name: string): UserspaceParam | undefined {
  const n = norm(name);
  const onlyFor = DRACUT_ONLY_PREFIXES.some((p) => n.startsWith(norm(p)))
    ? 'dracut'
    : INITRAMFS_TOOLS_ONLY.includes(n)
      ? 'initramfs-tools'
      : MKINITCPIO_ONLY.includes(n)
        ? 'mkinitcpio'
        : undefined;
  if (onlyFor === 'dracut' && !DRACUT.map(norm).includes(n)) return undefined;
  if (onlyFor) return { reader: onlyFor, onlyFor };
  if (!exact.has(n) && !SYSTEMD_PREFIXES.some((p) => n.startsWith(norm(p)))) return undefined;
  if (DISTRO_KERNEL.map(norm).includes(n)) return { reader: 'distribution kernel', onlyFor: undefined };
  if (GENKERNEL.map(norm).includes(n)) return { reader: 'genkernel', onlyFor: undefined };
  if (n.startsWith('rd.') && DRACUT.map(norm).includes(n)) return { reader: 'dracut', onlyFor: undefined };
  return { reader: 'systemd', onlyFor: undefined };
}

/** Every exact name, for did-you-mean (`rd.driver-pre` -> `rd.driver.pre`). */
export function userspaceParamNames(): string[] {
  return [...DRACUT, ...SYSTEMD_NAMES.filter((n) => n.length > 3), ...INITRAMFS_TOOLS, ...MKINITCPIO, ...GENKERNEL];
}
