import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../src/cli/main.js';
import { fixtureRoot } from '../helpers/snapshot-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: ROOT, env: {}, stdoutIsTTY: false, columns: undefined, readStdin: () => new Uint8Array() };
  const code = await main(argv, io);
  // Long lines are wrapped with a deeper indent: joined back for the checks.
  return { code, stdout: stdout.replace(/\n {4,}/g, ' '), stderr };
}

/** The map itself (from "Package" to the legend): the same whichever source drew it. */
const body = (s: string) => s.slice(s.indexOf('Package'), s.indexOf('Legend:'));

describe('vfio-lint topology --live and snapshot folders', () => {
  it('draws a host tree\'s sysfs topology with --live --root, and says what it read', async () => {
    const root = fixtureRoot('amd-b450-nvidia-shared-group');
    const r = await run(['topology', '--live', '--root', root]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^vfio-lint: --live \(.*\) read: .*\bcpu\b/m);
    expect(r.stdout).toContain(`From ${root} (--root)`);
    expect(r.stdout).toContain('Host CPUs: AMD Ryzen 5 3600 6-Core Processor, 1 package, 6 cores, 12 CPUs');
    // Two CCXes of three cores (sysfs cache/index3), the domain of /etc/libvirt/qemu pinned to the second.
    expect(r.stdout).toContain('L3 #0 · 16 MiB · CPUs 0-2,6-8\n  [  0 emu       6 emu    ]');
    expect(r.stdout).toContain('L3 #1 · 16 MiB · CPUs 3-5,9-11\n  [  3 v0        9 v1     ]');
    expect(r.stdout).not.toContain('disagree');
  });

  it('draws the same map from the snapshot folder of that host', async () => {
    const root = fixtureRoot('amd-b450-nvidia-shared-group');
    const dir = join(mkdtempSync(join(tmpdir(), 'vfio-lint-topo-')), 'snap');
    expect((await run(['snapshot', dir, '--root', root])).code).toBe(0);
    const fromSnapshot = await run(['topology', dir]);
    const fromLive = await run(['topology', '--live', '--root', root]);
    expect(fromSnapshot.code, fromSnapshot.stderr).toBe(0);
    expect(fromSnapshot.stdout).toMatch(/^From snapshot .*snap$/m);
    expect(body(fromSnapshot.stdout)).toBe(body(fromLive.stdout));
  });

  it('uses the live facts over capabilities XML, and says in one line where they disagree', async () => {
    const root = fixtureRoot('amd-b450-nvidia-shared-group');
    const other = await run(['topology', '--live', '--root', root, join('test', 'topology', 'hosts', 'xeon-2s-e5-2680v2', 'capabilities.xml')]);
    expect(other.code).toBe(0);
    expect(body(other.stdout)).toBe(body((await run(['topology', '--live', '--root', root])).stdout));
    const lines = other.stdout.split('\n').filter((l) => l.includes('disagree'));
    expect(lines).toEqual([
      `  ${root} (--root) and test/topology/hosts/xeon-2s-e5-2680v2/capabilities.xml disagree (${root} (--root) is used): the CPUs (0-11 against 0-39); the SMT siblings of CPUs 0-11; the NUMA node of CPUs 10-11; the L3 caches`,
    ]);
  });

  it('finishes on the real /sys of the machine the tests run on, and never crashes', async () => {
    const r = await run(['topology', '--live']);
    expect(r.code === 0 || r.code === 2, r.stderr).toBe(true);
    expect(r.stderr).toMatch(/^vfio-lint: --live \(\/\) read: .*\bcpu\b/m);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    // Every Linux machine has CPUs in /sys/devices/system/cpu: the map is drawn.
    expect(r.stdout).toMatch(/^From \/sys$/m);
    expect(r.stdout).toMatch(/^Package /m);
  });
});
