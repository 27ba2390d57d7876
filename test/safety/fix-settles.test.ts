import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs('settle');

describe('item 6: --fix --fix-suggestions settles', () => {
  // kmod keeps only a module's first softdep line. `softdep nvidia pre: vfio` names vfio, not vfio_pci, so
  // nvidia is unguarded; the suggestion used to append a second softdep line, which kmod (and the rule)
  // ignore, so the finding came back on every pass and the fix loop appended the line ten times (3, 13, 23,
  // 33 lines over runs). Now the suggestion edits the line kmod reads, and the fix loop drops a fix whose
  // finding comes back after it was applied (test/engine/fix.test.ts).
  it('an existing `softdep nvidia pre: vfio` line: a second run changes nothing, and the guard is on the line kmod reads', () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc/modprobe.d'), { recursive: true });
    const file = join(root, 'etc/modprobe.d/vfio.conf');
    writeFileSync(file, 'options vfio-pci ids=10de:1b80\nsoftdep nvidia pre: vfio\n');
    runCli(['--no-config', '--fix', '--fix-suggestions', root]);
    const once = readFileSync(file, 'utf8');
    runCli(['--no-config', '--fix', '--fix-suggestions', root]);
    expect(readFileSync(file, 'utf8')).toBe(once);
    // kmod uses the first softdep line of a module: that line must load vfio-pci first.
    const first = once.split('\n').find((l) => l.startsWith('softdep nvidia '))!;
    expect(first).toMatch(/pre:.*\bvfio[-_]pci\b/);
    expect(once.split('\n').filter((l) => l.startsWith('softdep nvidia ')).length).toBe(1);
  });
});
