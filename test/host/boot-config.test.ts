import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { compareVersions, compared, comparedText, diffCmdlines, diffIsEmpty, grubConfigFacts, loaderAdded, loaderEntryInfo, newestLoaderEntry } from '../../src/host/boot-config.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);
const cfg = (systemPath: string, text: string) => file('grub-cfg', systemPath, text);
const entry = (title: string, args: string | undefined) => `menuentry '${title}' --class os {\n\tinsmod gzio\n${args === undefined ? '' : `\tlinux /vmlinuz ${args}\n`}}\n`;
const keys = (ps: ReadonlyArray<{ token: string }>) => ps.map((p) => p.token);

describe('grubConfigFacts: the generated grub.cfg the loader reads (boot-config.ts)', () => {
  it('every entry that boots Linux, in file order; the default is the first one at the top level', () => {
    const text = `${entry('Firmware setup', undefined)}submenu 'Advanced' {\n${entry('Linux 6.1 recovery', 'root=/dev/sda1 ro single')}}\n${entry('Linux', 'root=/dev/sda1 ro quiet iommu=pt')}${entry('Linux 6.1', 'quiet')}`;
    const f = cfg('/boot/grub/grub.cfg', text);
    const g = grubConfigFacts([f])!;
    expect(g.file).toBe(f);
    expect(g.entries.map((e) => e.title)).toEqual(['Linux 6.1 recovery', 'Linux', 'Linux 6.1']);
    expect(g.defaultEntry).toBe(g.entries[1]);
    const d = g.defaultEntry!;
    expect(text.slice(d.titleLoc.start, d.titleLoc.end)).toBe('Linux');
    expect(text.slice(d.lineLoc.start, d.lineLoc.end)).toBe('linux /vmlinuz root=/dev/sda1 ro quiet iommu=pt');
    expect(d.titleLoc.path).toBe('/boot/grub/grub.cfg');
    expect(d.lineLoc.path).toBe('/boot/grub/grub.cfg');
    expect(d.params.map((p) => `${p.key}=${p.value}`)).toEqual(['root=/dev/sda1', 'ro=undefined', 'quiet=undefined', 'iommu=pt']);
    expect(text.slice(d.params[3]!.loc.start, d.params[3]!.loc.end)).toBe('iommu=pt');
  });

  it('no entry at the top level: no default entry', () => {
    const g = grubConfigFacts([cfg('/boot/grub/grub.cfg', `submenu 'Advanced' {\n${entry('Linux', 'quiet')}}\n`)])!;
    expect(g.entries).toHaveLength(1);
    expect(g.defaultEntry).toBeUndefined();
  });

  it('/boot/grub first, then /boot/grub2, then a copy elsewhere; a stub without entries is passed over', () => {
    const grub = cfg('/boot/grub/grub.cfg', entry('Debian', 'quiet a=1'));
    const grub2 = cfg('/boot/grub2/grub.cfg', entry('Fedora', 'quiet a=2'));
    const esp = cfg('/boot/efi/EFI/fedora/grub.cfg', entry('ESP', 'quiet a=3'));
    const stub = cfg('/boot/grub/grub.cfg', "search --no-floppy --fs-uuid --set=dev 1234\nset prefix=($dev)/grub2\nconfigfile $prefix/grub.cfg\n");
    expect(grubConfigFacts([esp, grub2, grub])?.file).toBe(grub);
    expect(grubConfigFacts([esp, grub2])?.file).toBe(grub2);
    expect(grubConfigFacts([grub2, esp])?.file).toBe(grub2);
    expect(grubConfigFacts([esp])?.file).toBe(esp);
    expect(grubConfigFacts([stub, esp])?.file).toBe(esp);
    expect(grubConfigFacts([esp, stub])?.defaultEntry?.title).toBe('ESP');
    // Only stubs: the first in order, with no entries.
    const stub2 = cfg('/boot/grub2/grub.cfg', 'configfile /x\n');
    expect(grubConfigFacts([stub2, stub])).toEqual({ file: stub, entries: [], defaultEntry: undefined });
    expect(grubConfigFacts([stub])).toEqual({ file: stub, entries: [], defaultEntry: undefined });
  });

  it('no grub.cfg given: undefined, and the host model has none', () => {
    const grub = file('grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX="quiet"\n');
    expect(grubConfigFacts([grub])).toBeUndefined();
    expect(grubConfigFacts([])).toBeUndefined();
    expect(buildHostModel([grub]).grubCfg).toBeUndefined();
    expect(buildHostModel([grub, cfg('/boot/grub/grub.cfg', entry('L', 'quiet'))]).grubCfg?.defaultEntry?.title).toBe('L');
  });
});

