import { parseSysctl } from '../parsers/sysctl/index.js';
import { defineFileKind } from './define.js';
import { sniffLines } from './sniff.js';

const ASSIGNMENT = /^\s*-?[A-Za-z0-9_*-]+([./][A-Za-z0-9_*:@-]+)+\s*=/;
/** The kernel's sysctl tables: a dotted key under one of them is a sysctl, not some other key=value file. */
const TABLE = /^\s*-?(kernel|vm|net|fs|dev|abi|debug|user|crypto|sunrpc)[./]/;

export const sysctlKind = defineFileKind({
  name: 'sysctl',
  description: 'kernel parameters set at boot (sysctl.d/*.conf, /etc/sysctl.conf)',
  feeds: 'host',
  paths: ['/etc/sysctl.d/*.conf', '/run/sysctl.d/*.conf', '/usr/local/lib/sysctl.d/*.conf', '/usr/lib/sysctl.d/*.conf', '/lib/sysctl.d/*.conf', '/etc/sysctl.conf'],
  defaultDir: '/etc/sysctl.d/',
  sniff: (text) => sniffLines(text, { fits: (l) => ASSIGNMENT.test(l), strong: (l) => ASSIGNMENT.test(l) && TABLE.test(l), what: 'sysctl assignments', comment: /^\s*[#;]/ }),
  parse: (text) => {
    const file = parseSysctl(text);
    return { ast: { kind: 'sysctl' as const, file }, problems: file.problems, comments: file.comments };
  },
});
