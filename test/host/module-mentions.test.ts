import { describe, it, expect } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { moduleMentions } from '../../src/host/module-mentions.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);

/** Each mention as a user reads it: the name, what is written at its place, where, and what a missing module does. */
function mentions(...files: Array<[FileKind, string, string]>) {
  const texts = new Map(files.map(([, p, t]) => [p, t]));
  return moduleMentions(buildHostModel(files.map(([k, p, t]) => file(k, p, t)))).map((m) => ({
    module: m.module,
    at: texts.get(m.loc.path)!.slice(m.loc.start, m.loc.end),
    written: m.written,
    place: m.place,
    label: m.label,
    missing: m.missing,
    optional: m.optional,
  }));
}

const mention = (module: string, written: string, place: string, label: string, missing: string, optional = false) => ({ module, at: written, written, place, label, missing, optional });

describe('moduleMentions: every module name the configuration writes', () => {
  it('modprobe.d: each command\'s module and softdep\'s modules; alias names and patterns are left out', () => {
    expect(
      mentions(['modprobe', '/etc/modprobe.d/vfio.conf', 'alias gpu-stub vfio-pci\noptions vfio-pci ids=10de:2503\nsoftdep nvidia pre: vfio-pci snd_hda* post: nvidia-drm\ninstall snd-* /bin/false\nblacklist nouveau\n']),
    ).toEqual([
      mention('vfio_pci', 'vfio-pci', 'modprobe', 'options in /etc/modprobe.d/vfio.conf', 'nothing'),
      mention('nvidia', 'nvidia', 'modprobe', 'softdep in /etc/modprobe.d/vfio.conf', 'nothing'),
      mention('vfio_pci', 'vfio-pci', 'modprobe', 'softdep pre: in /etc/modprobe.d/vfio.conf', 'nothing'),
      mention('nvidia_drm', 'nvidia-drm', 'modprobe', 'softdep post: in /etc/modprobe.d/vfio.conf', 'nothing'),
      mention('nouveau', 'nouveau', 'modprobe', 'blacklist in /etc/modprobe.d/vfio.conf', 'nothing'),
    ]);
  });

  it('modules-load.d: loaded at boot, a missing one is logged', () => {
    expect(mentions(['modules-load', '/etc/modules-load.d/vfio.conf', 'vfio_pci\n'])).toEqual([mention('vfio_pci', 'vfio_pci', 'modules-load', '/etc/modules-load.d/vfio.conf', 'log')]);
  });

  it('mkinitcpio MODULES: a missing module is an error, unless written `name?`', () => {
    expect(mentions(['mkinitcpio', '/etc/mkinitcpio.conf', 'MODULES=(vfio_pci vfio_iommu_type1?)\nHOOKS=(base udev modconf)\n'])).toEqual([
      mention('vfio_pci', 'vfio_pci', 'mkinitcpio', 'MODULES in /etc/mkinitcpio.conf', 'error'),
      mention('vfio_iommu_type1', 'vfio_iommu_type1?', 'mkinitcpio', 'MODULES in /etc/mkinitcpio.conf', 'nothing', true),
    ]);
  });

  it('dracut: force_drivers and add_drivers fail the build on a missing module, omit_drivers does nothing', () => {
    expect(mentions(['dracut', '/etc/dracut.conf.d/vfio.conf', 'force_drivers+=" vfio_pci "\nadd_drivers+=" vfio "\nomit_drivers+=" nouveau "\n'])).toEqual([
      mention('vfio_pci', 'vfio_pci', 'dracut', 'force_drivers in /etc/dracut.conf.d/vfio.conf', 'fail'),
      mention('vfio', 'vfio', 'dracut', 'add_drivers in /etc/dracut.conf.d/vfio.conf', 'fail'),
      mention('nouveau', 'nouveau', 'dracut', 'omit_drivers in /etc/dracut.conf.d/vfio.conf', 'nothing'),
    ]);
  });

  it('initramfs-tools: a missing module is logged; a trailing `?` is mkinitcpio\'s syntax, not optional here', () => {
    expect(mentions(['initramfs-modules', '/etc/initramfs-tools/modules', 'vfio_pci\nvfio?\n'])).toEqual([
      mention('vfio_pci', 'vfio_pci', 'initramfs-tools', '/etc/initramfs-tools/modules', 'log'),
      mention('vfio?', 'vfio?', 'initramfs-tools', '/etc/initramfs-tools/modules', 'log'),
    ]);
  });

  it('kernel command line lists: rd.driver.pre/post log a missing module, blacklists do nothing; empty items and patterns are skipped, spaces in a quoted list trimmed', () => {
    expect(
      mentions(['grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX_DEFAULT="quiet rd.driver.pre=vfio-pci,,vfio rd.driver.post=kvm module_blacklist=nvidia* modprobe.blacklist=nouveau rd.driver.blacklist=\\"nouveau, nvidia\\""\n']),
    ).toEqual([
      mention('vfio_pci', 'vfio-pci', 'cmdline', 'rd.driver.pre= in /etc/default/grub', 'log'),
      mention('vfio', 'vfio', 'cmdline', 'rd.driver.pre= in /etc/default/grub', 'log'),
      mention('kvm', 'kvm', 'cmdline', 'rd.driver.post= in /etc/default/grub', 'log'),
      mention('nouveau', 'nouveau', 'cmdline', 'modprobe.blacklist= in /etc/default/grub', 'nothing'),
      mention('nouveau', 'nouveau', 'cmdline', 'rd.driver.blacklist= in /etc/default/grub', 'nothing'),
      mention('nvidia', 'nvidia', 'cmdline', 'rd.driver.blacklist= in /etc/default/grub', 'nothing'),
    ]);
  });

  it('a list built from a grub variable is not in the file as the kernel gets it: each name is placed at the whole parameter', () => {
    const text = 'BLACKLIST="nvidia"\nGRUB_CMDLINE_LINUX="quiet modprobe.blacklist=nouveau,$BLACKLIST"\n';
    const host = buildHostModel([file('grub', '/etc/default/grub', text)]);
    const param = host.boot!.get('modprobe.blacklist')!;
    expect(param.value).toBe('nouveau,nvidia');
    expect(moduleMentions(host).map((m) => [m.module, m.loc])).toEqual([
      ['nouveau', param.loc],
      ['nvidia', param.loc],
    ]);
  });
});
