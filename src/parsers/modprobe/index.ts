/**
 * modprobe.d files, read the way kmod reads them: logical lines joined at backslash-newline,
 * comments only in column 0, one command per line, every word with exact file offsets.
 * Module options are tokenized with the kernel command-line tokenizer.
 */
export { parseModprobe } from './parse.js';
export { normalizeModuleName, sameModule } from './names.js';
export { logicalLines, LogicalLine } from './lines.js';
export type {
  ModprobeFile,
  ModprobeCommand,
  ModuleRef,
  AliasCommand,
  BlacklistCommand,
  OptionsCommand,
  CommandLineCommand,
  SoftdepCommand,
  WeakdepCommand,
  DeprecatedCommand,
  UnknownCommand,
} from './types.js';
