import { describe, it, expect } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { modprobeInImage } from '../../src/host/initramfs-contents.js';
import type { FileKind } from '../../src/model/machine.js';

// The whole answer, as the rules word their findings from it (how, why, and the place that says so).
const answer = (kind: FileKind, systemPath: string, text: string, conf = '/etc/modprobe.d/vfio.conf') => {
  const cfg = buildHostModel([parseFile(sourceFile(systemPath, text), kind, systemPath)]).initramfs[0]!;
  return modprobeInImage(cfg, conf);
};
/** The place [start, end) of `word` in `text`, as a Loc in `path`. */
const at = (path: string, text: string, word: string) => ({ path, start: text.indexOf(word), end: text.indexOf(word) + word.length });

describe('modprobeInImage: the answer and its reasons', () => {
  it('a file not ending in .conf is never read, whatever the generator', () => {
    expect(answer('mkinitcpio', '/etc/mkinitcpio.conf', 'HOOKS=(base udev modconf)\n', '/etc/modprobe.d/vfio')).toEqual({ carried: false, why: 'only files ending in .conf are read', at: undefined, atSays: '' });
  });

  it('mkinitcpio: FILES naming the file, the modconf hook, HOOKS without it, HOOKS unknown', () => {
    const files = 'FILES=(/etc/modprobe.d/vfio.conf)\nHOOKS=(base udev)\n';
    expect(answer('mkinitcpio', '/etc/mkinitcpio.conf', files)).toEqual({ carried: true, how: 'FILES names it', at: at('/etc/mkinitcpio.conf', files, '/etc/modprobe.d/vfio.conf') });
    const modconf = 'HOOKS=(base udev autodetect modconf kms)\n';
    expect(answer('mkinitcpio', '/etc/mkinitcpio.conf', modconf)).toEqual({ carried: true, how: 'the modconf hook copies it', at: at('/etc/mkinitcpio.conf', modconf, 'modconf') });
    const without = 'HOOKS=(base udev autodetect kms)\n';
    expect(answer('mkinitcpio', '/etc/mkinitcpio.conf', without)).toEqual({ carried: false, why: 'HOOKS has no modconf and FILES does not name it', at: at('/etc/mkinitcpio.conf', without, 'base'), atSays: 'HOOKS, without modconf' });
    expect(answer('mkinitcpio', '/etc/mkinitcpio.conf', 'MODULES=(vfio_pci)\n')).toEqual({ carried: 'unknown', why: 'HOOKS is not known from the files given' });
  });

  it('FILES globs: * and ? stay within a path component, other characters match themselves, an unclosed [ matches nothing', () => {
    const carried = (word: string) => answer('mkinitcpio', '/etc/mkinitcpio.conf', `FILES=(${word})\nHOOKS=(base udev)\n`).carried;
    expect(carried('/etc/modprobe.d/*.conf')).toBe(true);
    expect(carried('/etc/modprobe.d/vfio?conf')).toBe(true);
    expect(carried('/etc/modprobe.d/nvidia*.conf')).toBe(false);
    expect(carried('/etc/*.conf')).toBe(false);
    expect(carried('/etc/modprobe.d/vfio.con?')).toBe(true);
    expect(carried('/etc/modprobe.d/vfio+conf')).toBe(false);
    expect(carried('/etc/modprobe.d/[vfio.conf')).toBe(false);
  });

  it('dracut: install_items, /usr/lib and /lib always, host-only yes and no, hostonly unset', () => {
    const items = 'hostonly="no"\ninstall_items+=" /etc/modprobe.d/vfio.conf "\n';
    expect(answer('dracut', '/etc/dracut.conf', items)).toEqual({ carried: true, how: 'install_items names it', at: at('/etc/dracut.conf', items, '/etc/modprobe.d/vfio.conf') });
    for (const conf of ['/usr/lib/modprobe.d/vfio.conf', '/lib/modprobe.d/vfio.conf']) {
      expect(answer('dracut', '/etc/dracut.conf', 'hostonly="no"\n', conf)).toEqual({ carried: true, how: 'dracut copies /usr/lib/modprobe.d always', at: undefined });
    }
    const yes = 'hostonly="yes"\n';
    expect(answer('dracut', '/etc/dracut.conf', yes)).toEqual({ carried: true, how: 'the image is host-only (hostonly="yes")', at: at('/etc/dracut.conf', yes, 'hostonly="yes"') });
    const no = 'hostonly="no"\n';
    expect(answer('dracut', '/etc/dracut.conf', no)).toEqual({
      carried: false,
      why: 'the image is not host-only, which it must be to carry /etc/modprobe.d, and install_items does not name the file',
      at: at('/etc/dracut.conf', no, 'hostonly="no"'),
      atSays: 'the image is made generic here',
    });
    expect(answer('dracut', '/etc/dracut.conf', 'add_drivers+=" vfio_pci "\n')).toEqual({ carried: 'unknown', why: "no file given sets hostonly, whose default is the distribution's" });
  });

  it('initramfs-tools: mkinitramfs copies every modprobe.d file', () => {
    expect(answer('initramfs-modules', '/etc/initramfs-tools/modules', 'vfio_pci\n')).toEqual({ carried: true, how: 'mkinitramfs copies every modprobe.d file', at: undefined });
  });
});
