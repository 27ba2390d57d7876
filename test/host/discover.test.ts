import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { discoverHostTree, hostTreeShape, isDir, resolveInRoot, sniffXmlFile, SNIFF_BYTES } from '../../src/host/discover.js';

/** A fresh folder holding these files (path -> text). */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-discover-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}
const link = (dir: string, rel: string, target: string) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  symlinkSync(target, join(dir, rel));
};
const DOMAIN = "<domain type='kvm'><name>win</name></domain>\n";
const CAPS = '<capabilities><host><cpu><arch>x86_64</arch></cpu></host></capabilities>\n';

describe('hostTreeShape: a folder that stands for / or for /etc', () => {
  it('a root has etc/; an etc folder is named etc or holds what /etc holds', () => {
    expect(hostTreeShape(tree({ 'etc/hostname': 'h\n' }))).toBe('root');
    const named = join(tree({ 'x/etc/nothing': '' }), 'x', 'etc');
    expect(hostTreeShape(named)).toBe('etc');
    expect(hostTreeShape(tree({ 'modprobe.d/vfio.conf': 'blacklist nouveau\n' }))).toBe('etc');
    expect(hostTreeShape(tree({ 'sysctl.conf': 'vm.swappiness=1\n' }))).toBe('etc');
    expect(hostTreeShape(tree({ 'libvirt/qemu/win.xml': DOMAIN }))).toBe('etc');
    expect(hostTreeShape(tree({ 'notes.txt': 'x\n' }))).toBeUndefined();
    // A file named etc is not an etc folder.
    expect(hostTreeShape(tree({ etc: 'x\n' }))).toBeUndefined();
    expect(isDir(tree({}))).toBe(true);
    expect(isDir(join(tree({ f: '' }), 'f'))).toBe(false);
    expect(isDir('/nonexistent/vfio-lint/x')).toBe(false);
  });
});

