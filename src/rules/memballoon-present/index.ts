import { defineRule } from '../../engine/rule.js';
import { attr, firstChild } from '../../parsers/xml/index.js';
import { usesVfio } from '../../domain/view.js';
import { insertLastChild, quoteOf, replaceElement } from '../../edit/xml.js';
import { attrLoc, tagLoc, valueLoc } from '../locate.js';

const MODELS = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional', 'xen', 'none']);

export const rule = defineRule({
  meta: {
    id: 'memballoon-present',
    description: 'A domain with VFIO passthrough should disable the memory balloon (`<memballoon model="none"/>`).',
    category: 'performance',
    severity: 'warning',
    fixable: 'safe',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      implicit: 'No <memballoon> element: libvirt adds a virtio memory balloon to this domain, which passes through {device}; add <memballoon model=\'none\'/>',
      active: 'Memory balloon model \'{model}\' is active while {device} is passed through: VFIO pins all guest RAM, so the balloon can only take memory from the guest; set model=\'none\'',
      statsLost: 'Memory balloon model \'{model}\' is active while {device} is passed through; setting model=\'none\' also drops its statistics (virsh dommemstat)',
      duplicate: 'A second <memballoon>: a domain has at most one memory balloon, and libvirt rejects this one',
      noModel: '<memballoon> has no model attribute, which libvirt requires; write model=\'none\' to disable the balloon',
      badModel: 'Unknown memory balloon model \'{model}\' (libvirt accepts virtio, virtio-transitional, virtio-non-transitional, xen and none, case-sensitive)',
      noneWithChildren: 'A memballoon with model=\'none\' needs no children: libvirt ignores its <{child}>',
    },
    sources: [
      'libvirt, Domain XML format, "Memory balloon device": https://libvirt.org/formatdomain.html#memory-balloon-device (`docs/formatdomain.rst`)',
      'libvirt, KVM Real Time Guest Config, "Device configuration": https://libvirt.org/kbase/kvm-realtime.html',
      'QEMU `hw/vfio/container-legacy.c`, `vfio_container_attach_discard_disable` (comment on virtio-balloon): https://gitlab.com/qemu-project/qemu/-/blob/master/hw/vfio/container-legacy.c',
      'QEMU `hw/vfio/pci.c`, "x-balloon-allowed only potentially compatible with mdev devices": https://gitlab.com/qemu-project/qemu/-/blob/master/hw/vfio/pci.c',
      'Looking Glass, libvirt/QEMU Installation, "Memballoon": https://looking-glass.io/docs/B7/install_libvirt/#memballoon (`doc/install_libvirt.rst`)',
    ],
  },
  check(ctx) {
    const d = ctx.domain;
    const { view } = d;
    if (!usesVfio(view) || !view.devices) return;
    const path = d.file.source.path;
    const text = d.file.source.text;
    const hostdev = view.hostdevs.find((h) => h.type === 'pci') ?? view.hostdevs[0]!;
    const device = hostdev.pciAddress ? `PCI device ${hostdev.pciAddress}` : 'a host device';
    const related = [{ ...tagLoc(path, hostdev.element), message: 'passed through here' }];
    const none = (q: string) => `<memballoon model=${q}none${q}/>`;

    const [balloon, ...extra] = view.memballoons;
    if (!balloon) {
      ctx.report({
        messageId: 'implicit',
        data: { device },
        at: tagLoc(path, view.devices),
        related,
        fix: { edits: [insertLastChild(path, text, view.devices, none(quoteOf(view.devices)))] },
      });
      return;
    }
    for (const dup of extra) ctx.report({ messageId: 'duplicate', at: tagLoc(path, dup), severity: 'error' });

    const model = attr(balloon, 'model');
    if (!model) {
      ctx.report({ messageId: 'noModel', at: tagLoc(path, balloon), severity: 'error', fix: { edits: [replaceElement(path, balloon, none(quoteOf(view.devices)))] } });
      return;
    }
    if (!MODELS.has(model.value)) {
      ctx.report({ messageId: 'badModel', data: { model: model.value }, at: valueLoc(path, model), severity: 'error' });
      return;
    }
    if (model.value === 'none') {
      const child = balloon.children.find((c) => c.type === 'element');
      if (child && child.type === 'element') {
        ctx.report({
          messageId: 'noneWithChildren',
          data: { child: child.name },
          at: tagLoc(path, child),
          severity: 'info',
          fix: { edits: [replaceElement(path, balloon, none(model.quote))] },
        });
      }
      return;
    }
    const hasStats = firstChild(balloon, 'stats') !== undefined || attr(balloon, 'freePageReporting')?.value === 'on';
    ctx.report({
      messageId: hasStats ? 'statsLost' : 'active',
      data: { model: model.value, device },
      at: attrLoc(path, model),
      related,
      fix: { edits: [replaceElement(path, balloon, none(model.quote))] },
    });
  },
});
