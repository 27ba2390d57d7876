import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { parseXml } from '../../src/parsers/xml/parse.js';
import { domainView } from '../../src/domain/view.js';
import { domainCpu, domainFacts } from '../../src/domain/facts.js';
import { buildHostModel, type HostModel } from '../../src/host/model.js';
import { hostVendor } from '../../src/host/vendor.js';
import { passthroughEvidence } from '../../src/host/passthrough.js';
import { missingModulePrefix } from '../../src/host/module-prefix.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);
const domainText = (inner: string) => `<domain><name>win</name>${inner}</domain>`;
const domain = (inner: string) => domainView('vm.xml', parseXml(domainText(inner)).root!);
/** What the machine keeps of the domain once its tree is gone. */
const facts = (inner: string) => domainFacts(sourceFile('vm.xml', domainText(inner)), '/etc/libvirt/qemu/vm.xml', domain(inner));
/** A host model with only what hostVendor reads: a running host's cpuinfo vendor and capabilities' vendor. */
const host = (live: { vendor: string; origin: 'live' | 'snapshot' } | undefined, caps: string | undefined) =>
  ({
    live: live && { has: (item: string) => item === 'cpuinfo', facts: { cpu: { vendor: live.vendor } }, origin: live.origin },
    capabilities: caps === undefined ? undefined : { vendor: caps },
  }) as unknown as HostModel;

describe('hostVendor: the running host, then capabilities, then the domain', () => {
  it('the running host or snapshot wins, and says which', () => {
    expect(hostVendor(host({ vendor: 'AuthenticAMD', origin: 'live' }, 'Intel'))).toEqual({ vendor: 'AMD', from: "the running host's /proc/cpuinfo" });
    expect(hostVendor(host({ vendor: 'GenuineIntel', origin: 'snapshot' }, 'AMD'))).toEqual({ vendor: 'Intel', from: "the snapshot's /proc/cpuinfo" });
  });

  it('capabilities next; vendor names are whole words in any case (HygonGenuine is AMD\'s family, CentaurHauls is other)', () => {
    expect(hostVendor(host(undefined, 'hygon'))).toEqual({ vendor: 'AMD', from: 'capabilities XML' });
    expect(hostVendor(host(undefined, 'intel'))?.vendor).toBe('Intel');
    for (const v of ['CentaurHauls', 'NotAMD', 'AMDx', 'XIntel', 'Intelx']) expect(hostVendor(host(undefined, v))?.vendor, v).toBe('other');
  });

  it('else the domain: its <cpu><vendor>, then its CPU model; nothing without a <cpu>', () => {
    const none = host(undefined, undefined);
    expect(hostVendor(none, domainCpu(domain(`<cpu mode='custom'><vendor> AMD </vendor><model>Skylake-Client</model></cpu>`)))).toEqual({ vendor: 'AMD', from: "the domain's <cpu><vendor>" });
    expect(hostVendor(none, domainCpu(domain(`<cpu mode='custom'><model>EPYC-Rome</model></cpu>`)))).toEqual({ vendor: 'AMD', from: "the domain's CPU model EPYC-Rome" });
    expect(hostVendor(none, domainCpu(domain(`<cpu mode='custom'><model>Skylake-Client</model></cpu>`)))).toEqual({ vendor: 'Intel', from: "the domain's CPU model Skylake-Client" });
    expect(hostVendor(none, domainCpu(domain(`<cpu mode='custom'><model>qemu64</model></cpu>`)))).toBeUndefined();
    expect(hostVendor(none, domainCpu(domain(`<cpu mode='host-passthrough'/>`)))).toBeUndefined();
    expect(hostVendor(none, domainCpu(domain(``)))).toBeUndefined();
    expect(hostVendor(none)).toBeUndefined();
  });
});

describe('passthroughEvidence: the first sign that PCI devices go to VMs', () => {
  const hostdev = `<devices><hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev></devices>`;

  it('a domain with a VFIO hostdev first, pointing at its start tag', () => {
    const h = buildHostModel([file('modprobe', '/etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:2684\n')]);
    const d = domain(hostdev);
    const e = passthroughEvidence(h, [facts(''), facts(hostdev)])!;
    expect(e.what).toBe('win passes a PCI device through');
    expect(e.at).toEqual({ path: 'vm.xml', start: d.hostdevs[0]!.element.start, end: d.hostdevs[0]!.element.startTagEnd });
  });

  it('then vfio-pci ids, saying where they are set', () => {
    const m = passthroughEvidence(buildHostModel([file('modprobe', '/etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:2684\n')]), [])!;
    expect(m).toEqual({ what: 'vfio-pci is given device ids (modprobe.d)', at: { path: '/etc/modprobe.d/vfio.conf', start: 21, end: 30 } });
    const c = passthroughEvidence(buildHostModel([file('grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX="vfio-pci.ids=10de:2684"\n')]), [])!;
    expect(c.what).toBe('vfio-pci is given device ids (kernel command line)');
  });

  it('then vfio-pci in an initramfs early list; nothing when the files show none', () => {
    const h = buildHostModel([file('mkinitcpio', '/etc/mkinitcpio.conf', 'MODULES=(amdgpu vfio_pci vfio)\n')]);
    expect(passthroughEvidence(h, [])).toEqual({ what: 'the initramfs loads vfio-pci early (mkinitcpio)', at: { path: '/etc/mkinitcpio.conf', start: 16, end: 24 } });
    expect(passthroughEvidence(buildHostModel([file('mkinitcpio', '/etc/mkinitcpio.conf', 'MODULES=(amdgpu vfio)\n')]), [facts('')])).toBeUndefined();
  });
});

describe('missingModulePrefix: the module a bare module parameter belongs to', () => {
  it('one module for any vendor, or the vendor\'s, or the only candidate; none when the vendor decides and is unknown', () => {
    expect(missingModulePrefix('ids', undefined)).toEqual({ module: 'vfio-pci', candidates: ['vfio-pci'] });
    expect(missingModulePrefix('nested', 'AMD')).toEqual({ module: 'kvm_amd', candidates: ['kvm_amd', 'kvm_intel'] });
    expect(missingModulePrefix('nested', 'Intel')?.module).toBe('kvm_intel');
    expect(missingModulePrefix('nested', 'other')?.module).toBeUndefined();
    expect(missingModulePrefix('nested', undefined)?.module).toBeUndefined();
    expect(missingModulePrefix('avic', 'Intel')).toEqual({ module: 'kvm_amd', candidates: ['kvm_amd'] });
    expect(missingModulePrefix('max_cstate', 'Intel')).toEqual({ module: undefined, candidates: ['processor', 'intel_idle'] });
    expect(missingModulePrefix('quiet', 'AMD')).toBeUndefined();
    expect(missingModulePrefix('toString', 'AMD')).toBeUndefined();
  });
});
