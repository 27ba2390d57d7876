// The committed dictionaries load and hold entries a person can check against the sources named in
// docs/dictionaries.md. Offline: only data/ is read.
import { describe, it, expect } from 'vitest';
import {
  kernelParamDoc,
  kernelParamsVersion,
  kernelParamsOrigin,
  lookupKernelParam,
  suggestKernelParam,
  moduleInfo,
  moduleParams,
  moduleParamsComplete,
  kernelReleases,
  kernelModulesOrigin,
  suggestModule,
  suggestModuleParam,
  cpuFeature,
  cpuFeatureByAlias,
  cpuModel,
  libvirtCpuMapVersion,
  suggestCpuFeature,
  rootPlace,
  placeOf,
  childOf,
  attributeAllowed,
  suggestAttribute,
  suggestChild,
  textAllowed,
  libvirtSchemaVersion,
  pciDriversById,
  pciDriversByClass,
  pciDriverDepends,
  pciDriversKernel,
} from '../../src/data/index.js';
import { readDictionaryFile } from '../../src/data/load.js';
import { join } from 'node:path';

describe('kernel parameters (kernel-parameters.txt)', () => {
  it('records the kernel and package it came from', () => {
    expect(kernelParamsVersion()).toMatch(/^6\.12\.\d+$/);
    const [pkg] = kernelParamsOrigin().packages;
    expect(pkg!.package).toBe('linux-doc-6.12');
    expect(pkg!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('knows intel_iommu and its documented values', () => {
    const doc = kernelParamDoc('intel_iommu')!;
    expect(doc.value).toBe('required');
    expect(doc.values).toEqual(expect.arrayContaining(['on', 'off', 'igfx_off', 'sm_on']));
    expect(doc.values).not.toContain('pt');
  });
  it("knows iommu='s values, with pt marked X86 and nobypass PPC", () => {
    const doc = kernelParamDoc('iommu')!;
    expect(doc.values).toEqual(expect.arrayContaining(['off', 'force', 'pt', 'nopt', 'soft']));
    expect(doc.values).not.toContain('on');
    expect(doc.valueTags?.pt).toEqual(['X86']);
    expect(doc.valueTags?.nobypass).toContain('PPC');
    expect(doc.arch).toEqual(['X86']);
  });
  it('reads Format: lists and architectures', () => {
    expect(kernelParamDoc('iommu.passthrough')!.values).toEqual(['0', '1']);
    expect(kernelParamDoc('amd_iommu')!.arch).toEqual(['X86-64']);
    expect(kernelParamDoc('mitigations')!.values).toEqual(expect.arrayContaining(['off', 'auto', 'auto,nosmt']));
    expect(kernelParamDoc('isolcpus')!.values).toEqual(['nohz', 'domain', 'managed_irq']);
    expect(kernelParamDoc('nowatchdog')!.value).toBe('none');
  });
  it('matches names with - and _ alike, as the kernel does', () => {
    expect(kernelParamDoc('log-buf-len')?.name).toBe('log_buf_len');
    expect(kernelParamDoc('kvm_amd.nested')?.name).toBe('kvm-amd.nested');
    expect(kernelParamDoc('gpio_mockup-gpio_mockup_ranges')).toBeUndefined();
    expect(kernelParamDoc('gpio_mockup.gpio-mockup-ranges')?.name).toBe('gpio-mockup.gpio_mockup_ranges');
  });
  it('finds every documented name under every spelling of its dashes and underscores (the dashNames map is whole)', () => {
    const names = Object.keys(readDictionaryFile<{ params: Record<string, unknown> }>(join(import.meta.dirname, '../../data/kernel-params.json'), 'kernel-params').params);
    expect(names.length).toBeGreaterThan(500);
    for (const name of names) {
      for (const spelling of [name, name.replaceAll('-', '_'), name.replaceAll('_', '-')]) expect(kernelParamDoc(spelling)?.name, spelling).toBe(name);
    }
  });
  it('knows module.param= names from the module dictionary', () => {
    expect(lookupKernelParam('vfio-pci.ids')).toMatchObject({ known: true, via: 'module', module: 'vfio_pci', param: 'ids' });
    // Built-in code's parameters come from modules.builtin.modinfo: ACPI thermal has act, crt, off, psv
    // and tzp in both kernels, and no nocrt (issue 17's `thermal.nocrt=1` does nothing there).
    expect(lookupKernelParam('thermal.nocrt')).toMatchObject({ known: false, module: 'thermal' });
    expect(lookupKernelParam('thermal.tzp')).toMatchObject({ known: true });
    expect(lookupKernelParam('processor.ignore_ppc')).toMatchObject({ known: true, via: 'module', module: 'processor' });
    expect(lookupKernelParam('kvm.ignore_msrs')).toMatchObject({ known: true });
    expect(lookupKernelParam('vfio_pci.async_probe')).toMatchObject({ known: true, via: 'doc' });
    expect(lookupKernelParam('nvidia-drm.modeset')).toMatchObject({ known: true, via: 'module' });
    expect(lookupKernelParam('nvidia_uvm.uvm_perf_prefetch_enable')).toMatchObject({ known: 'unverifiable' });
  });
  it('flags typos with a did-you-mean', () => {
    expect(lookupKernelParam('vfio_pci.id')).toMatchObject({ known: false });
    expect(suggestKernelParam('vfio_pci.id')).toEqual(['vfio_pci.ids']);
    expect(lookupKernelParam('intel_iomu')).toMatchObject({ known: false });
    expect(suggestKernelParam('intel_iomu')).toEqual(['intel_iommu']);
    expect(suggestKernelParam('vfio-pic.ids')).toEqual(['vfio_pci.ids']);
  });
});

describe('kernel modules (modules.order, modules.builtin, modinfo)', () => {
  it('records both kernels, newest first, with their packages', () => {
    const releases = kernelReleases();
    expect(releases).toHaveLength(2);
    expect(releases[0]).toMatch(/^6\.12\./);
    expect(releases[1]).toMatch(/^6\.1\.0-/);
    expect(kernelModulesOrigin().origin.packages.map((p) => p.package)).toEqual(expect.arrayContaining(['kmod', `linux-image-${releases[0]}`]));
  });
  it('knows vfio_pci and its ids parameter, whichever spelling', () => {
    expect(moduleInfo('vfio-pci')).toMatchObject({ status: 'kernel', name: 'vfio_pci', kinds: ['m', 'm'], dir: 'drivers/vfio/pci', missingFrom: [] });
    const ids = moduleParams('vfio_pci')!.get('ids')!;
    expect(ids.type).toBe('string');
    expect(ids.description).toMatch(/PCI IDs/);
    expect(moduleParams('vfio_pci')!.has('disable_vga')).toBe(true);
    expect(moduleParams('vfio')!.has('disable_vga')).toBe(false);
  });
  it('knows vfio_iommu_type1 allow_unsafe_interrupts and kvm ignore_msrs / report_ignored_msrs', () => {
    expect(moduleParams('vfio_iommu_type1')!.get('allow_unsafe_interrupts')!.type).toBe('bool');
    expect(moduleParams('kvm')!.has('ignore_msrs')).toBe(true);
    expect(moduleParams('kvm')!.has('report_ignored_msrs')).toBe(true);
  });
  it('knows built-in modules and their parameters', () => {
    expect(moduleInfo('thermal')).toMatchObject({ status: 'kernel', kinds: ['y', 'y'] });
    // Built into 6.12, a module in 6.1: one kind per release.
    expect(moduleInfo('fuse')).toMatchObject({ status: 'kernel', kernels: kernelReleases(), kinds: ['y', 'm'] });
    expect(moduleParams('thermal')!.has('crt')).toBe(true);
  });
  it('tells obsolete, out-of-tree and unknown modules apart', () => {
    expect(moduleInfo('vfio_virqfd')).toMatchObject({ status: 'obsolete', goneSince: '6.2' });
    expect(moduleInfo('vfio-mdev')).toMatchObject({ status: 'obsolete', goneSince: '5.16' });
    expect(moduleInfo('nvidia')).toMatchObject({ status: 'out-of-tree' });
    expect(moduleInfo('vendor-reset')).toMatchObject({ status: 'out-of-tree', name: 'vendor_reset' });
    expect(moduleInfo('snd_ha_intel')).toBeUndefined();
    expect(moduleParams('nvidia')!.has('NVreg_PreserveVideoMemoryAllocations')).toBe(true);
    expect(moduleParamsComplete('nvidia')).toBe(true);
    expect(moduleParamsComplete('kvmfr')).toBe(false);
    expect(moduleParams('vendor_reset')).toBeUndefined();
  });
  it('keeps modules that only the older kernel has, saying which', () => {
    const info = moduleInfo('vfio_virqfd');
    expect(info?.status).toBe('obsolete');
    // A module the newest kernel added is not missing from it.
    expect(moduleInfo('xe')).toMatchObject({ status: 'kernel', missingFrom: [kernelReleases()[1]] });
  });
  it('suggests the module a typo meant', () => {
    expect(suggestModule('snd_ha_intel')).toEqual(['snd_hda_intel']);
    expect(suggestModule('xhci-hdc')).toEqual(['xhci_hcd']);
    expect(suggestModuleParam('vfio_pci', 'disable_vgaa')).toEqual(['disable_vga']);
  });
});

describe('libvirt CPU map', () => {
  it('records the libvirt version', () => {
    expect(libvirtCpuMapVersion()).toMatch(/^11\.\d+\.\d+$/);
  });
  it('knows topoext, invtsc (not migratable) and QEMU aliases', () => {
    expect(cpuFeature('topoext')).toBeDefined();
    expect(cpuFeature('invtsc')?.migratable).toBe(false);
    expect(cpuFeature('hypervisor')).toBeDefined();
    expect(cpuFeature('sse3')).toBeUndefined();
    expect(cpuFeatureByAlias('sse3')).toBe('pni');
    expect(suggestCpuFeature('topoxt')).toEqual(['topoext']);
  });
  it('knows models and their vendors', () => {
    expect(cpuModel('EPYC-Rome')).toMatchObject({ vendor: 'AMD' });
    expect(cpuModel('EPYC-Rome-v1')).toMatchObject({ base: 'EPYC-Rome' });
    expect(cpuModel('Skylake-Client')).toMatchObject({ vendor: 'Intel' });
    expect(cpuModel('Zen9')).toBeUndefined();
  });
});

describe('libvirt domain schema', () => {
  it('records the libvirt version', () => {
    expect(libvirtSchemaVersion()).toBe(libvirtCpuMapVersion());
  });
  it('has <hyperv> under <features> with <vendor_id> and its value attribute', () => {
    const hyperv = placeOf(['domain', 'features', 'hyperv'])!;
    expect(hyperv).toBeDefined();
    expect(attributeAllowed(hyperv, 'mode')).toBe(true);
    const vendor = childOf(hyperv, 'vendor_id');
    expect(vendor.allowed).toBe(true);
    if (vendor.allowed !== true) return;
    expect(attributeAllowed(vendor.place, 'value')).toBe(true);
    expect(attributeAllowed(vendor.place, 'state')).toBe(true);
    expect(childOf(hyperv, 'vendorid').allowed).toBe(false);
    expect(suggestChild(hyperv, 'vendorid')).toEqual(['vendor_id']);
  });
  it('says a misplaced or misspelt name is not in the schema there', () => {
    const feature = placeOf(['domain', 'cpu', 'feature'])!;
    expect(attributeAllowed(feature, 'policy')).toBe(true);
    expect(attributeAllowed(feature, 'polcy')).toBe(false);
    expect(suggestAttribute(feature, 'polcy')).toEqual(['policy']);
    // <feature> is a child of <cpu>, not of <features>.
    expect(childOf(placeOf(['domain', 'features'])!, 'feature').allowed).toBe(false);
    expect(childOf(rootPlace()!, 'hyperv').allowed).toBe(false);
  });
  it('handles namespaces and open content', () => {
    const domain = rootPlace()!;
    expect(attributeAllowed(domain, 'xmlns:qemu')).toBe(true);
    const qemu = childOf(domain, { local: 'commandline', uri: 'http://libvirt.org/schemas/domain/qemu/1.0' });
    expect(qemu.allowed).toBe(true);
    expect(childOf(domain, 'commandline').allowed).toBe(false);
    const metadata = placeOf(['domain', 'metadata'])!;
    expect(childOf(metadata, { local: 'libosinfo', uri: 'http://libosinfo.org/xmlns/libvirt/domain/1.0' }).allowed).toBe('open');
    // The schema's <metadata> takes any element (libvirt's parser, not the schema, wants a namespace).
    expect(childOf(metadata, 'libosinfo').allowed).toBe('open');
  });
  it('knows which elements hold text', () => {
    expect(textAllowed(placeOf(['domain', 'name'])!)).toBe(true);
    expect(textAllowed(placeOf(['domain', 'features'])!)).toBe(false);
  });
  it('reaches hostdev source address and vcpupin', () => {
    const address = placeOf(['domain', 'devices', 'hostdev', 'source', 'address'])!;
    for (const a of ['domain', 'bus', 'slot', 'function']) expect(attributeAllowed(address, a)).toBe(true);
    const pin = placeOf(['domain', 'cputune', 'vcpupin'])!;
    expect(attributeAllowed(pin, 'vcpu') && attributeAllowed(pin, 'cpuset')).toBe(true);
    expect(placeOf(['domain', 'cputune', 'vcpuping'])).toBeUndefined();
  });
});

describe('PCI drivers (modules.alias of Debian linux-image-6.12.95+deb12-amd64)', () => {
  it('names the driver of a device in its table: AMD HDMI audio, Navi 10, an Intel Arc GPU, an I210 NIC', () => {
    expect(pciDriversById('1002', 'ab38')).toEqual(['snd_hda_intel']);
    expect(pciDriversById('1002', '731F')).toEqual(['amdgpu']);
    expect(pciDriversById('8086', '56a0')).toEqual(['i915', 'xe']);
    expect(pciDriversById('8086', '1533')).toEqual(['igb']);
    expect(pciDriversById('10de', '2684')).toEqual([]);
  });
  it('names the class drivers: vendor entries first, then those for any vendor', () => {
    expect(pciDriversByClass('10de', '040300')).toEqual(['snd_hda_intel']);
    expect(pciDriversByClass('1022', '0x0c0330')).toEqual(['xhci_pci']);
    expect(pciDriversByClass('144d', '010802')).toEqual(['nvme']);
    expect(pciDriversByClass('10de', '030000')).toEqual(['nouveau']);
  });
  it('knows what a driver depends on and which kernel the table is from', () => {
    expect(pciDriverDepends('xhci_pci')).toContain('xhci_hcd');
    expect(pciDriverDepends('amdgpu')).toContain('drm');
    expect(pciDriversKernel().version).toBe('6.12.95');
  });
});
