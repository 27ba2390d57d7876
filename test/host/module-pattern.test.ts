import { describe, expect, it } from 'vitest';
import { fnmatchModule } from '../../src/host/module-pattern.js';

// kmod matches a softdep's module with fnmatch(3), flags 0 (libkmod-module.c, kmod_module_get_softdeps).
describe('fnmatchModule', () => {
  it('compares plain names exactly', () => {
    expect(fnmatchModule('snd_hda_intel', 'snd_hda_intel')).toBe(true);
    expect(fnmatchModule('snd_hda', 'snd_hda_intel')).toBe(false);
  });
  it('reads *, ? and bracket classes as fnmatch does', () => {
    expect(fnmatchModule('snd*', 'snd_hda_intel')).toBe(true);
    expect(fnmatchModule('xhci*', 'ehci_pci')).toBe(false);
    expect(fnmatchModule('xhci?pci', 'xhci_pci')).toBe(true);
    expect(fnmatchModule('[ae]hci_pci', 'ehci_pci')).toBe(true);
    expect(fnmatchModule('[!e]hci_pci', 'ehci_pci')).toBe(false);
    expect(fnmatchModule('[!e]hci_pci', 'ohci_pci')).toBe(true);
  });
  it('bracket edges: an unclosed [ is itself, a ] first in a class is a member, ! negates, an empty range matches nothing', () => {
    expect([fnmatchModule('snd[x*', 'snd[x_y'), fnmatchModule('snd[x*', 'sndx_y')]).toEqual([true, false]);
    expect([fnmatchModule('a[]x]', 'a]'), fnmatchModule('a[]x]', 'ax'), fnmatchModule('a[]x]', 'ay')]).toEqual([true, true, false]);
    expect([fnmatchModule(']x[y]', ']xy'), fnmatchModule('[!e]x', '!x'), fnmatchModule('[ae]hci_pci', 'shci_pci')]).toEqual([true, true, false]);
    expect(fnmatchModule('[z-a]x', 'bx')).toBe(false);
  });
  it('negates with ^ as glibc does, and takes a ] right after the negation as a member', () => {
    expect([fnmatchModule('[^e]hci_pci', 'ehci_pci'), fnmatchModule('[^e]hci_pci', 'ohci_pci'), fnmatchModule('[^e]x', '^x')]).toEqual([false, true, true]);
    expect([fnmatchModule('a[!]]', 'a]'), fnmatchModule('a[!]]', 'ab'), fnmatchModule('a[^]x]', 'ax'), fnmatchModule('a[^]x]', 'ay')]).toEqual([false, true, false, true]);
  });
  it('takes regular-expression characters literally', () => {
    expect(fnmatchModule('a.c*', 'abc_x')).toBe(false);
    expect(fnmatchModule('a.c*', 'a.c_x')).toBe(true);
  });
});
