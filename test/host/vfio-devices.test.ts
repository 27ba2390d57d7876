import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { parseXml } from '../../src/parsers/xml/parse.js';
import { domainView } from '../../src/domain/view.js';
import { domainFacts } from '../../src/domain/facts.js';
import { buildHostModel } from '../../src/host/model.js';
import { liveHost, type LiveHost } from '../../src/host/live.js';
import { completeDocument } from '../../src/live/document.js';
import { idOf, vfioIdEntries } from '../../src/host/vfio-id-entries.js';
import { describeDevice, sysfsLoc, vfioTargets, VFIO_SAFE_DRIVERS } from '../../src/host/vfio-targets.js';
import { displayDriversOf, displayVendorOf, gpuIdsOf, GPU_AUDIO_DRIVER, VENDOR_NAMES } from '../../src/host/display-drivers.js';
import type { KernelParamFact } from '../../src/host/facts.js';
import type { PciDevice } from '../../src/live/types.js';

/** An `ids=` parameter whose value starts at offset 100 of f.conf; `verbatim` false: the file does not hold the value as written. */
function ids(value: string | undefined, verbatim = true): KernelParamFact {
  const len = value?.length ?? 0;
  return { name: 'ids', key: 'ids', value, loc: { path: 'f.conf', start: 96, end: 100 + len }, valueLoc: verbatim ? { path: 'f.conf', start: 100, end: 100 + len } : undefined } as KernelParamFact;
}
const entries = (value: string) => vfioIdEntries(ids(value)).map((e) => `${e.text}|${e.index}|${e.fields.join(':')}|${e.rest}|${e.loc.start}-${e.loc.end}`);

describe('vfioIdEntries: each entry of ids= as vfio_pci_fill_ids reads it (vfio-id-entries.ts)', () => {
  it('splits on commas, skips empty entries, and points each at itself', () => {
    expect(entries('10de:2684,,1002:73bf')).toEqual(['10de:2684|0|10de:2684||100-109', '1002:73bf|11|1002:73bf||111-120']);
    expect(entries(',')).toEqual([]);
    expect(vfioIdEntries(ids(undefined))).toEqual([]);
  });

  it('reads up to six hex fields, each after optional blanks and 0x; the rest is what follows the last field read', () => {
    expect(entries('0x10DE:0X2684')).toEqual(['0x10DE:0X2684|0|10DE:2684||100-113']);
    expect(entries(' 10de: 2684')).toEqual([' 10de: 2684|0|10de:2684||100-111']);
    expect(entries('10de:26g4')).toEqual(['10de:26g4|0|10de:26|g4|100-109']);
    expect(entries('10de:2684:1:2:3:4:5')).toEqual(['10de:2684:1:2:3:4:5|0|10de:2684:1:2:3:4|:5|100-119']);
    expect(entries('10de-2684')).toEqual(['10de-2684|0|10de|-2684|100-109']);
    expect(entries('10de:')).toEqual(['10de:|0|10de|:|100-105']);
    expect(entries('zz')).toEqual(['zz|0||zz|100-102']);
    // `0x` with no hex digit after it is not a prefix: the 0 is the field.
    expect(entries('0x:1')).toEqual(['0x:1|0|0|x:1|100-104']);
    expect(entries('0xg')).toEqual(['0xg|0|0|xg|100-103']);
    // Only `0x` is a prefix: in `ax2` the field is `a`, and `x2` is left.
    expect(entries('ax2')).toEqual(['ax2|0|a|x2|100-103']);
    expect(entries('10de:\t0x2684 ')).toEqual(['10de:\t0x2684 |0|10de:2684||100-113']);
  });

  it('an entry the file does not hold verbatim points at the whole parameter', () => {
    const p = ids('10de:2684,1002:73bf', false);
    expect(vfioIdEntries(p).map((e) => e.loc)).toEqual([p.loc, p.loc]);
    // A value location of another length than the value (quotes in between) is not verbatim either.
    const q = { ...ids('a:b'), valueLoc: { path: 'f.conf', start: 100, end: 105 } } as KernelParamFact;
    expect(vfioIdEntries(q)[0]!.loc).toBe(q.loc);
  });

  it('idOf: lower case, four digits as lspci -n prints them, longer kept', () => {
    expect(idOf(['10DE', '2684'])).toBe('10de:2684');
    expect(idOf(['0010de', '1'])).toBe('10de:0001');
    expect(idOf(['0', '000'])).toBe('0000:0000');
    expect(idOf(['12345', 'abcde'])).toBe('12345:abcde');
  });
});