describe('discoverHostTree: the files of a host tree at their standard places', () => {
  it('finds each kind at its place, with its system path, in name order, leaving out other names', () => {
    const dir = tree({
      'etc/default/grub': 'GRUB_CMDLINE_LINUX=""\n',
      'etc/default/grub.d/50-vfio.cfg': 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX iommu=pt"\n',
      'etc/default/grub.d/README': 'not a cfg\n',
      'etc/modprobe.d/vfio.conf': 'options vfio-pci ids=10de:2503\n',
      'etc/modprobe.d/a.conf': 'blacklist nouveau\n',
      'etc/modprobe.d/.hidden.conf': 'blacklist nvidia\n',
      'etc/modprobe.d/vfio.conf.bak': 'blacklist x\n',
      'usr/lib/modprobe.d/systemd.conf': 'options bonding max_bonds=0\n',
      'etc/sysctl.d/99-hugepages.conf': 'vm.nr_hugepages = 8\n',
      'etc/sysctl.conf': '\n',
      'etc/modules-load.d/vfio.conf': 'vfio-pci\n',
      'etc/kernel/cmdline': 'quiet\n',
      'proc/cmdline': 'quiet\n',
      'boot/loader/entries/arch.conf': 'title Arch\noptions quiet\n',
      'boot/grub/grub.cfg': "menuentry 'L' {\n}\n",
      'etc/mkinitcpio.conf': 'MODULES=()\n',
      'etc/libvirt/qemu/win.xml': DOMAIN,
      'etc/libvirt/qemu/net.xml': "<network><name>default</name></network>\n",
      'etc/libvirt/qemu/notes.txt': 'x\n',
      'caps.xml': CAPS,
      'other.txt': 'x\n',
    });
    const t = discoverHostTree(dir);
    expect(t.root).toBe(dir);
    expect(t.shape).toBe('root');
    expect(t.problems).toEqual([]);
    expect(t.files.map((f) => [f.systemPath, f.kind])).toEqual([
      ['/etc/default/grub', 'grub'],
      ['/etc/kernel/cmdline', 'kernel-cmdline'],
      ['/proc/cmdline', 'proc-cmdline'],
      ['/boot/grub/grub.cfg', 'grub-cfg'],
      ['/etc/sysctl.conf', 'sysctl'],
      ['/etc/mkinitcpio.conf', 'mkinitcpio'],
      ['/etc/default/grub.d/50-vfio.cfg', 'grub'],
      ['/etc/modprobe.d/a.conf', 'modprobe'],
      ['/etc/modprobe.d/vfio.conf', 'modprobe'],
      ['/usr/lib/modprobe.d/systemd.conf', 'modprobe'],
      ['/etc/sysctl.d/99-hugepages.conf', 'sysctl'],
      ['/etc/modules-load.d/vfio.conf', 'modules-load'],
      ['/boot/loader/entries/arch.conf', 'bls-entry'],
      ['/etc/libvirt/qemu/win.xml', 'domain'],
      ['/caps.xml', 'capabilities'],
    ]);
    const grub = t.files[0]!;
    expect(grub).toMatchObject({ realPath: join(dir, 'etc/default/grub'), displayPath: join(dir, 'etc/default/grub'), masked: false, tree: { root: dir } });
    expect(grub.tree).toEqual({ root: dir });
    expect(grub.confine?.within).toBe(dir);
    expect(grub.confine?.id).toBeDefined();
    expect(grub.preread).toBeUndefined();
    // XML files were read whole to be classified: the lint uses those bytes.
    const xml = t.files.find((f) => f.systemPath === '/etc/libvirt/qemu/win.xml')!;
    expect(Buffer.from(xml.preread!.bytes).toString()).toBe(DOMAIN);
    expect(xml.confine?.within).toBe(dir);
    expect(xml.tree).toEqual({ root: dir });
  });

  it('a link to /dev/null masks a file; an absolute link means the tree\'s root; a directory or FIFO where a file belongs is a problem', () => {
    const dir = tree({ 'etc/real.conf': 'options vfio-pci ids=1:2\n', 'etc/sysctl.conf/x': '' });
    link(dir, 'etc/modprobe.d/nouveau.conf', '/dev/null');
    link(dir, 'etc/modprobe.d/vfio.conf', '/etc/real.conf');
    link(dir, 'etc/modprobe.d/gone.conf', '/etc/missing.conf');
    execFileSync('mkfifo', [join(dir, 'etc', 'modules')]);
    const t = discoverHostTree(dir);
    const byPath = new Map(t.files.map((f) => [f.systemPath, f]));
    expect(byPath.get('/etc/modprobe.d/nouveau.conf')).toEqual({
      realPath: join(dir, 'etc/modprobe.d/nouveau.conf'),
      displayPath: join(dir, 'etc/modprobe.d/nouveau.conf'),
      systemPath: '/etc/modprobe.d/nouveau.conf',
      kind: 'modprobe',
      masked: true,
      tree: { root: dir },
    });
    expect(byPath.get('/etc/modprobe.d/vfio.conf')).toMatchObject({ realPath: join(dir, 'etc/real.conf'), displayPath: join(dir, 'etc/modprobe.d/vfio.conf'), masked: false });
    expect(byPath.has('/etc/sysctl.conf')).toBe(false);
    expect(byPath.has('/etc/modules')).toBe(false);
    expect(t.problems).toEqual([
      { path: join(dir, 'etc/sysctl.conf'), message: 'is a directory where a file is expected; ignored' },
      { path: join(dir, 'etc/modules'), message: expect.stringMatching(/FIFO|pipe/i) },
      { path: join(dir, 'etc/modprobe.d/gone.conf'), message: 'dangling symbolic link: /etc/missing.conf does not exist in this tree (links resolve inside the tree, not on this machine)' },
    ]);
  });

  it('names the tools skip in a drop-in folder (hidden, another suffix) are not read: a dangling link there is no problem', () => {
    const dir = tree({ 'etc/modprobe.d/vfio.conf': 'blacklist nouveau\n' });
    link(dir, 'etc/modprobe.d/.old.conf', '/nowhere.conf');
    link(dir, 'etc/modprobe.d/vfio.conf.bak', '/nowhere.conf');
    link(dir, 'etc/sysctl.d/.x.conf', '/nowhere.conf');
    const t = discoverHostTree(dir);
    expect([t.files.map((f) => f.systemPath), t.problems]).toEqual([['/etc/modprobe.d/vfio.conf'], []]);
  });

  it('a link out of a drop-in folder or to a missing XML is reported; a file at a place no kind claims is left out', () => {
    const dir = tree({ 'etc/libvirt/qemu/ok.xml': DOMAIN });
    link(dir, 'etc/libvirt/qemu/dangling.xml', '/nowhere.xml');
    link(dir, 'etc/sysctl.d', '/loop');
    link(dir, 'loop', '/etc/sysctl.d');
    const t = discoverHostTree(dir);
    expect(t.files.map((f) => f.systemPath)).toEqual(['/etc/libvirt/qemu/ok.xml']);
    expect(t.problems).toEqual([
      { path: join(dir, 'etc/sysctl.d'), message: 'too many levels of symbolic links (a symlink loop?)' },
      { path: join(dir, 'etc/libvirt/qemu/dangling.xml'), message: 'dangling symbolic link: /nowhere.xml does not exist in this tree (links resolve inside the tree, not on this machine)' },
    ]);
  });

  it('an etc folder given alone stands for /etc: only its files, and no link may leave it', () => {
    const top = tree({ 'conf/modprobe.d/vfio.conf': 'blacklist nouveau\n', 'conf/real.conf': 'blacklist nvidia\n', 'proc/cmdline': 'quiet\n', 'outside.conf': 'x\n', 'conf/libvirt/qemu/win.xml': DOMAIN, 'conf/top.xml': DOMAIN });
    const etc = join(top, 'conf');
    link(top, 'conf/modprobe.d/abs.conf', '/etc/real.conf');
    link(top, 'conf/modprobe.d/out.conf', '../../outside.conf');
    link(top, 'conf/modprobe.d/root.conf', '/outside.conf');
    const t = discoverHostTree(etc);
    expect(t.shape).toBe('etc');
    expect(t.root).toBe(top);
    expect(t.files.map((f) => [f.systemPath, f.displayPath, f.realPath])).toEqual([
      ['/etc/modprobe.d/abs.conf', join(etc, 'modprobe.d/abs.conf'), join(etc, 'real.conf')],
      ['/etc/modprobe.d/vfio.conf', join(etc, 'modprobe.d/vfio.conf'), join(etc, 'modprobe.d/vfio.conf')],
      ['/etc/libvirt/qemu/win.xml', join(etc, 'libvirt/qemu/win.xml'), join(etc, 'libvirt/qemu/win.xml')],
    ]);
    expect(t.files[0]!.tree).toEqual({ root: top, top: 'conf' });
    expect(t.files[0]!.confine?.within).toBe(etc);
    const leaves = `is a symbolic link that leads out of ${etc}, the etc directory given; not followed (give the directory above it to lint the whole tree)`;
    expect(t.problems).toEqual([
      { path: join(etc, 'modprobe.d/out.conf'), message: leaves },
      { path: join(etc, 'modprobe.d/root.conf'), message: leaves },
    ]);
    // The shape is found when not given.
    expect(discoverHostTree(etc).shape).toBe('etc');
    expect(discoverHostTree(tree({ 'etc/modprobe.d/a.conf': 'blacklist x\n' })).shape).toBe('root');
  });
});

