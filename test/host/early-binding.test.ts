import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { liveHost } from '../../src/host/live.js';
import { completeDocument } from '../../src/live/document.js';
import { carriesModprobeConf, guardOf, modesetOff, modprobeGuard, strongGuard, type Guard } from '../../src/host/early-binding.js';
import type { FileKind } from '../../src/model/machine.js';

const texts = new Map<string, string>();
const f = (kind: FileKind, systemPath: string, text: string) => {
  texts.set(systemPath, text);
  return parseFile(sourceFile(systemPath, text), kind, systemPath);
};
const modprobe = (text: string) => f('modprobe', '/etc/modprobe.d/x.conf', text);
const grub = (params: string) => f('grub', '/etc/default/grub', `GRUB_CMDLINE_LINUX="${params}"\n`);
/** A guard as strength, how, and the text it points at. */
const show = (g: Guard | undefined) => (g === undefined ? undefined : g.strength === 'none' ? 'none' : `${g.strength}: ${g.how} @${g.at ? `${g.at.path}:${texts.get(g.at.path)!.slice(g.at.start, g.at.end)}` : '-'}`);
const guard = (module: string, ...files: ReturnType<typeof f>[]) => show(guardOf(buildHostModel(files), module));

describe('what keeps a host driver off a device meant for vfio-pci (early-binding.ts)', () => {
  it('modprobe.d: a softdep that loads vfio-pci first, on the module or a module it needs; an install command that does not load it', () => {
    expect(guard('nouveau', modprobe('softdep nouveau pre: vfio-pci\n'))).toBe('strong: softdep nouveau pre: vfio-pci @/etc/modprobe.d/x.conf:softdep nouveau pre: vfio-pci');
    expect(guard('nouveau', modprobe('softdep nouveau pre: snd_hda_intel\n'))).toBe('none');
    const host = buildHostModel([modprobe('softdep drm pre: vfio-pci\n')]);
    expect(show(modprobeGuard(host, 'amdgpu', ['ttm', 'drm']))).toBe('strong: softdep drm pre: vfio-pci @/etc/modprobe.d/x.conf:softdep drm pre: vfio-pci');
    expect(modprobeGuard(host, 'amdgpu')).toBeUndefined();
    expect(modprobeGuard(host, 'amdgpu', ['ttm'])).toBeUndefined();
    expect(guard('nouveau', modprobe('install nouveau /bin/false\n'))).toBe('strong: install nouveau @/etc/modprobe.d/x.conf:install nouveau /bin/false');
    // An install that runs modprobe --ignore-install loads the module after all.
    expect(guard('nouveau', modprobe('install nouveau /sbin/modprobe vfio-pci; /sbin/modprobe --ignore-install nouveau\n'))).toBe('none');
    expect(guard('nouveau', modprobe('install nouveau /sbin/modprobe --ignore-install nouveau $CMDLINE_OPTS\n'))).toBe('none');
    // Past a ; the --ignore-install belongs to another command: the install still stops the load.
    expect(guard('nouveau', modprobe('install nouveau /bin/true; echo --ignore-install\n'))).toBe('strong: install nouveau @/etc/modprobe.d/x.conf:install nouveau /bin/true; echo --ignore-install');
    // A softdep makes kmod skip the install line.
    expect(guard('nouveau', modprobe('softdep nouveau pre: snd_hda_intel\ninstall nouveau /bin/false\n'))).toBe('none');
  });

  it('the configured command line: module_blacklist= (exact names), dracut\'s rd.driver.pre=vfio-pci unless mkinitcpio builds the image', () => {
    expect(guard('nouveau', grub('module_blacklist=nvidia,nouveau'))).toBe('strong: module_blacklist=nvidia,nouveau @/etc/default/grub:module_blacklist=nvidia,nouveau');
    expect(guard('nvidia_drm', grub('module_blacklist=nvidia-drm'))).toBe('none');
    expect(guard('nouveau', grub('rd.driver.pre=vfio-pci'))).toBe('strong: rd.driver.pre=vfio-pci @/etc/default/grub:rd.driver.pre=vfio-pci');
    expect(guard('nouveau', grub('rd.driver.pre=vfio_iommu_type1'))).toBe('none');
    const mk = f('mkinitcpio', '/etc/mkinitcpio.conf', 'MODULES=()\n');
    expect(guard('nouveau', grub('rd.driver.pre=vfio-pci'), mk)).toBe('none');
    // /proc/cmdline is the last boot's, not the next one's.
    expect(guard('nouveau', f('proc-cmdline', '/proc/cmdline', 'module_blacklist=nouveau\n'))).toBe('none');
  });

  it('vfio-pci first in an initramfs early list, with its ids in the image; initramfs-tools\' list is only a race', () => {
    const ids = modprobe('options vfio-pci ids=10de:2684\n');
    const mk = (modules: string, hooks = 'base udev modconf') => f('mkinitcpio', '/etc/mkinitcpio.conf', `MODULES=(${modules})\nHOOKS=(${hooks})\n`);
    expect(guard('nouveau', ids, mk('vfio_pci vfio nouveau'))).toBe('strong: vfio_pci first in mkinitcpio @/etc/mkinitcpio.conf:vfio_pci');
    expect(guard('nouveau', ids, mk('vfio_pci vfio'))).toBe('strong: vfio_pci first in mkinitcpio @/etc/mkinitcpio.conf:vfio_pci');
    expect(guard('nouveau', ids, mk('nouveau vfio_pci'))).toBe('none');
    expect(guard('nouveau', ids, mk('nouveau'))).toBe('none');
    // Without modconf the image has no modprobe.d, so vfio-pci has no ids there, unless the command line gives them.
    expect(guard('nouveau', ids, mk('vfio_pci', 'base udev'))).toBe('none');
    expect(guard('nouveau', grub('vfio-pci.ids=10de:2684'), mk('vfio_pci', 'base udev'))).toBe('strong: vfio_pci first in mkinitcpio @/etc/mkinitcpio.conf:vfio_pci');
    // The rivals: nvidia pulled in by nvidia_drm counts as nvidia.
    const host = buildHostModel([ids, mk('nvidia_drm vfio_pci')]);
    expect(show(strongGuard(host, 'nvidia', new Set(['nvidia', 'nvidia_drm'])))).toBeUndefined();
    expect(show(strongGuard(host, 'nvidia'))).toBe('strong: vfio_pci first in mkinitcpio @/etc/mkinitcpio.conf:vfio_pci');
    const dracut = f('dracut', '/etc/dracut.conf.d/vfio.conf', 'force_drivers+=" vfio_pci "\n');
    expect(guard('nouveau', ids, dracut)).toBe('strong: vfio_pci first in dracut @/etc/dracut.conf.d/vfio.conf:vfio_pci');
    const itools = f('initramfs-modules', '/etc/initramfs-tools/modules', 'vfio\nvfio_pci\n');
    expect(guard('nouveau', ids, itools)).toBe('weak: vfio_pci in /etc/initramfs-tools/modules @/etc/initramfs-tools/modules:vfio_pci');
    expect(guard('nouveau', ids, f('initramfs-modules', '/etc/initramfs-tools/modules', 'vfio\n'))).toBe('none');
  });

  it('vfio-pci built into the running kernel with its ids on the command line', () => {
    const doc = completeDocument({ format: 'vfio-lint-snapshot', version: 2, host: { kernelRelease: '6.8.0', modules: { loaded: [], builtin: ['vfio_pci'], installed: [], parameters: {} } } });
    if (typeof doc === 'string') throw new Error(doc);
    const live = liveHost(doc.host, 'live', '/');
    expect(show(guardOf(buildHostModel([grub('vfio-pci.ids=10de:2684')], live), 'nouveau'))).toBe('strong: vfio-pci built into 6.8.0 with vfio-pci.ids= on the command line @/etc/default/grub:10de:2684');
    expect(show(guardOf(buildHostModel([modprobe('options vfio-pci ids=10de:2684\n')], live), 'nouveau'))).toBe('none');
    const noRelease = completeDocument({ format: 'vfio-lint-snapshot', version: 2, host: { modules: { loaded: [], builtin: ['vfio_pci'], installed: [], parameters: {} } } });
    if (typeof noRelease === 'string') throw new Error(noRelease);
    expect(show(guardOf(buildHostModel([grub('vfio-pci.ids=10de:2684')], liveHost(noRelease.host, 'live', '/')), 'nouveau'))).toBe('strong: vfio-pci built into the running kernel with vfio-pci.ids= on the command line @/etc/default/grub:10de:2684');
  });

  it('DRM drivers with mode setting off: the last modeset value is 0, or nomodeset on the next boot without one', () => {
    expect(guard('amdgpu', modprobe('options amdgpu modeset=0\n'))).toBe('strong: options amdgpu modeset=0 @/etc/modprobe.d/x.conf:modeset=0');
    expect(guard('amdgpu', modprobe('options amdgpu modeset=0\n'), grub('amdgpu.modeset=1'))).toBe('none');
    expect(guard('i915', grub('i915.modeset=0'))).toBe('strong: i915.modeset=0 @/etc/default/grub:i915.modeset=0');
    expect(guard('nouveau', grub('quiet nomodeset'))).toBe('strong: nomodeset @/etc/default/grub:nomodeset');
    expect(guard('nouveau', grub('nomodeset nouveau.modeset=1'))).toBe('none');
    expect(guard('nvidia', grub('nomodeset'))).toBe('none');
    expect(guard('nouveau', f('proc-cmdline', '/proc/cmdline', 'nomodeset\n'))).toBe('none');
    const host = buildHostModel([grub('quiet')]);
    expect(modesetOff(host, 'nouveau')).toBeUndefined();
    expect(modesetOff(host, 'snd_hda_intel')).toBeUndefined();
  });

  it('weak guards: blacklist, modprobe.blacklist= or rd.driver.blacklist=; none otherwise', () => {
    expect(guard('nouveau', modprobe('blacklist nouveau\n'))).toBe('weak: blacklist nouveau @/etc/modprobe.d/x.conf:blacklist nouveau');
    expect(guard('nvidia_drm', grub('modprobe.blacklist=nvidia-drm'))).toBe('weak: modprobe.blacklist=nvidia-drm @/etc/default/grub:modprobe.blacklist=nvidia-drm');
    expect(guard('nouveau', grub('rd.driver.blacklist=nouveau'))).toBe('weak: rd.driver.blacklist=nouveau @/etc/default/grub:rd.driver.blacklist=nouveau');
    expect(guard('nouveau', grub('modprobe.blacklist=nvidia'))).toBe('none');
    expect(guard('nouveau', grub('quiet'))).toBe('none');
    // A strong guard is said first.
    expect(guard('nouveau', modprobe('blacklist nouveau\ninstall nouveau /bin/false\n'))).toBe('strong: install nouveau @/etc/modprobe.d/x.conf:install nouveau /bin/false');
  });

  it('carriesModprobeConf: mkinitcpio only with modconf; dracut and initramfs-tools always', () => {
    const cfg = (kind: FileKind, path: string, text: string) => buildHostModel([f(kind, path, text)]).initramfs[0]!;
    expect(carriesModprobeConf(cfg('mkinitcpio', '/etc/mkinitcpio.conf', 'HOOKS=(base modconf)\n'))).toBe(true);
    expect(carriesModprobeConf(cfg('mkinitcpio', '/etc/mkinitcpio.conf', 'HOOKS=(base)\n'))).toBe(false);
    expect(carriesModprobeConf(cfg('dracut', '/etc/dracut.conf', 'hostonly="no"\n'))).toBe(true);
    expect(carriesModprobeConf(cfg('initramfs-modules', '/etc/initramfs-tools/modules', 'vfio\n'))).toBe(true);
  });
});
