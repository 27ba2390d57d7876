import { describe, expect, it } from 'vitest';
import { systemPathOf } from '../../src/pipeline/inputs.js';

// Where a file given on its own sits on the machine decides its precedence among drop-ins.
describe('systemPathOf', () => {
  it('takes the path from etc/ on in a dotfiles checkout', () => {
    expect(systemPathOf('/home/u/dotfiles/hosts/desk/etc/modprobe.d/vfio.conf', 'modprobe')).toBe('/etc/modprobe.d/vfio.conf');
  });

  it('lets the rightmost anchor win', () => {
    expect(systemPathOf('/home/u/usr/dotfiles/etc/modprobe.d/x.conf', 'modprobe')).toBe('/etc/modprobe.d/x.conf');
    // The longest system path that matches: /usr/lib/modprobe.d, not its /lib/modprobe.d tail.
    expect(systemPathOf('/srv/etc/backup/usr/lib/modprobe.d/nvidia.conf', 'modprobe')).toBe('/usr/lib/modprobe.d/nvidia.conf');
  });

  it('tries every anchor before the default directory', () => {
    // Nested below modprobe.d is not a modprobe.d file, from /lib/ or from /etc/: the kind's own directory is used.
    expect(systemPathOf('/x/etc/modprobe.d/lib/stuff/a.conf', 'modprobe')).toBe('/etc/modprobe.d/a.conf');
  });

  it('reads Windows separators as slashes', () => {
    expect(systemPathOf('C:\\dots\\etc\\sysctl.d\\99-vfio.conf', 'sysctl')).toBe('/etc/sysctl.d/99-vfio.conf');
  });

  it('matches an anchor at the very start', () => {
    expect(systemPathOf('/etc/default/grub', 'grub')).toBe('/etc/default/grub');
  });

  it("uses the kind's usual directory when no anchor fits", () => {
    expect(systemPathOf('/home/u/vfio.conf', 'modprobe')).toBe('/etc/modprobe.d/vfio.conf');
    expect(systemPathOf('/home/u/etcetera/modprobe.d/a.conf', 'modprobe')).toBe('/etc/modprobe.d/a.conf');
    expect(systemPathOf('/vms/win11.xml', 'domain')).toBe('/win11.xml');
    // An XML file's kind comes from its root element; its place only from libvirt's own folders.
    expect(systemPathOf('/srv/etc/libvirt/qemu/win11.xml', 'domain')).toBe('/etc/libvirt/qemu/win11.xml');
    expect(systemPathOf('/srv/etc/qemu/win11.xml', 'domain')).toBe('/win11.xml');
  });
});
