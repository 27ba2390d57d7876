import { attr, firstChild, textContent, type XmlAttribute, type XmlElement } from '../parsers/xml/index.js';
import type { DomainView } from './view.js';

/** How a domain boots, as far as the XML says: UEFI, BIOS (SeaBIOS), or not known. */
export interface BootFirmware {
  kind: 'efi' | 'bios' | 'unknown';
  /** What says so, in words: `firmware='efi'`, `a pflash loader`, `no firmware='efi' and no UEFI loader`. */
  how: string;
  /** `firmware` on `<os>`, when written. */
  firmwareAttr: XmlAttribute | undefined;
  loader: XmlElement | undefined;
}

/**
 * libvirt's firmware choice for an x86 domain: `<os firmware='efi|bios'>` when given, else a `<loader>`
 * (pflash, or a path naming OVMF/edk2, is UEFI; a rom loader is SeaBIOS unless its path names UEFI
 * firmware), else SeaBIOS, QEMU's default for x86 machines.
 */
export function bootFirmware(view: DomainView): BootFirmware | undefined {
  const os = view.os;
  if (!os) return undefined;
  const firmwareAttr = attr(os.element, 'firmware');
  const loader = firstChild(os.element, 'loader');
  if (firmwareAttr?.value === 'efi') return { kind: 'efi', how: "firmware='efi'", firmwareAttr, loader };
  if (firmwareAttr?.value === 'bios') return { kind: 'bios', how: "firmware='bios'", firmwareAttr, loader };
  if (firmwareAttr) return { kind: 'unknown', how: `firmware='${firmwareAttr.value}'`, firmwareAttr, loader };
  if (loader) {
    const path = textContent(loader).trim();
    if (attr(loader, 'type')?.value === 'pflash' || /ovmf|edk2|uefi|aavmf|\.fd$/i.test(path)) return { kind: 'efi', how: `the UEFI loader ${path || "type='pflash'"}`, firmwareAttr, loader };
    return { kind: 'bios', how: `the loader ${path || "type='rom'"}`, firmwareAttr, loader };
  }
  return { kind: 'bios', how: "no firmware='efi' and no UEFI <loader>, so SeaBIOS", firmwareAttr, loader };
}

/** The machine's family from its name: i440fx (`pc`, `pc-i440fx-*`, the old `pc-0.x`/`pc-1.x`), q35, or another. */
export function machineFamily(machine: string | undefined): 'i440fx' | 'q35' | 'other' | undefined {
  if (machine === undefined) return undefined;
  if (machine === 'pc' || /^pc-i440fx-/.test(machine) || /^pc-\d/.test(machine)) return 'i440fx';
  if (machine === 'q35' || /^pc-q35-/.test(machine)) return 'q35';
  return 'other';
}

/** The guest architecture from `<os><type arch>`, or undefined when not written. */
export function guestArch(view: DomainView): string | undefined {
  const t = view.os ? firstChild(view.os.element, 'type') : undefined;
  return t ? attr(t, 'arch')?.value : undefined;
}
