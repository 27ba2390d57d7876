import type { Hostdev, DomainView } from './view.js';
import { windowsGuest } from './windows.js';

/** A PCI host device given to the guest with VFIO (`<hostdev mode='subsystem' type='pci'>`; subsystem is the default mode). */
export function isPciHostdev(h: { mode: string | undefined; type: string | undefined }): boolean {
  return (h.mode ?? 'subsystem') === 'subsystem' && h.type === 'pci';
}

/** The domain's PCI host devices given with VFIO. */
export function pciHostdevs(view: DomainView): Hostdev[] {
  return view.hostdevs.filter(isPciHostdev);
}

/** Why a domain looks like a passthrough GPU (gaming or workstation) VM, with the device that says so. */
export interface GpuEvidence {
  /** `pair`: functions 0 and 1 of one slot (a GPU and its HDMI audio); `windows`: a Windows guest with a PCI device. */
  kind: 'pair' | 'windows';
  /** The hostdev taken for the GPU (function 0 of the pair, or the first PCI hostdev). */
  gpu: Hostdev;
  /** The HDMI audio function, for `pair`. */
  audio: Hostdev | undefined;
  /** The evidence in words, for messages. */
  because: string;
}

/**
 * The catalog's GPU(d) without sysfs (0.4): a slot in PCI segment 0000 whose functions 0 and 1, and no
 * others, are both passed through (a GPU and its HDMI audio function), or else a Windows guest with a
 * discrete device's function 0 (bus not 00) or the Intel integrated GPU's place (00:02.0) passed through.
 * Wider multifunction sets (NICs, HBAs), other PCI segments (servers; libvirt's multifunction test) and
 * chipset devices on bus 00 (USB controllers, 00:14.0) are not taken for GPUs.
 * A heuristic: rules that use it say so, and never report an error on it alone.
 */
export function gpuPassthrough(view: DomainView): GpuEvidence | undefined {
  const pci = pciHostdevs(view);
  if (pci.length === 0) return undefined;
  const slots = new Map<string, Map<number, Hostdev>>();
  for (const h of pci) {
    if (!h.pciAddress || h.pciFunction === undefined) continue;
    const slot = h.pciAddress.slice(0, -2);
    if (!slots.has(slot)) slots.set(slot, new Map());
    slots.get(slot)!.set(h.pciFunction, h);
  }
  for (const [slot, fns] of slots) {
    if (slot.startsWith('0000:') && fns.size === 2 && fns.has(0) && fns.has(1)) {
      return { kind: 'pair', gpu: fns.get(0)!, audio: fns.get(1)!, because: `devices ${slot}.0 and .1 passed through, the usual GPU and its audio function` };
    }
  }
  const win = windowsGuest(view);
  if (!win) return undefined;
  const card = pci.find((h) => h.pciFunction === 0 && h.pciAddress !== undefined && (!h.pciAddress.startsWith('0000:00:') || h.pciAddress === '0000:00:02.0'));
  if (!card) return undefined;
  return { kind: 'windows', gpu: card, audio: undefined, because: `a Windows guest (${win.because}) with PCI device ${card.pciAddress} passed through` };
}
