import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { discoverHostTree } from '../../src/host/discover.js';
import { compareNames } from '../../src/host/dirs.js';
import type { FileKind } from '../../src/model/machine.js';

/** A parsed file that sits at `systemPath` on the machine (its display path is the same). */
const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);

describe('modprobe.d precedence (kmod)', () => {
  it('a file in /etc hides the same-named file in /usr/lib; the hidden one contributes nothing', () => {
    const host = buildHostModel([
      file('modprobe', '/usr/lib/modprobe.d/nvidia.conf', 'blacklist nouveau\n'),
      file('modprobe', '/etc/modprobe.d/nvidia.conf', 'options nouveau modeset=0\n'),
    ]);
    expect(host.modprobe.effective.map((f) => f.systemPath)).toEqual(['/etc/modprobe.d/nvidia.conf']);
    expect(host.modprobe.shadowed.map((s) => [s.file.systemPath, s.by.systemPath])).toEqual([['/usr/lib/modprobe.d/nvidia.conf', '/etc/modprobe.d/nvidia.conf']]);
    expect(host.modprobe.facts.map((f) => `${f.keyword} ${f.module}`)).toEqual(['options nouveau']);
  });

  it('surviving files are read in one lexical order of basename, whatever their directory', () => {
    const host = buildHostModel([
      file('modprobe', '/etc/modprobe.d/b.conf', 'options m p=2\n'),
      file('modprobe', '/usr/lib/modprobe.d/a.conf', 'options m p=1\n'),
      file('modprobe', '/run/modprobe.d/c.conf', 'options m p=3\n'),
    ]);
    expect(host.modprobe.facts.map((f) => f.options.map((o) => `${o.key}=${o.value}`).join())).toEqual(['p=1', 'p=2', 'p=3']);
  });

  it('vfio-pci ids on the kernel command line win over modprobe.d (kmod appends them last)', () => {
    const host = buildHostModel([
      file('modprobe', '/etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:1b80\n'),
      file('grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX_DEFAULT="quiet vfio_pci.ids=1002:73bf,1002:ab28"\n'),
    ]);
    expect(host.vfioIds?.from).toBe('cmdline');
    expect(host.vfioIds?.ids.map((i) => `${i.vendor}:${i.device}`)).toEqual(['1002:73bf', '1002:ab28']);
    // Each id points at itself in the grub file.
    expect(host.vfioIds?.ids[1]).toMatchObject({ loc: { path: '/etc/default/grub', start: 57, end: 66 } });
  });
});

describe('sysctl precedence (systemd-sysctl)', () => {
  it('later files win, same names hide vendor files, /etc/sysctl.conf is read last, and a later line in a file wins', () => {
    const host = buildHostModel([
      file('sysctl', '/etc/sysctl.conf', 'vm.swappiness = 1\n'),
      file('sysctl', '/usr/lib/sysctl.d/50-default.conf', 'vm.swappiness = 60\nkernel.sysrq = 16\n'),
      file('sysctl', '/etc/sysctl.d/50-default.conf', 'kernel.sysrq = 1\n'),
      file('sysctl', '/etc/sysctl.d/99-hugepages.conf', 'vm/nr_hugepages = 512\nvm.nr_hugepages = 1024\n'),
    ]);
    expect(host.sysctl.shadowed.map((s) => s.file.systemPath)).toEqual(['/usr/lib/sysctl.d/50-default.conf']);
    expect(host.sysctl.values.get('kernel.sysrq')?.value).toBe('1');
    expect(host.sysctl.values.get('vm.swappiness')?.value).toBe('1');
    expect(host.sysctl.values.get('vm.nr_hugepages')?.value).toBe('1024');
  });
});

