import { parseMkinitcpio } from '../parsers/initramfs/mkinitcpio.js';
import { parseDracut } from '../parsers/initramfs/dracut.js';
import { defineFileKind } from './define.js';
import { sniffShellVars } from './sniff.js';

export const mkinitcpioKind = defineFileKind({
  name: 'mkinitcpio',
  description: "Arch's initramfs generator settings (/etc/mkinitcpio.conf, mkinitcpio.conf.d/*.conf)",
  feeds: 'host',
  paths: ['/etc/mkinitcpio.conf', '/etc/mkinitcpio.conf.d/*.conf'],
  defaultDir: '/etc/',
  // The variables mkinitcpio.conf(5) documents.
  sniff: (text) => sniffShellVars(text, /^(MODULES|BINARIES|FILES|HOOKS|COMPRESSION|COMPRESSION_OPTIONS|MODULES_DECOMPRESS)$/, 'mkinitcpio variables'),
  parse: (text) => {
    const file = parseMkinitcpio(text);
    return { ast: { kind: 'mkinitcpio' as const, file }, problems: file.problems, comments: file.comments };
  },
});

export const dracutKind = defineFileKind({
  name: 'dracut',
  description: 'dracut settings (/etc/dracut.conf, dracut.conf.d/*.conf)',
  feeds: 'host',
  paths: ['/etc/dracut.conf', '/etc/dracut.conf.d/*.conf', '/usr/lib/dracut/dracut.conf.d/*.conf'],
  defaultDir: '/etc/dracut.conf.d/',
  // The variables dracut.conf(5) documents (lower case, unlike mkinitcpio's).
  sniff: (text) =>
    sniffShellVars(
      text,
      /^(add_dracutmodules|force_add_dracutmodules|omit_dracutmodules|dracutmodules|add_drivers|force_drivers|omit_drivers|drivers|filesystems|drivers_dir|fw_dir|install_items|install_optional_items|compress|squash_compress|do_strip|aggressive_strip|do_hardlink|prefix|hostonly|hostonly_mode|hostonly_cmdline|persistent_policy|tmpdir|use_fstab|add_fstab|add_device|mdadmconf|lvmconf|fscks|nofscks|kernel_cmdline|kernel_only|no_kernel|acpi_override|acpi_table_dir|early_microcode|stdloglvl|sysloglvl|fileloglvl|logfile|i18n_vars|i18n_default_font|i18n_install_all|reproducible|noprefix|loginstall|uefi|uefi_stub|uefi_splash_image|uefi_secureboot_cert|uefi_secureboot_key|kernel_image|machine_id|parallel|sshkey|show_modules|ro_mnt)$/,
      'dracut options',
    ),
  parse: (text) => {
    const file = parseDracut(text);
    return { ast: { kind: 'dracut' as const, file }, problems: file.problems, comments: file.comments };
  },
});
