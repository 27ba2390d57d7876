import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveHost, type LiveHost } from '../../src/host/live.js';
import { readLiveHost } from '../../src/live/read.js';
import { completeDocument, SNAPSHOT_FILE } from '../../src/live/document.js';
import { readSnapshotFolder } from '../../src/live/inputs.js';
import { buildSnapshot, writeSnapshot } from '../../src/live/snapshot.js';
import { lintFiles } from '../../src/lint.js';
import { FIXTURE_KEY, fixtureRoot, fixtureTools } from '../helpers/snapshot-fixtures.js';

function live(name: string): LiveHost {
  return liveHost(readLiveHost(fixtureRoot(name), { runTool: fixtureTools(name) }), 'live', '/');
}

describe('the host model\'s live part (src/host/live.ts)', () => {
  it('amd-b450: group peers, modules installed but not loaded, SMT siblings, GRUB through shim', () => {
    const h = live('amd-b450-nvidia-shared-group');
    expect(h.pci?.groupPeers('0000:26:00.0').map((d) => d.address)).toEqual(['0000:00:01.3', '0000:03:00.0', '0000:03:00.1', '0000:03:00.2', '0000:20:00.0', '0000:20:01.0', '0000:20:04.0', '0000:22:00.0', '0000:26:00.1']);
    expect(h.pci?.withId('10DE', '2503').map((d) => d.address)).toEqual(['0000:26:00.0']);
    expect(h.modules.installed('nvidia')).toBe(true);
    expect(h.modules.loaded('nvidia')).toBe(false);
    expect(h.modules.loaded('vfio-pci')).toBe(true);
    expect(h.modules.builtin('vfio_pci')).toBe(false);
    expect(h.modules.param('vfio-iommu-type1', 'allow_unsafe_interrupts')).toBe('N');
    expect(h.cpus?.siblings(3)?.toArray()).toEqual([3, 9]);
    expect(h.cpus?.nodeOf(11)).toBe(0);
    expect(h.cpus?.vendor).toBe('AuthenticAMD');
    expect(h.bootloader).toMatchObject({ name: 'grub', proxmoxBootTool: false });
    expect(h.iommu?.groups.size).toBeGreaterThan(10);
    expect(h.hugepages?.pool(2048)?.total).toBe(6144);
    expect(h.initramfs?.[0]?.modules).toEqual(['amdgpu', 'nvme', 'r8169']);
  });

  it('intel-iommu-off: the groups were read and there are none (not unknown)', () => {
    const h = live('intel-iommu-off');
    expect(h.iommu).toEqual({ groups: new Map(), units: [] });
    expect(h.pci?.groupPeers('0000:01:00.0')).toEqual([]);
  });

  it('vfio-builtin: vfio_pci is built in, BIOS GRUB', () => {
    const h = live('vfio-builtin');
    expect(h.modules.builtin('vfio-pci')).toBe(true);
    expect(h.modules.installed('vfio_pci')).toBe(true);
    expect(h.modules.loaded('vfio_pci')).toBe(false);
    expect(h.bootloader).toMatchObject({ name: 'grub', from: 'BIOS boot, and /boot/grub/grub.cfg exists' });
  });

  it('proxmox: systemd-boot from LoaderInfo, managed by proxmox-boot-tool', () => {
    const h = live('proxmox-systemd-boot');
    expect(h.bootloader).toEqual({ name: 'systemd-boot', proxmoxBootTool: true, from: 'the EFI variable LoaderInfo says systemd-boot 252.31-1~deb12u1' });
    expect(h.modules.installed('nvidia')).toBe(false);
  });

  it('a group that was not read is undefined, never empty', () => {
    const facts = readLiveHost(fixtureRoot('amd-b450-nvidia-shared-group'), { runTool: fixtureTools('amd-b450-nvidia-shared-group') });
    facts.read = facts.read.filter((r) => r.item !== 'iommu' && r.item !== 'modules.installed');
    const h = liveHost(facts, 'live', '/');
    expect(h.iommu).toBeUndefined();
    expect(h.modules.installed('nvidia')).toBeUndefined();
    expect(h.pci).toBeDefined();
  });
});

