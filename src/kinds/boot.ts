import { nonPosixProblems, parseShellVars } from '../parsers/shell-vars/index.js';
import { parseBlsEntry, parseKernelCmdlineFile, parseProcCmdline } from '../parsers/cmdline/index.js';
import { parseGrubCfg } from '../parsers/grub-cfg/index.js';
import { defineFileKind } from './define.js';
import { meaningfulLines, sniffLines, sniffShellVars } from './sniff.js';
import type { Sniff } from './types.js';

export const grubKind = defineFileKind({
  name: 'grub',
  description: "GRUB's settings (/etc/default/grub, grub.d/*.cfg, Fedora's /etc/sysconfig/grub)",
  feeds: 'host',
  paths: ['/etc/default/grub', '/etc/sysconfig/grub', '/etc/default/grub.d/*.cfg'],
  defaultDir: '/etc/default/',
  sniff: (text) => sniffShellVars(text, /^GRUB_/, 'GRUB_ variables'),
  parse: (text) => {
    const file = parseShellVars(text);
    // bash-only syntax breaks grub-mkconfig only where /bin/sh is dash (Debian, Ubuntu): a warning, not an error.
    const posix = nonPosixProblems(file).map((p) => ({ ...p, severity: 'warning' as const }));
    return { ast: { kind: 'grub' as const, file }, problems: [...file.problems, ...posix].sort((a, b) => a.start - b.start), comments: file.comments };
  },
});

/** Parameters that only a kernel command line has: one of them makes a line of words a command line. */
const KERNEL_PARAM = /^(root|ro|rw|quiet|splash|iommu|intel_iommu|amd_iommu|isolcpus|nohz_full|rcu_nocbs|irqaffinity|hugepages|hugepagesz|default_hugepagesz|initrd|console|loglevel|video|pcie_acs_override|pcie_aspm|vfio[-_]pci\.[\w-]+|kvm[-_]?\w*\.[\w-]+|rd\.[\w.-]+|modprobe\.blacklist|module_blacklist|BOOT_IMAGE|cryptdevice|rootflags|rootfstype|resume|mitigations|nowatchdog|nvidia[-_]drm\.[\w-]+|zswap\.[\w-]+|systemd\.[\w.-]+|lsm|apparmor|selinux|preempt|transparent_hugepage)(=|$)/;

/** A word a command line is made of: `name`, `name=value`. */
const PARAM_WORD = /^[\w.,:/@+%~"-]+(=\S*)?$/;

/**
 * A kernel command line: lines of words that all look like parameters (one line,
 * or one parameter a line: kernel-install joins the lines), one of them a
 * parameter only a kernel takes, and no shell assignment.
 */
function sniffCmdline(text: string): Sniff | undefined {
  const lines = meaningfulLines(text);
  if (lines.length === 0 || lines.length > 64) return undefined;
  if (lines.some((l) => /^\s*(export\s+)?[A-Za-z_]\w*\+?=["'(]/.test(l))) return undefined;
  const words = lines.flatMap((l) => l.trim().split(/\s+/));
  const known = words.filter((w) => KERNEL_PARAM.test(w)).length;
  if (known === 0) return undefined;
  const fitting = lines.filter((l) => l.trim().split(/\s+/).every((w) => PARAM_WORD.test(w))).length;
  // Prose is made of words too: most words of a command line are `name=value` or a known flag.
  const paramLike = words.filter((w) => w.includes('=') || KERNEL_PARAM.test(w)).length;
  const confidence = (fitting / lines.length) * (paramLike / words.length) * (known >= 2 ? 1 : 0.8);
  return { confidence, why: `${fitting} of ${lines.length} lines are kernel parameters, ${paramLike} of the ${words.length} words parameters, ${known} of them ones only a kernel takes` };
}

export const kernelCmdlineKind = defineFileKind({
  name: 'kernel-cmdline',
  description: "kernel-install's command line (/etc/kernel/cmdline)",
  feeds: 'host',
  paths: ['/etc/kernel/cmdline', '/usr/lib/kernel/cmdline'],
  defaultDir: '/etc/kernel/',
  sniff: (text) => {
    const s = sniffCmdline(text);
    // A line that starts with BOOT_IMAGE= was read from /proc/cmdline.
    return s && /^\s*BOOT_IMAGE=/.test(text) ? { ...s, confidence: s.confidence / 2 } : s;
  },
  parse: (text) => {
    const file = parseKernelCmdlineFile(text);
    return { ast: { kind: 'kernel-cmdline' as const, file }, problems: file.problems, comments: file.comments };
  },
});

export const blsEntryKind = defineFileKind({
  name: 'bls-entry',
  description: 'a Boot Loader Specification entry (/boot/loader/entries/*.conf)',
  feeds: 'host',
  paths: ['/boot/loader/entries/*.conf', '/efi/loader/entries/*.conf', '/boot/efi/loader/entries/*.conf'],
  defaultDir: '/boot/loader/entries/',
  sniff: (text) =>
    sniffLines(text, {
      fits: (l) => /^\s*(title|version|machine-id|sort-key|linux|initrd|efi|options|devicetree|devicetree-overlay|architecture)(\s|$)/.test(l),
      strong: (l) => /^\s*(linux|efi)\s+\S/.test(l),
      what: 'loader entry keys',
    }),
  parse: (text) => {
    const file = parseBlsEntry(text);
    return { ast: { kind: 'bls-entry' as const, file }, problems: file.problems, comments: file.comments };
  },
});

export const procCmdlineKind = defineFileKind({
  name: 'proc-cmdline',
  description: 'the command line the running kernel was booted with (/proc/cmdline)',
  feeds: 'host',
  paths: ['/proc/cmdline'],
  defaultDir: '/proc/',
  sniff: (text) => {
    const s = sniffCmdline(text);
    return s && /^\s*BOOT_IMAGE=/.test(text) ? { confidence: s.confidence, why: `${s.why}, starting with BOOT_IMAGE=` } : undefined;
  },
  parse: (text) => {
    const file = parseProcCmdline(text);
    return { ast: { kind: 'proc-cmdline' as const, file }, problems: file.problems, comments: file.comments };
  },
});

export const grubCfgKind = defineFileKind({
  name: 'grub-cfg',
  description: "GRUB's generated configuration (/boot/grub/grub.cfg, written by grub-mkconfig)",
  feeds: 'host',
  paths: ['/boot/grub/grub.cfg', '/boot/grub2/grub.cfg', '/boot/efi/EFI/*/grub.cfg'],
  defaultDir: '/boot/grub/',
  sniff: (text) =>
    sniffLines(text, {
      fits: (l) => /^\s*(menuentry|submenu|linux|linuxefi|linux16|initrd|initrdefi|insmod|search|set|if|else|fi|function|export|echo|load_video|terminal_output|font|configfile|source|}|### (BEGIN|END) )(\s|$|\/)/.test(l),
      strong: (l) => /^\s*(menuentry|submenu)\s|^### BEGIN \/etc\/grub\.d\//.test(l),
      what: 'GRUB script commands',
    }),
  parse: (text) => {
    const file = parseGrubCfg(text);
    return { ast: { kind: 'grub-cfg' as const, file }, problems: file.problems, comments: file.comments };
  },
});
