import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { iommuBoolValue, iommuItems, iommuOptions, type IommuParam } from '../../src/host/iommu-options.js';
import { kernelList } from '../../src/host/cpulists.js';
import { valueItems } from '../../src/host/params.js';

const cmdline = (text: string) => buildHostModel([parseFile(sourceFile('/etc/kernel/cmdline', `${text}\n`), 'kernel-cmdline', '/etc/kernel/cmdline')]).boot!;
const items = (key: IommuParam, value: string) => iommuItems({ ...cmdline(`${key}=${value}`).get(key)!, key }).map((i) => [i.text, i.option, i.enableWord]);

describe('the IOMMU family\'s options (iommu-options.ts)', () => {
  it('x86 options only for iommu= (nobypass is PowerPC\'s), plus the GART words; the others are the documented list', () => {
    const iommu = iommuOptions('iommu');
    expect(iommu).toContain('pt');
    expect(iommu).toContain('nopt');
    expect(iommu).not.toContain('nobypass');
    expect(iommu.slice(-2)).toEqual(['nodac', 'usedac']);
    expect(iommu).toContain('forcesac');
    expect(iommuOptions('amd_iommu')).toEqual(['fullflush', 'off', 'force_isolation', 'force_enable', 'pgtbl_v1', 'pgtbl_v2', 'irtcachedis', 'nohugepages', 'v2_pgsizes_only']);
    expect(iommuOptions('amd_iommu')).not.toContain('forcesac');
  });

  it('an item is the longest option it starts with; a leading digit is a GART size only on iommu=', () => {
    expect(items('iommu', 'forcesac,force,forcex,pt,1,x1,On')).toEqual([
      ['forcesac', 'forcesac', false],
      ['force', 'force', false],
      ['forcex', 'force', false],
      ['pt', 'pt', false],
      ['1', 'gart-size', true],
      ['x1', undefined, false],
      ['On', undefined, true],
    ]);
    expect(items('amd_iommu', 'ON,1,fullflushx,pt')).toEqual([
      ['ON', undefined, true],
      ['1', undefined, true],
      ['fullflushx', 'fullflush', false],
      ['pt', undefined, true],
    ]);
    expect(items('intel_iommu', 'on,yes')).toEqual([
      ['on', 'on', false],
      ['yes', undefined, true],
    ]);
  });

  it('iommu.passthrough= and iommu.strict= are kstrtobool values; the flag form is no value', () => {
    const c = cmdline('iommu.passthrough=1 iommu.strict=no iommu.passthrough iommu.strict=x');
    expect(iommuBoolValue(c.all('iommu.passthrough')[0]!)).toBe(true);
    expect(iommuBoolValue(c.all('iommu.passthrough')[1]!)).toBeUndefined();
    expect(iommuBoolValue(c.all('iommu.strict')[0]!)).toBe(false);
    expect(iommuBoolValue(c.all('iommu.strict')[1]!)).toBeUndefined();
  });
});

describe('CPU lists and values not written verbatim', () => {
  it('kernelList resolves N against the CPU count when it is known', () => {
    const l = kernelList('2-N', 8);
    expect(l.kind === 'ok' && l.set.toArray()).toEqual([2, 3, 4, 5, 6, 7]);
    expect(kernelList('2-N', undefined)).toEqual({ kind: 'unresolved', token: 'N' });
  });

  it('a grub value built from a variable is not in the file as the kernel gets it: items point at the whole parameter', () => {
    const text = 'M="b"\nGRUB_CMDLINE_LINUX="modprobe.blacklist=a,$M"\n';
    const p = buildHostModel([parseFile(sourceFile('/etc/default/grub', text), 'grub', '/etc/default/grub')]).boot!.get('modprobe.blacklist')!;
    expect(p.value).toBe('a,b');
    expect(p.valueLoc).toBeUndefined();
    expect(valueItems(p).map((i) => [i.text, i.loc])).toEqual([['a', p.loc], ['b', p.loc]]);
  });
});