describe('snapshot documents', () => {
  it('a shortened document is completed; what it leaves out is unknown, and said so', () => {
    const doc = completeDocument({ format: 'vfio-lint-snapshot', version: 1, host: { cmdline: 'quiet', pci: [{ address: '0000:01:00.0', vendor: '10de', device: '2503', driver: 'nvidia' }] } });
    if (typeof doc === 'string') throw new Error(doc);
    const h = liveHost(doc.host, 'snapshot', '/x');
    expect(h.cmdline).toBe('quiet');
    expect(h.pci?.get('0000:01:00.0')).toMatchObject({ driver: 'nvidia', iommuGroup: null, class: null });
    expect(h.iommu).toBeUndefined();
    expect(h.hugepages).toBeUndefined();
    expect(doc.host.unread).toContainEqual({ item: 'iommu', source: SNAPSHOT_FILE, reason: 'missing', detail: 'not recorded in this snapshot (no "iommu")' });
  });

  it('a wrong field is refused with its place', () => {
    expect(completeDocument({ format: 'vfio-lint-snapshot', version: 1, host: { pci: [{ vendor: '10de' }] } })).toBe('host.pci[0].address is missing');
    expect(completeDocument({ format: 'vfio-lint-snapshot', version: 1, host: { iommu: { groups: 'none' } } })).toBe('host.iommu.groups should be a list');
    expect(completeDocument({ format: 'vfio-lint-snapshot', version: 3, host: {} })).toMatch(/newer vfio-lint/);
    expect(completeDocument({ format: 'vfio-lint-snapshot', version: 0, host: {} })).toMatch(/not one this vfio-lint reads \(1 to 2\)/);
    expect(completeDocument({ version: 1, host: {} })).toMatch(/not a vfio-lint snapshot/);
  });

  it('a written snapshot reads back as the live read it was made from, and a lint of its folder has it in the host model', async () => {
    const root = fixtureRoot('amd-b450-nvidia-shared-group');
    const tools = fixtureTools('amd-b450-nvidia-shared-group');
    const built = buildSnapshot(root, { runTool: tools, key: FIXTURE_KEY });
    const dir = join(mkdtempSync(join(tmpdir(), 'vfio-lint-snap-')), 'snap');
    writeSnapshot(dir, built);
    const back = readSnapshotFolder(dir);
    expect(back.problems).toEqual([]);
    expect(back.live?.facts).toEqual(built.document.host);
    expect(back.live?.origin).toBe('snapshot');
    // The configuration files come along, at their host paths; the facts file is not one of them.
    expect(back.files.map((f) => f.systemPath)).toEqual(expect.arrayContaining(['/etc/default/grub', '/etc/modprobe.d/vfio.conf', '/proc/cmdline']));
    expect(back.files.map((f) => f.systemPath)).not.toContain(`/${SNAPSHOT_FILE}`);
    const report = await lintFiles([dir], { config: false, cwd: dir });
    expect(report.skippedRules.map((s) => s.reason).join('\n')).not.toContain('the running host');
  });

  it('a broken facts file is a one-line problem on it; the configuration beside it is still linted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-badsnap-'));
    writeFileSync(join(dir, SNAPSHOT_FILE), '{"format": "vfio-lint-snapshot", "version": 1, "host": {"pci": 3}}');
    mkdirSync(join(dir, 'etc', 'modprobe.d'), { recursive: true });
    writeFileSync(join(dir, 'etc', 'modprobe.d', 'vfio.conf'), 'options vfio-pci ids=10de:2503\n');
    const report = await lintFiles([dir], { config: false, cwd: dir });
    const facts = report.results.find((r) => r.filePath === join(dir, SNAPSHOT_FILE));
    expect(facts?.messages.map((m) => m.message)).toEqual(['host.pci should be a list']);
    expect(report.results.map((r) => r.filePath)).toContain(join(dir, 'etc', 'modprobe.d', 'vfio.conf'));
  });
});
