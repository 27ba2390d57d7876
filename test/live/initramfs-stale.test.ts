import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/lint.js';
import { readLiveHost } from '../../src/live/read.js';
import { buildSnapshot, writeSnapshot } from '../../src/live/snapshot.js';
import { FIXTURE_KEY, FIXTURE_NAMES, fixtureRoot, fixtureTools } from '../helpers/snapshot-fixtures.js';

/** The fixture host written as a snapshot folder (its tools run as the fixture's canned outputs). */
function snapshotOf(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'vfio-lint-stale-')), 'snap');
  writeSnapshot(dir, buildSnapshot(fixtureRoot(name), { runTool: fixtureTools(name), key: FIXTURE_KEY }));
  return dir;
}

async function staleFindings(dir: string) {
  const report = await lintFiles([dir], { config: { rules: { 'initramfs-stale': 'warning' } }, cwd: dir });
  const findings = report.results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'initramfs-stale').map((m) => `${r.filePath.slice(dir.length)}:${m.line}:${m.column} ${m.message}`));
  return { findings, skipped: report.skippedRules.find((s) => s.ruleId === 'initramfs-stale') };
}

describe('the live reader records what initramfs-stale compares (format version 2)', () => {
  it('the times of the /etc files that go into the image, and the image itself', () => {
    const h = readLiveHost(fixtureRoot('amd-b450-nvidia-shared-group'), { runTool: fixtureTools('amd-b450-nvidia-shared-group') });
    expect(h.version).toBe(2);
    expect(h.initramfsInputs).toEqual([
      { path: '/etc/initramfs-tools/modules', size: 93, mtimeMs: Date.parse('2024-11-20T21:06:02Z') },
      { path: '/etc/modprobe.d/blacklist-nvidia.conf', size: 44, mtimeMs: Date.parse('2024-10-29T09:31:40Z') },
      { path: '/etc/modprobe.d/vfio.conf', size: 107, mtimeMs: Date.parse('2024-11-20T21:05:33Z') },
    ]);
    expect(h.initramfs.map((i) => [i.path, i.entry])).toEqual([['/boot/initrd.img-6.8.0-49-generic', null]]);
    expect(h.read).toContainEqual({ item: 'initramfs.inputs', source: '/etc' });
  });

  it('proxmox-boot-tool: the ESP copies are out of sight, and that is said', () => {
    const h = readLiveHost(fixtureRoot('proxmox-systemd-boot'), { runTool: fixtureTools('proxmox-systemd-boot') });
    expect(h.unread).toEqual([{ item: 'initramfs', source: '/etc/kernel/proxmox-boot-uuids', reason: 'missing', detail: 'the ESPs proxmox-boot-tool copies the image to are not mounted, so their copies (what the machine boots) are not compared' }]);
  });
});

describe('initramfs-stale on the fixture hosts', () => {
  it('finds the four fixtures', () => {
    expect(FIXTURE_NAMES).toHaveLength(4);
  });

  it('amd-b450-nvidia-shared-group: the image predates vfio.conf and lacks the three vfio modules initramfs-tools/modules adds', async () => {
    const { findings } = await staleFindings(snapshotOf('amd-b450-nvidia-shared-group'));
    const when = 'this file was modified (2024-11-20 21:06 UTC) after the image was built (2024-11-02 18:20 UTC). Rebuild it: update-initramfs -u';
    const lacks = (m: string) => `${m} is added to the initramfs here, but the image /boot/initrd.img-6.8.0-49-generic holds no ${m} module (lsinitramfs lists the image; the running kernel has ${m} installed as a module, not built in): ${when}`;
    expect(findings).toEqual([
      `/etc/initramfs-tools/modules:2:1 ${lacks('vfio')}`,
      `/etc/initramfs-tools/modules:3:1 ${lacks('vfio_iommu_type1')}`,
      `/etc/initramfs-tools/modules:4:1 ${lacks('vfio_pci')}`,
      '/etc/modprobe.d/vfio.conf:1:1 /etc/modprobe.d/vfio.conf was modified (2024-11-20 21:05 UTC) after the initramfs image /boot/initrd.img-6.8.0-49-generic was built (2024-11-02 18:20 UTC), and the image holds a copy of it (mkinitramfs copies every modprobe.d file): until the image is rebuilt, the early boot uses the old version. Rebuild it: update-initramfs -u',
    ]);
  });

  for (const name of ['intel-iommu-off', 'vfio-builtin', 'proxmox-systemd-boot']) {
    it(`${name}: the image was built after its configuration and holds what it adds (or the kernel has it built in): nothing to say`, async () => {
      const { findings, skipped } = await staleFindings(snapshotOf(name));
      expect(findings).toEqual([]);
      expect(skipped).toBeUndefined();
    });
  }

  it('a version 1 snapshot (no file times) loads, and the rule is skipped with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-stale-v1-'));
    writeSnapshot(join(dir, 's'), buildSnapshot(fixtureRoot('amd-b450-nvidia-shared-group'), { runTool: fixtureTools('amd-b450-nvidia-shared-group'), key: FIXTURE_KEY }));
    const file = join(dir, 's', 'vfio-lint-snapshot.json');
    const doc = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8'));
    doc.version = 1;
    delete doc.host.initramfsInputs;
    for (const i of doc.host.initramfs) delete i.entry;
    doc.host.read = doc.host.read.filter((r: { item: string }) => r.item !== 'initramfs.inputs');
    writeFileSync(file, JSON.stringify(doc));
    const { findings, skipped } = await staleFindings(join(dir, 's'));
    expect(findings).toEqual([]);
    expect(skipped?.reason).toMatch(/^needs the running kernel's initramfs image and the times of the \/etc files that go into it/);
    expect(skipped?.liveOnly).toBeUndefined();
  });
});
