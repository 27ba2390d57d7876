import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseGrubCfg } from '../../src/parsers/grub-cfg/index.js';
import { fuzzParams } from '../helpers/fuzz.js';

// The layout of grub-mkconfig's output on Debian (after AXDOOMER/my-linux-config boot/grub/grub.cfg):
// a top-level entry, a submenu with a normal and a recovery entry, functions and conditions around them.
const DEBIAN = [
  '### BEGIN /etc/grub.d/00_header ###',
  'function load_video {',
  '  if [ x$feature_all_video_module = xy ]; then',
  '    insmod all_video',
  '  fi',
  '}',
  '### END /etc/grub.d/00_header ###',
  "menuentry 'Debian GNU/Linux' --class debian --class gnu-linux $menuentry_id_option 'gnulinux-simple-3378' {",
  '\tload_video',
  '\tif [ x$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi',
  "\techo\t'Loading Linux 4.9.0-3-amd64 ...'",
  '\tlinux\t/vmlinuz-4.9.0-3-amd64 root=/dev/mapper/debian--vg-root ro  quiet intel_iommu=on',
  '\tinitrd\t/initrd.img-4.9.0-3-amd64',
  '}',
  "submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-3378' {",
  "\tmenuentry 'Debian GNU/Linux, with Linux 4.9.0-3-amd64 (recovery mode)' --class debian {",
  '\t\tlinux\t/vmlinuz-4.9.0-3-amd64 root=/dev/mapper/debian--vg-root ro single ',
  '\t}',
  '}',
  "menuentry 'UEFI Firmware Settings' $menuentry_id_option 'uefi-firmware' {",
  '\tfwsetup',
  '}',
  '',
].join('\n');

describe('parseGrubCfg', () => {
  it('reads each menu entry, its submenus and its linux line with exact offsets', () => {
    const f = parseGrubCfg(DEBIAN);
    expect(f.problems).toEqual([]);
    expect(f.entries.map((e) => [e.title, e.submenus, e.linux?.command, e.linux?.kernel])).toEqual([
      ['Debian GNU/Linux', [], 'linux', '/vmlinuz-4.9.0-3-amd64'],
      ['Debian GNU/Linux, with Linux 4.9.0-3-amd64 (recovery mode)', ['Advanced options for Debian GNU/Linux'], 'linux', '/vmlinuz-4.9.0-3-amd64'],
      ['UEFI Firmware Settings', [], undefined, undefined],
    ]);
    const [first, recovery] = f.entries;
    expect(DEBIAN.slice(first!.titleStart, first!.titleEnd)).toBe('Debian GNU/Linux');
    expect(first!.linux!.params.map((p) => DEBIAN.slice(p.start, p.end))).toEqual(['root=/dev/mapper/debian--vg-root', 'ro', 'quiet', 'intel_iommu=on']);
    expect(DEBIAN.slice(first!.linux!.start, first!.linux!.end)).toBe('linux\t/vmlinuz-4.9.0-3-amd64 root=/dev/mapper/debian--vg-root ro  quiet intel_iommu=on');
    expect(recovery!.linux!.params.map((p) => p.name)).toEqual(['root', 'ro', 'single']);
    expect(f.comments.map((c) => c.body)).toEqual(['### BEGIN /etc/grub.d/00_header ###', '### END /etc/grub.d/00_header ###']);
  });

  it('keeps only the first linux command of an entry, and linuxefi, linux16 and GRUB variables as written', () => {
    const text = "menuentry 'Fedora' {\n  linuxefi /vmlinuz-6.5 root=UUID=x ro rhgb $tuned_params\n  linux16 /other\n}\nmenuentry \"old\" {\n linux16 /vmlinuz nomodeset\n}\n";
    const f = parseGrubCfg(text);
    expect(f.entries.map((e) => [e.title, e.linux?.command, e.linux?.params.map((p) => p.name)])).toEqual([
      ['Fedora', 'linuxefi', ['root', 'ro', 'rhgb', '$tuned_params']],
      ['old', 'linux16', ['nomodeset']],
    ]);
  });

  it('says when blocks do not balance or an entry does not open on its line, and still reads the rest', () => {
    const f = parseGrubCfg("}\nmenuentry 'x'\n{\nmenuentry 'y' {\n linux /k quiet\n");
    expect(f.problems.map((p) => p.code)).toEqual(['grub-cfg-unbalanced', 'grub-cfg-layout', 'grub-cfg-unbalanced']);
    expect(f.entries.map((e) => [e.title, e.linux?.params.length])).toEqual([['y', 1]]);
  });

  it('reads a stub that only loads another grub.cfg as a file with no entries', () => {
    const f = parseGrubCfg("search.fs_uuid 1c2d-3e4f root hd0,gpt2\nset prefix=($root)'/boot/grub'\nconfigfile $prefix/grub.cfg\n");
    expect(f).toMatchObject({ entries: [], problems: [] });
  });

  it('reads the snapshot fixtures\' grub.cfg files (Ubuntu, Arch) with their first entry', () => {
    for (const [name, title] of [['amd-b450-nvidia-shared-group', 'Ubuntu'], ['intel-iommu-off', 'Arch Linux']] as const) {
      const text = readFileSync(new URL(`../fixtures/snapshots/${name}/root/boot/grub/grub.cfg`, import.meta.url), 'utf8');
      const f = parseGrubCfg(text);
      expect(f.problems).toEqual([]);
      expect(f.entries[0]!.title).toBe(title);
      expect(f.entries[0]!.linux!.params.length).toBeGreaterThan(2);
    }
  });

  it('never throws, keeps every range inside the text, and parameters inside their linux line', () => {
    const words = fc.constantFrom('menuentry ', 'submenu ', "'t' ", '{', '}', 'linux ', '/k ', 'quiet ', 'a="b c" ', '\n', '\t', '#', 'function f {', 'if x; then', 'fi');
    fc.assert(
      fc.property(fc.array(words, { maxLength: 60 }).map((a) => a.join('')), (text) => {
        const f = parseGrubCfg(text);
        for (const e of f.entries) {
          expect(e.titleStart).toBeLessThanOrEqual(e.titleEnd);
          expect(e.titleEnd).toBeLessThanOrEqual(text.length);
          if (!e.linux) continue;
          expect(text.slice(e.linux.start).startsWith(e.linux.command)).toBe(true);
          for (const p of e.linux.params) {
            expect(p.start).toBeGreaterThanOrEqual(e.linux.start);
            expect(p.end).toBeLessThanOrEqual(e.linux.end);
          }
        }
        for (const p of f.problems) expect(p.end).toBeLessThanOrEqual(text.length);
      }),
      fuzzParams(),
    );
  });
});
