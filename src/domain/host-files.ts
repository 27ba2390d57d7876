import { attr, firstChild, type XmlAttribute } from '../parsers/xml/index.js';
import type { Hostdev, DomainView } from './view.js';
import { pciHostdevs } from './passthrough.js';

/** A file on the host that a domain names by absolute path, with the attribute that names it. */
export interface NamedHostFile {
  path: string;
  attr: XmlAttribute;
  hostdev: Hostdev;
}

/**
 * The ROM files a domain's PCI host devices name (`<rom file='/usr/share/vgabios/x.rom'/>`): the
 * host files whose existence a host tree can tell (the machine model asks the tree about these).
 * Relative paths are left out: libvirt refuses them, and they name no place in a tree.
 */
export function romFilesNamed(view: DomainView): NamedHostFile[] {
  const out: NamedHostFile[] = [];
  for (const h of pciHostdevs(view)) {
    const rom = firstChild(h.element, 'rom');
    const file = rom ? attr(rom, 'file') : undefined;
    if (file && file.value.startsWith('/')) out.push({ path: file.value, attr: file, hostdev: h });
  }
  return out;
}