describe('comparing command lines, leaving out what the loader adds', () => {
  it('root=, ro, rw, rootflags=, BOOT_IMAGE=, initrd=, vt.handoff, systemd.machine_id and GRUB variables are the loader\'s', () => {
    for (const name of ['root', 'ro', 'rw', 'rootflags', 'BOOT_IMAGE', 'initrd', 'vt.handoff', 'systemd.machine_id']) expect(loaderAdded({ key: name, name }), name).toBe(true);
    expect(loaderAdded({ key: '$vt_handoff', name: '$vt_handoff' })).toBe(true);
    expect(loaderAdded({ key: 'quiet', name: 'quiet' })).toBe(false);
    expect(loaderAdded({ key: 'x$', name: 'x$' })).toBe(false);
    expect(keys(comparedText('BOOT_IMAGE=/vmlinuz root=UUID=1 ro $vt_handoff quiet iommu=pt vfio-pci.ids=10de:2503 -- single'))).toEqual(['quiet', 'iommu=pt', 'vfio_pci.ids=10de:2503']);
    expect(comparedText('vfio-pci.ids=1 quiet').map((p) => [p.key, p.text, p.fact])).toEqual([
      ['vfio_pci.ids', 'vfio-pci.ids=1', undefined],
      ['quiet', 'quiet', undefined],
    ]);
  });

  it('compared() keeps where each parameter is written', () => {
    const host = buildHostModel([file('kernel-cmdline', '/etc/kernel/cmdline', 'root=/dev/sda1 rw vfio-pci.ids=10de:2503 quiet -- init=/bin/sh\n')]);
    const c = compared(host.boot!.params);
    expect(c.map((p) => [p.key, p.token, p.text, p.fact?.loc.start])).toEqual([
      ['vfio_pci.ids', 'vfio_pci.ids=10de:2503', 'vfio-pci.ids=10de:2503', 18],
      ['quiet', 'quiet', 'quiet', 41],
    ]);
  });

  it('diffCmdlines: names only one side has, and names both have with other values (order aside)', () => {
    const d = diffCmdlines(comparedText('quiet a=1 a=2 b=1 c=1 e'), comparedText('c=1 a=2 a=1 b=2 b=3 d=4 d=5'));
    expect(keys(d.onlyA)).toEqual(['quiet', 'e']);
    expect(keys(d.onlyB)).toEqual(['d=4', 'd=5']);
    expect(d.changed.map((c) => [c.key, keys(c.a), keys(c.b)])).toEqual([['b', ['b=1'], ['b=2', 'b=3']]]);
    expect(diffIsEmpty(d)).toBe(false);
    // Same tokens, other order or spelling of the name: no difference.
    expect(diffIsEmpty(diffCmdlines(comparedText('a=1 vfio-pci.ids=1 a=2'), comparedText('a=2 vfio_pci.ids=1 a=1 root=x')))).toBe(true);
    // Same count, different values; a value against the flag form.
    expect(diffCmdlines(comparedText('a=1 a=2'), comparedText('a=1 a=3')).changed.map((c) => c.key)).toEqual(['a']);
    expect(diffCmdlines(comparedText('a=1 a=1'), comparedText('a=1')).changed.map((c) => c.key)).toEqual(['a']);
    expect(diffCmdlines(comparedText('a'), comparedText('a=1')).changed.map((c) => c.key)).toEqual(['a']);
    for (const [a, b] of [['x', ''], ['', 'x'], ['x=1', 'x=2']]) expect(diffIsEmpty(diffCmdlines(comparedText(a!), comparedText(b!))), `${a} | ${b}`).toBe(false);
  });
});

describe('loader entries: their title and version, and the one systemd-boot boots by default', () => {
  const bls = (name: string, text: string) => file('bls-entry', `/boot/loader/entries/${name}`, text);
  const sources = (...files: ReturnType<typeof bls>[]) => buildHostModel(files).cmdlines;

  it('title and version lines; none for other sources', () => {
    const [s] = sources(bls('a.conf', 'title Arch Linux\nversion 6.8.1-arch1\noptions quiet\n'));
    expect(loaderEntryInfo(s!)).toEqual({ title: 'Arch Linux', version: '6.8.1-arch1' });
    const [k] = buildHostModel([file('kernel-cmdline', '/etc/kernel/cmdline', 'quiet\n')]).cmdlines;
    expect(loaderEntryInfo(k!)).toEqual({ title: undefined, version: undefined });
    expect(loaderEntryInfo(sources(bls('b.conf', 'options quiet\n'))[0]!)).toEqual({ title: undefined, version: undefined });
  });

  it('the newest version wins, compared as systemd compares versions; an entry without one by its file name', () => {
    const newest = (...files: ReturnType<typeof bls>[]) => newestLoaderEntry(sources(...files))?.file.systemPath;
    expect(newest(bls('a.conf', 'version 6.9.1\n'), bls('b.conf', 'version 6.10.0\n'), bls('c.conf', 'version 6.2\n'))).toBe('/boot/loader/entries/b.conf');
    expect(newest(bls('b.conf', 'version 6.10.0\n'), bls('a.conf', 'version 6.9.1\n'))).toBe('/boot/loader/entries/b.conf');
    // Equal versions: the first stays.
    expect(newest(bls('x.conf', 'version 6.1\n'), bls('y.conf', 'version 6.1\n'))).toBe('/boot/loader/entries/x.conf');
    expect(newest(bls('arch.conf', 'options quiet\n'), bls('arch-lts.conf', 'options quiet\n'))).toBe('/boot/loader/entries/arch.conf');
    // Only loader entries count.
    expect(newestLoaderEntry(buildHostModel([file('kernel-cmdline', '/etc/kernel/cmdline', 'quiet\n')]).cmdlines)).toBeUndefined();
    expect(newestLoaderEntry([])).toBeUndefined();
  });

  it('compareVersions: digit runs by value (leading zeros last among equals), other runs by text, a longer version after its prefix', () => {
    const sign = (a: string, b: string) => Math.sign(compareVersions(a, b));
    expect(sign('6.10', '6.9')).toBe(1);
    expect(sign('6.9', '6.10')).toBe(-1);
    expect(sign('6.9', '6.9')).toBe(0);
    expect(sign('010', '10')).toBe(1);
    expect(sign('10', '010')).toBe(-1);
    expect(sign('6.9-rc1', '6.9')).toBe(1);
    expect(sign('6.9', '6.9-rc1')).toBe(-1);
    expect(sign('6.9a', '6.9b')).toBe(-1);
    expect(sign('6.9b', '6.9a')).toBe(1);
    expect(sign('a', '1')).toBe(1);
    expect(sign('1', 'a')).toBe(-1);
    expect(sign('', '')).toBe(0);
    expect(sign('', '1')).toBe(-1);
    expect(compareVersions('6.12', '6.9')).toBe(3);
  });
});
