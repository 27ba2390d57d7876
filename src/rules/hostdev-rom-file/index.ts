import { defineRule } from '../../engine/rule.js';
import { attr, firstChild } from '../../parsers/xml/index.js';
import { gpuPassthrough, pciHostdevs } from '../../domain/passthrough.js';
import { tagLoc, valueLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'hostdev-rom-file',
    description: "A passed-through device's `<rom>` that cannot do what it is there for: a ROM file on the GPU's audio function, a relative or unreadable path, a file the host tree given does not have, `enabled='no'` with other settings, or the ROM BAR hidden on the GPU.",
    category: 'correctness',
    severity: 'warning',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      enabledNo: "<rom enabled='no'> together with {what}: libvirt rejects any bar or file setting once ROM loading is disabled",
      relative: "ROM file '{file}' is not an absolute path: libvirt's schema requires one, and QEMU would look for it relative to its own working directory",
      rootHome: "ROM file '{file}' is under /root: QEMU runs as an unprivileged user (qemu or libvirt-qemu) and /root is readable by root only, so the ROM cannot be read unless qemu.conf runs QEMU as root; move it to /usr/share/vgabios or /var/lib/libvirt/vbios",
      home: "ROM file '{file}' is under /home: QEMU runs as an unprivileged user, confined by AppArmor or SELinux, and home directories are often closed to it (mode 0700 or 0750, a home directory SELinux label); if the VM does not start, move it to /usr/share/vgabios or /var/lib/libvirt/vbios",
      notGpu: "ROM file '{file}' is given to function {fn} of {slot}, not to the GPU at function 0 ({because}): QEMU presents it as that function's option ROM, and the GPU still uses its own; move the <rom> to the hostdev of {slot}.0",
      missing: "ROM file '{file}' {where}. QEMU refuses to start the VM when it cannot find a device's ROM file{caveat}",
      barOff: "<rom bar='off'> on the GPU ({because}): the guest cannot see the card's ROM, so the guest firmware cannot run the card's option ROM (its UEFI GOP driver or VGA BIOS) and the card shows nothing until the guest's own driver loads; remove bar='off' unless the card hangs with its ROM visible",
    },
    sources: [
      "libvirt, Domain XML format, \"Host device assignment\", rom: bar on/off controls the ROM BAR; file is \"an absolute path to a binary file to be presented to the guest as the device's ROM BIOS\"; with enabled='no', \"attempts to tweak the loading process further using the bar or file attributes will be rejected\": https://libvirt.org/formatdomain.html#host-device-assignment",
      'libvirt src/conf/schemas/domaincommon.rng: <rom file> is an absFilePath: https://gitlab.com/libvirt/libvirt/-/blob/master/src/conf/schemas/domaincommon.rng',
      'libvirt, "QEMU driver", "Driver security architecture": QEMU runs as an unprivileged user (user/group in qemu.conf) confined by SELinux or AppArmor (sVirt): https://libvirt.org/drvqemu.html#driver-security-architecture',
      'QEMU hw/vfio/pci.c: romfile and rombar are properties of one vfio-pci device, that is of one host PCI function: https://gitlab.com/qemu-project/qemu/-/blob/master/hw/vfio/pci.c',
      'QEMU hw/pci/pci.c, pci_add_option_rom(): a romfile that cannot be found fails the device ("failed to find romfile"), and QEMU does not start: https://gitlab.com/qemu-project/qemu/-/blob/master/hw/pci/pci.c',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const path = file.source.path;
    const gpu = gpuPassthrough(view);
    for (const h of pciHostdevs(view)) {
      const rom = firstChild(h.element, 'rom');
      if (!rom) continue;
      const enabled = attr(rom, 'enabled');
      const bar = attr(rom, 'bar');
      const romFile = attr(rom, 'file');
      if (enabled?.value === 'no' && (bar || romFile)) {
        const what = [bar ? `bar='${bar.value}'` : '', romFile ? `file='${romFile.value}'` : ''].filter(Boolean).join(' and ');
        ctx.report({ messageId: 'enabledNo', data: { what }, at: valueLoc(path, enabled), severity: 'error' });
        continue;
      }
      if (romFile && romFile.value !== '') {
        const f = romFile.value;
        if (!f.startsWith('/')) ctx.report({ messageId: 'relative', data: { file: f }, at: valueLoc(path, romFile) });
        else if (f === '/root' || f.startsWith('/root/')) ctx.report({ messageId: 'rootHome', data: { file: f }, at: valueLoc(path, romFile) });
        else if (f.startsWith('/home/')) ctx.report({ messageId: 'home', data: { file: f }, at: valueLoc(path, romFile), severity: 'info' });
        // Only a tree that holds the ROM's folder can say the ROM is missing (model/tree.ts).
        const tree = ctx.machine.tree;
        if (tree && tree.state(f) === 'absent') {
          const folder = f.slice(0, f.lastIndexOf('/')) || '/';
          const name = f.slice(f.lastIndexOf('/') + 1);
          const ext = name.slice(name.lastIndexOf('.'));
          // The running host's own `/` is the host: the VM cannot start. A tree may be a partial copy.
          const where = tree.isHost ? `does not exist on this host: ${folder} has no ${name}` : `is not in the tree given: its ${folder} has no ${name}, though it keeps other ${ext} files there`;
          const caveat = tree.isHost ? '' : '; if the tree is a copy that leaves this ROM out, this says nothing';
          ctx.report({ messageId: 'missing', data: { file: f, where, caveat }, at: valueLoc(path, romFile), severity: tree.isHost ? 'error' : 'warning' });
        }
        // A VBIOS on the audio function of a GPU pair, while the GPU has none (a copy on both is only redundant).
        const gpuRom = gpu ? firstChild(gpu.gpu.element, 'rom') : undefined;
        if (gpu?.kind === 'pair' && h === gpu.audio && !(gpuRom && attr(gpuRom, 'file')?.value)) {
          const slot = h.pciAddress!.slice(0, -2);
          ctx.report({
            messageId: 'notGpu',
            data: { file: f, fn: h.pciFunction!, slot, because: gpu.because },
            at: valueLoc(path, romFile),
            related: [{ ...tagLoc(path, gpu.gpu.element), message: 'the GPU function, without the ROM' }],
          });
        }
      }
      if (bar?.value === 'off' && gpu && h === gpu.gpu && h.pciFunction === 0) {
        ctx.report({ messageId: 'barOff', data: { because: gpu.because }, at: valueLoc(path, bar), severity: 'info' });
      }
    }
  },
});
