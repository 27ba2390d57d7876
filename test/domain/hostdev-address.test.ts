import { describe, expect, it } from 'vitest';
import { parseXml } from '../../src/parsers/xml/parse.js';
import { domainView } from '../../src/domain/view.js';

const address = (attrs: string) => {
  const view = domainView('vm.xml', parseXml(`<domain><devices><hostdev mode='subsystem' type='pci'><source><address ${attrs}/></source></hostdev></devices></domain>`).root!);
  const h = view.hostdevs[0]!;
  return h.pciAddress === undefined ? undefined : [h.pciAddress, h.pciFunction];
};

// libvirt's virPCIDeviceAddressParseXML zeroes the address, then reads each attribute given with
// strtoul's base 0 (virStrToLong_uip): a missing one is 0, 0x is hex, a leading 0 octal.
describe('a hostdev source address as libvirt reads it', () => {
  it('reads the four attributes, hex or decimal', () => {
    expect(address(`domain='0x0000' bus='0x0a' slot='0x00' function='0x1'`)).toEqual(['0000:0a:00.1', 1]);
    expect(address(`domain='0' bus='10' slot='0' function='0'`)).toEqual(['0000:0a:00.0', 0]);
    expect(address(`domain='0X0001' bus='0X2F' slot='0x1f' function='7'`)).toEqual(['0001:2f:1f.7', 7]);
  });
  it('takes a missing attribute as 0', () => {
    expect(address(`bus='0x01'`)).toEqual(['0000:01:00.0', 0]);
    expect(address(`domain='0x0000' bus='0x01' function='0x1'`)).toEqual(['0000:01:00.1', 1]);
    expect(address(`slot='0x02'`)).toEqual(['0000:00:02.0', 0]);
  });
  it('names no device for an empty address or one libvirt cannot parse', () => {
    expect(address(``)).toBeUndefined();
    expect(address(`function='0x1'`)).toBeUndefined();
    expect(address(`bus='08'`)).toBeUndefined(); // octal: strtoul stops at the 8
    expect(address(`bus='0x'`)).toBeUndefined();
    expect(address(`bus='one'`)).toBeUndefined();
  });
  it('reads a leading 0 as octal, as strtoul does', () => {
    expect(address(`bus='010'`)).toEqual(['0000:08:00.0', 0]);
  });
});