describe('resolveInRoot: a path inside a tree as if the tree were /', () => {
  it('plain files, missing ones, and links followed inside the tree with .. stopping at its root', () => {
    const dir = tree({ 'etc/a.conf': 'x\n', 'usr/lib/b.conf': 'y\n' });
    link(dir, 'lib', 'usr/lib');
    link(dir, 'etc/up.conf', '../../../../usr/lib/b.conf');
    link(dir, 'etc/self', '.');
    expect(resolveInRoot(dir, 'etc/a.conf')).toMatchObject({ kind: 'file', path: join(dir, 'etc/a.conf') });
    expect(resolveInRoot(dir, './etc//a.conf')).toMatchObject({ kind: 'file', path: join(dir, 'etc/a.conf') });
    expect(resolveInRoot(dir, 'lib/b.conf')).toMatchObject({ kind: 'file', path: join(dir, 'usr/lib/b.conf') });
    expect(resolveInRoot(dir, 'etc/up.conf')).toMatchObject({ kind: 'file', path: join(dir, 'usr/lib/b.conf') });
    expect(resolveInRoot(dir, 'etc/self/a.conf')).toMatchObject({ kind: 'file', path: join(dir, 'etc/a.conf') });
    expect(resolveInRoot(dir, 'etc/missing.conf')).toEqual({ kind: 'missing' });
    // A path through a file: missing, not an error.
    expect(resolveInRoot(dir, 'etc/a.conf/x')).toEqual({ kind: 'missing' });
    expect(resolveInRoot(dir, '.')).toMatchObject({ kind: 'file', path: dir });
  });

  it('the identity of the file reached, and none for a folder reached through a link\'s .. ', () => {
    const dir = tree({ 'etc/a.conf': 'x\n' });
    const r = resolveInRoot(dir, 'etc/a.conf');
    expect(r.kind === 'file' && r.id !== undefined).toBe(true);
    const viaDots = resolveInRoot(dir, 'etc/..');
    expect(viaDots).toEqual({ kind: 'file', path: dir, id: undefined });
  });

  it('/dev/null masks only as the last part; a dangling link names its target in the tree', () => {
    const dir = tree({});
    link(dir, 'etc/masked.conf', '/dev/null');
    link(dir, 'etc/dir', '/dev/null');
    link(dir, 'etc/rel.conf', 'nothere/x.conf');
    expect(resolveInRoot(dir, 'etc/masked.conf')).toEqual({ kind: 'masked' });
    expect(resolveInRoot(dir, 'etc/dir/x.conf')).toEqual({ kind: 'error', message: 'dangling symbolic link: /dev/null/x.conf does not exist in this tree (links resolve inside the tree, not on this machine)' });
    expect(resolveInRoot(dir, 'etc/rel.conf')).toEqual({ kind: 'error', message: 'dangling symbolic link: /etc/nothere/x.conf does not exist in this tree (links resolve inside the tree, not on this machine)' });
  });

  it('after a link\'s target is used up, a missing later part is only missing', () => {
    const dir = tree({ 'usr/lib/modprobe.d/a.conf': 'x\n' });
    link(dir, 'lib', 'usr/lib');
    expect(resolveInRoot(dir, 'lib/modprobe.d/a.conf')).toMatchObject({ kind: 'file' });
    expect(resolveInRoot(dir, 'lib/modprobe.d/none.conf')).toEqual({ kind: 'missing' });
    expect(resolveInRoot(dir, 'lib/none.d/x.conf')).toEqual({ kind: 'missing' });
  });

  it('a loop stops after 40 links', () => {
    const dir = tree({});
    link(dir, 'a', 'b');
    link(dir, 'b', 'a');
    expect(resolveInRoot(dir, 'a')).toEqual({ kind: 'error', message: 'too many levels of symbolic links (a symlink loop?)' });
    // A chain of 40 links resolves; 41 do not.
    const chain = tree({ 'end.conf': 'x\n' });
    for (let i = 0; i < 41; i++) link(chain, `l${i}`, i === 0 ? 'end.conf' : `l${i - 1}`);
    expect(resolveInRoot(chain, 'l39')).toMatchObject({ kind: 'file', path: join(chain, 'end.conf') });
    expect(resolveInRoot(chain, 'l40').kind).toBe('error');
  });

  it('with an etc folder alone, the path must start in it, and /etc/... means it', () => {
    const dir = tree({ 'conf/a.conf': 'x\n', 'b.conf': 'y\n' });
    link(dir, 'conf/abs.conf', '/etc/a.conf');
    link(dir, 'conf/out.conf', '/b.conf');
    const leaves = `is a symbolic link that leads out of ${join(dir, 'conf')}, the etc directory given; not followed (give the directory above it to lint the whole tree)`;
    expect(resolveInRoot(dir, 'conf/abs.conf', 'conf')).toMatchObject({ kind: 'file', path: join(dir, 'conf/a.conf') });
    expect(resolveInRoot(dir, 'conf/out.conf', 'conf')).toEqual({ kind: 'error', message: leaves });
    expect(resolveInRoot(dir, 'b.conf', 'conf')).toEqual({ kind: 'error', message: leaves });
    expect(resolveInRoot(dir, 'conf/../b.conf', 'conf')).toEqual({ kind: 'error', message: leaves });
    expect(resolveInRoot(dir, 'conf/..', 'conf')).toEqual({ kind: 'error', message: leaves });
    // Without the etc folder, the same absolute link means the tree's /etc, which does not exist.
    expect(resolveInRoot(dir, 'conf/abs.conf').kind).toBe('error');
  });
});

