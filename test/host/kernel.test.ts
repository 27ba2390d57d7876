import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);
const cmdline = (text: string) => buildHostModel([file('kernel-cmdline', '/etc/kernel/cmdline', `${text}\n`)]).boot!;
const at = (p: { loc: { start: number } } | undefined) => p?.loc.start;

describe('which occurrence of a kernel parameter counts (kernel.ts)', () => {
  it('the last one with a value for most names; a flag occurrence and anything after -- are not it', () => {
    const c = cmdline('a=1 a=2 a -- a=3');
    expect(c.get('a')?.value).toBe('2');
    expect(at(c.get('a'))).toBe(4);
    expect(c.all('a').map(at)).toEqual([0, 4, 8]);
    expect(c.get('missing')).toBeUndefined();
    expect(c.all('missing')).toEqual([]);
  });

  it('the first one for isolcpus, nohz_full and default_hugepagesz (the kernel ignores a later one)', () => {
    const c = cmdline('isolcpus isolcpus=2-3 isolcpus=4-5 nohz_full=2 nohz_full=3 default_hugepagesz=1G default_hugepagesz=2M rcu_nocbs=1 rcu_nocbs=2');
    expect(c.get('isolcpus')?.value).toBe('2-3');
    expect(c.get('nohz_full')?.value).toBe('2');
    expect(c.get('default_hugepagesz')?.value).toBe('1G');
    expect(c.get('rcu_nocbs')?.value).toBe('2');
  });

  it('names match with - read as _', () => {
    const c = cmdline('vfio-pci.ids=10de:2684 vfio_pci.ids=1002:73bf');
    expect(c.get('vfio_pci.ids')?.value).toBe('1002:73bf');
    expect(c.all('vfio_pci.ids')).toHaveLength(2);
  });

  it('the CPU lists in effect, parsed against the host\'s CPU count', () => {
    const c = cmdline('isolcpus=managed_irq,domain,2-5 nohz_full=2-5 rcu_nocbs=2-N irqaffinity=0,1 nohz_full=9');
    const l = c.cpuLists;
    expect(l.isolcpus).toMatchObject({ flags: ['domain', 'managed_irq'], flagText: 'managed_irq,domain,' });
    expect(l.isolcpus?.param.value).toBe('managed_irq,domain,2-5');
    expect(l.isolcpus?.list.kind === 'ok' && l.isolcpus.list.set.toArray()).toEqual([2, 3, 4, 5]);
    expect(l.nohzFull?.list.kind === 'ok' && l.nohzFull.list.set.toArray()).toEqual([2, 3, 4, 5]);
    expect(l.rcuNocbs?.list).toEqual({ kind: 'unresolved', token: 'N' });
    expect(l.irqaffinity?.param.value).toBe('0,1');
    expect(c.cpuLists).toBe(l);
    expect(cmdline('quiet').cpuLists).toEqual({ isolcpus: undefined, nohzFull: undefined, rcuNocbs: undefined, irqaffinity: undefined });
  });

  it('an isolcpus value with no list read is invalid, with the parser\'s error and place', () => {
    // `nohz` without a comma swallows the list as a flag: the kernel drops the parameter.
    const iso = cmdline('isolcpus=nohz').cpuLists.isolcpus!;
    expect(iso.list).toMatchObject({ kind: 'invalid', start: 0, end: 4 });
    expect(iso.list.kind === 'invalid' && iso.list.message).toMatch(/^flag 'nohz' must be followed by ','/);
    expect(cmdline('isolcpus=2-1').cpuLists.isolcpus!.list).toMatchObject({ kind: 'invalid', start: 0, end: 3, message: expect.stringMatching(/backwards/) });
    expect(cmdline('rcu_nocbs=3-1').cpuLists.rcuNocbs?.list.kind).toBe('invalid');
  });
});
