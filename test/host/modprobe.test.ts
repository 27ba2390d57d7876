import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);

describe('modprobe.d as kmod answers (modprobe.ts)', () => {
  const host = buildHostModel([
    file('modprobe', '/etc/modprobe.d/a.conf', 'softdep nvidia pre: vfio-pci\ninstall nouveau /bin/false\nblacklist nouveau\noptions vfio-pci ids=10de:2684 disable_vga=1\n'),
    file('modprobe', '/etc/modprobe.d/b.conf', 'softdep nvidia pre: snd_hda_intel\ninstall nouveau /bin/true\nblacklist nouveau\noptions vfio_pci disable_vga=0\n'),
  ]);

  it('softdep, install and blacklist: the first line of a module, each kind on its own', () => {
    expect(host.modprobe.softdep('nvidia')?.pre).toEqual(['vfio_pci']);
    expect(host.modprobe.install('nouveau')?.command).toBe('/bin/false');
    expect(host.modprobe.blacklist('nouveau')?.file.systemPath).toBe('/etc/modprobe.d/a.conf');
    expect(host.modprobe.softdep('nouveau')).toBeUndefined();
    expect(host.modprobe.install('nvidia')).toBeUndefined();
    expect(host.modprobe.blacklist('nvidia')).toBeUndefined();
    // options lines are not softdep/install/blacklist answers.
    expect(host.modprobe.install('vfio_pci')).toBeUndefined();
  });

  it('moduleParams: every setting in the order the kernel applies them, modprobe.d then the configured command line', () => {
    const h = buildHostModel([
      file('modprobe', '/etc/modprobe.d/a.conf', 'options vfio-pci ids=10de:2684 disable_vga=1\noptions snd_hda_intel disable_vga=1\n'),
      file('modprobe', '/etc/modprobe.d/b.conf', 'options vfio_pci disable_vga\n'),
      file('grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX="vfio-pci.disable_vga=0 vfio_pci.ids=1 disable_vga=5"\n'),
      file('proc-cmdline', '/proc/cmdline', 'vfio_pci.disable_vga=9\n'),
    ]);
    const got = h.moduleParams('vfio_pci', 'disable_vga');
    expect(got.map((s) => [s.written, s.token, s.source.path, s.options?.file.systemPath])).toEqual([
      ['options vfio_pci disable_vga=1', 'disable_vga=1', '/etc/modprobe.d/a.conf', '/etc/modprobe.d/a.conf'],
      ['options vfio_pci disable_vga', 'disable_vga', '/etc/modprobe.d/b.conf', '/etc/modprobe.d/b.conf'],
      ['vfio-pci.disable_vga=0', 'vfio-pci.disable_vga=0', '/etc/default/grub', undefined],
    ]);
    expect(got.map((s) => s.param.loc.start)).toEqual([31, 17, 20]);
    expect(h.moduleParams('vfio_pci', 'nope')).toEqual([]);
  });
});
