/**
 * sysctl.d files and /etc/sysctl.conf, read with systemd-sysctl's rules (which procps'
 * `sysctl --system` shares), with the canonical dotted key each line sets.
 */
export { parseSysctl } from './parse.js';
export type { SysctlFile, SysctlEntry } from './parse.js';
export { sysctlPath, canonicalSysctlKey, isGlobKey } from './keys.js';
