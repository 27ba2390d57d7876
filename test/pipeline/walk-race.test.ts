import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { lintFiles, writeFixes } from '../../src/index.js';
import { collectInputs } from '../../src/pipeline/inputs.js';
import { walkTestHooks } from '../../src/pipeline/walk.js';
import { useTempDirs, put, HOSTDEV, vm } from '../safety/helpers.js';

// Issue 14 item 1, inside discovery: the walk looks at a file (lstat: its identity), then reads it
// (a domain XML is read whole then, and that read is the lint's). The hook stands for an attacker
// acting between the two, as inotify would let one.
const tempDir = useTempDirs('walk-race');

afterEach(() => {
  walkTestHooks.afterLook = undefined;
});

describe('a swap between the walk looking at a file and reading it', () => {
  it('a domain XML replaced after it was looked at: its read is refused, the other file is never linted', async () => {
    const base = tempDir();
    const root = join(base, 'tree');
    const file = put(root, 'etc/libvirt/qemu/vm.xml', vm('in'));
    put(base, 'shadow.xml', vm('root:$6$fake-shadow-line'));
    walkTestHooks.afterLook = (p) => {
      if (p === file) renameSync(join(base, 'shadow.xml'), file);
    };
    const report = await lintFiles([root], { config: false });
    const result = report.results.find((r) => r.filePath === file)!;
    expect(result.messages.map((m) => m.message)).toEqual(['is not the file that was found there (it was replaced since); not reading it']);
    expect(JSON.stringify(report)).not.toContain('fake-shadow');
  });

  it('a sniffed file replaced after it was looked at: not classified from the other file', () => {
    const base = tempDir();
    const root = join(base, 'tree');
    const file = put(root, 'notes/vfio', 'options vfio-pci ids=10de:1b80\n');
    put(base, 'other', 'options vfio-pci ids=10de:1b80\n');
    walkTestHooks.afterLook = (p) => {
      if (p === file) renameSync(join(base, 'other'), file);
    };
    const { files, skipped } = collectInputs([root]);
    expect(files.map((f) => f.realPath)).toEqual([]);
    expect(skipped).toContainEqual({ path: file, reason: 'is not the file that was found there (it was replaced since); not reading it', note: false });
  });
});

describe('a domain read whole by discovery is written back the way it was read', () => {
  it('its directory swapped for a link after the lint: --fix refuses, nothing outside is written', async () => {
    const base = tempDir();
    const root = join(base, 'tree');
    const file = put(root, 'etc/libvirt/qemu/vm.xml', vm('in'));
    const outside = put(base, 'outside/qemu/vm.xml', vm('out'));
    const report = await lintFiles([root], { config: false, fix: true });
    expect(report.results.find((r) => r.realPath === file)?.output).toBeDefined();
    renameSync(join(root, 'etc/libvirt'), join(root, 'etc/libvirt.moved'));
    symlinkSync(join(base, 'outside'), join(root, 'etc/libvirt'));
    const w = writeFixes(report);
    expect(w.failed).toEqual([{ filePath: file, message: 'a part of its path was replaced by a symbolic link since it was found; not writing it (run again)' }]);
    expect(readFileSync(outside, 'utf8')).toBe(vm('out'));
  });
});
