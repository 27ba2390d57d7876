import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { findings, fixture, tempDir, type JsonResult } from './fixtures.js';

const json = (stdout: string) => JSON.parse(stdout) as JsonResult[];
const kinds = (results: readonly JsonResult[], base: string) => results.map((r) => `${r.filePath.slice(base.length + 1)} ${r.kind}`);

describe('what the command line accepts as input', () => {
  it('a host tree (a root with etc/): every file at its standard place, libvirt\'s domains included', () => {
    const tree = fixture('tree');
    const r = runCli(['--format', 'json', tree]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const results = json(r.stdout);
    expect(kinds(results, tree)).toEqual(['etc/default/grub grub', 'etc/modprobe.d/vfio.conf modprobe', 'etc/libvirt/qemu/win11.xml domain']);
    expect(findings(results, tree)).toEqual([
      'etc/modprobe.d/vfio.conf:2:22 nvidia-not-blacklisted error',
      'etc/modprobe.d/vfio.conf:2:22 nvidia-not-blacklisted warning',
      'etc/libvirt/qemu/win11.xml:14:17 memballoon-present warning',
    ]);
  });

  it('an etc directory given alone is /etc: the same files and findings', () => {
    const tree = fixture('tree');
    const r = runCli(['--format', 'json', join(tree, 'etc')]);
    expect(r.code).toBe(1);
    expect(kinds(json(r.stdout), tree)).toEqual(['etc/default/grub grub', 'etc/modprobe.d/vfio.conf modprobe', 'etc/libvirt/qemu/win11.xml domain']);
  });

  it('a folder of domain XMLs: each .xml by its root element; a <network> XML and other files are left alone', () => {
    const dir = fixture('domains');
    const r = runCli(['--format', 'json', dir]);
    expect(r.code).toBe(0);
    const results = json(r.stdout);
    expect(kinds(results, dir)).toEqual(['gaming.xml domain', 'work.xml domain']);
    expect(findings(results, dir)).toEqual(['work.xml:14:17 memballoon-present warning']);
  });

  it('XML is classified by its root element, not its name', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'host.xml'), readFileSync(fixture('tree', 'etc', 'libvirt', 'qemu', 'win11.xml')));
    writeFileSync(join(dir, 'vm.xml'), readFileSync(join(fixture('..', 'shared', 'amd-8c16t.xml'))));
    const r = runCli(['--format', 'json', 'host.xml', 'vm.xml'], { cwd: dir });
    expect(kinds(json(r.stdout), dir)).toEqual(['host.xml domain', 'vm.xml capabilities']);
  });

  describe('single host files in a dotfiles repo', () => {
    const dot = fixture('dotfiles');

    it('are classified by path (etc/modprobe.d/*.conf, sysctl.conf), else by content (a grub file named "grub" outside default/)', () => {
      const r = runCli(['--format', 'json', 'vms/win11.xml', 'hosts/desk/grub', 'hosts/desk/sysctl.conf', 'hosts/desk/etc/modprobe.d/vfio.conf', 'hosts/desk/kvm-options'], { cwd: dot });
      expect(kinds(json(r.stdout), dot)).toEqual([
        'vms/win11.xml domain',
        'hosts/desk/grub grub',
        'hosts/desk/sysctl.conf sysctl',
        'hosts/desk/etc/modprobe.d/vfio.conf modprobe',
        'hosts/desk/kvm-options modprobe',
      ]);
    });

    it('given one by one, still form one machine: rules see across them', () => {
      // The GPU's ids are on the kernel command line (grub); the softdeps that guard it are in vfio.conf.
      const guarded = runCli(['--format', 'json', 'hosts/desk/grub', 'hosts/desk/etc/modprobe.d/vfio.conf', 'hosts/desk/sysctl.conf', 'vms/win11.xml'], { cwd: dot });
      expect(guarded.code).toBe(0);
      const results = json(guarded.stdout);
      // The huge pages in sysctl.conf are checked against the domain given beside them.
      expect(findings(results, dot)).toEqual(['hosts/desk/sysctl.conf:2:19 hugepages-without-backing warning']);
      expect(results[2]!.messages[0]!.message).toContain('(checked: desk)');

      // With modprobe configuration that does not guard the GPU, the finding lands on the grub line.
      const unguarded = runCli(['--format', 'json', 'hosts/desk/grub', 'hosts/desk/kvm-options'], { cwd: dot });
      expect(unguarded.code).toBe(1);
      // kvm-options sets ignore_msrs without report_ignored_msrs=0 (ignore-msrs-unreported, info).
      expect(findings(json(unguarded.stdout), dot)).toEqual(['hosts/desk/grub:2:57 nvidia-not-blacklisted error', 'hosts/desk/grub:2:57 nvidia-not-blacklisted warning', 'hosts/desk/grub:2:57 vfio-pci-late-load warning', 'hosts/desk/kvm-options:1:13 ignore-msrs-unreported info']);
    });

    it('a readable file that is nothing vfio-lint knows is skipped with a note naming --kind, not an error (exit 0)', () => {
      const r = runCli(['--format', 'json', 'hosts/desk/notes'], { cwd: dot });
      expect(r.code).toBe(0);
      expect(json(r.stdout)).toEqual([]);
      expect(r.stderr).toMatch(/^vfio-lint: skipped hosts\/desk\/notes: nothing in its name or content says what kind of file it is; name its kind with --kind KIND=hosts\/desk\/notes\n$/);
    });

    it('--kind overrides what the path and content say', () => {
      const r = runCli(['--format', 'json', '--kind', 'sysctl', 'hosts/desk/kvm-options'], { cwd: dot });
      const [result] = json(r.stdout);
      expect(result!.kind).toBe('sysctl');
      // `options kvm ignore_msrs=1` read as sysctl: a key with spaces in it.
      expect(result!.messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([['syntax', 1, 1]]);
    });
  });

  it('--root DIR reads a whole snapshot, together with other paths', () => {
    const r = runCli(['--format', 'json', '--root', 'clean', 'domains/work.xml'], { cwd: fixture() });
    expect(r.code).toBe(0);
    const results = json(r.stdout);
    expect(kinds(results, fixture())).toEqual(['domains/work.xml domain', 'clean/etc/default/grub grub', 'clean/etc/modprobe.d/vfio.conf modprobe', 'clean/etc/libvirt/qemu/win11.xml domain']);
    expect(findings(results, fixture())).toEqual(['domains/work.xml:14:17 memballoon-present warning']);
  });

  describe('--stdin', () => {
    const vm = readFileSync(fixture('tree', 'etc', 'libvirt', 'qemu', 'win11.xml'), 'utf8');
    const modprobe = readFileSync(fixture('tree', 'etc', 'modprobe.d', 'vfio.conf'), 'utf8');

    it('with --stdin-filename vm.xml: a domain, shown under that name', () => {
      const cwd = tempDir();
      const r = runCli(['--stdin', '--stdin-filename', 'vm.xml', '--format', 'json'], { cwd, input: vm });
      expect(r.code).toBe(0);
      const results = json(r.stdout);
      expect(kinds(results, cwd)).toEqual(['vm.xml domain']);
      expect(findings(results, cwd)).toEqual(['vm.xml:14:17 memballoon-present warning']);
      const stylish = runCli(['--stdin', '--stdin-filename', 'vm.xml'], { cwd, input: vm });
      expect(stylish.stdout).toMatch(/^\nvm\.xml\n {2}14:17 {2}warning {2}Memory balloon model 'virtio' is active/);
    });

    it('with --stdin-filename /etc/modprobe.d/vfio.conf: a modprobe.d file', () => {
      const r = runCli(['--stdin', '--stdin-filename', '/etc/modprobe.d/vfio.conf', '--format', 'json'], { input: modprobe });
      expect(r.code).toBe(1);
      const [result] = json(r.stdout);
      expect(result!.filePath).toBe('/etc/modprobe.d/vfio.conf');
      expect(result!.kind).toBe('modprobe');
      expect(result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.level}`)).toEqual(['2:22 nvidia-not-blacklisted error', '2:22 nvidia-not-blacklisted warning']);
    });

    it('`-` is standard input too, as in ShellCheck and hadolint', () => {
      const r = runCli(['-', '--stdin-filename', 'etc/modprobe.d/vfio.conf', '--format', 'json'], { cwd: tempDir(), input: modprobe });
      expect(r.code).toBe(1);
      expect(json(r.stdout)[0]!.kind).toBe('modprobe');
    });

    it('without a file name, the content decides', () => {
      const r = runCli(['--stdin', '--format', 'json'], { input: modprobe });
      expect(json(r.stdout)[0]!.kind).toBe('modprobe');
    });

    it('text that is nothing vfio-lint knows is a fatal finding naming --stdin-filename and --kind, never silently nothing', () => {
      const r = runCli(['--stdin', '--format', 'json'], { input: 'hello\n' });
      expect(r.code).toBe(1);
      const [result] = json(r.stdout);
      expect(result!.messages).toMatchObject([{ ruleId: null, fatal: true }]);
      expect(result!.messages[0]!.message).toBe('cannot tell what kind of file this is; name it with --stdin-filename or --kind');
    });

    it('stands in for the file of that name in a tree: the unsaved text is linted with the rest of the machine', () => {
      // On disk, tree's vfio.conf does not guard the GPU; the text on stdin (clean's) does.
      const fixed = readFileSync(fixture('clean', 'etc', 'modprobe.d', 'vfio.conf'), 'utf8');
      const r = runCli(['--stdin', '--stdin-filename', 'etc/modprobe.d/vfio.conf', '--format', 'json', '.'], { cwd: fixture('tree'), input: fixed });
      const results = json(r.stdout);
      expect(results.map((x) => x.filePath.slice(fixture('tree').length + 1))).toEqual(['etc/default/grub', 'etc/modprobe.d/vfio.conf', 'etc/libvirt/qemu/win11.xml']);
      expect(findings(results, fixture('tree'))).toEqual(['etc/libvirt/qemu/win11.xml:14:17 memballoon-present warning']);
      expect(r.code).toBe(0);
    });

    it('text that is not UTF-8 is a fatal finding with the byte offset', () => {
      // "# café" in Latin-1: 0xe9 is byte 24, and is no UTF-8.
      const bad = Buffer.concat([Buffer.from('vm.swappiness = 10\n# caf'), Buffer.from([0xe9, 0x0a])]);
      // spawnSync passes a Buffer through as it is; the helper's type says string only.
      const r = runCli(['--stdin', '--stdin-filename', 'etc/sysctl.conf', '--format', 'json'], { cwd: tempDir(), input: bad as unknown as string });
      expect(r.code).toBe(1);
      const [result] = json(r.stdout);
      expect(result!.messages).toMatchObject([{ ruleId: null, fatal: true, message: 'not valid UTF-8 (at byte 24)' }]);
    });
  });

  describe('broken files', () => {
    it('a truncated domain XML: a fatal finding at the line where it ends, exit 1', () => {
      const dir = fixture('broken');
      const r = runCli(['--format', 'json', 'truncated.xml'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('');
      expect(findings(json(r.stdout), dir)).toEqual(['truncated.xml:5:1 (fatal) error']);
    });

    it('in a folder of XMLs, the broken one is reported, not skipped', () => {
      const dir = fixture('broken');
      const r = runCli(['--format', 'json', dir]);
      expect(findings(json(r.stdout), dir)).toEqual(['truncated.xml:5:1 (fatal) error']);
    });
  });
});
