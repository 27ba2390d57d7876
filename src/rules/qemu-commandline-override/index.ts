import { defineRule, type RelatedLocation } from '../../engine/rule.js';
import { attr, childElements, firstChild } from '../../parsers/xml/index.js';
import { qemuOptions, type QemuOption } from '../../domain/qemu-args.js';
import { pciHostdevs } from '../../domain/passthrough.js';
import { tagLoc, valueLoc } from '../locate.js';
import type { Loc } from '../../core/range.js';

export const rule = defineRule({
  meta: {
    id: 'qemu-commandline-override',
    description: '`<qemu:commandline>` arguments that override what libvirt manages (`-cpu`, `-smp`, `-machine` type, `-device vfio-pci`, `-overcommit mem-lock`): the libvirt settings they replace stop working, and libvirt does not know.',
    category: 'correctness',
    severity: 'warning',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      cpu: '-cpu {value} replaces the whole -cpu that libvirt builds: QEMU keeps the last -cpu, and <qemu:commandline> comes after libvirt\'s own, so {lost} no longer {reach} QEMU; write {them} in libvirt\'s XML instead',
      cpuNothingLost: '-cpu {value} replaces the -cpu that libvirt builds from <cpu> (QEMU keeps the last -cpu, and <qemu:commandline> comes last); libvirt still believes the guest has the CPU its XML describes',
      smp: '-smp {value} overrides the vCPU count and topology libvirt gives QEMU from {from}: libvirt still pins and counts vCPUs by its own XML, so pins, topology checks and vCPU hotplug work on numbers the guest does not have; set <vcpu> and <topology> instead',
      machineType: '{option} {value} changes the machine type that libvirt chose from <os><type machine=\'{machine}\'>: libvirt lays out PCI controllers and devices for its own machine type; set machine= in <os><type> instead',
      vfioDup: '-device {value} assigns host device {address} with vfio-pci a second time: a <hostdev> already gives it to the guest, and one device cannot be assigned twice; remove one of the two',
      vfioUnmanaged: '-device {value} assigns host device {address} behind libvirt\'s back: libvirt does not detach it from its host driver, does not grant QEMU access to its /dev/vfio group (cgroup and security labels), and does not give it back on shutdown; use a <hostdev mode=\'subsystem\' type=\'pci\' managed=\'yes\'> instead',
      memLock: '-overcommit {value} locks all of QEMU\'s memory, but libvirt does not know: it lifts the locked-memory limit only for <memoryBacking><locked/>, so mlock can fail at start; use <locked/> instead',
    },
    sources: [
      'libvirt, "QEMU driver", "Pass-through of arbitrary qemu commands": <qemu:arg> adds arguments to the QEMU command line; these are unsupported and may break on upgrades: https://libvirt.org/drvqemu.html#pass-through-of-arbitrary-qemu-commands',
      'QEMU system/invocation (-cpu, -smp, -machine, -overcommit mem-lock=on) and softmmu/vl.c: the last -cpu wins; -machine and -smp options are merged, later keys override earlier ones: https://www.qemu.org/docs/master/system/invocation.html',
      'libvirt, Domain XML format, "Memory Backing", locked: QEMU\'s own memory is locked too, so libvirt "has to remove the limit on locked memory altogether": https://libvirt.org/formatdomain.html#memory-backing',
      'libvirt, Domain XML format, "Host device assignment": managed=\'yes\' detaches the device from its host driver before the guest starts and reattaches it after: https://libvirt.org/formatdomain.html#host-device-assignment',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const path = file.source.path;
    const opts = qemuOptions(view.root, ['-cpu', '-smp', '-machine', '-M', '-device', '-overcommit']);
    const at = (o: QemuOption): Loc => (o.arg?.value ? valueLoc(path, o.arg.value) : tagLoc(path, o.option.element));

    // -cpu: only the last one counts.
    const cpus = opts.filter((o) => o.name === '-cpu' && o.text !== undefined);
    const cpu = cpus.at(-1);
    if (cpu) {
      const lost: string[] = [];
      // The verb agrees with what is lost: one timer or one <feature> line reaches, settings reach.
      let plural = false;
      const related: RelatedLocation[] = [];
      const hyperv = view.features ? firstChild(view.features, 'hyperv') : undefined;
      const kvm = view.features ? firstChild(view.features, 'kvm') : undefined;
      if (hyperv) { lost.push('the <hyperv> enlightenments'); plural = true; related.push({ ...tagLoc(path, hyperv), message: '<hyperv> no longer reaches QEMU' }); }
      if (kvm) { lost.push('the <kvm> settings'); plural = true; related.push({ ...tagLoc(path, kvm), message: '<kvm> no longer reaches QEMU' }); }
      if (view.cpu?.features.length) { lost.push(`${view.cpu.features.length} <cpu><feature> line${view.cpu.features.length > 1 ? 's' : ''}`); plural ||= view.cpu.features.length > 1; related.push({ ...tagLoc(path, view.cpu.features[0]!.element), message: '<cpu><feature> no longer reaches QEMU' }); }
      const timer = firstChild(view.root, 'clock');
      const hv = timer ? childElements(timer, 'timer').find((t) => attr(t, 'name')?.value === 'hypervclock' && attr(t, 'present')?.value === 'yes') : undefined;
      if (hv) { lost.push('the hypervclock timer (hv-time)'); related.push({ ...tagLoc(path, hv), message: 'hv-time no longer reaches QEMU' }); }
      ctx.report(lost.length
        ? { messageId: 'cpu', data: { value: cpu.text!, lost: joinList(lost), reach: plural || lost.length > 1 ? 'reach' : 'reaches', them: plural || lost.length > 1 ? 'them' : 'it' }, at: at(cpu), related }
        : { messageId: 'cpuNothingLost', data: { value: cpu.text! }, at: at(cpu), severity: 'info' });
    }

    for (const o of opts) {
      if (o.text === undefined) continue;
      if (o.name === '-smp') {
        const from = [view.vcpu ? `<vcpu>${view.vcpu.count ?? ''}</vcpu>` : '', view.cpu?.topology ? '<topology>' : ''].filter(Boolean).join(' and ') || 'its defaults';
        const related: RelatedLocation[] = view.vcpu ? [{ ...tagLoc(path, view.vcpu.element), message: 'libvirt counts vCPUs from here' }] : [];
        ctx.report({ messageId: 'smp', data: { value: o.text, from }, at: at(o), related });
      } else if (o.name === '-machine' || o.name === '-M') {
        const first = o.text.split(',')[0]!;
        const type = /^type=/.test(first) ? first.slice(5) : first.includes('=') ? (o.text.split(',').find((p) => p.startsWith('type='))?.slice(5)) : first;
        // Naming the machine libvirt already uses changes nothing.
        if (!type || type === view.os?.machine) continue;
        ctx.report({ messageId: 'machineType', data: { option: o.name, value: o.text, machine: view.os?.machine ?? '' }, at: at(o) });
      } else if (o.name === '-device') {
        const parts = o.text.split(',');
        if (parts[0] !== 'vfio-pci') continue;
        const host = parts.find((p) => p.startsWith('host='))?.slice(5);
        if (!host) continue;
        const address = normalisePci(host);
        const same = pciHostdevs(view).find((h) => h.pciAddress === address);
        if (same) ctx.report({ messageId: 'vfioDup', data: { value: o.text, address }, at: at(o), severity: 'error', related: [{ ...tagLoc(path, same.element), message: 'the same device as a <hostdev>' }] });
        else ctx.report({ messageId: 'vfioUnmanaged', data: { value: o.text, address }, at: at(o) });
      } else if (o.name === '-overcommit') {
        if (!/(^|,)mem-lock=(on|yes|true)(,|$)/.test(o.text)) continue;
        ctx.report({ messageId: 'memLock', data: { value: o.text }, at: at(o) });
      }
    }
  },
});

/** `01:00.0` or `0000:01:00.0` as `0000:01:00.0`, lower case. */
function normalisePci(host: string): string {
  const h = host.toLowerCase();
  return /^[0-9a-f]{4}:/.test(h) ? h : `0000:${h}`;
}

function joinList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
