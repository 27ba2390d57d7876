import type { FileKind } from '../kinds/index.js';

/**
 * Decide what a file is from where it sits. `path` uses `/` separators; it can
 * be a system path (`/etc/modprobe.d/vfio.conf`) or a path in a dotfiles repo
 * (`hosts/desk/etc/modprobe.d/vfio.conf`): only the trailing components count.
 * XML is decided by its root element, not its name (see `classifyXml`).
 */
export function classifyByPath(path: string): FileKind | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  const name = parts.at(-1) ?? '';
  const dir = parts.at(-2) ?? '';
  const dir2 = parts.at(-3) ?? '';
  const conf = name.endsWith('.conf');
  if (dir === 'modprobe.d' && conf) return 'modprobe';
  if (name === 'modprobe.conf') return 'modprobe';
  if (dir === 'sysctl.d' && conf) return 'sysctl';
  if (name === 'sysctl.conf') return 'sysctl';
  if (name === 'mkinitcpio.conf' || (dir === 'mkinitcpio.conf.d' && conf)) return 'mkinitcpio';
  if (name === 'dracut.conf' || (dir === 'dracut.conf.d' && conf)) return 'dracut';
  if (dir === 'initramfs-tools' && name === 'modules') return 'initramfs-modules';
  if (dir === 'modules-load.d' && conf) return 'modules-load';
  if (name === 'modules' && dir === 'etc') return 'modules-load';
  if (name === 'grub' && (dir === 'default' || dir === 'sysconfig')) return 'grub';
  if (dir === 'grub.d' && dir2 === 'default' && name.endsWith('.cfg')) return 'grub';
  if (name === 'cmdline' && dir === 'kernel') return 'kernel-cmdline';
  if (name === 'cmdline' && dir === 'proc') return 'proc-cmdline';
  if (dir === 'entries' && dir2 === 'loader' && conf) return 'bls-entry';
  return undefined;
}

/** `domain` or `capabilities` from the root element's name, without a full parse. */
export function classifyXml(text: string): FileKind | undefined {
  const root = xmlRootName(text);
  if (root === 'domain') return 'domain';
  if (root === 'capabilities') return 'capabilities';
  return undefined;
}

/** The first element name after any prolog, comments, PIs and DOCTYPE. */
export function xmlRootName(text: string): string | undefined {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) return undefined;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) return undefined;
      i = close + 3;
    } else if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      if (close < 0) return undefined;
      i = close + 2;
    } else if (text.startsWith('<!', lt)) {
      const close = text.indexOf('>', lt + 2);
      if (close < 0) return undefined;
      i = close + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(lt, lt + 200));
      return m?.[1];
    }
  }
  return undefined;
}

/**
 * Last resort for a file whose path says nothing (a `grub.txt`, a `vfio.conf`
 * kept at a repo's top level): look at what its lines are made of. Only clear
 * signals count; anything ambiguous stays unclassified and is reported as such.
 */
export function classifyByContent(text: string): FileKind | undefined {
  const head = text.slice(0, 64 * 1024);
  if (head.trimStart().startsWith('<')) return classifyXml(head);
  if (/^\s*(export\s+)?GRUB_[A-Z_]+=/m.test(head)) return 'grub';
  if (/^\s*(MODULES|HOOKS|BINARIES)\+?=\s*[("]/m.test(head)) return 'mkinitcpio';
  if (/^\s*(add_drivers|force_drivers|omit_drivers|add_dracutmodules|hostonly)\+?=/m.test(head)) return 'dracut';
  if (/^(options|blacklist|softdep|install|alias|remove)\s+\S+/m.test(head)) return 'modprobe';
  if (/^\s*-?(vm|kernel|net|fs|dev)[./][\w./*-]+\s*=/m.test(head)) return 'sysctl';
  if (/^\s*(title|linux|options)\s/m.test(head) && /^\s*options\s/m.test(head)) return 'bls-entry';
  return undefined;
}
