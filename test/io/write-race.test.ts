import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, renameSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readInput } from '../../src/io/read.js';
import { writeAtomic, writeTestHooks } from '../../src/io/write.js';
import { useTempDirs, put } from '../safety/helpers.js';

// The last window of a --fix write: the temporary file is complete and about to be renamed over the
// file that was read. The hook stands for whoever acts in that window (an editor saving, an attacker).
const tempDir = useTempDirs('write-race');
const stored = { encoding: 'utf-8' as const, bom: false, mode: undefined };

afterEach(() => {
  writeTestHooks.beforeRename = undefined;
});

describe('the check before the rename', () => {
  it('the file saved by someone else just before the rename: nothing is renamed over it, no temporary file is left', () => {
    const root = tempDir();
    const file = put(root, 'etc/modprobe.d/vfio.conf', 'a\n');
    expect(readInput(file, undefined, { within: root }).ok).toBe(true);
    writeTestHooks.beforeRename = () => {
      // An editor's save: a new file renamed over the old one.
      put(root, 'etc/modprobe.d/.saved', 'theirs\n');
      renameSync(join(root, 'etc/modprobe.d/.saved'), file);
    };
    expect(writeAtomic({ realPath: file, text: 'ours\n', stored })).toEqual({ ok: false, message: 'was replaced by another file since it was read; not overwriting it (run again)' });
    expect(readFileSync(file, 'utf8')).toBe('theirs\n');
    expect(readdirSync(dirname(file))).toEqual(['vfio.conf']);
  });

  it('the file swapped for a link just before the rename: refused, the link and its target untouched', () => {
    const base = tempDir();
    const root = join(base, 'tree');
    const file = put(root, 'etc/modprobe.d/vfio.conf', 'a\n');
    const outside = put(base, 'outside.conf', 'outside\n');
    expect(readInput(file, undefined, { within: root }).ok).toBe(true);
    writeTestHooks.beforeRename = () => {
      renameSync(file, `${file}.moved`);
      symlinkSync(outside, file);
    };
    expect(writeAtomic({ realPath: file, text: 'ours\n', stored })).toEqual({ ok: false, message: 'is a symbolic link; not writing through it' });
    expect(readFileSync(outside, 'utf8')).toBe('outside\n');
    expect(readdirSync(dirname(file)).sort()).toEqual(['vfio.conf', 'vfio.conf.moved']);
  });

  it('nothing happens in the window: the write lands', () => {
    const root = tempDir();
    const file = put(root, 'etc/modprobe.d/vfio.conf', 'a\n');
    expect(readInput(file, undefined, { within: root }).ok).toBe(true);
    let called = 0;
    writeTestHooks.beforeRename = () => void called++;
    expect(writeAtomic({ realPath: file, text: 'ours\n', stored })).toEqual({ ok: true });
    expect(called).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('ours\n');
  });
});
