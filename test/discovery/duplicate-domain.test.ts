import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintFiles } from '../../src/lint.js';
import { tempDir } from '../cli/fixtures.js';

const domain = (name: string, uuid: string) => `<domain type='kvm'>\n  <name>${name}</name>\n  <uuid>${uuid}</uuid>\n  <memory unit='GiB'>4</memory>\n  <devices><memballoon model='none'/></devices>\n</domain>\n`;
const A = 'a8e2c0f4-6f4b-4b57-9f1a-0c4a1d3e5b71';
const B = '11111111-2222-3333-4444-555555555555';

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
      .map((m) => `${r.filePath.slice(dir.length + 1)}:${m.line}:${m.column} ${m.severity} ${m.message} [${(m.related ?? []).map((x) => `${x.path.slice(dir.length + 1)}:${x.line}:${x.column}`).join(', ')}]`),
  );
}

describe('duplicate-domain: two domains of one machine with the same name or UUID', () => {
  it('a second copy (same name and UUID) is one finding at its <name>, pointing at the first', async () => {
    expect(await dups({ 'vms/win10.xml': domain('win10', A), 'vms/old/win10.xml': domain('win10', A.toUpperCase().replaceAll('-', '')) })).toEqual([
      "vms/win10.xml:2:9 warning This is a second copy of domain 'win10' (its name and UUID are taken by the related places): only one of them can be defined; remove the stale copy or leave it out of the lint (.vfio-lintignore) [vms/old/win10.xml:2:9]",
    ]);
  });

  it('the same name with another UUID, and the same UUID with another name, are reported at the name and at the UUID', async () => {
    expect(await dups({ 'a.xml': domain('win11', A), 'b.xml': domain('win11', B), 'c.xml': domain('arch', A) })).toEqual([
      "b.xml:2:9 warning Domain name 'win11' is also the name of another domain of this machine (see the related place): libvirt keeps one domain per name, so defining one refuses or replaces the other [a.xml:2:9]",
      `c.xml:3:9 warning Domain UUID ${A} is also the UUID of domain 'win11' of this machine (see the related place): libvirt refuses a second domain with the same UUID [a.xml:3:9]`,
    ]);
  });

  it('says nothing for distinct domains, for a session libvirt\'s copy of a system domain, or across machines', async () => {
    expect(await dups({ 'a.xml': domain('win11', A), 'b.xml': domain('arch', B) })).toEqual([]);
    expect(await dups({ 'etc/libvirt/qemu/win11.xml': domain('win11', A), 'home/me/.config/libvirt/qemu/win11.xml': domain('win11', A), 'etc/modprobe.d/x.conf': 'options kvm ignore_msrs=1\n' })).toEqual([]);
    expect(await dups({ 'hosts/desk/etc/sysctl.conf': 'vm.swappiness = 10\n', 'hosts/desk/vm.xml': domain('win11', A), 'hosts/lab/etc/sysctl.conf': 'vm.swappiness = 10\n', 'hosts/lab/vm.xml': domain('win11', A) })).toEqual([]);
  });

  it('is configured like a rule', async () => {
    expect(await dups({ 'a.xml': domain('win11', A), 'b.xml': domain('win11', A) }, { rules: { 'memballoon-present': 'off', 'duplicate-domain': 'off' } })).toEqual([]);
    expect((await dups({ 'a.xml': domain('win11', A), 'b.xml': domain('win11', A) }, { rules: { 'memballoon-present': 'off', 'duplicate-domain': 'error' } }))[0]).toMatch(/^b\.xml:2:9 error /);
  });
});