const live = (host: Record<string, unknown>): LiveHost => {
  const doc = completeDocument({ format: 'vfio-lint-snapshot', version: 2, host });
  if (typeof doc === 'string') throw new Error(doc);
  return liveHost(doc.host, 'live', '/');
};
const pci = (address: string, vendor: string, device: string, cls: string, driver: string | null = null) => ({ address, vendor, device, class: cls, driver, iommuGroup: 1 });

describe('vfioTargets: the PCI devices the configuration gives to VFIO (vfio-targets.ts)', () => {
  const dom = (name: string, devices: string) => {
    const text = `<domain><name>${name}</name><devices>${devices}</devices></domain>`;
    return domainFacts(sourceFile(`${name}.xml`, text), `/etc/libvirt/qemu/${name}.xml`, domainView(`${name}.xml`, parseXml(text).root!));
  };
  const hostdev = (bus: string, extra = "managed='yes'", mode = '') => `<hostdev ${mode} type='pci' ${extra}><source><address domain='0x0000' bus='${bus}' slot='0x00' function='0x0'/></source></hostdev>`;

  it('every PCI hostdev in subsystem mode, by address, managed or not; the ids of the configured boot matched to live devices', () => {
    const a = dom('a', hostdev('0x01') + hostdev('0x02', "managed='no'") + hostdev('0x05', '', "mode='capabilities'") + "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1'/><product id='0x2'/></source></hostdev>");
    const b = dom('b', hostdev('0x01', '', "mode='subsystem'"));
    const running = live({ pci: [pci('0000:01:00.0', '10de', '2684', '030000'), pci('0000:03:00.0', '10de', '22ba', '040300'), pci('0000:04:00.0', '10de', '22ba', '040300')] });
    const host = buildHostModel([parseFile(sourceFile('/etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:22ba,1002:73bf\n'), 'modprobe', '/etc/modprobe.d/vfio.conf')], running);
    const t = vfioTargets(host, [a, b]);
    expect([...t.keys()]).toEqual(['0000:01:00.0', '0000:02:00.0', '0000:03:00.0', '0000:04:00.0']);
    expect(t.get('0000:01:00.0')!.hostdevs.map((h) => [h.domain.name, h.hostdev.managed])).toEqual([['a', true], ['b', false]]);
    expect(t.get('0000:01:00.0')!.device?.device).toBe('2684');
    expect(t.get('0000:02:00.0')!.hostdevs.map((h) => h.hostdev.managed)).toEqual([false]);
    expect(t.get('0000:02:00.0')!.device).toBeUndefined();
    expect(t.get('0000:03:00.0')!.ids.map((i) => `${i.vendor}:${i.device}`)).toEqual(['10de:22ba']);
    expect(t.get('0000:03:00.0')!.hostdevs).toEqual([]);
    expect(t.get('0000:04:00.0')!.ids).toHaveLength(1);
    // Without live PCI facts, ids cannot be matched: only hostdevs, without devices.
    const bare = vfioTargets(buildHostModel([parseFile(sourceFile('/etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:22ba\n'), 'modprobe', '/etc/modprobe.d/vfio.conf')]), [a]);
    expect([...bare.keys()]).toEqual(['0000:01:00.0', '0000:02:00.0']);
    expect(bare.get('0000:01:00.0')!.device).toBeUndefined();
    expect(vfioTargets(buildHostModel([]), []).size).toBe(0);
  });

  it('a device in words, and a sysfs place for live facts', () => {
    const d = { address: '0000:03:00.0', vendor: '1022', device: '43d5', driver: 'xhci_hcd' } as PciDevice;
    expect(describeDevice(d)).toBe('0000:03:00.0 (1022:43d5, xhci_hcd)');
    expect(describeDevice({ ...d, driver: null })).toBe('0000:03:00.0 (1022:43d5, no driver)');
    expect(describeDevice({ ...d, vendor: null })).toBe('0000:03:00.0 (unknown id, xhci_hcd)');
    expect(describeDevice({ ...d, device: null })).toBe('0000:03:00.0 (unknown id, xhci_hcd)');
    expect(sysfsLoc('0000:01:00.0')).toEqual({ path: '/sys/bus/pci/devices/0000:01:00.0', start: 0, end: 0 });
    expect(sysfsLoc('0000:01:00.0', 'reset_method')).toEqual({ path: '/sys/bus/pci/devices/0000:01:00.0/reset_method', start: 0, end: 0 });
    expect([...VFIO_SAFE_DRIVERS].sort()).toEqual(['pci-stub', 'pcieport', 'vfio-pci']);
  });
});

