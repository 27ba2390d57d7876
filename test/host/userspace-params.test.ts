import { describe, expect, it } from 'vitest';
import { userspaceParam, userspaceParamNames } from '../../src/host/userspace-params.js';

describe('userspaceParam: who reads a parameter the kernel passes to user space (userspace-params.ts)', () => {
  it('names only one initramfs generator reads', () => {
    expect(userspaceParam('rd.driver.pre')).toEqual({ reader: 'dracut', onlyFor: 'dracut' });
    expect(userspaceParam('rd.lvm.vg')).toEqual({ reader: 'dracut', onlyFor: 'dracut' });
    expect(userspaceParam('rd.timeout')).toEqual({ reader: 'dracut', onlyFor: 'dracut' });
    expect(userspaceParam('boot')).toEqual({ reader: 'initramfs-tools', onlyFor: 'initramfs-tools' });
    expect(userspaceParam('blacklist')).toEqual({ reader: 'initramfs-tools', onlyFor: 'initramfs-tools' });
    expect(userspaceParam('cryptdevice')).toEqual({ reader: 'mkinitcpio', onlyFor: 'mkinitcpio' });
    expect(userspaceParam('earlymodules')).toEqual({ reader: 'mkinitcpio', onlyFor: 'mkinitcpio' });
  });

  it('a dracut-only prefix with a name dracut does not have is unknown (a typo)', () => {
    expect(userspaceParam('rd.driver.pree')).toBeUndefined();
    expect(userspaceParam('rd.lvmx')).toBeUndefined();
  });

  it('systemd\'s and udev\'s names and prefixes, distribution kernels\', genkernel\'s, and dracut\'s shared ones', () => {
    expect(userspaceParam('systemd.unit')).toEqual({ reader: 'systemd', onlyFor: undefined });
    expect(userspaceParam('rd.systemd.unit')).toEqual({ reader: 'systemd', onlyFor: undefined });
    expect(userspaceParam('udev.log_level')).toEqual({ reader: 'systemd', onlyFor: undefined });
    expect(userspaceParam('splash')).toEqual({ reader: 'systemd', onlyFor: undefined });
    expect(userspaceParam('net.ifnames')).toEqual({ reader: 'systemd', onlyFor: undefined });
    expect(userspaceParam('root')).toEqual({ reader: 'systemd', onlyFor: undefined });
    expect(userspaceParam('vt.handoff')).toEqual({ reader: 'distribution kernel', onlyFor: undefined });
    expect(userspaceParam('pcie-acs-override')).toEqual({ reader: 'distribution kernel', onlyFor: undefined });
    expect(userspaceParam('dolvm')).toEqual({ reader: 'genkernel', onlyFor: undefined });
    expect(userspaceParam('gk.hw.load_all')).toEqual({ reader: 'genkernel', onlyFor: undefined });
    expect(userspaceParam('rd.luks.uuid')).toEqual({ reader: 'dracut', onlyFor: undefined });
    expect(userspaceParam('rd.udev.log_level')).toEqual({ reader: 'dracut', onlyFor: undefined });
    // A systemd prefix that is not one of dracut's names.
    expect(userspaceParam('rd.luks.other')).toEqual({ reader: 'systemd', onlyFor: undefined });
    expect(userspaceParam('rd.break')).toEqual({ reader: 'dracut', onlyFor: 'dracut' });
    expect(userspaceParam('rd.log')).toEqual({ reader: 'systemd', onlyFor: undefined });
    expect(userspaceParam('rootdelay')).toEqual({ reader: 'systemd', onlyFor: undefined });
  });

  it('- and _ are the same; anything else is unknown', () => {
    expect(userspaceParam('resume-offset')).toEqual({ reader: 'systemd', onlyFor: undefined });
    expect(userspaceParam('rd.driver-pre')).toBeUndefined();
    expect(userspaceParam('quiet')).toBeUndefined();
    expect(userspaceParam('intel_iommu')).toBeUndefined();
    expect(userspaceParam('systemdx')).toBeUndefined();
  });

  it('every exact name for did-you-mean, without the short ones', () => {
    const names = userspaceParamNames();
    for (const n of ['rd.driver.pre', 'net.ifnames', 'cryptdevice', 'dolvm', 'boot', 'rootwait']) expect(names, n).toContain(n);
    for (const n of ['ro', 'rw', 'S', '1', 'vt.handoff']) expect(names, n).not.toContain(n);
    // A short name another tool reads too is kept.
    for (const n of ['root', 'ip', 'init']) expect(names, n).toContain(n);
  });
});
