import { describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../cli/fixtures.js';

const DOMAIN = (name: string, uuid = 'a8e2c0f4-6f4b-4b57-9f1a-0c4a1d3e5b71') => `<domain type='kvm'>\n  <name>${name}</name>\n  <uuid>${uuid}</uuid>\n  <memory unit='GiB'>8</memory>\n  <vcpu>2</vcpu>\n  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n  <devices><memballoon model='none'/></devices>\n</domain>\n`;
const GRUB = 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on"\n';
const MODPROBE = 'options vfio-pci ids=1002:73bf\n';
const DRACUT = 'add_drivers+=" vfio vfio_iommu_type1 vfio_pci "\n';

function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** `--list-inputs` as rows: [path, kind, system path, why] for files; [path, reason] after `skipped:`. */
function listed(dir: string, args: string[] = ['.']) {
  const r = runCli(['--no-config', '--list-inputs', ...args], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  const skipAt = lines.indexOf('skipped:');
  const files = (skipAt < 0 ? lines : lines.slice(0, skipAt)).filter((l) => l.startsWith('  ')).map((l) => l.trim().split('\t'));
  const skipped = skipAt < 0 ? [] : lines.slice(skipAt + 1).map((l) => l.trim().split('\t'));
  const machines = lines.filter((l) => l.startsWith('machine '));
  const notes = lines.filter((l) => l.startsWith('# '));
  return { files, skipped, machines, notes };
}

describe('folder discovery (issue 15)', () => {
  it('finds config files at any depth in the layouts dotfiles repos use, each with its kind and why', () => {
    const dir = tree({
      'home/me/.config/libvirt/qemu/win11.xml': DOMAIN('win11'),
      'etc/libvirt/gaming.xml': DOMAIN('gaming', '11111111-2222-3333-4444-555555555555'),
      'top.xml': DOMAIN('top', '21111111-2222-3333-4444-555555555555'),
      'vms/deep/er/vm.xml': DOMAIN('deep', '31111111-2222-3333-4444-555555555555'),
      'configs/etc/default/grub.txt': GRUB,
      'configs/etc/modprobe.d/vfio.conf': MODPROBE,
      'config/modprobe.d/kvm.conf': 'options kvm ignore_msrs=1\n',
      'mkinitcpio.conf': 'MODULES=(vfio_pci vfio)\n',
      cmdline: 'root=/dev/sda1 rw intel_iommu=on\n',
      'commands/LIBVIRT_WIN10': DOMAIN('win10', '41111111-2222-3333-4444-555555555555'),
      'README.md': 'options vfio-pci ids=1002:73bf\n',
      'scripts/start.sh': '#!/bin/sh\nvirsh start win11\n',
      '.git/config': '[core]\n',
    });
    const { files, skipped, machines } = listed(dir);
    expect(machines).toEqual([]);
    expect(files.map((f) => f.slice(0, 3))).toEqual([
      ['cmdline', 'kernel-cmdline', '/etc/kernel/cmdline'],
      ['config/modprobe.d/kvm.conf', 'modprobe', '/etc/modprobe.d/kvm.conf'],
      ['configs/etc/default/grub.txt', 'grub', '/etc/default/grub'],
      ['configs/etc/modprobe.d/vfio.conf', 'modprobe', '/etc/modprobe.d/vfio.conf'],
      ['mkinitcpio.conf', 'mkinitcpio', '/etc/mkinitcpio.conf'],
      ['commands/LIBVIRT_WIN10', 'domain', '/LIBVIRT_WIN10'],
      ['etc/libvirt/gaming.xml', 'domain', '/etc/libvirt/gaming.xml'],
      ['home/me/.config/libvirt/qemu/win11.xml', 'domain', '/home/me/.config/libvirt/qemu/win11.xml'],
      ['top.xml', 'domain', '/top.xml'],
      ['vms/deep/er/vm.xml', 'domain', '/vm.xml'],
    ]);
    expect(Object.fromEntries(files.map((f) => [f[0], f[3]]))).toMatchObject({
      cmdline: 'its name matches /etc/kernel/cmdline, and its content agrees: 1 of 1 lines are kernel parameters, 3 of the 3 words parameters, 3 of them ones only a kernel takes',
      'configs/etc/modprobe.d/vfio.conf': 'its path matches /etc/modprobe.d/*.conf',
      'config/modprobe.d/kvm.conf': 'its folder and name match /etc/modprobe.d/*.conf',
      'commands/LIBVIRT_WIN10': 'its root element is <domain>',
    });
    expect(skipped).toEqual([
      ['.git', 'a version-control or dependency folder'],
      ['README.md', 'not a configuration file name (.md)'],
      ['scripts/start.sh', 'not a configuration file name (.sh)'],
    ]);
    // More layouts from real repos: a flattened etc-dracut.conf.d, mnt/etc, root/etc.
    for (const [rel, kind, place] of [['etc-dracut.conf.d/vfio.conf', 'dracut', '/etc/dracut.conf.d/vfio.conf'], ['mnt/etc/kernel/cmdline', 'kernel-cmdline', '/etc/kernel/cmdline'], ['root/etc/sysctl.conf', 'sysctl', '/etc/sysctl.conf']] as const) {
      const one = tree({ [rel]: kind === 'dracut' ? DRACUT : kind === 'sysctl' ? 'vm.nr_hugepages = 8\n' : 'quiet intel_iommu=on\n' });
      expect(listed(one).files.map((f) => f.slice(0, 3))).toEqual([[rel, kind, place]]);
    }
  });

  it('lints every file it finds as one machine: rules see across the layout', () => {
    const dir = tree({ 'configs/etc/default/grub': 'GRUB_CMDLINE_LINUX="vfio-pci.ids=10de:1b80"\n', 'modprobe.d/kvm.conf': 'options kvm ignore_msrs=1\n', 'vms/win11.xml': DOMAIN('win11') });
    const r = runCli(['--no-config', '--format', 'json', '.'], { cwd: dir });
    expect(r.stderr).toBe('');
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
    expect(results.map((x) => x.filePath.slice(dir.length + 1))).toEqual(['configs/etc/default/grub', 'modprobe.d/kvm.conf', 'vms/win11.xml']);
    // An NVIDIA id on the command line (configs/etc) with nothing in modprobe.d (at the top) to keep nvidia off it.
    expect(results[0]!.messages.map((m) => m.ruleId)).toContain('nvidia-not-blacklisted');
  });

  it('a config folder given directly is that kind of input', () => {
    const dir = tree({ 'etc/modprobe.d/vfio.conf': MODPROBE, 'etc/sysctl.d/10-huge.conf': 'vm.nr_hugepages = 16\n', 'etc/dracut.conf.d/vfio.conf': DRACUT, 'etc/default/grub.d/vfio.cfg': GRUB });
    expect(listed(dir, ['etc/modprobe.d']).files.map((f) => f.slice(0, 3))).toEqual([['etc/modprobe.d/vfio.conf', 'modprobe', '/etc/modprobe.d/vfio.conf']]);
    expect(listed(dir, ['etc/sysctl.d']).files.map((f) => f[1])).toEqual(['sysctl']);
    expect(listed(dir, ['etc/dracut.conf.d']).files.map((f) => f[1])).toEqual(['dracut']);
    expect(listed(dir, ['etc/default/grub.d']).files.map((f) => f.slice(1, 3))).toEqual([['grub', '/etc/default/grub.d/vfio.cfg']]);
    const r = runCli(['--no-config', '--format', 'json', 'etc/modprobe.d'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
  });

  it('groups a folder of machines (hosts/desk, hosts/lab) into machines, says how, and the config can make it one', () => {
    const dir = tree({
      'hosts/desk/etc/modprobe.d/vfio.conf': MODPROBE,
      'hosts/desk/win11.xml': DOMAIN('win11'),
      'hosts/lab/etc/default/grub': GRUB,
      'hosts/lab/win11.xml': DOMAIN('win11'),
    });
    const split = listed(dir);
    expect(split.notes).toEqual(['# .: 2 machines (hosts/desk, hosts/lab): each folder that holds a host tree (etc/, usr/, boot/...) is a machine; every other file joins the deepest of them above it']);
    expect(split.machines).toEqual(['machine hosts/desk:', 'machine hosts/lab:']);
    // Configuration folders without an etc/ split the same way.
    const bare = tree({ 'hosts/desk/modprobe.d/vfio.conf': MODPROBE, 'hosts/lab/sysctl.d/10.conf': 'vm.nr_hugepages = 8\n', 'hosts/lab/vm.xml': DOMAIN('vm') });
    expect(listed(bare).machines).toEqual(['machine hosts/desk:', 'machine hosts/lab:']);
    // Linted machine by machine: the two win11 domains are on different hosts, so no duplicate.
    const r = runCli(['--no-config', '--format', 'json', '.'], { cwd: dir });
    expect(r.stderr).toContain('2 machines (hosts/desk, hosts/lab)');
    expect(r.stdout).not.toContain('duplicate-domain');
    // "group": "one" in the config: one machine, and the two copies of win11 meet.
    writeFileSync(join(dir, 'vfio-lint.config.json'), JSON.stringify({ group: 'one' }));
    const one = runCli(['--format', 'json', '.'], { cwd: dir });
    expect(one.stderr).toBe('');
    const dup = (JSON.parse(one.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number; column: number }> }>).flatMap((x) => x.messages.filter((m) => m.ruleId === 'duplicate-domain').map((m) => `${x.filePath.slice(dir.length + 1)}:${m.line}:${m.column}`));
    expect(dup).toEqual(['hosts/lab/win11.xml:2:9']);
  });

  it('skips stale copies with a note, unless named explicitly', () => {
    const dir = tree({ 'etc/modprobe.d/vfio.conf': MODPROBE, 'etc/modprobe.d/vfio.conf.pacnew': MODPROBE, 'etc/default/grub.dpkg-old': GRUB, 'etc/default/grub~': GRUB, 'vms/win11.xml.bak': DOMAIN('win11') });
    const r = runCli(['--no-config', '--format', 'json', '.'], { cwd: dir });
    expect(JSON.parse(r.stdout).map((x: { filePath: string }) => x.filePath.slice(dir.length + 1))).toEqual(['etc/modprobe.d/vfio.conf']);
    for (const f of ['etc/default/grub.dpkg-old', 'etc/default/grub~', 'etc/modprobe.d/vfio.conf.pacnew', 'vms/win11.xml.bak']) {
      expect(r.stderr).toContain(`vfio-lint: skipped ${f}: a stale copy (a package manager or editor leaves these); name it on the command line to lint it\n`);
    }
    const named = runCli(['--no-config', '--format', 'json', 'etc/modprobe.d/vfio.conf.pacnew', '--kind', 'domain=vms/*.bak'], { cwd: dir });
    expect(JSON.parse(named.stdout).map((x: { filePath: string; kind: string }) => `${x.filePath.slice(dir.length + 1)} ${x.kind}`)).toEqual(['etc/modprobe.d/vfio.conf.pacnew modprobe']);
  });

  it('ignore files: .vfio-lintignore (gitignore syntax, nested, with !) and the config\'s ignores', () => {
    const dir = tree({
      '.vfio-lintignore': '# old copies\nold/\n*.draft.xml\n!keep.draft.xml\n',
      'old/win10.xml': DOMAIN('win10'),
      'vms/a.draft.xml': DOMAIN('a'),
      'vms/keep.draft.xml': DOMAIN('keep', '51111111-2222-3333-4444-555555555555'),
      'vms/sub/.vfio-lintignore': '/local.xml\n',
      'vms/sub/local.xml': DOMAIN('local', '61111111-2222-3333-4444-555555555555'),
      'vms/sub/deeper/local.xml': DOMAIN('deeper', '71111111-2222-3333-4444-555555555555'),
      'etc/modprobe.d/vfio.conf': MODPROBE,
      'etc/modprobe.d/scratch.conf': MODPROBE,
    });
    const { files, skipped } = listed(dir);
    expect(files.map((f) => f[0])).toEqual(['etc/modprobe.d/scratch.conf', 'etc/modprobe.d/vfio.conf', 'vms/keep.draft.xml', 'vms/sub/deeper/local.xml']);
    expect(skipped).toEqual([
      ['old', 'ignored by .vfio-lintignore'],
      ['vms/a.draft.xml', 'ignored by .vfio-lintignore'],
      ['vms/sub/local.xml', 'ignored by vms/sub/.vfio-lintignore'],
    ]);
    writeFileSync(join(dir, 'vfio-lint.config.json'), JSON.stringify({ ignores: ['etc/modprobe.d/scratch.conf'] }));
    const r = runCli(['--list-inputs', '.'], { cwd: dir });
    expect(r.stdout).toContain('etc/modprobe.d/scratch.conf\tignored by the config\'s "ignores"');
  });

  it('per-file kinds: --kind KIND=GLOB (repeatable) and the config\'s files, without changing the other files\' kinds', () => {
    const dir = tree({ 'notes/dracut-vfio': DRACUT, 'notes/kvm': 'options kvm ignore_msrs=1\nand some prose\n', 'etc/modprobe.d/vfio.conf': MODPROBE });
    expect(listed(dir).files.map((f) => f[0])).toEqual(['etc/modprobe.d/vfio.conf', 'notes/dracut-vfio']);
    const given = listed(dir, ['.', '--kind', 'modprobe=notes/kvm', '--kind', 'dracut=notes/dracut-*']).files;
    expect(given.map((f) => f.slice(0, 2))).toEqual([['etc/modprobe.d/vfio.conf', 'modprobe'], ['notes/dracut-vfio', 'dracut'], ['notes/kvm', 'modprobe']]);
    writeFileSync(join(dir, 'vfio-lint.config.json'), JSON.stringify({ files: [{ files: ['notes/kvm'], kind: 'modprobe' }] }));
    const r = runCli(['--list-inputs', '.'], { cwd: dir });
    expect(r.stdout).toContain('notes/kvm\tmodprobe\t/etc/modprobe.d/kvm\tnamed modprobe by --kind or the config\'s files');
  });

  it('a quoted glob on the command line is expanded by vfio-lint', () => {
    const dir = tree({ 'vms/a.xml': DOMAIN('a'), 'vms/b.xml': DOMAIN('b', '81111111-2222-3333-4444-555555555555'), 'other/c.xml': DOMAIN('c', '91111111-2222-3333-4444-555555555555') });
    expect(listed(dir, ['vms/*.xml']).files.map((f) => f[0])).toEqual(['vms/a.xml', 'vms/b.xml']);
    const none = runCli(['--no-config', 'nothing/*.xml'], { cwd: dir });
    expect(none).toMatchObject({ code: 2, stderr: 'vfio-lint: nothing/*.xml: no file or folder matches this pattern\n' });
  });

  it('links resolve inside the tree: a masked file is listed as masked, a link to a folder is walked once, inside the tree', () => {
    const dir = tree({ 'etc/modprobe.d/vfio.conf': MODPROBE, 'snap/modprobe.d/x.conf': MODPROBE });
    symlinkSync('/dev/null', join(dir, 'etc/modprobe.d/nouveau.conf'));
    // An absolute target means the tree's own root, never this machine's /etc.
    symlinkSync('/snap/modprobe.d', join(dir, 'etc/more.d'));
    symlinkSync('/etc', join(dir, 'etc/dracut.conf.d'));
    const { files, skipped } = listed(dir);
    expect(files.map((f) => [f[0], f[3]!.endsWith('(masked: a link to /dev/null) (masked)')])).toEqual([['etc/modprobe.d/nouveau.conf', true], ['etc/modprobe.d/vfio.conf', false], ['etc/more.d/x.conf', false]]);
    expect(skipped).toEqual([['etc/dracut.conf.d', 'a symbolic link to a folder already walked; not walked again'], ['snap/modprobe.d', 'a folder already walked (through a symbolic link)']]);
  });

  it('a folder with nothing to lint says so, with where to look', () => {
    const dir = tree({ 'README.md': 'hi\n' });
    const r = runCli(['--no-config', '--format', 'json', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)[0].messages[0].message).toBe('holds no file vfio-lint reads (1 passed over; --list-inputs says why)');
  });
});
