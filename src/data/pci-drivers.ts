// Which in-tree driver claims a PCI device (data/pci-drivers.json, generated from a kernel's modules.alias
// by scripts/gen-data.mjs): by the device's vendor:device, or by its class when the driver takes a whole class.
import { loadDictionary, type DictionaryOrigin } from './load.js';

interface PciDriversFile {
  dictionary: 'pci-drivers';
  origin: DictionaryOrigin;
  kernel: { release: string; version: string; package: string };
  /** `vendor:class` (class as 2, 4 or 6 hex digits: base class, subclass, interface; vendor `*` for any) -> drivers. */
  byClass: Record<string, string[]>;
  /** Each driver's modules.dep dependencies (kmod applies their softdeps when it loads the driver). */
  depends: Record<string, string[]>;
  /** `vendor:device` (4 hex digits each, lower case) -> drivers. */
  byId: Record<string, string[]>;
}

const file = () => loadDictionary<PciDriversFile>('pci-drivers');

/** The kernel the table comes from (`6.12.95`), for messages. */
export const pciDriversKernel = (): PciDriversFile['kernel'] => file().kernel;

/** The drivers whose device list names `vendor:device` (lower-case hex), e.g. `1002:ab28` -> snd_hda_intel. */
export function pciDriversById(vendor: string, device: string): string[] {
  const byId = file().byId;
  const key = `${vendor.toLowerCase()}:${device.toLowerCase()}`;
  return Object.hasOwn(byId, key) ? byId[key]! : [];
}

/**
 * The drivers that take a device of class `classCode` (6 hex digits, `030000`; a `0x` prefix is dropped)
 * from `vendor`: the vendor's own class entries first, then those for any vendor.
 */
export function pciDriversByClass(vendor: string, classCode: string): string[] {
  const byClass = file().byClass;
  const c = classCode.toLowerCase().replace(/^0x/, '').padStart(6, '0');
  const out: string[] = [];
  for (const v of [vendor.toLowerCase(), '*']) {
    for (const key of [`${v}:${c}`, `${v}:${c.slice(0, 4)}`, `${v}:${c.slice(0, 2)}`]) {
      for (const d of Object.hasOwn(byClass, key) ? byClass[key]! : []) if (!out.includes(d)) out.push(d);
    }
  }
  return out;
}

/** Every class entry of one vendor (not those for any vendor): what may claim its device when the class is not known. */
export function pciVendorClassDrivers(vendor: string): { classCode: string; drivers: string[] }[] {
  const prefix = `${vendor.toLowerCase()}:`;
  return Object.entries(file().byClass)
    .filter(([k]) => k.startsWith(prefix))
    .map(([k, drivers]) => ({ classCode: k.slice(prefix.length), drivers }));
}

/** The modules `driver` needs (modules.dep), whose softdeps kmod applies when it loads `driver`. */
export function pciDriverDepends(driver: string): string[] {
  const depends = file().depends;
  return Object.hasOwn(depends, driver) ? depends[driver]! : [];
}
