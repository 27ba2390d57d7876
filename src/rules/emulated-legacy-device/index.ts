import { defineRule } from '../../engine/rule.js';
import { attr, childElements, firstChild } from '../../parsers/xml/index.js';
import { setAttribute } from '../../edit/xml.js';
import { gpuPassthrough } from '../../domain/passthrough.js';
import { windowsGuest } from '../../domain/windows.js';
import { valueLoc } from '../locate.js';

const LEGACY_NICS = new Set(['rtl8139', 'e1000', 'e1000e']);

export const rule = defineRule({
  meta: {
    id: 'emulated-legacy-device',
    description: 'A GPU passthrough VM whose disk sits on an emulated IDE or SATA controller, or whose network card is an emulated rtl8139 or e1000: virtio devices, made for virtual machines, cost the host far less per I/O.',
    category: 'performance',
    severity: 'info',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      disk: "Disk {dev} on an emulated {bus} controller in a GPU passthrough VM ({because}): QEMU emulates a real {busName} controller for every request; virtio (bus='virtio', or virtio-scsi) is the paravirtual disk made for VMs.{driverNote}",
      nic: "Network card model '{model}' in a GPU passthrough VM ({because}) is an emulated {modelName}; model type='virtio' is the paravirtual NIC made for VMs.{driverNote}",
    },
    sources: [
      "libvirt, Domain XML format, \"Hard drives, floppy disks, CDROMs\": <target bus> values (ide, sata, scsi, virtio, ...): https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms",
      'libvirt, Domain XML format, "Setting the NIC model": the models libvirt knows (virtio, e1000, e1000e, rtl8139, ...): https://libvirt.org/formatdomain.html#setting-the-nic-model',
      'OASIS, Virtual I/O Device (VIRTIO) Version 1.2: virtio devices are designed for virtual environments (block, network): https://docs.oasis-open.org/virtio/virtio/v1.2/virtio-v1.2.html',
      'virtio-win: the Windows drivers for virtio devices (viostor, vioscsi, NetKVM), shipped as virtio-win.iso: https://github.com/virtio-win/virtio-win-pkg-scripts/blob/master/README.md',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    if (!view.devices) return;
    const gpu = gpuPassthrough(view);
    if (!gpu) return;
    const path = file.source.path;
    const text = file.source.text;
    // Guests without virtio drivers to install: macOS, and Windows before the versions virtio-win supports.
    if (view.guestOs === 'macos' || /mac ?os|osx|catalina|big ?sur|monterey|ventura|sonoma|sequoia/i.test(view.name ?? '')) return;
    const win = windowsGuest(view);
    if (win && /^(95|98|me|nt|2000|2k|xp|vista)$/i.test(win.version ?? '')) return;
    const windows = win !== undefined;
    // Windows has no virtio drivers of its own; Linux has them built in.
    const diskNote = windows ? ' Windows needs the viostor (or vioscsi) driver from the virtio-win ISO installed before its system disk is switched, or it cannot boot from it' : '';
    const nicNote = windows ? ' Windows needs the NetKVM driver from the virtio-win ISO' : '';
    for (const dev of childElements(view.devices)) {
      if (dev.name === 'disk' && (attr(dev, 'device')?.value ?? 'disk') === 'disk') {
        const target = firstChild(dev, 'target');
        const bus = target ? attr(target, 'bus') : undefined;
        if (!bus || (bus.value !== 'ide' && bus.value !== 'sata')) continue;
        ctx.report({
          messageId: 'disk',
          data: { dev: attr(target!, 'dev')?.value ?? '(no target dev)', bus: bus.value, busName: bus.value === 'ide' ? 'IDE (PIIX/ICH)' : 'SATA (AHCI)', because: gpu.because, driverNote: diskNote },
          at: valueLoc(path, bus),
        });
      } else if (dev.name === 'interface') {
        const model = firstChild(dev, 'model');
        const type = model ? attr(model, 'type') : undefined;
        if (!type || !LEGACY_NICS.has(type.value)) continue;
        ctx.report({
          messageId: 'nic',
          data: { model: type.value, modelName: type.value === 'rtl8139' ? 'Realtek RTL8139 (100 Mbit/s)' : type.value === 'e1000' ? 'Intel 82540EM (e1000)' : 'Intel 82574L (e1000e)', because: gpu.because, driverNote: nicNote },
          at: valueLoc(path, type),
          suggestions: [{ description: "Use model type='virtio'", fix: { edits: [setAttribute(path, text, model!, 'type', 'virtio')] } }],
        });
      }
    }
  },
});