describe('display drivers by GPU vendor (display-drivers.ts)', () => {
  it('which vendor a display driver binds, and each vendor\'s drivers', () => {
    expect(['nouveau', 'nvidia', 'nvidia_drm', 'nvidia_modeset', 'nvidia_uvm', 'nvidia_peermem', 'nvidiafb'].map(displayVendorOf)).toEqual(Array(7).fill('10de'));
    expect(['amdgpu', 'radeon'].map(displayVendorOf)).toEqual(['1002', '1002']);
    expect(['i915', 'xe'].map(displayVendorOf)).toEqual(['8086', '8086']);
    expect(displayVendorOf('snd_hda_intel')).toBeUndefined();
    expect(displayVendorOf('nvidia-drm')).toBeUndefined();
    expect(displayDriversOf('1002')).toEqual(['amdgpu', 'radeon']);
    expect(displayDriversOf('8086')).toEqual(['i915', 'xe']);
    expect(displayDriversOf('1af4')).toEqual([]);
    expect(VENDOR_NAMES).toEqual({ '10de': 'NVIDIA', '1002': 'AMD', '8086': 'Intel' });
    expect(GPU_AUDIO_DRIVER).toBe('snd_hda_intel');
  });

  it('gpuIdsOf: a vendor\'s ids, display devices first; Intel ids only when the running host shows a display device', () => {
    const list = [
      { vendor: '10de', device: '22ba' },
      { vendor: '10de', device: '2684' },
      { vendor: '8086', device: '1533' },
      { vendor: '8086', device: '56a0' },
      { vendor: '1002', device: '73bf' },
    ];
    const running = live({ pci: [pci('0000:01:00.0', '10de', '2684', '030000'), pci('0000:01:00.1', '10de', '22ba', '040300'), pci('0000:02:00.0', '8086', '56a0', '038000'), pci('0000:03:00.0', '8086', '1533', '020000')] });
    const show = (xs: Array<{ vendor: string; device: string }>) => xs.map((i) => i.device);
    expect(show(gpuIdsOf(list, '10de', running))).toEqual(['2684', '22ba']);
    expect(show(gpuIdsOf(list, '10de', undefined))).toEqual(['22ba', '2684']);
    expect(show(gpuIdsOf(list, '8086', running))).toEqual(['56a0']);
    expect(show(gpuIdsOf(list, '8086', undefined))).toEqual([]);
    expect(show(gpuIdsOf(list, '1002', running))).toEqual(['73bf']);
    // A device with no class read is not known to be a display device.
    expect(show(gpuIdsOf(list, '8086', live({ pci: [{ ...pci('0000:02:00.0', '8086', '56a0', ''), class: null }] })))).toEqual([]);
    // A snapshot that did not read the PCI devices knows no Intel display device either.
    const noPci = live({ read: [] });
    expect(noPci.pci).toBeUndefined();
    expect(show(gpuIdsOf(list, '8086', noPci))).toEqual([]);
    expect(show(gpuIdsOf(list, '10de', noPci))).toEqual(['22ba', '2684']);
  });
});
