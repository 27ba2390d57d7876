import { describe, it, expect } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { modprobeInImage } from '../../src/host/initramfs-contents.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);
const config = (kind: FileKind, systemPath: string, text: string) => buildHostModel([file(kind, systemPath, text)]).initramfs[0]!;
const carried = (kind: FileKind, systemPath: string, text: string, conf = '/etc/modprobe.d/vfio.conf') => modprobeInImage(config(kind, systemPath, text), conf).carried;

describe('modprobeInImage: is a modprobe.d file inside the initramfs image', () => {
  it('mkinitcpio: only with the modconf hook, or the file (or a glob) in FILES', () => {
    expect(carried('mkinitcpio', '/etc/mkinitcpio.conf', 'HOOKS=(base udev autodetect modconf kms)\n')).toBe(true);
    expect(carried('mkinitcpio', '/etc/mkinitcpio.conf', 'HOOKS=(base udev autodetect kms)\n')).toBe(false);
    expect(carried('mkinitcpio', '/etc/mkinitcpio.conf', 'FILES=(/etc/modprobe.d/vfio.conf)\nHOOKS=(base udev)\n')).toBe(true);
    expect(carried('mkinitcpio', '/etc/mkinitcpio.conf', 'FILES=(/etc/modprobe.d/*.conf)\nHOOKS=(base udev)\n')).toBe(true);
    expect(carried('mkinitcpio', '/etc/mkinitcpio.conf', 'FILES=(/etc/modprobe.d/other.conf)\nHOOKS=(base udev)\n')).toBe(false);
    // modconf copies *.conf only
    expect(carried('mkinitcpio', '/etc/mkinitcpio.conf', 'HOOKS=(base udev modconf)\n', '/etc/modprobe.d/vfio')).toBe(false);
  });

  it('mkinitcpio: HOOKS unknown (not set in the files given, or built by a command) is unknown, not false', () => {
    expect(carried('mkinitcpio', '/etc/mkinitcpio.conf', 'MODULES=(vfio_pci)\n')).toBe('unknown');
    expect(carried('mkinitcpio', '/etc/mkinitcpio.conf', 'HOOKS=(base udev $(extra_hooks))\n')).toBe('unknown');
  });

  it('dracut: /etc/modprobe.d only in a host-only image or through install_items; /usr/lib always; unset hostonly is unknown', () => {
    expect(carried('dracut', '/etc/dracut.conf', 'hostonly="yes"\n')).toBe(true);
    expect(carried('dracut', '/etc/dracut.conf', 'hostonly="no"\n')).toBe(false);
    expect(carried('dracut', '/etc/dracut.conf', 'hostonly="no"\ninstall_items+=" /etc/modprobe.d/vfio.conf "\n')).toBe(true);
    expect(carried('dracut', '/etc/dracut.conf', 'hostonly="no"\n', '/usr/lib/modprobe.d/vfio.conf')).toBe(true);
    expect(carried('dracut', '/etc/dracut.conf', 'add_drivers+=" vfio_pci "\n')).toBe('unknown');
  });

  it('initramfs-tools: always', () => {
    expect(carried('initramfs-modules', '/etc/initramfs-tools/modules', 'vfio_pci\n')).toBe(true);
  });
});
