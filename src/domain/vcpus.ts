import { attr, childElements, firstChild } from '../parsers/xml/index.js';
import type { DomainView } from './view.js';

/**
 * Which vCPUs are online when the domain starts (libvirt "CPU Allocation"): with a `<vcpus>` list,
 * those with enabled='yes'; else the first `current` of them (all when `current` is absent).
 * The others exist (pins may name them) but run only after a hot-plug.
 */
export function onlineVcpus(view: DomainView): Set<number> {
  const max = view.vcpu ? view.vcpu.count : 1;
  const online = new Set<number>();
  if (max === undefined) return online;
  const list = firstChild(view.root, 'vcpus');
  if (list) {
    for (const v of childElements(list, 'vcpu')) {
      const id = Number(attr(v, 'id')?.value);
      if (Number.isInteger(id) && id >= 0 && id < max && attr(v, 'enabled')?.value === 'yes') online.add(id);
    }
    if (online.size > 0) return online;
  }
  const currentText = view.vcpu ? attr(view.vcpu.element, 'current')?.value : undefined;
  const current = currentText !== undefined && /^\d+$/.test(currentText.trim()) ? Math.min(Number(currentText), max) : max;
  for (let i = 0; i < current; i++) online.add(i);
  return online;
}
