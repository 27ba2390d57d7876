import { describe, it, expect } from 'vitest';
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintFiles, writeFixes, type Rule } from '../../src/index.js';
import { readInput } from '../../src/io/read.js';
import { writeAtomic } from '../../src/io/write.js';
import { runCli } from '../helpers/cli.js';
import { expectNoCrash, runJson, snapshot, useTempDirs, put, HOSTDEV, vm } from './helpers.js';

const tempDir = useTempDirs('fix');

/** A domain with one safe fix: memballoon-present turns model='virtio' into model='none'. */
const fixedVm = (name: string) => vm(name).replace("model='virtio'", "model='none'");

describe('--fix writes atomically and keeps what it must', () => {
  it('replaces the file by rename (new inode), with its mode kept past the umask and its owner kept', () => {
    const dir = tempDir();
    const file = put(dir, 'vm.xml', vm('a'));
    chmodSync(file, 0o664);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(file, 65534, 65534);
    const before = statSync(file);
    // The child inherits this umask (022), which would turn a created 0664 into 0644.
    const r = runCli(['--fix', '--no-config', 'vm.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(0);
    const after = statSync(file);
    expect(readFileSync(file, 'utf8')).toBe(fixedVm('a'));
    expect(after.ino).not.toBe(before.ino);
    expect((after.mode & 0o7777).toString(8)).toBe('664');
    if (asRoot) expect([after.uid, after.gid]).toEqual([65534, 65534]);
    // No temporary file is left beside it.
    expect([...snapshot(dir).keys()]).toEqual(['vm.xml']);
  });

  it('touches only the files it fixes: other files in the tree, backups, hidden and unknown files stay byte-for-byte and inode-for-inode', () => {
    const root = tempDir();
    put(root, 'etc/libvirt/qemu/a.xml', vm('a'));
    put(root, 'etc/libvirt/qemu/b.xml', fixedVm('b'));
    put(root, 'etc/libvirt/qemu/a.xml.bak', vm('a'));
    put(root, 'etc/libvirt/qemu/a.xml.swp', vm('c'));
    put(root, 'etc/libvirt/qemu/notes.txt', vm('d'));
    put(root, 'etc/libvirt/qemu/autostart/e.xml', vm('e'));
    // kmod skips hidden files and names not ending in .conf: so does discovery, so these are neither read nor fixed.
    put(root, 'etc/modprobe.d/vfio.conf.pacnew', 'options vfio-pci ids=10de:1b80\n');
    put(root, 'etc/modprobe.d/.hidden.conf', 'options vfio-pci ids=10de:1b80\n');
    put(root, 'elsewhere/f.xml', vm('f'));
    const before = snapshot(root);
    const r = runJson(['--fix', '--fix-suggestions', root]);
    expectNoCrash(r);
    const after = snapshot(root);
    const changed = [...after.keys()].filter((k) => JSON.stringify(after.get(k)) !== JSON.stringify(before.get(k)));
    // A folder is walked at any depth and XML is known by its root element (docs/inputs.md): every domain in the
    // tree that needs the fix gets it, wherever it sits and whatever its name; the copies and hidden files do not.
    expect(changed).toEqual(['elsewhere/f.xml', 'etc/libvirt/qemu/a.xml', 'etc/libvirt/qemu/autostart/e.xml', 'etc/libvirt/qemu/notes.txt']);
    expect([...after.keys()]).toEqual([...before.keys()]);
  });

  it('a file named alone is the only one written, even when its neighbours are fixable', () => {
    const dir = tempDir();
    put(dir, 'a.xml', vm('a'));
    put(dir, 'b.xml', vm('b'));
    runCli(['--fix', '--no-config', 'a.xml'], { cwd: dir });
    expect(readFileSync(join(dir, 'a.xml'), 'utf8')).toBe(fixedVm('a'));
    expect(readFileSync(join(dir, 'b.xml'), 'utf8')).toBe(vm('b'));
  });
});

describe('--fix never writes through a symlink out of the tree', () => {
  it('host tree: absolute and climbing links to a fixable file outside stay dangling; the outside file is untouched', () => {
    const base = tempDir();
    const outside = put(base, 'outside/vm.xml', vm('out'));
    const root = join(base, 'tree');
    mkdirSync(join(root, 'etc/libvirt/qemu'), { recursive: true });
    symlinkSync(outside, join(root, 'etc/libvirt/qemu/abs.xml'));
    symlinkSync('../../../../outside/vm.xml', join(root, 'etc/libvirt/qemu/climb.xml'));
    const r = runJson(['--fix', root]);
    expectNoCrash(r);
    expect(r.code).toBe(1);
    expect(r.results.map((x) => [x.filePath.slice(root.length + 1), x.messages.map((m) => m.message)])).toEqual([
      ['etc/libvirt/qemu/abs.xml', [`dangling symbolic link: ${outside} does not exist in this tree (links resolve inside the tree, not on this machine)`]],
      ['etc/libvirt/qemu/climb.xml', ['dangling symbolic link: /outside/vm.xml does not exist in this tree (links resolve inside the tree, not on this machine)']],
    ]);
    expect(readFileSync(outside, 'utf8')).toBe(vm('out'));
  });

  it('folder of domain XMLs: a link leaving the folder is refused; a link inside it is followed', () => {
    const base = tempDir();
    const outside = put(base, 'outside/vm.xml', vm('out'));
    const folder = join(base, 'qemu');
    put(folder, 'real.xml', vm('in'));
    symlinkSync('../outside/vm.xml', join(folder, 'out.xml'));
    symlinkSync('real.xml', join(folder, 'alias.xml'));
    const r = runJson(['--fix', 'qemu'], { cwd: base });
    expectNoCrash(r);
    const fatal = r.results.flatMap((x) => x.messages.filter((m) => m.fatal).map((m) => [x.filePath.slice(base.length + 1), m.message]));
    // Links resolve inside the folder given: `../outside/vm.xml` stops at the folder's top, where there is no such file.
    expect(fatal).toEqual([['qemu/out.xml', 'dangling symbolic link: /outside/vm.xml does not exist in this tree (links resolve inside the tree, not on this machine)']]);
    expect(readFileSync(outside, 'utf8')).toBe(vm('out'));
    expect(readFileSync(join(folder, 'real.xml'), 'utf8')).toBe(fixedVm('in'));
    expect(lstatSync(join(folder, 'alias.xml')).isSymbolicLink()).toBe(true);
  });

  it('a symlink named on the command line is the user pointing at its target: the target is fixed, the link stays', () => {
    const dir = tempDir();
    const target = put(dir, 'store/vm.xml', vm('t'));
    symlinkSync('store/vm.xml', join(dir, 'link.xml'));
    const r = runCli(['--fix', '--no-config', 'link.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(readFileSync(target, 'utf8')).toBe(fixedVm('t'));
    expect(lstatSync(join(dir, 'link.xml')).isSymbolicLink()).toBe(true);
  });

  it('a file reached through a linked directory is one file with its real path: linted once, fixed in place', () => {
    const dir = tempDir();
    const target = put(dir, 'store/vm.xml', vm('d'));
    symlinkSync('store', join(dir, 'linked'));
    const r = runCli(['--fix', '--no-config', '--format', 'json', 'linked/vm.xml', 'store/vm.xml'], { cwd: dir });
    expectNoCrash(r);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(1);
    expect(readFileSync(target, 'utf8')).toBe(fixedVm('d'));
    expect(lstatSync(join(dir, 'linked')).isSymbolicLink()).toBe(true);
  });
});

describe('--fix never writes a file that would not parse, nor one that changed since it was read', () => {
  // Two custom rules on the same domain: one fix keeps the XML well-formed, the other breaks it.
  const goodRule: Rule = {
    meta: { id: 'test-good', description: 'rename', category: 'style', severity: 'warning', fixable: 'safe', scope: 'domain', requires: ['domain'], messages: { m: 'rename' } },
    check(ctx) {
      const f = ctx.domain!.file;
      const found = f.source.text.indexOf('>a<');
      if (found < 0) return;
      const at = found + 1;
      ctx.report({ messageId: 'm', at: { path: f.source.path, start: at, end: at + 1 }, fix: { edits: [{ path: f.source.path, start: at, end: at + 1, text: 'renamed' }] } });
    },
  };
  const badRule: Rule = {
    meta: { id: 'test-bad', description: 'break', category: 'style', severity: 'warning', fixable: 'safe', scope: 'domain', requires: ['domain'], messages: { m: 'break' } },
    check(ctx) {
      const f = ctx.domain!.file;
      const at = f.source.text.indexOf('<devices>');
      if (at < 0) return;
      ctx.report({ messageId: 'm', at: { path: f.source.path, start: at, end: at }, fix: { edits: [{ path: f.source.path, start: at, end: at, text: '<unclosed>' }] } });
    },
  };

  it('the breaking fix is dropped and reported; the sound one is written', async () => {
    const dir = tempDir();
    const file = put(dir, 'vm.xml', vm('a'));
    const report = await lintFiles([file], { config: false, customRules: [goodRule, badRule], fix: true, rules: { 'memballoon-present': 'off' } });
    expect(report.undone.map((u) => u.ruleId)).toEqual(['test-bad']);
    const w = writeFixes(report);
    expect(w.failed).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(vm('renamed'));
  });

  it('a file changed on disk between reading and writing is not overwritten', async () => {
    const dir = tempDir();
    const file = put(dir, 'vm.xml', vm('a'));
    const report = await lintFiles([file], { config: false, fix: true });
    // Someone saves the file meanwhile, same size, so only the time and inode data tell.
    const edited = vm('b');
    writeFileSync(file, edited);
    const w = writeFixes(report);
    expect(w.written).toEqual([]);
    expect(w.failed).toEqual([{ filePath: file, message: 'was changed by something else since it was read; not overwriting it (run again)' }]);
    expect(readFileSync(file, 'utf8')).toBe(edited);
  });

  it('writeAtomic refuses a path that is now a symlink, and one replaced by another file', () => {
    const dir = tempDir();
    const file = put(dir, 'x.conf', 'a\n');
    const read = readInput(file);
    expect(read.ok).toBe(true);
    const stored = { encoding: 'utf-8' as const, bom: false, mode: undefined };
    // Replaced: another file with the same content renamed over it (a new inode), as an editor saves.
    put(dir, 'other.conf', 'a\n');
    writeFileSync(join(dir, 'y.conf'), 'a\n');
    renameSync(join(dir, 'y.conf'), file);
    expect(writeAtomic({ realPath: file, text: 'b\n', stored })).toEqual({ ok: false, message: 'was replaced by another file since it was read; not overwriting it (run again)' });
    // A symlink where the file was.
    const link = join(dir, 'l.conf');
    symlinkSync('other.conf', link);
    expect(writeAtomic({ realPath: link, text: 'b\n', stored })).toEqual({ ok: false, message: 'is a symbolic link; not writing through it' });
    expect(readFileSync(join(dir, 'other.conf'), 'utf8')).toBe('a\n');
  });
});
