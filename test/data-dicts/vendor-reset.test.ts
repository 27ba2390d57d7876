// vendor-reset's device table: the reader (scripts/data/vendor-reset.mjs) on a small header shaped like
// src/device-db.h (written for this test), and the committed data/vendor-reset.json through its loader.
import { describe, it, expect } from 'vitest';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { vendorResetFamily, vendorResetVersion } from '../../src/data/vendor-reset.js';

const SCRIPTS = resolve(import.meta.dirname, '../../scripts/data');
type Reader = { readDeviceDb(text: string): { families: Record<string, { info: string[]; devices: string[] }>; devices: Record<string, string> } };
const load = async (): Promise<Reader> => (await import(pathToFileURL(join(SCRIPTS, 'vendor-reset.mjs')).href)) as Reader;

const HEADER = [
  '/* licence */',
  '#define DEVICE_INFO(x) x, #x',
  '#define _FAM_A(op) \\',
  '    {PCI_VENDOR_ID_ATI, 0x67DF, op, DEVICE_INFO(FAM_A)}, \\',
  '    {PCI_VENDOR_ID_ATI, 0x67ef, op, DEVICE_INFO(FAM_A)}',
  '#define _FAM_B(op) \\',
  '    {PCI_VENDOR_ID_ATI, 0x738c, op, DEVICE_INFO(OTHER)} //a comment',
  '#define _FAM_UNUSED(op) \\',
  '    {PCI_VENDOR_ID_ATI, 0x73bf, op, DEVICE_INFO(FAM_UNUSED)}',
  'static const struct vendor_reset_cfg vendor_reset_devices[] = {',
  '    _FAM_A(&a_ops),',
  '    _FAM_B(&b_ops),',
  '    /* _FAM_UNUSED(&c_ops), */',
  '    {.vendor = 0}',
  '};',
].join('\n');

describe('vendor-reset device table', () => {
  it('reads the families the table expands, ids in lower case, and nothing from unused macros', async () => {
    const { readDeviceDb } = await load();
    const db = readDeviceDb(HEADER);
    expect(db.devices).toEqual({ '1002:67df': 'FAM_A', '1002:67ef': 'FAM_A', '1002:738c': 'FAM_B' });
    expect(db.families.FAM_B).toEqual({ info: ['OTHER'], devices: ['1002:738c'] });
  });

  it('fails on a header without the table or with an unknown vendor macro', async () => {
    const { readDeviceDb } = await load();
    expect(() => readDeviceDb('#define _X(op) {PCI_VENDOR_ID_ATI, 0x1234, op, DEVICE_INFO(X)}')).toThrow(/vendor_reset_devices/);
    expect(() => readDeviceDb(HEADER.replace('PCI_VENDOR_ID_ATI, 0x67DF', 'PCI_VENDOR_ID_FOO, 0x67DF'))).toThrow(/PCI_VENDOR_ID_FOO/);
  });

  it('knows Polaris, Vega, Navi 1x and the MI100 from the committed table, and no RDNA2/3 or NVIDIA id', () => {
    expect(vendorResetFamily('1002', '67df')).toBe('AMD_POLARIS10');
    expect(vendorResetFamily('1002', '687F')).toBe('AMD_VEGA10');
    expect(vendorResetFamily('1002', '731f')).toBe('AMD_NAVI10');
    expect(vendorResetFamily('1002', '738c')).toBe('AMD_ARCTURUS');
    expect(vendorResetFamily('1002', '73bf')).toBeUndefined(); // Navi 21
    expect(vendorResetFamily('1002', '73ff')).toBeUndefined(); // Navi 23
    expect(vendorResetFamily('1002', '744c')).toBeUndefined(); // Navi 31
    expect(vendorResetFamily('10de', '2204')).toBeUndefined();
    expect(vendorResetFamily('1002', 'constructor')).toBeUndefined();
    expect(vendorResetVersion()).toBe('084881c (2024-04-17)');
  });
});
