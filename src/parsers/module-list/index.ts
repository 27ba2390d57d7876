/**
 * Plain module lists: /etc/initramfs-tools/modules, Debian's /etc/modules and
 * modules-load.d/*.conf. One module per line; the comment rules differ per flavor.
 */
export { parseModuleList, moduleListFlavorFor } from './parse.js';
export type { ModuleListFile, ModuleListEntry, ModuleListFlavor } from './parse.js';
