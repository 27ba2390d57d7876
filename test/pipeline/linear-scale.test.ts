import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { BIN } from '../helpers/cli.js';
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

/** The CLI's stdout (exit 0 or 1: findings are not a failure). */
function cliJson(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd, maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } }, (err, stdout, stderr) => {
      if (err && err.code !== 1) reject(new Error(`exit ${String(err.code)}: ${stderr.split('\n')[0]}`));
      else resolve(stdout);
    });
  });
}

describe('linear in the number of files (issue 21)', () => {
  it(`one machine of ${FILES} domain files: every file is found, linted and reported once`, { timeout: TIMEOUT_MS }, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'capabilities.xml'), CAPABILITIES);
    mkdirSync(join(dir, 'vms'));
    for (let i = 0; i < FILES; i++) writeFileSync(join(dir, 'vms', `vm${i}.xml`), domain(i));
    // The CLI in a child process: a lint in this process would block the event loop, and vitest's
    // timeout (a timer) could only fire after a slow lint had finished anyway.
    const results = JSON.parse(await cliJson(['--no-config', '--rule', 'pins-span-l3:warning', '--format', 'json', '.'], dir)) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; message: string }> }>;
    expect(results).toHaveLength(FILES + 1);
    const spans = results.filter((r) => r.messages.some((m) => m.ruleId === 'pins-span-l3'));
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
