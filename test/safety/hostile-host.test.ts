import { describe, it, expect } from 'vitest';
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { asNobody, expectNoCrash, runCliAs, runJson, useTempDirs, type JsonResult } from './helpers.js';

const tempDir = useTempDirs('host');

function put(root: string, rel: string, content: string | Uint8Array): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

function link(root: string, rel: string, target: string): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  symlinkSync(target, p);
}

/** Every message as `[file relative to root, ruleId or 'fatal', line, column, message]`. */
function messagesOf(results: readonly JsonResult[], root: string): Array<[string, string, number, number, string]> {
  return results.flatMap((r) => r.messages.map((m) => [r.filePath.slice(root.length + 1), m.ruleId ?? 'fatal', m.line, m.column, m.message] as [string, string, number, number, string]));
}

function mkfifo(p: string): boolean {
  return spawnSync('mkfifo', [p]).status === 0;
}

// A modprobe line the nvidia-not-blacklisted rule reports at 1:22 (the device id): proof a file was read.
const VFIO_IDS = 'options vfio-pci ids=10de:1b80\n';

describe('grub files the shell would choke on', () => {
  it('an unterminated quote: a syntax error at the quote, exit 1', () => {
    const root = tempDir();
    put(root, 'etc/default/grub', 'GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt\n');
    const r = runJson([root]);
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const m = messagesOf(r.results, root);
    expect(m).toHaveLength(1);
    // 27 characters of `GRUB_CMDLINE_LINUX_DEFAULT=` come before the quote.
    expect(m[0]!.slice(0, 4)).toEqual(['etc/default/grub', 'syntax', 1, 28]);
    expect(m[0]![4]).toMatch(/unterminated double quote/);
  });

  it('$(...) and backquotes are never run, not even by --fix', () => {
    const root = tempDir();
    const m1 = join(root, 'ran-dollar');
    const m2 = join(root, 'ran-backquote');
    const grub = `GRUB_CMDLINE_LINUX_DEFAULT="quiet $(touch ${m1}) iommu=pt isolcpus=2-3"\nGRUB_TIMEOUT=\`touch ${m2}\`\n`;
    const file = put(root, 'etc/default/grub', grub);
    for (const args of [[root], ['--fix', '--fix-suggestions', root], ['--fix-dry-run', root]]) {
      const r = runJson(args);
      expectNoCrash(r);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(existsSync(m1)).toBe(false);
    expect(existsSync(m2)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(grub);
  });

  it('a backslash at the very end of the file: a warning at the backslash', () => {
    const root = tempDir();
    put(root, 'etc/default/grub', 'GRUB_CMDLINE_LINUX="a"\\');
    const r = runJson([root]);
    expectNoCrash(r);
    expect(messagesOf(r.results, root).map((m) => m.slice(0, 4))).toContainEqual(['etc/default/grub', 'syntax', 1, 23]);
  });

  it('a continuation backslash on the last line (backslash, newline, end of file): accepted as the shell does', () => {
    const root = tempDir();
    put(root, 'etc/default/grub', 'GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt" \\\n');
    const r = runJson([root]);
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(messagesOf(r.results, root)).toEqual([]);
  });

  it('an empty grub file and an empty modprobe.d file: nothing to report', () => {
    const root = tempDir();
    put(root, 'etc/default/grub', '');
    put(root, 'etc/modprobe.d/empty.conf', '');
    const r = runJson([root]);
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(r.results.map((x) => x.filePath.slice(root.length + 1)).sort()).toEqual(['etc/default/grub', 'etc/modprobe.d/empty.conf']);
    expect(messagesOf(r.results, root)).toEqual([]);
  });
});

describe('bytes that are not text in host files', () => {
  it('NUL bytes: a fatal finding at the NUL in each file, nothing else said about it', () => {
    const root = tempDir();
    put(root, 'etc/default/grub', 'GRUB_CMDLINE_LINUX="iommu=pt\0 amd_iommu=on"\n');
    put(root, 'etc/modprobe.d/nul.conf', `${VFIO_IDS}softdep nouveau pre: vfio-pci\0\n`);
    put(root, 'etc/sysctl.d/nul.conf', 'vm.nr_hugepages = 8\n\0\n');
    const r = runJson([root]);
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const nul = 'NUL byte in a text file: the tools that read this file stop at it or skip it, so it is not linted';
    expect(messagesOf(r.results, root).sort()).toEqual([
      // `GRUB_CMDLINE_LINUX="iommu=pt` is 28 characters.
      ['etc/default/grub', 'fatal', 1, 29, nul],
      // Line 2 of the modprobe file: `softdep nouveau pre: vfio-pci` is 29 characters.
      ['etc/modprobe.d/nul.conf', 'fatal', 2, 30, nul],
      ['etc/sysctl.d/nul.conf', 'fatal', 2, 1, nul],
    ]);
  });

  it('a binary file where a drop-in is expected: fatal at the first byte that is not UTF-8', () => {
    const root = tempDir();
    put(root, 'etc/modprobe.d/blob.conf', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x0a, 0x41, 0xc3, 0x28]));
    const r = runJson([root]);
    expectNoCrash(r);
    expect(r.code).toBe(1);
    // Byte 6 (0xc3) starts a two-byte sequence that 0x28 does not continue; it sits on line 2, after 'A'.
    expect(messagesOf(r.results, root)).toEqual([['etc/modprobe.d/blob.conf', 'fatal', 2, 2, 'not valid UTF-8 (at byte 6)']]);
  });
});

