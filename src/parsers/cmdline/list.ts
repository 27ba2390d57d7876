import type { KernelParam, ListItem } from './types.js';

/**
 * Split a comma list (`vfio-pci.ids=`, `modprobe.blacklist=`, `iommu=`...) with each item's
 * offsets, `start` being the offset of `value[0]`. Follows `strsep()`: n commas give n+1
 * items, so empty items (`a,,b`, a trailing comma, an empty value) are kept for rules to flag.
 */
export function splitList(value: string, start = 0): ListItem[] {
  const items: ListItem[] = [];
  let from = 0;
  for (;;) {
    const comma = value.indexOf(',', from);
    const to = comma < 0 ? value.length : comma;
    items.push({ text: value.slice(from, to), start: start + from, end: start + to });
    if (comma < 0) return items;
    from = comma + 1;
  }
}

/**
 * `splitList` over a parameter's value. When the parameter is not a verbatim copy of the
 * file (it came through an evaluation), item offsets cannot be known exactly, so every item
 * gets the whole value's range. A flag (no value) has no items.
 */
export function splitParamValue(param: KernelParam): ListItem[] {
  if (param.value === undefined) return [];
  const items = splitList(param.value, param.valueStart);
  if (!param.verbatim) for (const item of items) { item.start = param.valueStart; item.end = param.valueEnd; }
  return items;
}
