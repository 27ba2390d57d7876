import { describe, expect, it } from 'vitest';
import { liveHost, type LiveHost } from '../../src/host/live.js';
import { completeDocument } from '../../src/live/document.js';
import type { HostSnapshot } from '../../src/live/types.js';

/** A hand-written snapshot's facts, completed as vfio-lint completes a shortened document (every group given counts as read unless `read` says). */
function facts(host: Record<string, unknown>): HostSnapshot {
  const doc = completeDocument({ format: 'vfio-lint-snapshot', version: 2, host });
  if (typeof doc === 'string') throw new Error(doc);
  return doc.host;
}
const snap = (host: Record<string, unknown>): LiveHost => liveHost(facts(host), 'snapshot', '/snap');
/** The same facts with only these items read. */
const readOnly = (host: Record<string, unknown>, items: string[]): LiveHost => snap({ ...host, read: items.map((item) => ({ item, source: 'test' })) });

const dev = (address: string, vendor: string, device: string, iommuGroup: number | null, extra: Record<string, unknown> = {}) => ({ address, vendor, device, iommuGroup, ...extra });

describe('liveHost: the running host as the rules ask it (live.ts)', () => {
  it('says where it comes from, and the kernel release and /proc/cmdline only when read', () => {
    const h = liveHost(facts({ kernelRelease: '6.8.0-45-generic', cmdline: 'quiet iommu=pt' }), 'live', '/');
    expect([h.origin, h.where, h.kernelRelease, h.cmdline]).toEqual(['live', '/', '6.8.0-45-generic', 'quiet iommu=pt']);
    expect(h.has('cmdline')).toBe(true);
    expect(h.has('pci')).toBe(false);
    // Recorded but not among the items read: unknown.
    const partly = readOnly({ kernelRelease: '6.8.0', cmdline: 'quiet' }, ['kernel-release']);
    expect([partly.kernelRelease, partly.cmdline]).toEqual(['6.8.0', undefined]);
    expect(readOnly({ kernelRelease: '6.8.0', cmdline: 'quiet' }, ['cmdline']).kernelRelease).toBeUndefined();
    // Read and null (the file was empty or absent) is undefined too, never the string "null".
    expect(snap({ kernelRelease: null, cmdline: null })).toMatchObject({ kernelRelease: undefined, cmdline: undefined });
    // What a snapshot leaves out is listed as unread, with why.
    expect(snap({ cmdline: 'quiet' }).unread.find((u) => u.item === 'pci')).toMatchObject({ reason: 'missing', detail: 'not recorded in this snapshot (no "pci")' });
  });

  it('IOMMU groups by number, and undefined (not empty) when they were not read', () => {
    const h = snap({ iommu: { groups: [{ id: 14, devices: ['0000:01:00.0', '0000:01:00.1'] }], units: ['ivhd0'] } });
    expect(h.iommu).toEqual({ groups: new Map([[14, ['0000:01:00.0', '0000:01:00.1']]]), units: ['ivhd0'] });
    expect(snap({ iommu: { groups: [], units: [] } }).iommu?.groups.size).toBe(0);
    expect(snap({ cmdline: '' }).iommu).toBeUndefined();
  });

  it('PCI devices by address and by id (ids compared in lower case), and each one\'s IOMMU group peers', () => {
    const h = snap({
      iommu: { groups: [{ id: 1, devices: ['0000:01:00.0', '0000:01:00.1', '0000:00:01.0'] }], units: [] },
      pci: [
        dev('0000:01:00.0', '10de', '2503', 1),
        dev('0000:01:00.1', '10de', '228e', 1),
        dev('0000:02:00.0', '10de', '2503', null),
        dev('0000:03:00.0', '1022', '43d5', 7),
        dev('0000:03:00.1', '1022', '43d6', 7),
        dev('0000:04:00.0', '8086', '1533', 9),
        dev('0000:05:00.0', '1b21', '1242', null),
      ],
    });
    const pci = h.pci!;
    expect(pci.devices).toHaveLength(7);
    expect(pci.get('0000:01:00.1')?.device).toBe('228e');
    expect(pci.get('0000:09:00.0')).toBeUndefined();
    expect(pci.withId('10DE', '2503').map((d) => d.address)).toEqual(['0000:01:00.0', '0000:02:00.0']);
    expect(pci.withId('10de', '2503').map((d) => d.address)).toEqual(['0000:01:00.0', '0000:02:00.0']);
    expect(pci.withId('10de', '228E').map((d) => d.address)).toEqual(['0000:01:00.1']);
    expect(pci.withId('1002', '2503')).toEqual([]);
    // The group's other members; one not among the devices read is still named.
    expect(pci.groupPeers('0000:01:00.0')).toEqual([pci.get('0000:01:00.1'), { address: '0000:00:01.0' }]);
    // No group (IOMMU off for it), or no such device: no peers (devices without a group are not a group).
    expect(pci.groupPeers('0000:02:00.0')).toEqual([]);
    expect(pci.groupPeers('0000:05:00.0')).toEqual([]);
    expect(pci.groupPeers('0000:09:00.0')).toEqual([]);
    // A group the iommu facts do not list: its members are the devices that name it.
    expect(pci.groupPeers('0000:03:00.1').map((d) => d.address)).toEqual(['0000:03:00.0']);
    expect(pci.groupPeers('0000:04:00.0')).toEqual([]);
    expect(snap({ cmdline: '' }).pci).toBeUndefined();
  });

  it('modules: loaded, built in, installed (built-in ones count) and their parameters, names with - or _', () => {
    const h = snap({
      modules: {
        loaded: [{ name: 'vfio_pci', state: 'Live', usedBy: [] }, { name: 'snd-hda-intel', state: 'Live', usedBy: [] }],
        builtin: ['vfio_iommu_type1'],
        installed: ['nvidia', 'vfio-pci'],
        parameters: { vfio_iommu_type1: { allow_unsafe_interrupts: 'N' }, kvm: { ignore_msrs: null } },
      },
    });
    const m = h.modules;
    expect([m.loaded('vfio-pci'), m.loaded('snd_hda_intel'), m.loaded('nvidia')]).toEqual([true, true, false]);
    expect([m.builtin('vfio-iommu-type1'), m.builtin('vfio_pci')]).toEqual([true, false]);
    expect([m.installed('vfio_pci'), m.installed('nvidia'), m.installed('vfio_iommu_type1'), m.installed('nouveau')]).toEqual([true, true, true, false]);
    expect(m.param('vfio-iommu-type1', 'allow_unsafe_interrupts')).toBe('N');
    expect(m.param('kvm', 'ignore_msrs')).toBeNull();
    expect(m.param('kvm', 'nope')).toBeUndefined();
    expect(m.param('nope', 'x')).toBeUndefined();
  });

  it('modules: each list unknown when not read, or when read as null, never taken for empty', () => {
    const host = { modules: { loaded: [{ name: 'vfio_pci', state: 'Live', usedBy: [] }], builtin: ['vfio_pci'], installed: ['vfio_pci'], parameters: { kvm: { ignore_msrs: 'Y' } } } };
    const none = readOnly(host, []).modules;
    expect([none.loaded('vfio_pci'), none.builtin('vfio_pci'), none.installed('vfio_pci'), none.param('kvm', 'ignore_msrs')]).toEqual([undefined, undefined, undefined, undefined]);
    // Built-in list read, installed not: installed stays unknown.
    const builtinOnly = readOnly(host, ['modules.builtin', 'modules.loaded']).modules;
    expect([builtinOnly.builtin('vfio_pci'), builtinOnly.installed('vfio_pci'), builtinOnly.loaded('vfio_pci')]).toEqual([true, undefined, true]);
    // Installed read, built-in not: only modules.dep answers.
    const installedOnly = readOnly({ modules: { loaded: null, builtin: ['kvm'], installed: ['vfio_pci'], parameters: {} } }, ['modules.installed', 'modules.loaded', 'modules.parameters']).modules;
    expect([installedOnly.installed('vfio_pci'), installedOnly.installed('kvm'), installedOnly.loaded('vfio_pci'), installedOnly.param('kvm', 'x')]).toEqual([true, false, undefined, undefined]);
    const nulls = snap({ modules: { loaded: null, builtin: null, installed: null, parameters: {} } }).modules;
    expect([nulls.loaded('vfio_pci'), nulls.builtin('vfio_pci'), nulls.installed('vfio_pci')]).toEqual([undefined, undefined, undefined]);
  });

  it('huge pages: the pools by size and per node, undefined when not read', () => {
    const pool = { sizeKiB: 2048, total: 512, free: 512, reserved: 0, surplus: 0, overcommit: 0 };
    const h = snap({ hugepages: [pool, { ...pool, sizeKiB: 1048576, total: 4 }], numa: [{ id: 0, cpus: '0-3', hugepages: [] }] });
    expect(h.hugepages?.pool(2048)?.total).toBe(512);
    expect(h.hugepages?.pool(1048576)?.total).toBe(4);
    expect(h.hugepages?.pool(4096)).toBeUndefined();
    expect(h.hugepages?.pools).toHaveLength(2);
    expect(h.hugepages?.nodes.map((n) => n.id)).toEqual([0]);
    expect(snap({ cmdline: '' }).hugepages).toBeUndefined();
  });

  it('CPUs: every one known, online, SMT siblings, NUMA node, vendor and flags', () => {
    const cpu = (id: number, threadSiblings: string | null) => ({ id, online: true, packageId: 0, coreId: id % 2, threadSiblings });
    const h = snap({
      cpu: { online: ' 0-2\n', cpus: [cpu(0, '0,2'), cpu(1, '1,3'), cpu(2, '0,2'), cpu(3, null), cpu(4, 'bad')], vendor: 'AuthenticAMD', flags: ['svm', 'topoext'] },
      numa: [{ id: 0, cpus: '0-1', hugepages: [] }, { id: 1, cpus: '2-3\n', hugepages: [] }, { id: 2, cpus: null, hugepages: [] }],
    });
    const c = h.cpus!;
    expect(c.all.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(c.online?.toArray()).toEqual([0, 1, 2]);
    expect(c.siblings(2)?.toArray()).toEqual([0, 2]);
    expect(c.siblings(3)).toBeUndefined();
    expect(c.siblings(4)).toBeUndefined();
    expect(c.siblings(9)).toBeUndefined();
    expect([c.nodeOf(1), c.nodeOf(3), c.nodeOf(4)]).toEqual([0, 1, undefined]);
    expect(c.vendor).toBe('AuthenticAMD');
    expect([...c.flags]).toEqual(['svm', 'topoext']);
    const bare = snap({ cpu: { online: null, cpus: [cpu(0, '0')], vendor: null, flags: [] } }).cpus!;
    expect([bare.online, bare.vendor, bare.nodeOf(0)]).toEqual([undefined, undefined, undefined]);
    expect(snap({ cpu: { online: 'x', cpus: [cpu(0, '0')], flags: [] } }).cpus?.online).toBeUndefined();
    // Read, but no CPU directories (an odd sysfs): no answers rather than a host without CPUs.
    expect(snap({ cpu: { online: '0', cpus: [], flags: [] } }).cpus).toBeUndefined();
    expect(snap({ cmdline: '' }).cpus).toBeUndefined();
  });

  it('the boot facts and initramfs images, each only when read', () => {
    const img = { path: '/boot/initrd.img-6.8.0', size: 1, mtimeMs: 2, entry: null, lister: 'lsinitramfs', modules: ['vfio_pci'] };
    const h = snap({ boot: { firmware: 'uefi', entries: [], grub: null }, initramfs: [img], initramfsInputs: [{ path: '/etc/modprobe.d/vfio.conf', size: 3, mtimeMs: 4 }] });
    expect(h.boot?.firmware).toBe('uefi');
    expect(h.initramfs?.map((i) => i.path)).toEqual(['/boot/initrd.img-6.8.0']);
    expect(h.initramfsInputs?.get('/etc/modprobe.d/vfio.conf')?.mtimeMs).toBe(4);
    expect(h.initramfsInputs?.get('/etc/nope')).toBeUndefined();
    const none = snap({ cmdline: '' });
    expect([none.boot, none.initramfs, none.initramfsInputs]).toEqual([undefined, undefined, undefined]);
    // Any one boot item read is enough for the boot facts.
    for (const item of ['boot.efi', 'boot.grub', 'boot.entries', 'boot.proxmox', 'boot.uki']) expect(readOnly({ boot: { firmware: 'bios' } }, [item]).boot?.firmware, item).toBe('bios');
    expect(readOnly({ boot: { firmware: 'bios' } }, ['cmdline']).boot).toBeUndefined();
  });
});

describe('which bootloader booted the running kernel (live.ts bootloaderOf)', () => {
  const efi = (e: Record<string, string>) => ({ bootCurrent: null, bootCurrentDescription: null, bootCurrentPath: null, loaderInfo: null, loaderEntrySelected: null, stubInfo: null, ...e });
  const loader = (boot: Record<string, unknown>, read?: string[]) => (read ? readOnly({ boot }, read) : snap({ boot })).bootloader;

  it('StubInfo: a unified kernel image; LoaderInfo: systemd-boot, or another loader that sets it', () => {
    expect(loader({ firmware: 'uefi', efi: efi({ stubInfo: 'systemd-stub 255', loaderInfo: 'systemd-boot 255' }) })).toEqual({ name: 'uki', proxmoxBootTool: false, from: 'the EFI variable StubInfo says systemd-stub 255' });
    expect(loader({ firmware: 'uefi', efi: efi({ loaderInfo: 'systemd-boot 252.31' }), proxmox: { espCount: 2, kernelCmdlineFile: true } })).toEqual({
      name: 'systemd-boot',
      proxmoxBootTool: true,
      from: 'the EFI variable LoaderInfo says systemd-boot 252.31',
    });
    expect(loader({ firmware: 'uefi', efi: efi({ loaderInfo: 'rEFInd 0.14' }) })).toEqual({ name: 'unknown', proxmoxBootTool: false, from: 'the EFI variable LoaderInfo says rEFInd 0.14' });
  });

  it('else the firmware entry booted: GRUB or shim, or systemd-boot\'s own file', () => {
    expect(loader({ firmware: 'uefi', efi: efi({ bootCurrentPath: '\\EFI\\ubuntu\\shimx64.efi', bootCurrentDescription: 'ubuntu' }) })).toEqual({
      name: 'grub',
      proxmoxBootTool: false,
      from: 'the firmware booted \\EFI\\ubuntu\\shimx64.efi (ubuntu)',
    });
    expect(loader({ firmware: 'uefi', efi: efi({ bootCurrentPath: '\\EFI\\DEBIAN\\GRUBX64.EFI', bootCurrentDescription: 'debian' }) })?.name).toBe('grub');
    expect(loader({ firmware: 'uefi', efi: efi({ bootCurrentPath: '\\EFI\\systemd\\systemd-bootx64.efi' }) })).toEqual({
      name: 'systemd-boot',
      proxmoxBootTool: false,
      from: 'the firmware booted \\EFI\\systemd\\systemd-bootx64.efi',
    });
    // The fallback path is anyone's: only systemd's own copy counts.
    expect(loader({ firmware: 'uefi', efi: efi({ bootCurrentPath: '\\EFI\\BOOT\\BOOTX64.EFI' }) })?.name).toBe('unknown');
    // systemd's copy of the fallback file only when it is the file booted.
    expect(loader({ firmware: 'uefi', efi: efi({ bootCurrentPath: '\\EFI\\systemd\\boot\\bootx64.efi.old' }) })?.name).toBe('unknown');
    // No file path for the entry booted (a network boot, a variable not read).
    expect(loader({ firmware: 'uefi', efi: efi({ bootCurrentDescription: 'PXE' }) })).toEqual({ name: 'unknown', proxmoxBootTool: false, from: 'neither the EFI variables nor /boot say which loader booted' });
    // A grub file name that is not the file booted (a folder named grub) is not GRUB.
    expect(loader({ firmware: 'uefi', efi: efi({ bootCurrentPath: '\\EFI\\grub\\refind_x64.efi' }) })?.name).toBe('unknown');
    expect(loader({ firmware: 'uefi', efi: efi({ bootCurrentPath: '\\EFI\\grubx64.efi.bak' }) })?.name).toBe('unknown');
  });

  it('BIOS with a grub.cfg: GRUB; otherwise unknown when the boot facts were read, undefined when not', () => {
    const grub = { path: '/boot/grub/grub.cfg', mtimeMs: 1, linuxArgs: [] };
    expect(loader({ firmware: 'bios', grub })).toEqual({ name: 'grub', proxmoxBootTool: false, from: 'BIOS boot, and /boot/grub/grub.cfg exists' });
    const unknown = { name: 'unknown', proxmoxBootTool: false, from: 'neither the EFI variables nor /boot say which loader booted' };
    expect(loader({ firmware: 'uefi', grub })).toEqual(unknown);
    expect(loader({ firmware: 'bios', grub: null })).toEqual(unknown);
    // The grub.cfg is not known when boot.grub was not read; the EFI variables not when boot.efi was not.
    expect(loader({ firmware: 'bios', grub }, ['boot.efi'])).toEqual(unknown);
    expect(loader({ firmware: 'uefi', efi: efi({ loaderInfo: 'systemd-boot 255' }) }, ['boot.grub'])).toEqual(unknown);
    expect(loader({ firmware: 'bios', grub }, ['boot.entries'])).toBeUndefined();
    expect(snap({ cmdline: '' }).bootloader).toBeUndefined();
  });
});