describe('things that are not regular files', () => {
  it('a directory where a file is expected: a finding on it, the rest of the tree still linted', () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc/default/grub'), { recursive: true });
    mkdirSync(join(root, 'etc/modprobe.d/dir.conf'), { recursive: true });
    put(root, 'etc/modprobe.d/vfio.conf', VFIO_IDS);
    const r = runJson([root]);
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const m = messagesOf(r.results, root);
    expect(m.filter((x) => x[1] === 'fatal').sort()).toEqual([
      ['etc/default/grub', 'fatal', 1, 1, 'is a directory where a file is expected; ignored'],
      ['etc/modprobe.d/dir.conf', 'fatal', 1, 1, 'is a directory where a file is expected; ignored'],
    ]);
    expect(m.some((x) => x[0] === 'etc/modprobe.d/vfio.conf' && x[1] === 'nvidia-not-blacklisted')).toBe(true);
  });

  it('a file where a directory is expected: whatever would be inside it is simply absent', () => {
    // etc/kernel and etc/modprobe.d are files here, so etc/kernel/cmdline is probed through a file (ENOTDIR).
    const root = tempDir();
    put(root, 'etc/kernel', 'not a directory\n');
    put(root, 'etc/modprobe.d', 'not a directory either\n');
    put(root, 'etc/default/grub', 'GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt"\n');
    put(root, 'etc/modules-load.d/vfio.conf', 'vfio-pci\n');
    const r = runJson([root]);
    expectNoCrash(r);
    expect(r.code).toBe(0);
    expect(r.results.map((x) => x.filePath.slice(root.length + 1)).sort()).toEqual(['etc/default/grub', 'etc/modules-load.d/vfio.conf']);
    expect(messagesOf(r.results, root)).toEqual([]);
  });

  it('a FIFO in a host tree is reported, never opened for a blocking read', () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc/modprobe.d'), { recursive: true });
    mkdirSync(join(root, 'etc/libvirt/qemu'), { recursive: true });
    for (const rel of ['etc/modprobe.d/fifo.conf', 'etc/libvirt/qemu/vm.xml', 'top.xml']) if (!mkfifo(join(root, rel))) return void expect.fail('mkfifo failed');
    // No writer ever opens these FIFOs: a blocking open or read would hang until runCli's timeout (code null).
    const r = runJson([root], { timeout: 20_000 });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    expect(messagesOf(r.results, root).sort()).toEqual([
      ['etc/libvirt/qemu/vm.xml', 'fatal', 1, 1, 'is not a regular file (a FIFO); refusing to read it'],
      ['etc/modprobe.d/fifo.conf', 'fatal', 1, 1, 'is not a regular file (a FIFO); refusing to read it'],
      ['top.xml', 'fatal', 1, 1, 'is not a regular file (a FIFO); refusing to read it'],
    ]);
  });

  it('a FIFO or /dev/zero named on the command line: one line on stderr, exit 2, at once', () => {
    const dir = tempDir();
    if (!mkfifo(join(dir, 'fifo.xml'))) return void expect.fail('mkfifo failed');
    for (const [args, says] of [
      [['fifo.xml'], 'fifo.xml: is not a regular file (a FIFO); refusing to read it'],
      [['--kind', 'grub', '/dev/zero'], '/dev/zero: is not a regular file (a character device); refusing to read it'],
      [['/dev/zero'], '/dev/zero: is not a regular file (a character device); refusing to read it'],
    ] as const) {
      const r = runJson(args, { cwd: dir, timeout: 20_000 });
      expectNoCrash(r);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`vfio-lint: ${says}\n`);
    }
  });

  it('--stdin fed from /dev/zero: reading stops at the size limit, exit 2 with one line', () => {
    const zero = openSync('/dev/zero', 'r');
    try {
      const r = spawnSync(process.execPath, [BIN, '--no-config', '--stdin', '--stdin-filename', 'vm.xml'], { stdio: [zero, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toBe(`vfio-lint: standard input is too large (the limit is ${16 * 1024 * 1024} bytes)\n`);
    } finally {
      closeSync(zero);
    }
  });
});

describe('symbolic links in a host tree', () => {
  it('dangling links and loops are findings; an absolute link resolves inside the tree, never on this machine', () => {
    const root = tempDir();
    put(root, 'usr/lib/modprobe.d/real.conf', VFIO_IDS);
    link(root, 'etc/modprobe.d/via-absolute.conf', '/usr/lib/modprobe.d/real.conf');
    link(root, 'etc/modprobe.d/dangling.conf', '/nonexistent/x.conf');
    link(root, 'etc/modprobe.d/loop-a.conf', 'loop-b.conf');
    link(root, 'etc/modprobe.d/loop-b.conf', 'loop-a.conf');
    // Both exist on every Linux machine, and neither exists in the tree.
    link(root, 'etc/sysctl.d/passwd.conf', '/etc/passwd');
    link(root, 'etc/sysctl.d/climb.conf', '../../../../../../../../etc/passwd');
    link(root, 'etc/default/grub', '/etc/os-release');
    link(root, 'etc/dracut.conf.d', '/etc');
    const r = runJson([root]);
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const notInTree = (p: string) => `dangling symbolic link: ${p} does not exist in this tree (links resolve inside the tree, not on this machine)`;
    const loop = 'too many levels of symbolic links (a symlink loop?)';
    const m = messagesOf(r.results, root);
    expect(m.filter((x) => x[1] === 'fatal').sort()).toEqual([
      ['etc/default/grub', 'fatal', 1, 1, notInTree('/etc/os-release')],
      ['etc/modprobe.d/dangling.conf', 'fatal', 1, 1, notInTree('/nonexistent/x.conf')],
      ['etc/modprobe.d/loop-a.conf', 'fatal', 1, 1, loop],
      ['etc/modprobe.d/loop-b.conf', 'fatal', 1, 1, loop],
      ['etc/sysctl.d/climb.conf', 'fatal', 1, 1, notInTree('/etc/passwd')],
      ['etc/sysctl.d/passwd.conf', 'fatal', 1, 1, notInTree('/etc/passwd')],
    ]);
    // The link into the tree's own /usr/lib was followed: the rule read the target's content, reported at the link's path.
    expect(m.filter((x) => x[1] !== 'fatal').map((x) => x.slice(0, 4))).toContainEqual(['etc/modprobe.d/via-absolute.conf', 'nvidia-not-blacklisted', 1, 22]);
    // Nothing of the real /etc was read: /etc/dracut.conf.d -> /etc would be /etc in the tree, which holds no dracut files.
    const out = r.stdout + r.stderr;
    expect(out).not.toMatch(/root:x?:0:0/);
    expect(out).not.toMatch(/PRETTY_NAME/);
  });

  it('etc/ itself a link inside the tree: files it lacks are just absent, not dangling links', () => {
    const root = tempDir();
    put(root, 'snapshots/2024/etc/modprobe.d/vfio.conf', VFIO_IDS);
    symlinkSync('snapshots/2024/etc', join(root, 'etc'));
    const r = runJson([root]);
    expectNoCrash(r);
    // The tree has no grub, sysctl.conf and so on: none of that is a finding.
    expect(messagesOf(r.results, root).map((x) => x.slice(0, 4))).toEqual([
      ['etc/modprobe.d/vfio.conf', 'nvidia-not-blacklisted', 1, 22],
      ['etc/modprobe.d/vfio.conf', 'nvidia-not-blacklisted', 1, 22],
    ]);
  });

  it('a link loop in a directory of the path is a finding, not a hang', () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc'), { recursive: true });
    link(root, 'etc/modprobe.d', 'modprobe.d');
    put(root, 'etc/default/grub', 'GRUB_TIMEOUT=5\n');
    const r = runJson([root], { timeout: 20_000 });
    expectNoCrash(r);
    expect(messagesOf(r.results, root)).toEqual([['etc/modprobe.d', 'fatal', 1, 1, 'too many levels of symbolic links (a symlink loop?)']]);
  });

  it('with --fix, a file reached through an absolute link is fixed inside the tree and the link stays a link', () => {
    const root = tempDir();
    const target = put(root, 'usr/lib/modprobe.d/real.conf', VFIO_IDS);
    link(root, 'etc/modprobe.d/vfio.conf', '/usr/lib/modprobe.d/real.conf');
    const r = runJson(['--fix', '--fix-suggestions', root]);
    expectNoCrash(r);
    expect(lstatSync(join(root, 'etc/modprobe.d/vfio.conf')).isSymbolicLink()).toBe(true);
    const fixed = readFileSync(target, 'utf8');
    expect(fixed.startsWith(VFIO_IDS)).toBe(true);
    expect(fixed).toMatch(/softdep nouveau pre: vfio-pci/);
  });
});