describe('grub and its drop-ins', () => {
  it('grub.d/*.cfg runs after /etc/default/grub, in name order, and parameters keep their own file and place', () => {
    const main = 'GRUB_CMDLINE_LINUX=""\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\n';
    const later = 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT isolcpus=2-3"\n';
    const earlier = 'GRUB_CMDLINE_LINUX="iommu=pt"\n';
    const host = buildHostModel([
      file('grub', '/etc/default/grub.d/90-isolate.cfg', later),
      file('grub', '/etc/default/grub', main),
      file('grub', '/etc/default/grub.d/10-iommu.cfg', earlier),
    ]);
    const [grub] = host.cmdlines;
    expect(grub?.params.map((p) => `${p.name}${p.value === undefined ? '' : `=${p.value}`}`)).toEqual(['iommu=pt', 'quiet', 'splash', 'isolcpus=2-3']);
    const iso = grub!.params[3]!;
    expect(iso.loc.path).toBe('/etc/default/grub.d/90-isolate.cfg');
    expect(later.slice(iso.loc.start, iso.loc.end)).toBe('isolcpus=2-3');
    const quiet = grub!.params[1]!;
    expect(quiet.loc.path).toBe('/etc/default/grub');
    expect(main.slice(quiet.loc.start, quiet.loc.end)).toBe('quiet');
  });

  it('a value continued over lines with backslashes keeps exact places', () => {
    const text = 'GRUB_CMDLINE_LINUX="root=/dev/sda2 \\\n    intel_iommu=on \\\n    iommu=pt"\n';
    const host = buildHostModel([file('grub', '/etc/default/grub', text)]);
    const params = host.cmdlines[0]!.params;
    expect(params.map((p) => text.slice(p.loc.start, p.loc.end))).toEqual(['root=/dev/sda2', 'intel_iommu=on', 'iommu=pt']);
  });
});

describe('initramfs configuration', () => {
  it('mkinitcpio.conf.d drop-ins run after the main file in sort -V order; += appends', () => {
    const host = buildHostModel([
      file('mkinitcpio', '/etc/mkinitcpio.conf.d/10-vfio.conf', 'MODULES+=(vfio_pci)\n'),
      file('mkinitcpio', '/etc/mkinitcpio.conf', 'MODULES=(i915)\nHOOKS=(base udev modconf)\n'),
      file('mkinitcpio', '/etc/mkinitcpio.conf.d/9-first.conf', 'MODULES+=(vfio-pci-early?)\n'),
    ]);
    expect(host.initramfs[0]?.early.map((m) => m.module)).toEqual(['i915', 'vfio_pci_early', 'vfio_pci']);
    expect(host.initramfs[0]?.hooks.map((m) => m.name)).toEqual(['base', 'udev', 'modconf']);
  });
});

describe('host tree discovery', () => {
  it('resolves absolute symlinks inside the tree, and a link to /dev/null masks the file', () => {
    const root = mkdtempSync(join(tmpdir(), 'vfio-lint-tree-'));
    mkdirSync(join(root, 'etc', 'sysctl.d'), { recursive: true });
    mkdirSync(join(root, 'usr', 'lib', 'sysctl.d'), { recursive: true });
    mkdirSync(join(root, 'etc', 'modprobe.d'), { recursive: true });
    writeFileSync(join(root, 'usr', 'lib', 'sysctl.d', '50-default.conf'), 'kernel.sysrq = 16\n');
    symlinkSync('/dev/null', join(root, 'etc', 'sysctl.d', '50-default.conf'));
    writeFileSync(join(root, 'etc', 'real-vfio.conf'), 'options vfio-pci ids=10de:1b80\n');
    // Absolute: means the tree's own /etc, never the machine running the tests.
    symlinkSync('/etc/real-vfio.conf', join(root, 'etc', 'modprobe.d', 'vfio.conf'));
    const tree = discoverHostTree(root);
    const byPath = new Map(tree.files.map((f) => [f.systemPath, f]));
    expect(byPath.get('/etc/sysctl.d/50-default.conf')?.masked).toBe(true);
    expect(byPath.get('/etc/modprobe.d/vfio.conf')?.realPath).toBe(join(root, 'etc', 'real-vfio.conf'));
    expect(tree.problems).toEqual([]);
  });
});

describe('compareNames: the order kmod, systemd and grub read drop-in names in', () => {
  it('is strcmp on the names: code units, not the locale (upper case before lower, "10" before "9"), and 0 only for the same name', () => {
    const names = ['b.conf', 'a.conf', 'B.conf', '9-x.conf', '10-x.conf', 'a.conf'];
    expect([...names].sort(compareNames)).toEqual(['10-x.conf', '9-x.conf', 'B.conf', 'a.conf', 'a.conf', 'b.conf']);
    expect([compareNames('a.conf', 'a.conf'), Math.sign(compareNames('a', 'b')), Math.sign(compareNames('b', 'a'))]).toEqual([0, -1, 1]);
  });
});
