/**
 * Kernel command lines: the kernel's own tokenizer, name matching helpers, and parsers for
 * the files that hold a command line (/etc/kernel/cmdline, BLS entries, /proc/cmdline).
 * The GRUB parser feeds its evaluated values to `tokenizeCmdline` with origins.
 */
export type { KernelParam, Comment, Token, ListItem } from './types.js';
export { tokenizeCmdline, isKernelSpace } from './tokenize.js';
export { paramKey, moduleOf } from './names.js';
export { splitList, splitParamValue } from './list.js';
export { parseKernelCmdlineFile, parseProcCmdline, parseBlsEntry } from './files.js';
export type { KernelCmdlineFile, ProcCmdline, BlsEntry, BlsLine } from './files.js';
