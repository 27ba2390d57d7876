import { defineRule } from '../../engine/rule.js';
import type { Fix } from '../../engine/fix.js';
import { attr, childElements, firstChild } from '../../parsers/xml/index.js';
import { insertAfter, insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';
import { pciHostdevs } from '../../domain/passthrough.js';
import { qemuArgs } from '../../domain/qemu-args.js';
import { tagLoc, valueLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'q35-4.0-split-irqchip',
    description: "QEMU's pc-q35-4.0 machine type, alone of all, puts the I/O APIC in QEMU (split irqchip) by default; with a PCI device passed through, its legacy INTx interrupts then go through QEMU, which broke passed-through GPUs on QEMU 4.0 and is still slower.",
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      split: "Machine type '{machine}' uses a split irqchip by default (QEMU emulates the I/O APIC in user space), unlike every other q35 version; with PCI device {device} passed through, its INTx interrupts go through QEMU, which broke vfio-pci INTx (GeForce cards on Windows) and is slower than the in-kernel I/O APIC. Add <ioapic driver='kvm'/> to <features>, or move to a newer machine type (pc-q35-4.0.1 is 4.0 without the split)",
    },
    sources: [
      "QEMU hw/i386/pc_q35.c: pc_q35_4_0_machine_options sets default_kernel_irqchip_split = true; pc-q35-4.0.1 (\"a 4.0 that doesn't use split irqchip by default\") and pc-q35-3.1 set it back to false: https://gitlab.com/qemu-project/qemu/-/blob/v5.0.0/hw/i386/pc_q35.c",
      'QEMU docs/about/deprecated.rst: versioned machine types are supported for 6 years, deprecated after 3: https://www.qemu.org/docs/master/about/deprecated.html',
      'QEMU commit c87759ce876a, "q35: Revert to kernel irqchip" (QEMU 4.0.1 / 4.1): split irqchip as the q35 default broke vfio-pci INTx, so only pc-q35-4.0 keeps it: https://gitlab.com/qemu-project/qemu/-/commit/c87759ce876a',
      "libvirt, Domain XML format, \"Hypervisor features\", ioapic: driver 'kvm' (the I/O APIC in the kernel) or 'qemu' (\"puts I/O APIC in userspace which is also known as a split I/O APIC mode\"); the IOMMU's interrupt remapping \"requires split I/O APIC\": https://libvirt.org/formatdomain.html#hypervisor-features",
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const machine = view.os?.machine;
    if (machine !== 'pc-q35-4.0') return;
    const pci = pciHostdevs(view);
    if (pci.length === 0) return;
    const path = file.source.path;
    const text = file.source.text;

    const ioapic = view.features ? firstChild(view.features, 'ioapic') : undefined;
    const driver = ioapic ? attr(ioapic, 'driver')?.value : undefined;
    // driver='kvm' is the fix; driver='qemu' asks for the split on purpose.
    if (driver === 'kvm' || driver === 'qemu') return;
    // An IOMMU with interrupt remapping needs the split I/O APIC: the split is wanted there.
    const iommu = view.devices ? childElements(view.devices, 'iommu')[0] : undefined;
    if (iommu && attr(firstChild(iommu, 'driver') ?? iommu, 'intremap')?.value === 'on') return;
    // kernel_irqchip set on the QEMU command line decides it whatever the machine's default.
    // Stryker disable next-line StringLiteral: the fallback is only tested against the regex, and no text without `kernel_irqchip=` matches it
    if (qemuArgs(view.root).some((a) => /kernel[_-]irqchip=/.test(a.value?.value ?? ''))) return;

    const typeEl = firstChild(view.os!.element, 'type')!;
    const machineAttr = attr(typeEl, 'machine')!;
    const q = quoteOf(view.root);
    let fix: Fix | undefined;
    if (ioapic) fix = { edits: [setAttribute(path, text, ioapic, 'driver', 'kvm')] };
    else if (view.features) fix = { edits: [insertLastChild(path, text, view.features, `<ioapic driver=${q}kvm${q}/>`)] };
    else fix = { edits: [insertAfter(path, text, view.os!.element, `<features><ioapic driver=${q}kvm${q}/></features>`)] };
    const device = pci[0]!;
    ctx.report({
      messageId: 'split',
      data: { machine, device: device.pciAddress ?? '(no address)' },
      at: valueLoc(path, machineAttr),
      related: [{ ...tagLoc(path, device.element), message: 'passed through here' }],
      fix,
    });
  },
});
