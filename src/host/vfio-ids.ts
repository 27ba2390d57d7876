import type { KernelParamFact, VfioId } from './facts.js';
import { idOf, vfioIdEntries } from './vfio-id-entries.js';

/**
 * The devices an `ids=` value (`10de:2684,10de:22ba`) gives vfio-pci, with exact places, read as the
 * kernel reads each entry (vfioIdEntries). vfio-pci also accepts
 * `vendor:device:subvendor:subdevice:class:mask`; only the first two fields matter for deciding whose
 * card it is. Entries the kernel skips (fewer than two fields) give no id.
 */
export function splitVfioIds(param: KernelParamFact): VfioId[] {
  return vfioIdEntries(param)
    .filter((e) => e.fields.length >= 2)
    .map((e) => {
      const [vendor, device] = idOf(e.fields.slice(0, 2)).split(':') as [string, string];
      return { vendor, device, loc: e.loc };
    });
}
