import { describe, expect, it } from 'vitest';
import { splitVfioIds } from '../../src/host/vfio-ids.js';
import type { KernelParamFact } from '../../src/host/facts.js';

/** An `ids=` parameter whose value starts at offset 100 of f.conf. */
function ids(value: string): KernelParamFact {
  return { name: 'ids', key: 'ids', value, loc: { path: 'f.conf', start: 96, end: 100 + value.length }, valueLoc: { path: 'f.conf', start: 100, end: 100 + value.length } } as KernelParamFact;
}

describe('splitVfioIds: the devices the kernel gives vfio-pci', () => {
  it('reads each entry as vfio_pci_fill_ids does: 0x prefixes and upper case taken, extra fields ignored, skipped entries give nothing', () => {
    const got = splitVfioIds(ids('10DE:2684,0x10de:0x22ba,,%DEVICES%,1002:73bf:1458:2313'));
    expect(got.map((i) => `${i.vendor}:${i.device}@${i.loc.start}-${i.loc.end}`)).toEqual(['10de:2684@100-109', '10de:22ba@110-123', '1002:73bf@135-154']);
  });
});
