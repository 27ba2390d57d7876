import type { Loc } from '../core/range.js';
import type { KernelParamFact } from './facts.js';

/**
 * One entry of a vfio-pci `ids=` value as the kernel reads it. `vfio_pci_fill_ids`
 * (drivers/vfio/pci/vfio_pci.c) splits the value on ",", skips empty entries and reads
 * each with sscanf("%x:%x:%x:%x:%x:%x"); fewer than two fields: "invalid id string", skipped.
 */
export interface VfioIdEntry {
  /** The entry as written (between commas). */
  text: string;
  /** At the entry itself when the value is written verbatim, else the whole parameter. */
  loc: Loc;
  /** Where the entry starts inside the value (for rebuilding the list). */
  index: number;
  /** The hex fields sscanf converted, as written (without `0x`), up to six. */
  fields: string[];
  /** What is left after the last field sscanf read (`g4` in `10de:26g4`), trimmed. */
  rest: string;
}

const HEX = /^[0-9a-fA-F]$/;

/** Every non-empty entry of an `ids=` parameter, with the kernel's reading of it. */
export function vfioIdEntries(param: KernelParamFact): VfioIdEntry[] {
  const value = param.value ?? '';
  const base = param.valueLoc;
  const exact = base !== undefined && base.end - base.start === value.length;
  const out: VfioIdEntry[] = [];
  let at = 0;
  for (const part of value.split(',')) {
    const index = at;
    at += part.length + 1;
    if (part.length === 0) continue;
    const loc = exact ? { path: base.path, start: base.start + index, end: base.start + index + part.length } : param.loc;
    out.push({ text: part, loc, index, ...scanHexFields(part) });
  }
  return out;
}

/**
 * The kernel's vsscanf for "%x:%x:%x:%x:%x:%x": before each %x it skips white space and takes an
 * optional 0x; it reads hex digits while there are any and stops at the first other character.
 */
function scanHexFields(s: string): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let i = 0;
  let done = 0;
  while (fields.length < 6) {
    if (fields.length > 0) {
      if (s[i] !== ':') break;
      i++;
    }
    // charAt past the end is '', which neither pattern takes: that ends the loops.
    let j = i;
    while (/\s/.test(s.charAt(j))) j++;
    if (s.charAt(j) === '0' && (s.charAt(j + 1) === 'x' || s.charAt(j + 1) === 'X') && HEX.test(s.charAt(j + 2))) j += 2;
    const start = j;
    while (HEX.test(s.charAt(j))) j++;
    if (j === start) break;
    fields.push(s.slice(start, j));
    i = j;
    done = j;
  }
  return { fields, rest: s.slice(done).trim() };
}

/** `10de:2684` from `10DE:2684`; the id a read entry stands for, as lspci -n prints it (or longer when it is). */
export function idOf(fields: readonly string[]): string {
  return fields.map((f) => f.replace(/^0+(?=.)/, '').toLowerCase().padStart(4, '0')).join(':');
}
