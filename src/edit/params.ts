import type { TextEdit } from '../engine/fix.js';
import type { SourceFile } from '../core/source.js';
import type { CmdlineSource, KernelParamFact, ModprobeFact } from '../host/facts.js';
import { paramToken } from '../host/params.js';
import { deleteLine } from './lines.js';

/**
 * Remove one parameter: the whole `options` line when it is the line's only
 * parameter, else the token with the blank before it. Undefined when the token
 * is not written verbatim (inside an evaluated shell value, across a continuation).
 */
export function removeParam(param: KernelParamFact, options: ModprobeFact | undefined, source: SourceFile): TextEdit | undefined {
  const text = source.text;
  if (text.slice(param.loc.start, param.loc.end) !== paramToken(param)) return undefined;
  if (options && options.options.length === 1) return deleteLine(source, options.loc);
  let start = param.loc.start;
  // Before offset 0, text[-1] is undefined: the loop stops there without a bound check.
  while (text[start - 1] === ' ' || text[start - 1] === '\t') start--;
  // A first token keeps its place: drop the blanks after it instead.
  if (start === param.loc.start || text[start - 1] === '"' || text[start - 1] === "'" || text[start - 1] === '\n') {
    let end = param.loc.end;
    while (text[end] === ' ' || text[end] === '\t') end++;
    return { path: source.path, start: param.loc.start, end, text: '' };
  }
  return { path: source.path, start, end: param.loc.end, text: '' };
}

/** The grub variables a parameter can be added to, in order of preference: the normal boot entries' own, then every entry's. */
const GRUB_VARIABLES = ['GRUB_CMDLINE_LINUX_DEFAULT', 'GRUB_CMDLINE_LINUX'];

/**
 * Add a parameter (`token`, such as `intel_iommu=on`) to a kernel command line where its file keeps it:
 * inside the quotes of the last plain assignment of GRUB_CMDLINE_LINUX_DEFAULT (else GRUB_CMDLINE_LINUX)
 * in /etc/default/grub, after the last parameter of /etc/kernel/cmdline or of a loader entry's `options`.
 * Undefined where no edit is safe: /proc/cmdline, an assignment that is conditional, built by a command,
 * or not a single quoted word.
 */
export function addKernelParam(source: CmdlineSource, token: string): TextEdit | undefined {
  const file = source.file;
  if (source.kind === 'grub') {
    // Stryker disable next-line ConditionalExpression: a grub source's file always has a grub AST (host/adapt.ts builds one from the other); the check narrows the type
    if (file.ast.kind !== 'grub') return undefined;
    const assignments = file.ast.file.assignments;
    for (const name of GRUB_VARIABLES) {
      const a = assignments.filter((x) => x.name === name && x.scope === 'file').at(-1);
      if (!a) continue;
      // Stryker disable next-line ConditionalExpression: a double- or single-quoted value always has its closing quote (the parser says `mixed` otherwise); the check narrows the type
      if (a.conditional || a.noAutofix || a.closeQuote === undefined || (a.quoting !== 'double' && a.quoting !== 'single')) return undefined;
      const empty = a.closeQuote === a.valueStart + 1;
      return { path: file.source.path, start: a.closeQuote, end: a.closeQuote, text: empty ? token : ` ${token}` };
    }
    return undefined;
  }
  if (source.kind === 'kernel-cmdline' || source.kind === 'bls-entry') {
    const last = source.params.at(-1);
    if (!last) return undefined;
    return { path: last.loc.path, start: last.loc.end, end: last.loc.end, text: ` ${token}` };
  }
  return undefined;
}

/** Add `item` to a parameter's comma list (`vfio-pci.ids=10de:2684` -> `...,10de:22ba`); undefined when the value is not written verbatim. */
export function addListItem(param: KernelParamFact, item: string): TextEdit | undefined {
  const v = param.valueLoc;
  if (!v || param.value === undefined) return undefined;
  return { path: v.path, start: v.end, end: v.end, text: param.value === '' ? item : `,${item}` };
}

/** Replace a parameter's whole value; undefined when the value is not written verbatim. */
export function setParamValue(param: KernelParamFact, value: string): TextEdit | undefined {
  const v = param.valueLoc;
  return v && { path: v.path, start: v.start, end: v.end, text: value };
}

/** Replace a parameter's name, keeping its value (`rd.driver-pre=x` -> `rd.driver.pre=x`); undefined when the token is not written verbatim. */
export function renameParam(param: KernelParamFact, name: string): TextEdit | undefined {
  const text = param.source.text;
  if (text.slice(param.loc.start, param.loc.end) !== paramToken(param)) return undefined;
  return { path: param.loc.path, start: param.loc.start, end: param.loc.start + param.name.length, text: name };
}