describe('sniffXmlFile: an XML file\'s kind from its root element', () => {
  it('a domain, capabilities, another libvirt document (skipped), and anything unreadable as a domain', () => {
    const dir = tree({ 'd.xml': DOMAIN, 'c.xml': CAPS, 'n.xml': '<network/>\n', 'p.xml': "<pool type='dir'/>\n", 'x.xml': '<html/>\n', 'bad.xml': 'not xml at all\n', 'bin.xml': '' });
    writeFileSync(join(dir, 'bin.xml'), Buffer.from([0x3c, 0xff, 0xfe, 0x00, 0x3e]));
    const kind = (name: string) => sniffXmlFile(join(dir, name));
    expect(kind('d.xml').kind).toBe('domain');
    expect(Buffer.from(kind('d.xml').preread!.bytes).toString()).toBe(DOMAIN);
    expect(kind('c.xml').kind).toBe('capabilities');
    expect(kind('n.xml')).toEqual({ kind: undefined });
    expect(kind('p.xml')).toEqual({ kind: undefined });
    expect(kind('x.xml').kind).toBe('domain');
    expect(kind('x.xml').preread).toBeDefined();
    expect(kind('bad.xml').kind).toBe('domain');
    expect(kind('bin.xml').kind).toBe('domain');
    expect(kind('bin.xml').preread).toBeDefined();
    expect(kind('none.xml')).toEqual({ kind: 'domain' });
  });

  it('a file over the input limit is classified by its first 64 KiB and not kept', () => {
    const dir = tree({});
    const big = join(dir, 'big.xml');
    // 17 MiB (over the 16 MiB input limit): the root element, then blanks past the 64 KiB looked at, then a sparse tail.
    const over = (name: string, root: string) => {
      const p = join(dir, name);
      writeFileSync(p, `<${root}>${' '.repeat(SNIFF_BYTES)}`);
      truncateSync(p, 17 * 1024 * 1024);
      return p;
    };
    expect(sniffXmlFile(over('big.xml', 'capabilities'))).toEqual({ kind: 'capabilities', preread: undefined });
    expect(sniffXmlFile(over('net.xml', 'network'))).toEqual({ kind: undefined });
    expect(SNIFF_BYTES).toBe(65536);
  });
});
