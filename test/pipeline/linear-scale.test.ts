import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintFiles } from '../../src/lint.js';
import { collectMachines } from '../../src/pipeline/inputs.js';
import { tempDir } from '../cli/fixtures.js';

// Issue 21: no lookup may scan a list of files, domains or machines once per file. These inputs are
// large enough that a scan per file (20,000 x 20,000 steps) runs far past the test timeout, while the
// linear run takes seconds. There is no timed assertion: a quadratic spot shows up as a timeout.
const FILES = 20_000;
// Seconds for the linear run, minutes for a quadratic one, even on a busy machine.
const TIMEOUT_MS = 120_000;

const CAPABILITIES = readFileSync(new URL('../../src/rules/pins-span-l3/fixtures/invalid/equal-ccds-5950x/capabilities.xml', import.meta.url), 'utf8');
// A tiny domain pinned over both L3 caches of that host (CPU 5 in L3 #0, CPU 8 in L3 #1): every domain gets a
// pins-span-l3 finding, whose suggestion plans around the CPUs every other domain pins.
const domain = (i: number) => `<domain type='kvm'><name>vm${i}</name><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='5'/><vcpupin vcpu='1' cpuset='8'/></cputune></domain>\n`;

describe('linear in the number of files (issue 21)', () => {
  it(`one machine of ${FILES} domain files: every file is found, linted and reported once`, { timeout: TIMEOUT_MS }, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'capabilities.xml'), CAPABILITIES);
    mkdirSync(join(dir, 'vms'));
    for (let i = 0; i < FILES; i++) writeFileSync(join(dir, 'vms', `vm${i}.xml`), domain(i));
    const report = await lintFiles(['.'], { cwd: dir, config: { rules: { 'pins-span-l3': 'warning' } } });
    expect(report.failures).toEqual([]);
    expect(report.results).toHaveLength(FILES + 1);
    const spans = report.results.filter((r) => r.messages.some((m) => m.ruleId === 'pins-span-l3'));
    expect(spans).toHaveLength(FILES);
    // Each finding is on its own file (a mix-up of files by path would put two on one).
    expect(new Set(spans.map((r) => r.filePath)).size).toBe(FILES);
    const one = spans.find((r) => r.filePath.endsWith(`${join('vms', 'vm7.xml')}`))!;
    expect(one.messages.find((m) => m.ruleId === 'pins-span-l3')!.message).toMatch(/pinned across 2 L3 caches/);
  });

  it(`${FILES} files in ${FILES / 2} host folders: each folder is a machine with its own two files`, { timeout: TIMEOUT_MS }, () => {
    const dir = tempDir();
    const hosts = FILES / 2;
    for (let i = 0; i < hosts; i++) {
      mkdirSync(join(dir, 'hosts', `h${i}`, 'etc', 'modprobe.d'), { recursive: true });
      writeFileSync(join(dir, 'hosts', `h${i}`, 'etc', 'sysctl.conf'), `vm.swappiness = ${i % 100}\n`);
      writeFileSync(join(dir, 'hosts', `h${i}`, 'etc', 'modprobe.d', 'vfio.conf'), 'options vfio-pci ids=10de:1b80\n');
    }
    const run = collectMachines(['.'], { cwd: dir });
    expect(run.machines).toHaveLength(hosts);
    for (const m of run.machines) {
      expect(m.files).toHaveLength(2);
      const root = join('hosts', m.name!.split('/').pop()!);
      for (const f of m.files) expect(f.displayPath).toContain(`${root}${'/'}etc`);
    }
  });
});
