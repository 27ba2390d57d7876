import { attr, childElements, walkElements } from '../parsers/xml/index.js';
import type { DomainView } from './view.js';

/**
 * The IOThreads some device runs on: an `iothread='N'` attribute (a disk's or controller's `<driver>`), or
 * `<driver><iothreads><iothread id='N'>` (virtio-blk queue mapping). An IOThread no device names exists but
 * has no work, so where it runs does not matter.
 */
export function usedIothreads(view: DomainView): Set<number> {
  const used = new Set<number>();
  if (!view.devices) return used;
  walkElements(view.devices, (el) => {
    const a = attr(el, 'iothread')?.value;
    if (a !== undefined && /^\d+$/.test(a)) used.add(Number(a));
    if (el.name === 'iothreads') {
      for (const t of childElements(el, 'iothread')) {
        const id = attr(t, 'id')?.value;
        if (id !== undefined && /^\d+$/.test(id)) used.add(Number(id));
      }
    }
  });
  return used;
}
