import { defineRule } from '../../engine/rule.js';
import { attr, firstChild } from '../../parsers/xml/index.js';
import { gpuPassthrough } from '../../domain/passthrough.js';
import { bootFirmware, guestArch, machineFamily } from '../../domain/firmware.js';
import { tagLoc, valueLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'legacy-machine-or-firmware',
    description: 'A GPU passthrough VM on the i440fx machine or with BIOS (SeaBIOS) firmware: i440fx has no PCI Express slots, and BIOS boot needs the card\'s legacy VGA BIOS; q35 with UEFI (OVMF) avoids both.',
    category: 'stability',
    severity: 'info',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      i440fx: "Machine type '{machine}' is an i440fx machine, which has only conventional PCI slots, on a GPU passthrough VM ({because}): a PCI Express GPU plugged into a PCI slot loses its extended configuration space (every capability past the first 256 bytes). A q35 machine gives PCI Express root ports; changing an installed guest's machine type changes its hardware (Windows may need to re-detect devices or re-activate)",
      bios: 'GPU passthrough VM ({because}) booting with BIOS firmware ({how}): SeaBIOS starts the card through its legacy VGA BIOS and the legacy VGA I/O and memory ranges, which the host must route to the guest (VGA arbitration, a problem with the host\'s own VGA card); UEFI firmware (OVMF, <os firmware=\'efi\'>) uses the card\'s UEFI GOP driver instead. An installed guest needs a GPT disk to boot with UEFI',
    },
    sources: [
      'QEMU docs/pcie.txt, "PCI Express guidelines": "Plugging a PCI Express device into a PCI slot will hide the Extended Configuration Space"; "Host devices are mostly PCI Express and should be plugged only into PCI Express Root Ports": https://gitlab.com/qemu-project/qemu/-/blob/master/docs/pcie.txt',
      'libvirt, Domain XML format, "Controllers": the pcie-root controller (and with it pcie-root-port) exists on "machine types which provide an implicit PCI Express (PCIe) bus (for example, the machine types based on the Q35 chipset)": https://libvirt.org/formatdomain.html#controllers',
      "libvirt, Domain XML format, \"BIOS bootloader\": <os firmware='efi|bios'> and <loader type='rom|pflash'>: https://libvirt.org/formatdomain.html#bios-bootloader",
      'Linux kernel documentation, "VGA Arbiter": legacy VGA I/O and memory ranges can be decoded by only one VGA device at a time, so the arbiter switches them between cards: https://docs.kernel.org/gpu/vgaarbiter.html',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const arch = guestArch(view);
    if (arch !== undefined && arch !== 'x86_64' && arch !== 'i686') return;
    if (attr(view.root, 'type')?.value !== 'kvm') return;
    const gpu = gpuPassthrough(view);
    if (!gpu) return;
    const path = file.source.path;
    const related = [{ ...tagLoc(path, gpu.gpu.element), message: 'the GPU (by the heuristic) is passed through here' }];
    const machine = view.os?.machine;
    if (machineFamily(machine) === 'i440fx') {
      const typeEl = firstChild(view.os!.element, 'type')!;
      ctx.report({ messageId: 'i440fx', data: { machine: machine!, because: gpu.because }, at: valueLoc(path, attr(typeEl, 'machine')!), related });
    }
    const fw = bootFirmware(view);
    if (fw?.kind === 'bios') {
      const at = fw.firmwareAttr ? valueLoc(path, fw.firmwareAttr) : fw.loader ? tagLoc(path, fw.loader) : tagLoc(path, view.os!.element);
      ctx.report({ messageId: 'bios', data: { because: gpu.because, how: fw.how }, at, related });
    }
  },
});