describe('unreadable files (EACCES)', () => {
  it('in a tree: a finding on the file and on the directory; named on the command line: exit 2, one line', (ctx) => {
    const root = tempDir();
    put(root, 'etc/modprobe.d/secret.conf', VFIO_IDS);
    put(root, 'etc/sysctl.d/hidden/x.conf', '');
    put(root, 'etc/default/grub', 'GRUB_TIMEOUT=5\n');
    put(root, 'etc/libvirt/qemu/vm.xml', "<domain type='kvm'><name>x</name></domain>\n");
    const who = asNobody([root, join(root, 'etc'), join(root, 'etc/modprobe.d'), join(root, 'etc/default'), join(root, 'etc/libvirt'), join(root, 'etc/libvirt/qemu')]);
    if ('skip' in who) return ctx.skip(who.skip);
    chmodSync(join(root, 'etc/modprobe.d/secret.conf'), 0o000);
    chmodSync(join(root, 'etc/libvirt/qemu/vm.xml'), 0o000);
    chmodSync(join(root, 'etc/sysctl.d'), 0o000);
    try {
      const r = runCliAs(who.prefix, ['--format', 'json', '--no-config', root], root);
      expectNoCrash(r);
      expect(r.code, r.stderr).toBe(1);
      const results = JSON.parse(r.stdout) as JsonResult[];
      expect(messagesOf(results, root).sort()).toEqual([
        ['etc/libvirt/qemu/vm.xml', 'fatal', 1, 1, 'permission denied'],
        ['etc/modprobe.d/secret.conf', 'fatal', 1, 1, 'permission denied'],
        ['etc/sysctl.d', 'fatal', 1, 1, 'permission denied'],
      ]);
      const named = runCliAs(who.prefix, ['--no-config', 'etc/modprobe.d/secret.conf'], root);
      expectNoCrash(named);
      expect(named.code).toBe(2);
      expect(named.stdout).toBe('');
      expect(named.stderr).toBe('vfio-lint: etc/modprobe.d/secret.conf: permission denied\n');
    } finally {
      chmodSync(join(root, 'etc/sysctl.d'), 0o755);
    }
  });
});

describe('names with spaces and non-ASCII characters', () => {
  it('are read, reported with their exact names, and fixed in place', () => {
    const base = tempDir();
    const root = join(base, 'my host ☃ café');
    put(root, 'etc/modprobe.d/vfio café ☃.conf', VFIO_IDS);
    const vm = put(root, "etc/libvirt/qemu/wín 11 ' \"q\".xml", `<domain type='kvm'>\n<name>x</name>\n<devices>\n<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>\n<memballoon model='virtio'/>\n</devices>\n</domain>\n`);
    const r = runJson([root]);
    expectNoCrash(r);
    const m = messagesOf(r.results, root).map((x) => x.slice(0, 4));
    expect(m).toContainEqual(['etc/modprobe.d/vfio café ☃.conf', 'nvidia-not-blacklisted', 1, 22]);
    expect(m).toContainEqual(["etc/libvirt/qemu/wín 11 ' \"q\".xml", 'memballoon-present', 5, 13]);
    const fixed = runJson(['--fix', 'my host ☃ café'], { cwd: base });
    expectNoCrash(fixed);
    expect(readFileSync(vm, 'utf8')).toContain("<memballoon model='none'/>");
  });
});
