import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { BUILTIN_FILE_KINDS, createRegistry, defineDirectoryKind, defineFileKind, FILE_KINDS, KINDS, parseByKind } from '../../src/kinds/index.js';
import { classifyText } from '../../src/model/classify.js';
import { walkFolder } from '../../src/pipeline/walk.js';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { validateConfig } from '../../src/config/config.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vfio-kinds-'));
  temps.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/**
 * A made-up kind, as a contributor would add one: udev rules. The entry (name, paths, sniffer,
 * parser, default directory, model) is all there is; nothing else in the program is edited.
 */
const udevKind = defineFileKind({
  name: 'udev-rules',
  description: 'udev rules (/etc/udev/rules.d/*.rules)',
  feeds: 'host',
  paths: ['/etc/udev/rules.d/*.rules', '/usr/lib/udev/rules.d/*.rules'],
  defaultDir: '/etc/udev/rules.d/',
  sniff: (text) => (/^\s*(ACTION|SUBSYSTEM|KERNEL)==/m.test(text) ? { confidence: 0.9, why: 'udev match keys' } : undefined),
  parse: (text) => ({ ast: { kind: 'udev-rules' as const, lines: text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')) }, problems: [], comments: [] }),
});

describe('the kinds registry (issue 12 item 7)', () => {
  it('is the one list of kinds: FILE_KINDS, --kind and the config take their names from it', () => {
    expect(FILE_KINDS).toEqual(BUILTIN_FILE_KINDS.map((e) => e.name));
    expect(KINDS.names).toEqual(FILE_KINDS);
    expect(() => parseArgs(['--kind', 'udev-rules', 'x'])).toThrow(UsageError);
    for (const kind of FILE_KINDS) expect(parseArgs(['--kind', kind, 'x']).kind).toBe(kind);
    expect(() => validateConfig({ files: [{ files: ['x'], kind: 'modprobes' }] }, 'CONFIG', new Map())).toThrow(/files\[0\]\.kind must be one of domain, .*modules-load \(got "modprobes"\) \(did you mean "modprobe"\?\)/);
    // Each entry says which model its files feed.
    expect(Object.fromEntries(BUILTIN_FILE_KINDS.map((e) => [e.name, e.feeds]))).toMatchObject({ domain: 'domain', capabilities: 'capabilities', grub: 'host', modprobe: 'host', 'modules-load': 'host' });
  });

  it('parse dispatch goes through the entry: parseByKind is the entry\'s parser', () => {
    for (const entry of BUILTIN_FILE_KINDS) {
      const text = entry.xmlRoot ? `<${entry.xmlRoot}/>` : '';
      expect(parseByKind(entry.name, text).ast.kind).toBe(entry.parse(text).ast.kind);
    }
    expect(parseByKind('modprobe', 'options kvm ignore_msrs=1\n').ast).toMatchObject({ kind: 'modprobe' });
  });

  it('adding a kind is one entry plus its parser: path, content, parse, default place and discovery all follow', () => {
    const registry = createRegistry([...BUILTIN_FILE_KINDS, udevKind]);
    expect(registry.names.at(-1)).toBe('udev-rules');
    // By path, at any depth, with the place on the machine.
    expect(registry.byPath('hosts/desk/etc/udev/rules.d/10-vfio.rules')).toMatchObject({ kind: 'udev-rules', by: 'path', systemPath: '/etc/udev/rules.d/10-vfio.rules', needsContent: false });
    expect(registry.byPath('rules.d/10-vfio.rules')).toMatchObject({ kind: 'udev-rules', systemPath: '/etc/udev/rules.d/10-vfio.rules' });
    // By content, with the sniffer's confidence.
    const rules = 'SUBSYSTEM=="vfio", OWNER="me"\n';
    expect(classifyText('notes/vfio', rules, { registry })).toEqual({ ok: true, classification: { kind: 'udev-rules', by: 'content', confidence: 0.9, why: 'its content: udev match keys (confidence 90%)' } });
    expect(registry.placeOf('udev-rules', '/home/me/vfio.rules')).toBe('/etc/udev/rules.d/vfio.rules');
    expect(registry.parse('udev-rules', rules).ast).toEqual({ kind: 'udev-rules', lines: [rules.trim()] });
    // A folder walk finds it with the built-in kinds.
    const dir = tree({ 'etc/udev/rules.d/10-vfio.rules': rules, 'etc/modprobe.d/vfio.conf': 'options vfio-pci ids=10de:1b80\n', 'stray/vfio': rules });
    const walk = walkFolder(dir, { registry });
    expect(walk.files.map((f) => [f.relPath, f.kind, f.systemPath])).toEqual([
      ['etc/modprobe.d/vfio.conf', 'modprobe', '/etc/modprobe.d/vfio.conf'],
      ['etc/udev/rules.d/10-vfio.rules', 'udev-rules', '/etc/udev/rules.d/10-vfio.rules'],
      ['stray/vfio', 'udev-rules', '/etc/udev/rules.d/vfio'],
    ]);
    // Without the entry, the same folder has no udev rules: nothing else knew of the kind.
    expect(walkFolder(dir).files.map((f) => f.kind)).toEqual(['modprobe']);
  });

  it('refuses two kinds of one name', () => {
    expect(() => createRegistry([...BUILTIN_FILE_KINDS, { ...udevKind, name: 'modprobe' }])).toThrow(/same name/);
  });

  it('a directory-shaped kind is handed the whole folder: discovery does not walk into it', () => {
    // A tiny snapshot kind: a folder with proc/cmdline and sys/ (the live-mode reader registers the real one the same way).
    const snapshot = defineDirectoryKind({
      name: 'test-snapshot',
      description: 'a test snapshot of /proc and /sys',
      feeds: 'host',
      detect: (folder) => (folder.has('proc/cmdline') && folder.has('sys/kernel/iommu_groups/0') ? { confidence: 1, why: 'it has proc/cmdline and sys/kernel/iommu_groups' } : undefined),
      read: () => ({ facts: {}, files: [], problems: [] }),
    });
    const registry = createRegistry(BUILTIN_FILE_KINDS, [snapshot]);
    expect(registry.directories).toEqual([snapshot]);
    const dir = tree({ 'desk/snap/proc/cmdline': 'quiet intel_iommu=on\n', 'desk/snap/sys/kernel/iommu_groups/0': '', 'desk/etc/modprobe.d/vfio.conf': 'options vfio-pci ids=10de:1b80\n' });
    const walk = walkFolder(dir, { registry });
    expect(walk.folders).toEqual([{ path: join(dir, 'desk', 'snap'), kind: 'test-snapshot', why: 'it has proc/cmdline and sys/kernel/iommu_groups' }]);
    // proc/cmdline inside the snapshot is the snapshot's, not a file of its own.
    expect(walk.files.map((f) => f.relPath)).toEqual(['desk/etc/modprobe.d/vfio.conf']);
    // The built-in registry has no directory kind yet: the same folder's proc/cmdline is a file.
    expect(walkFolder(dir).files.map((f) => f.relPath)).toContain('desk/snap/proc/cmdline');
  });
});

describe('content sniffing: each kind with its stated confidence', () => {
  const sniff = (text: string) => KINDS.byContent(text);
  it('recognises dracut, modprobe, sysctl, mkinitcpio, grub, kernel command lines and module lists', () => {
    expect(sniff('add_drivers+=" vfio vfio_iommu_type1 vfio_pci "\nhostonly="yes"\n')).toMatchObject({ kind: 'dracut', confidence: 1 });
    expect(sniff('# gpu\noptions vfio-pci ids=10de:1b80\nsoftdep nvidia pre: vfio-pci\n')).toMatchObject({ kind: 'modprobe', confidence: 1, why: 'its content: 2 of 2 lines are modprobe commands (confidence 100%)' });
    expect(sniff('vm.nr_hugepages = 8192\nkernel.sysrq=1\n')).toMatchObject({ kind: 'sysctl', confidence: 1 });
    expect(sniff('MODULES=(vfio_pci vfio vfio_iommu_type1)\nHOOKS=(base udev\n  autodetect modconf)\n')).toMatchObject({ kind: 'mkinitcpio', confidence: 1 });
    expect(sniff('GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet \\\n intel_iommu=on"\n')).toMatchObject({ kind: 'grub', confidence: 1 });
    expect(sniff('root=UUID=x rw quiet intel_iommu=on\n')).toMatchObject({ kind: 'kernel-cmdline', confidence: 1 });
    expect(sniff('BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n')).toMatchObject({ kind: 'proc-cmdline' });
    // A list of words could be many things (and content cannot tell the two module lists apart): at most 50%, never enough on its own.
    expect(sniff('vfio\nvfio_pci\n')).toMatchObject({ kind: expect.stringMatching(/^(initramfs-modules|modules-load)$/), confidence: 0.5 });
    expect(classifyText('x/list', 'vfio\nvfio_pci\n', { named: true }).ok).toBe(false);
    // ...but enough to confirm a path that says modules.
    expect(classifyText('backup/etc/modules', 'vfio\n')).toMatchObject({ ok: true, classification: { kind: 'modules-load', by: 'path' } });
  });

  it('a half-matching file is not taken, and says how much it matched', () => {
    const c = classifyText('notes/vfio.conf', 'options vfio-pci ids=10de:1b80\nThen reboot and check dmesg.\nIt worked.\n');
    expect(c).toMatchObject({ ok: false, why: 'its content looks only partly like modprobe (1 of 3 lines are modprobe commands (confidence 33%), below the 75% needed)' });
    expect(classifyText('README', 'Some prose.\n')).toEqual({ ok: false, why: 'nothing in its name or content says what kind of file it is' });
  });

  it('a path that only half says it (grub, default/grub, cmdline) needs the content to agree', () => {
    expect(classifyText('repo/grub', 'GRUB_CMDLINE_LINUX="iommu=pt"\n')).toMatchObject({ ok: true, classification: { kind: 'grub', by: 'path+content', systemPath: '/etc/default/grub' } });
    // A bash completion script named grub is not GRUB's settings.
    const completion = classifyText('etc/bash_completion.d/grub', '_grub_set_entry () {\n  COMPREPLY=()\n}\n');
    expect(completion.ok).toBe(false);
    // A full system path needs no content: it is what the tools read there, whatever it holds.
    expect(classifyText('x/etc/modprobe.d/firewalld-sysctls.conf', 'net.ipv4.ip_forward=1\n')).toMatchObject({ ok: true, classification: { kind: 'modprobe', by: 'path', confidence: 1 } });
  });
});
