import type { Loc } from '../core/range.js';
import type { SourceFile } from '../core/source.js';
import type { KernelParam } from '../parsers/cmdline/index.js';
import { splitList } from '../parsers/cmdline/list.js';
import type { KernelParamFact } from './facts.js';

/** `source` is the file the offsets point into: a value is editable in place only where the file reads exactly as the kernel gets it. */
export function paramFact(source: SourceFile, p: Omit<KernelParam, 'nameStart' | 'nameEnd'>): KernelParamFact {
  const path = source.path;
  // Stryker disable next-line ConditionalExpression: a slice of the text never equals undefined; the check is for the type
  const editable = p.value !== undefined && source.text.slice(p.valueStart, p.valueEnd) === p.value;
  return {
    name: p.name,
    key: p.key,
    value: p.value,
    loc: { path, start: p.start, end: p.end },
    valueLoc: editable ? { path, start: p.valueStart, end: p.valueEnd } : undefined,
    afterDashDash: p.afterDashDash,
    source,
  };
}

/** A parameter as written: `name=value`, or the bare name of the flag form. */
export function paramToken(p: KernelParamFact): string {
  return p.value === undefined ? p.name : `${p.name}=${p.value}`;
}

/**
 * The kernel's bool parsing (kstrtobool, lib/kstrtox.c): it reads the first character, y/Y/1/t/T true and
 * n/N/0/f/F false, and after o/O the second, n true and f false (`on`, `off`, also `onx`); anything else,
 * an empty value too, fails. No value at all (the flag form) is true.
 */
export function kernelBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return true;
  // Stryker disable next-line StringLiteral: any default that is not o, y, 1, t, n, 0 or f reads the same
  const [first = '', second = ''] = value.toLowerCase();
  if (first === 'o') return second === 'n' ? true : second === 'f' ? false : undefined;
  if (first !== '' && 'y1t'.includes(first)) return true;
  if (first !== '' && 'n0f'.includes(first)) return false;
  return undefined;
}

/** One item of a comma-separated value, and where it is (the whole value when the file does not hold it verbatim). */
export interface ValueItem {
  text: string;
  loc: Loc;
}

/** A value's comma list (`strsep` semantics: empty items kept), each item with its place. */
export function valueItems(p: KernelParamFact): ValueItem[] {
  if (p.value === undefined) return [];
  const base = p.valueLoc;
  return splitList(p.value).map((item) => ({
    text: item.text,
    loc: base ? { path: base.path, start: base.start + item.start, end: base.start + item.end } : p.loc,
  }));
}

/** Module names in a comma list (`modprobe.blacklist=`, `rd.driver.pre=`), `-` read as `_`, blanks trimmed. */
export function moduleItems(p: KernelParamFact): string[] {
  return valueItems(p).map((i) => i.text.trim().replace(/-/g, '_'));
}
