import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookUpTreePaths } from '../../src/pipeline/tree-paths.js';
import { lintFiles } from '../../src/lint.js';

const base = mkdtempSync(join(tmpdir(), 'vfio-lint-tree-paths-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>, links: Record<string, string> = {}): string {
  const root = join(base, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  for (const [rel, target] of Object.entries(links)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    symlinkSync(target, join(root, rel));
  }
  return root;
}

describe('lookUpTreePaths: what a host tree says about a ROM file', () => {
  const root = tree('root', {
    'etc/modprobe.d/vfio.conf': 'options vfio-pci ids=10de:2484\n',
    'usr/share/vgabios/other.rom': 'x',
    'var/lib/libvirt/vbios/notes.txt': 'x',
    'opt/roms/real.rom': 'x',
  }, {
    'usr/share/vgabios/linked.rom': '/opt/roms/real.rom',
    'usr/share/vgabios/dangling.rom': '/opt/roms/gone.rom',
    'usr/share/vgabios/out.rom': '../../../../outside.rom',
  });
  const states = (paths: string[], t: { root: string; top?: string } = { root }) => Object.fromEntries(lookUpTreePaths(t, paths).states);

  it('absent only where the copy keeps other files of that type in the folder', () => {
    expect(states([
      '/usr/share/vgabios/other.rom',
      '/usr/share/vgabios/missing.rom',
      '/usr/share/vgabios/OTHER.rom',
      '/var/lib/libvirt/vbios/gpu.rom',
      '/usr/share/kvm/gpu.rom',
      '/usr/share/vgabios/noext',
    ])).toEqual({
      '/usr/share/vgabios/other.rom': 'present',
      '/usr/share/vgabios/missing.rom': 'absent',
      '/usr/share/vgabios/OTHER.rom': 'absent',
      // The folder is there but keeps no ROM: the copy may have left them all out.
      '/var/lib/libvirt/vbios/gpu.rom': 'unknown',
      // The tree does not hold the folder at all.
      '/usr/share/kvm/gpu.rom': 'unknown',
      '/usr/share/vgabios/noext': 'unknown',
    });
  });

  it('follows links inside the tree, and says nothing past one that dangles or leads out', () => {
    expect(states(['/usr/share/vgabios/linked.rom', '/usr/share/vgabios/dangling.rom', '/usr/share/vgabios/out.rom', '/usr/share/vgabios/../vgabios/x.rom', 'usr/share/vgabios/x.rom'])).toEqual({
      '/usr/share/vgabios/linked.rom': 'present',
      '/usr/share/vgabios/dangling.rom': 'unknown',
      // `..` stops at the tree's root, as at `/`: the target is the tree's own /outside.rom (never the
      // machine's), which it lacks: a dangling link, about which the tree cannot say.
      '/usr/share/vgabios/out.rom': 'unknown',
      '/usr/share/vgabios/../vgabios/x.rom': 'unknown',
      'usr/share/vgabios/x.rom': 'unknown',
    });
  });

  it('an etc directory given alone holds /etc and nothing else', () => {
    const etcRoot = tree('etc-alone', { 'etc-copy/libvirt/vbios/a.rom': 'x', 'etc-copy/modprobe.d/vfio.conf': 'x' });
    expect(states(['/etc/libvirt/vbios/a.rom', '/etc/libvirt/vbios/b.rom', '/usr/share/vgabios/other.rom'], { root: etcRoot, top: 'etc-copy' })).toEqual({
      '/etc/libvirt/vbios/a.rom': 'present',
      '/etc/libvirt/vbios/b.rom': 'absent',
      '/usr/share/vgabios/other.rom': 'unknown',
    });
  });

  it("the running host's own / is the host: its folder is enough", () => {
    const found = lookUpTreePaths({ root: '/' }, ['/etc/vfio-lint-no-such-file.rom', '/no-such-folder-vfio-lint/x.rom']);
    expect(found.isHost).toBe(true);
    expect(Object.fromEntries(found.states)).toEqual({ '/etc/vfio-lint-no-such-file.rom': 'absent', '/no-such-folder-vfio-lint/x.rom': 'unknown' });
    expect(lookUpTreePaths({ root }, []).isHost).toBe(false);
  });
});

describe('a machine given as a tree gets its tree; others do not', () => {
  const domain = (rom: string) => `<domain type='kvm'><name>w</name><devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x0a' slot='0x00' function='0x0'/></source><rom file='${rom}'/></hostdev></devices></domain>\n`;
  const only = { config: { rules: { 'hostdev-rom-file': 'warning' as const } } };
  const ids = (r: Awaited<ReturnType<typeof lintFiles>>) => r.results.flatMap((x) => x.messages.filter((m) => m.ruleId === 'hostdev-rom-file').map((m) => `${m.ruleId}:${m.line}`));

  it('a root tree with the ROM folder reports the missing ROM; the same XML given alone does not', async () => {
    const root = tree('machine', { 'etc/modprobe.d/vfio.conf': 'options vfio-pci ids=10de:2484\n', 'etc/libvirt/qemu/w.xml': domain('/usr/share/vgabios/gpu.rom'), 'usr/share/vgabios/GPU.rom': 'x' });
    const whole = await lintFiles([root], { ...only, cwd: root });
    expect(whole.results.flatMap((r) => r.messages.map((m) => m.message)).join('\n')).toContain("ROM file '/usr/share/vgabios/gpu.rom' is not in the tree given");
    const alone = await lintFiles([join(root, 'etc/libvirt/qemu/w.xml')], { ...only, cwd: root });
    expect(ids(alone)).toEqual([]);
  });

  it('two host trees in one machine: which one is the host is not known, nothing is said', async () => {
    const a = tree('two/a', { 'etc/modprobe.d/vfio.conf': 'options vfio-pci ids=10de:2484\n', 'etc/libvirt/qemu/w.xml': domain('/usr/share/vgabios/gpu.rom'), 'usr/share/vgabios/GPU.rom': 'x' });
    const b = tree('two/b', { 'etc/modprobe.d/vfio.conf': 'options vfio-pci ids=10de:2484\n' });
    const r = await lintFiles([a, b], { ...only, cwd: base });
    expect(ids(r)).toEqual([]);
  });
});
