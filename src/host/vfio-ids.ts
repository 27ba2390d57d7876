import type { KernelParamFact, VfioId } from './facts.js';

/**
 * Split an `ids=` value (`10de:2684,10de:22ba`) into ids with exact places.
 * vfio-pci also accepts `vendor:device:subvendor:subdevice:class:mask`; only
 * the first two fields matter for deciding whose card it is.
 */
export function splitVfioIds(param: KernelParamFact): VfioId[] {
  const value = param.value ?? '';
  const base = param.valueLoc;
  const out: VfioId[] = [];
  let at = 0;
  for (const part of value.split(',')) {
    const start = at;
    at += part.length + 1;
    const m = /^\s*([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})/.exec(part);
    if (!m) continue;
    const loc = base && base.end - base.start === value.length ? { path: base.path, start: base.start + start, end: base.start + start + part.length } : param.loc;
    out.push({ vendor: m[1]!.toLowerCase().padStart(4, '0'), device: m[2]!.toLowerCase().padStart(4, '0'), loc });
  }
  return out;
}
