import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintFiles } from '../../src/lint.js';
import { tempDir } from '../cli/fixtures.js';

// The rule's own cases (one machine each) are fixtures under src/rules/duplicate-domain/fixtures; these are
// about which domains discovery puts in one machine: a folder walked at any depth, split into machines.

const domain = (name: string, uuid: string) => `<domain type='kvm'>\n  <name>${name}</name>\n  <uuid>${uuid}</uuid>\n  <memory unit='GiB'>4</memory>\n  <devices><memballoon model='none'/></devices>\n</domain>\n`;
const A = 'a8e2c0f4-6f4b-4b57-9f1a-0c4a1d3e5b71';

async function dups(files: Record<string, string>, config: object = {}) {
  const dir = tempDir();
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const report = await lintFiles(['.'], { cwd: dir, config: { rules: { 'memballoon-present': 'off' }, ...config } });
  return report.results.flatMap((r) =>
    r.messages
      .filter((m) => m.ruleId === 'duplicate-domain')
      .map((m) => `${r.filePath.slice(dir.length + 1)}:${m.line}:${m.column} ${m.severity} [${(m.related ?? []).map((x) => `${x.path.slice(dir.length + 1)}:${x.line}:${x.column}`).join(', ')}]`),
  );
}

describe('duplicate-domain over a walked folder', () => {
  it('a stale copy in a subfolder is in the same machine: reported at its <name>, pointing at the first', async () => {
    expect(await dups({ 'vms/win10.xml': domain('win10', A), 'vms/old/win10.xml': domain('win10', A.toUpperCase().replaceAll('-', '')) })).toEqual(['vms/win10.xml:2:9 warning [vms/old/win10.xml:2:9]']);
  });

  it('a session libvirt under home/ is apart from the system one of the same tree', async () => {
    expect(await dups({ 'etc/libvirt/qemu/win11.xml': domain('win11', A), 'home/me/.config/libvirt/qemu/win11.xml': domain('win11', A), 'etc/modprobe.d/x.conf': 'options kvm ignore_msrs=1\n' })).toEqual([]);
    // Two users' sessions are apart too; two copies in one session are not.
    expect(await dups({ 'home/a/.config/libvirt/qemu/win11.xml': domain('win11', A), 'home/b/.config/libvirt/qemu/win11.xml': domain('win11', A) })).toEqual([]);
    expect(await dups({ 'home/a/.config/libvirt/qemu/win11.xml': domain('win11', A), 'home/a/.config/libvirt/qemu/old/win11.xml': domain('win11', A) })).toEqual(['home/a/.config/libvirt/qemu/win11.xml:2:9 warning [home/a/.config/libvirt/qemu/old/win11.xml:2:9]']);
  });

  it('says nothing across the machines a folder is split into (hosts/desk, hosts/lab)', async () => {
    expect(await dups({ 'hosts/desk/etc/sysctl.conf': 'vm.swappiness = 10\n', 'hosts/desk/vm.xml': domain('win11', A), 'hosts/lab/etc/sysctl.conf': 'vm.swappiness = 10\n', 'hosts/lab/vm.xml': domain('win11', A) })).toEqual([]);
  });

  it('is configured like a rule', async () => {
    expect(await dups({ 'a.xml': domain('win11', A), 'b.xml': domain('win11', A) }, { rules: { 'memballoon-present': 'off', 'duplicate-domain': 'off' } })).toEqual([]);
    expect((await dups({ 'a.xml': domain('win11', A), 'b.xml': domain('win11', A) }, { rules: { 'memballoon-present': 'off', 'duplicate-domain': 'error' } }))[0]).toMatch(/^b\.xml:2:9 error /);
  });
});
