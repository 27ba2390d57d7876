import { describe, expect, it } from 'vitest';
import { readLiveHost } from '../../src/live/read.js';
import type { HostSnapshot, PciDevice } from '../../src/live/types.js';
import { FIXTURE_NAMES, fixtureRoot, fixtureTools } from '../helpers/snapshot-fixtures.js';

function read(name: string): HostSnapshot {
  return readLiveHost(fixtureRoot(name), { runTool: fixtureTools(name) });
}
const dev = (h: HostSnapshot, address: string): PciDevice => {
  const d = h.pci.find((p) => p.address === address);
  if (!d) throw new Error(`no device ${address}`);
  return d;
};
const group = (h: HostSnapshot, id: number) => h.iommu.groups.find((g) => g.id === id)?.devices;

describe('readLiveHost on the fixture trees', () => {
  it('finds the four fixtures', () => {
    expect(FIXTURE_NAMES).toEqual(['amd-b450-nvidia-shared-group', 'intel-iommu-off', 'proxmox-systemd-boot', 'vfio-builtin']);
  });

  it('amd-b450-nvidia-shared-group: the GeForce shares group 2 with the chipset, bound to vfio-pci, its audio to snd_hda_intel', () => {
    const h = read('amd-b450-nvidia-shared-group');
    expect(h.unread).toEqual([]);
    expect(h.kernelRelease).toBe('6.8.0-49-generic');
    expect(h.cmdline).toContain('vfio-pci.ids=10de:2503 ');
    expect(h.iommu.units).toEqual(['ivhd0']);
    expect(group(h, 2)).toEqual(['0000:00:01.3', '0000:03:00.0', '0000:03:00.1', '0000:03:00.2', '0000:20:00.0', '0000:20:01.0', '0000:20:04.0', '0000:22:00.0', '0000:26:00.0', '0000:26:00.1']);
    expect(dev(h, '0000:26:00.0')).toEqual({
      address: '0000:26:00.0', vendor: '10de', device: '2503', subsystemVendor: '1462', subsystemDevice: '397d', class: '030000',
      driver: 'vfio-pci', driverOverride: null, iommuGroup: 2, bootVga: false, numaNode: null, resetMethods: ['bus'],
    });
    expect(dev(h, '0000:26:00.1').driver).toBe('snd_hda_intel');
    expect(dev(h, '0000:28:00.0')).toMatchObject({ vendor: '1002', driver: 'amdgpu', bootVga: true, iommuGroup: 15 });
    // Not a display: no boot_vga; a bridge: no reset_method; the IOMMU itself: no group.
    expect(dev(h, '0000:22:00.0').bootVga).toBeNull();
    expect(dev(h, '0000:00:01.3').resetMethods).toBeNull();
    expect(dev(h, '0000:00:00.2').iommuGroup).toBeNull();
    expect(h.pci).toHaveLength(41);

    expect(h.modules.loaded?.find((m) => m.name === 'vfio')).toEqual({ name: 'vfio', state: 'Live', usedBy: ['vfio_pci_core', 'vfio_iommu_type1', 'vfio_pci'] });
    expect(h.modules.parameters.kvm_amd?.npt).toBe('1');
    expect(h.modules.parameters.vfio_iommu_type1?.allow_unsafe_interrupts).toBe('N');
    expect(h.modules.parameters.vfio_pci?.ids).toBeUndefined();
    expect(h.modules.builtin).toContain('xhci_pci');
    expect(h.modules.builtin).not.toContain('vfio_pci');
    expect(h.modules.order).toContain('vfio_pci_core');
    expect(h.modules.installed).toContain('nvidia');
    expect(h.modules.loaded?.map((m) => m.name)).not.toContain('nvidia');

    expect(h.hugepages).toEqual([
      { sizeKiB: 2048, total: 6144, free: 6144, reserved: 0, surplus: 0, overcommit: 0 },
      { sizeKiB: 1048576, total: 0, free: 0, reserved: 0, surplus: 0, overcommit: 0 },
    ]);
    expect(h.numa).toEqual([{ id: 0, cpus: '0-11', hugepages: [
      { sizeKiB: 2048, total: 6144, free: 6144, reserved: null, surplus: 0, overcommit: null },
      { sizeKiB: 1048576, total: 0, free: 0, reserved: null, surplus: 0, overcommit: null },
    ] }]);

    expect(h.cpu.cpus).toHaveLength(12);
    expect(h.cpu.cpus[3]).toEqual({ id: 3, online: true, packageId: 0, dieId: 0, clusterId: 4, coreId: 4, threadSiblings: '3,9', l3: { id: 1, size: '16384K', sharedCpus: '3-5,9-11' }, coreType: null, capacity: null });
    expect(h.cpu).toMatchObject({ online: '0-11', possible: '0-11', isolated: '', nohzFull: null, smtControl: 'on', vendor: 'AuthenticAMD', family: 23, model: 113, modelName: 'AMD Ryzen 5 3600 6-Core Processor' });
    expect(h.cpu.flags).toEqual(expect.arrayContaining(['svm', 'topoext', 'npt']));

    expect(h.boot.firmware).toBe('uefi');
    expect(h.boot.efi).toEqual({ bootCurrent: '0000', bootCurrentDescription: 'ubuntu', bootCurrentPath: '\\EFI\\ubuntu\\shimx64.efi', loaderInfo: null, loaderEntrySelected: null, stubInfo: null });
    expect(h.boot.grub).toEqual({ path: '/boot/grub/grub.cfg', mtimeMs: Date.parse('2024-11-20T21:02:45Z'), linuxArgs: ['root=UUID=6f1c2b1e-3f7a-4c59-9a51-0d4f8b7e2a13 ro  quiet splash amd_iommu=on iommu=pt vfio-pci.ids=10de:2503 $vt_handoff'] });
    expect(h.boot.entries).toEqual([]);
    expect(h.boot.proxmox).toBeNull();

    expect(h.initramfs).toHaveLength(1);
    expect(h.initramfs[0]).toMatchObject({ path: '/boot/initrd.img-6.8.0-49-generic', mtimeMs: Date.parse('2024-11-02T18:20:11Z'), lister: 'lsinitramfs', modules: ['amdgpu', 'nvme', 'r8169'] });
    expect(h.libvirt.capabilities).toContain('<capabilities>');
    expect(h.libvirt.domains?.map((d) => d.name)).toEqual(['win11']);
    expect(h.libvirt.domains?.[0]?.xml).toContain("bus='0x26'");
    expect(h.read.map((r) => r.item)).toEqual(expect.arrayContaining(['cmdline', 'iommu', 'pci', 'modules.loaded', 'modules.builtin', 'hugepages', 'cpu', 'boot.efi', 'boot.grub', 'initramfs', 'libvirt.capabilities', 'libvirt.domains']));
  });

  it('intel-iommu-off: no groups and no units although intel_iommu=on was booted; hybrid core types; mkinitcpio image listed by lsinitcpio', () => {
    const h = read('intel-iommu-off');
    expect(h.cmdline).toContain('intel_iommu=on');
    expect(h.iommu).toEqual({ groups: [], units: [] });
    expect(h.pci.every((d) => d.iommuGroup === null)).toBe(true);
    expect(dev(h, '0000:01:00.0')).toMatchObject({ vendor: '10de', device: '2484', driver: 'nvidia', bootVga: true });
    expect(h.cpu.cpus.filter((c) => c.coreType === 'core').map((c) => c.id)).toEqual([...Array(16).keys()]);
    expect(h.cpu.cpus.filter((c) => c.coreType === 'atom').map((c) => c.id)).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
    expect(h.cpu.cpus[17]).toMatchObject({ threadSiblings: '17', clusterId: 32, coreId: 33 });
    expect(h.cpu.flags).toContain('vmx');
    expect(h.initramfs.map((i) => [i.path, i.lister])).toEqual([['/boot/initramfs-linux.img', 'lsinitcpio']]);
    expect(h.initramfs[0]?.modules).toEqual(['nvme', 'vfio', 'vfio_iommu_type1', 'vfio_pci', 'vfio_pci_core']);
    expect(h.boot.efi?.bootCurrentDescription).toBe('GRUB');
    expect(h.libvirt).toEqual({ capabilities: null, domains: null });
    expect(h.unread).toEqual([
      { item: 'libvirt.capabilities', source: 'virsh -r -c qemu:///system capabilities', reason: 'tool-absent', detail: 'virsh is not installed' },
      { item: 'libvirt.domains', source: 'virsh -r -c qemu:///system list --name', reason: 'tool-absent', detail: 'virsh is not installed' },
    ]);
  });

  it('vfio-builtin: vfio_pci in modules.builtin and /sys/module, not in /proc/modules; BIOS boot', () => {
    const h = read('vfio-builtin');
    expect(h.modules.builtin).toEqual(expect.arrayContaining(['vfio', 'vfio_iommu_type1', 'vfio_pci', 'vfio_virqfd']));
    expect(h.modules.loaded?.map((m) => m.name)).not.toContain('vfio_pci');
    expect(h.modules.parameters.vfio_pci).toEqual({ disable_denylist: 'N', disable_idle_d3: 'N', disable_vga: 'N', enable_sriov: 'N', nointxmask: 'N' });
    expect(dev(h, '0000:01:00.0')).toMatchObject({ driver: 'nouveau', iommuGroup: 1 });
    expect(group(h, 1)).toEqual(['0000:00:01.0', '0000:01:00.0', '0000:01:00.1']);
    expect(h.iommu.units).toEqual(['dmar0', 'dmar1']);
    expect(h.boot).toMatchObject({ firmware: 'bios', efi: null, entries: [], proxmox: null, ukis: [] });
    expect(h.boot.grub?.path).toBe('/boot/grub/grub.cfg');
    expect(h.cmdline).not.toContain('vfio-pci.ids');
  });

  it('proxmox-systemd-boot: systemd-boot from the EFI variables, proxmox-boot-tool state, no GRUB, one NUMA node on every device', () => {
    const h = read('proxmox-systemd-boot');
    expect(h.boot.efi).toEqual({
      bootCurrent: '0004', bootCurrentDescription: 'Linux Boot Manager', bootCurrentPath: '\\EFI\\systemd\\systemd-bootx64.efi',
      loaderInfo: 'systemd-boot 252.31-1~deb12u1', loaderEntrySelected: 'proxmox-6.8.12-4-pve.conf', stubInfo: null,
    });
    expect(h.boot.proxmox).toEqual({ espCount: 2, kernelCmdlineFile: true });
    expect(h.boot.grub).toBeNull();
    expect(h.boot.entries).toEqual([]);
    expect(h.cmdline).toBe('initrd=\\EFI\\proxmox\\6.8.12-4-pve\\initrd.img-6.8.12-4-pve root=ZFS=rpool/ROOT/pve-1 boot=zfs');
    expect(h.pci.every((d) => d.numaNode === 0)).toBe(true);
    expect(dev(h, '0000:01:00.1').driver).toBe('vfio-pci');
    expect(new Set(h.cpu.cpus.map((c) => c.l3?.id)).size).toBe(8);
    expect(h.cpu.cpus[16]).toMatchObject({ threadSiblings: '0,16', coreId: 0 });
    expect(h.libvirt.domains).toEqual([]);
    expect(h.modules.installed).not.toContain('nvidia');
    // Only the ESP copies of the initramfs, on ESPs proxmox-boot-tool keeps unmounted, are out of sight.
    expect(h.unread.map((u) => `${u.item} ${u.source}`)).toEqual(['initramfs /etc/kernel/proxmox-boot-uuids']);
  });

  it('every fixture read survives JSON unchanged', () => {
    for (const name of FIXTURE_NAMES) {
      const h = read(name);
      expect(JSON.parse(JSON.stringify(h)), name).toEqual(h);
    }
  });
});
