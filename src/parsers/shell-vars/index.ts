/**
 * Shell-variable files: /etc/default/grub (+ grub.d/*.cfg, Fedora's /etc/sysconfig/grub),
 * mkinitcpio.conf and dracut.conf. A lexer and parser for the assignment subset of POSIX sh
 * plus the bash arrays and `+=` that mkinitcpio/dracut use, and an evaluator that runs the
 * assignments of several files in order, keeping for every character of every value the file
 * and offset it was written at. Command substitutions and other commands are recognised but
 * never run; values that depend on them are marked `dynamic`.
 *
 *   const grub = parseShellVars(text);                  // one file, values from that file alone
 *   const ev = evaluateShellVars([grub, dropIn], { GRUB_CMDLINE_LINUX: '' });
 *   const v = ev.variables.get('GRUB_CMDLINE_LINUX_DEFAULT')!.value;
 *   tokenizeCmdline(v.text, originsIn(v, 0));           // kernel params with offsets in file 0
 */
export { parseShellVars } from './parse.js';
export { evaluateShellVars, originsIn, sliceValue, joinValues } from './evaluate.js';
export { nonPosixProblems } from './posix.js';
export type {
  ResolvedValue,
  VariableValue,
  EvaluatedAssignment,
  ShellVariable,
  ShellEvaluation,
  ShellEnv,
} from './evaluate.js';
export type {
  ParsedShellFile,
  ParsedShellFile as ShellFile,
  ShellAssignment,
  ShellStatement,
  ShellComment,
  ShellValue,
  ShellElement,
  ShellWord,
  WordPart,
  LiteralPart,
  ParamPart,
  ParamOp,
  DynamicPart,
  EmptyQuotesPart,
  QuoteSpan,
} from './types.js';
