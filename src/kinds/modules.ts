import { parseModprobe } from '../parsers/modprobe/index.js';
import { parseModuleList } from '../parsers/module-list/index.js';
import { defineFileKind } from './define.js';
import { sniffLines } from './sniff.js';

const MODPROBE_COMMAND = /^\s*(options|blacklist|install|remove|alias|softdep|weakdep)\s+\S/;
const MODPROBE_WORD = /^\s*(options|blacklist|install|remove|alias|softdep|weakdep)(\s|$)/;

export const modprobeKind = defineFileKind({
  name: 'modprobe',
  description: 'kmod configuration (modprobe.d/*.conf, /etc/modprobe.conf)',
  feeds: 'host',
  // kmod's search order: an earlier directory's file hides a same-named one in a later directory.
  paths: ['/etc/modprobe.d/*.conf', '/run/modprobe.d/*.conf', '/usr/local/lib/modprobe.d/*.conf', '/usr/lib/modprobe.d/*.conf', '/lib/modprobe.d/*.conf', '/etc/modprobe.conf'],
  defaultDir: '/etc/modprobe.d/',
  // A command word alone (`options` with nothing after it) is a broken modprobe line, still one.
  sniff: (text) => sniffLines(text, { fits: (l) => MODPROBE_WORD.test(l), strong: (l) => MODPROBE_COMMAND.test(l), what: 'modprobe commands' }),
  parse: (text) => {
    const file = parseModprobe(text);
    return { ast: { kind: 'modprobe' as const, file }, problems: file.problems, comments: file.comments };
  },
});

/** A module name alone on its line (with parameters, for initramfs-tools and /etc/modules). */
const MODULE_LINE = /^\s*[A-Za-z0-9_-]+\??(\s+[\w.-]+=\S*)*\s*$/;
/** A list of words looks like many things (package lists, host names): never sure enough on its own. */
const MODULE_LIST_CAP = 0.5;

export const initramfsModulesKind = defineFileKind({
  name: 'initramfs-modules',
  description: "initramfs-tools' module list (/etc/initramfs-tools/modules)",
  feeds: 'host',
  paths: ['/etc/initramfs-tools/modules'],
  defaultDir: '/etc/initramfs-tools/',
  sniff: (text) => sniffLines(text, { fits: (l) => MODULE_LINE.test(l), strong: (l) => MODULE_LINE.test(l), what: 'module names', cap: MODULE_LIST_CAP }),
  parse: (text) => {
    const file = parseModuleList(text, 'initramfs-tools');
    return { ast: { kind: 'module-list' as const, file }, problems: file.problems, comments: file.comments };
  },
});

export const modulesLoadKind = defineFileKind({
  name: 'modules-load',
  description: 'modules loaded at boot (modules-load.d/*.conf, Debian\'s /etc/modules)',
  feeds: 'host',
  paths: ['/etc/modules-load.d/*.conf', '/run/modules-load.d/*.conf', '/usr/local/lib/modules-load.d/*.conf', '/usr/lib/modules-load.d/*.conf', '/lib/modules-load.d/*.conf', '/etc/modules'],
  defaultDir: '/etc/modules-load.d/',
  sniff: (text) => sniffLines(text, { fits: (l) => MODULE_LINE.test(l), strong: (l) => MODULE_LINE.test(l), what: 'module names', cap: MODULE_LIST_CAP, comment: /^\s*[#;]/ }),
  parse: (text) => {
    const file = parseModuleList(text, 'modules-load');
    return { ast: { kind: 'module-list' as const, file }, problems: file.problems, comments: file.comments };
  },
});
