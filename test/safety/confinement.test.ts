import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { lintFiles, writeFixes } from '../../src/index.js';
import { collectInputs } from '../../src/pipeline/inputs.js';
import { readFile } from '../../src/pipeline/load.js';
import { readInput } from '../../src/io/read.js';
import { writeAtomic, writeTestHooks } from '../../src/io/write.js';
import { expectNoCrash, runJson, useTempDirs, put, HOSTDEV, vm } from './helpers.js';

const tempDir = useTempDirs('confine');

/** A domain with one safe fix: memballoon-present turns model='virtio' into model='none'. */
const SECRET = 'root:$6$fake-shadow-line:19000:0:99999:7:::\n';

/** What an attacker does with inotify: move the real directory aside and leave a link to somewhere else in its place. */
function swapForLink(dir: string, target: string): void {
  renameSync(dir, `${dir}.moved`);
  symlinkSync(target, dir);
}

afterEach(() => {
  writeTestHooks.beforeCreate = undefined;
});

describe('item 1: a path component swapped between discovery and read is not followed', () => {
  it('a drop-in directory swapped for a link after discovery: the read is refused, the other file never shows', () => {
    const base = tempDir();
    const root = join(base, 'tree');
    put(root, 'etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:1b80\n');
    put(base, 'secret/vfio.conf', SECRET);
    const { files } = collectInputs([root]);
    const input = files.find((f) => f.realPath.endsWith('vfio.conf'))!;
    expect(input).toBeDefined();
    swapForLink(join(root, 'etc/modprobe.d'), join(base, 'secret'));
    const read = readFile(input);
    expect(read.failure?.message).toBe('a part of its path was replaced by a symbolic link since it was found; not following it');
    expect(read.source.text).not.toContain('fake-shadow');
  });

  it('the file itself replaced (renamed over) after discovery: the read is refused by its identity', () => {
    const root = tempDir();
    const file = put(root, 'etc/sysctl.d/a.conf', 'vm.nr_hugepages = 8\n');
    const { files } = collectInputs([root]);
    const input = files.find((f) => f.realPath === file)!;
    put(root, 'other.conf', SECRET);
    renameSync(join(root, 'other.conf'), file);
    const read = readFile(input);
    expect(read.failure?.message).toBe('is not the file that was found there (it was replaced since); not reading it');
    expect(read.source.text).not.toContain('fake-shadow');
  });

  it('a file named on the command line replaced by a link after it was found: not read through the link', () => {
    const base = tempDir();
    const file = put(base, 'vfio.conf', 'options vfio-pci ids=10de:1b80\n');
    put(base, 'secret.conf', SECRET);
    const { files } = collectInputs([file]);
    renameSync(file, `${file}.old`);
    symlinkSync('secret.conf', file);
    const read = readFile(files[0]!);
    expect(read.failure?.message).toBe('was replaced by a symbolic link since it was found; not following it');
  });
});

