import { describe, it, expect, afterAll } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '..', '..');
const HOSTS = join('test', 'topology', 'hosts');

async function run(argv: string[], opts: { tty?: boolean; env?: Record<string, string>; columns?: number } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: ROOT, env: opts.env ?? {}, stdoutIsTTY: opts.tty ?? false, columns: opts.columns, readStdin: () => new Uint8Array() };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('vfio-lint topology (terminal)', () => {
  it('draws the dual-CCD X3D host as the expected map, plain when not a terminal', async () => {
    const r = await run(['topology', join(HOSTS, 'ryzen-7950x3d')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'test', 'topology', 'expected', 'ryzen-7950x3d.txt'), 'utf8'));
  });

  it('fits 80 columns on every fixture host and the shipped example', async () => {
    for (const host of [...readdirSync(join(ROOT, HOSTS)).map((h) => join(HOSTS, h)), 'examples/desktop']) {
      const r = await run(['topology', host], { tty: true, columns: 80, env: { TERM: 'xterm' } });
      expect(r.code, host).toBe(0);
      const long = plain(r.stdout).split('\n').filter((l) => l.length > 80);
      expect(long, host).toEqual([]);
    }
  });

  it('colours on a terminal, with a legend, and not when NO_COLOR is set', async () => {
    const tty = await run(['topology', join(HOSTS, 'ryzen-7950x3d')], { tty: true, columns: 80, env: { TERM: 'xterm' } });
    expect(tty.stdout).toContain('\x1b[1;31m');
    expect(plain(tty.stdout)).toContain('Legend:');
    expect(plain(tty.stdout)).toBe((await run(['topology', join(HOSTS, 'ryzen-7950x3d')])).stdout);
    const noColor = await run(['topology', join(HOSTS, 'ryzen-7950x3d')], { tty: true, columns: 80, env: { TERM: 'xterm', NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\x1b[');
  });

  it('marks isolated CPUs, the emulator, E-core clusters and NUMA conflicts', async () => {
    const amd = await run(['topology', join(HOSTS, 'ryzen-7800x3d')]);
    expect(amd.stdout).toContain('[  2Iv0       10Iv1     ]');
    expect(amd.stdout).toContain('[  0 emu       8 emu    ]');
    expect(amd.stdout).not.toContain('Conflicts:');
    expect(amd.stdout).not.toContain('Suggested layout');
    const intel = await run(['topology', join(HOSTS, 'intel-12700k')]);
    expect(intel.stdout).toContain('cores sharing one L2 (CPUs 16-19):\n  [ 16 emu+io1] [ 17 emu+io1] [ 18 emu+io1] [ 19 emu+io1]');
    const xeon = await run(['topology', join(HOSTS, 'xeon-2s-e5-2680v2')]);
    // Long lines are wrapped with a deeper indent: joined back for the checks.
    xeon.stdout = xeon.stdout.replace(/\n {4,}/g, ' ');
    expect(xeon.stdout).toContain('! win11: memory is bound to node 0 (numatune mode strict), the vCPUs run on node 1');
    expect(xeon.stdout).toContain("memory on the same node: <numatune><memory mode='strict' nodeset='1'/></numatune>");
    expect(xeon.stdout).toContain('Package 1\n NUMA node 1 · 64 GiB memory\n  L3 #1 · 25 MiB · CPUs 10-19,30-39');
  });

  it('says what is missing: no capabilities, no paths', async () => {
    const none = await run(['topology', 'examples/desktop/win11.xml']);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/no host topology: give the host's capabilities XML/);
    expect((await run(['topology'])).stderr).toMatch(/topology needs the host's topology: --live \(this host\), a snapshot folder, or its capabilities XML/);
    expect((await run(['--output', 'x.svg', 'examples/desktop'])).stderr).toMatch(/--output goes with topology/);
  });
});

describe('vfio-lint topology --output (SVG)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vfio-lint-topology-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const leftovers = () => readdirSync(tmp).filter((f) => f.endsWith('.tmp'));

  it('writes the map as an SVG file, and replaces an earlier one keeping its mode', async () => {
    const out = join(tmp, 'pinning.svg');
    const r = await run(['topology', '--output', out, join(HOSTS, 'ryzen-7950x3d')]);
    expect(r.stderr).toBe(`vfio-lint: wrote the CPU map to ${out}\n`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('win11: the vCPUs run on 2 L3 caches');
    chmodSync(out, 0o640);
    const before = statSync(out).ino;
    const again = await run(['topology', '--output', out, join(HOSTS, 'intel-12700k')]);
    expect(again.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('Alderlake');
    expect(statSync(out).mode & 0o777).toBe(0o640);
    // Replaced by a rename (a new inode), not rewritten in place: a reader never sees half a file.
    expect(statSync(out).ino).not.toBe(before);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a directory, a file that is not an SVG, a link and a missing folder, in one line, writing nothing', async () => {
    const dir = join(tmp, 'maps');
    mkdirSync(dir);
    const d = await run(['topology', '--output', dir, join(HOSTS, 'ryzen-7950x3d')]);
    expect(d.code).toBe(2);
    expect(d.stderr).toBe(`vfio-lint: cannot write ${dir}: is a directory; give a file name (vfio-lint topology --output pinning.svg ...)\n`);
    expect(readdirSync(dir)).toEqual([]);
    // An input named by mistake is not replaced by the image.
    const xml = join(tmp, 'win11.xml');
    writeFileSync(xml, '<domain/>');
    const x = await run(['topology', '--output', xml, join(HOSTS, 'ryzen-7950x3d')]);
    expect(x.code).toBe(2);
    expect(x.stderr).toBe(`vfio-lint: cannot write ${xml}: it exists and is not an SVG image; not replacing it (remove it first, or choose another name)\n`);
    expect(readFileSync(xml, 'utf8')).toBe('<domain/>');
    const link = join(tmp, 'link.svg');
    writeFileSync(join(tmp, 'target.svg'), '<svg/>');
    symlinkSync(join(tmp, 'target.svg'), link);
    const l = await run(['topology', '--output', link, join(HOSTS, 'ryzen-7950x3d')]);
    expect(l.stderr).toBe(`vfio-lint: cannot write ${link}: is a symbolic link; not writing through it\n`);
    expect(readFileSync(join(tmp, 'target.svg'), 'utf8')).toBe('<svg/>');
    const missing = join(tmp, 'no-such-dir', 'map.svg');
    const m = await run(['topology', '--output', missing, join(HOSTS, 'ryzen-7950x3d')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toBe(`vfio-lint: cannot write ${missing}: no such file or directory\n`);
    expect(leftovers()).toEqual([]);
  });

  it('writes nothing when there is nothing to draw, and says why', async () => {
    const out = join(tmp, 'none.svg');
    const r = await run(['topology', '--output', out, 'examples/desktop/win11.xml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/no host topology: give the host's capabilities XML/);
    expect(r.stderr).toBe(`vfio-lint: nothing to draw; ${out} not written\n`);
    expect(existsSync(out)).toBe(false);
  });
});