describe('item 1: a directory swapped for a link between read and write is not written through', () => {
  it('swapped just before the temporary file is made (the race window): the file outside is untouched, the write lands in the directory that was read', async () => {
    const base = tempDir();
    const root = join(base, 'tree');
    const file = put(root, 'etc/libvirt/qemu/vm.xml', vm('in'));
    const outside = put(base, 'outside/vm.xml', vm('out'));
    const report = await lintFiles([root], { config: false, fix: true });
    expect(report.results.find((r) => r.realPath === file)?.output).toBeDefined();
    writeTestHooks.beforeCreate = () => swapForLink(join(root, 'etc/libvirt/qemu'), join(base, 'outside'));
    const w = writeFixes(report);
    expect(w.failed).toEqual([]);
    expect(readFileSync(outside, 'utf8')).toBe(vm('out'));
    expect(readdirSync(join(base, 'outside'))).toEqual(['vm.xml']);
    // The directory that was read (moved aside by the attacker) got the fix.
    expect(readFileSync(join(root, 'etc/libvirt/qemu.moved/vm.xml'), 'utf8')).toContain("model='none'");
  });

  it('swapped after the read and before the write: refused with a clear message; nothing outside is written', () => {
    const base = tempDir();
    const root = join(base, 'tree');
    const file = put(root, 'etc/modprobe.d/vfio.conf', 'a\n');
    const outside = put(base, 'outside/vfio.conf', 'a\n');
    const read = readInput(file, undefined, { within: root });
    expect(read.ok).toBe(true);
    swapForLink(join(root, 'etc/modprobe.d'), join(base, 'outside'));
    const stored = { encoding: 'utf-8' as const, bom: false, mode: undefined };
    expect(writeAtomic({ realPath: file, text: 'b\n', stored })).toEqual({ ok: false, message: 'a part of its path was replaced by a symbolic link since it was found; not writing it (run again)' });
    expect(readFileSync(outside, 'utf8')).toBe('a\n');
  });

  it('the directory replaced by another real directory (same path, new inode) after the read: refused', () => {
    const base = tempDir();
    const root = join(base, 'tree');
    const file = put(root, 'etc/modprobe.d/vfio.conf', 'a\n');
    expect(readInput(file, undefined, { within: root }).ok).toBe(true);
    renameSync(join(root, 'etc/modprobe.d'), join(base, 'aside'));
    put(root, 'etc/modprobe.d/vfio.conf', 'a\n');
    const stored = { encoding: 'utf-8' as const, bom: false, mode: undefined };
    expect(writeAtomic({ realPath: file, text: 'b\n', stored })).toEqual({ ok: false, message: 'its directory was replaced since it was read; not writing it (run again)' });
    expect(readFileSync(file, 'utf8')).toBe('a\n');
  });
});

describe('item 2: an etc directory given alone is the whole tree', () => {
  it('--fix backup/etc does not follow a link to backup/notes.conf (or any file beside etc); it is reported', () => {
    const base = tempDir();
    const notes = put(base, 'backup/vm.xml', vm('notes'));
    put(base, 'backup/etc/libvirt/qemu/real.xml', vm('real'));
    symlinkSync('../../../vm.xml', join(base, 'backup/etc/libvirt/qemu/up.xml'));
    symlinkSync('/vm.xml', join(base, 'backup/etc/libvirt/qemu/abs.xml'));
    const r = runJson(['--fix', 'backup/etc'], { cwd: base });
    expectNoCrash(r);
    expect(readFileSync(notes, 'utf8')).toBe(vm('notes'));
    expect(readFileSync(join(base, 'backup/etc/libvirt/qemu/real.xml'), 'utf8')).toContain("model='none'");
    const fatal = r.results.flatMap((x) => x.messages.filter((m) => m.fatal).map((m) => [x.filePath.slice(base.length + 1), m.message]));
    const leaves = `is a symbolic link that leads out of ${join(base, 'backup/etc')}, the etc directory given; not followed (give the directory above it to lint the whole tree)`;
    expect(fatal).toEqual([
      ['backup/etc/libvirt/qemu/abs.xml', leaves],
      ['backup/etc/libvirt/qemu/up.xml', leaves],
    ]);
  });

  it('an absolute /etc/... link in an etc directory given alone means that directory, whatever its name', () => {
    const base = tempDir();
    put(base, 'snap/etc-copy/modprobe.d/real.conf', 'options vfio-pci ids=10de:1b80\n');
    symlinkSync('/etc/modprobe.d/real.conf', join(base, 'snap/etc-copy/modprobe.d/alias.conf'));
    const { files, unusable } = collectInputs([join(base, 'snap/etc-copy')]);
    expect(unusable).toEqual([]);
    expect(files.map((f) => f.realPath.slice(base.length + 1)).sort()).toEqual(['snap/etc-copy/modprobe.d/real.conf']);
  });
});
