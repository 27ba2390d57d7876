// The PCI ids gnif/vendor-reset resets (data/vendor-reset.json, generated from its src/device-db.h by
// scripts/gen-vendor-reset.mjs), read on first use.
import { loadDictionary, type DictionaryOrigin } from './load.js';

interface VendorResetFile {
  dictionary: 'vendor-reset';
  origin: DictionaryOrigin;
  families: Record<string, { info: string[]; devices: string[] }>;
  /** `vendor:device` (lower-case hex) -> the family macro that lists it. */
  devices: Record<string, string>;
}

const load = () => loadDictionary<VendorResetFile>('vendor-reset');

/** The device-db.h family (`AMD_NAVI10`) that lists `vendor:device`; undefined when vendor-reset does not reset it. */
export function vendorResetFamily(vendor: string, device: string): string | undefined {
  return Object.hasOwn(load().devices, `${vendor}:${device}`.toLowerCase()) ? load().devices[`${vendor}:${device}`.toLowerCase()] : undefined;
}

/** The vendor-reset commit the table comes from, short (`084881c (2024-04-17)`), for messages. */
export function vendorResetVersion(): string {
  const version = load().origin.packages[0]?.version ?? 'unknown';
  return version.replace(/^([0-9a-f]{7})[0-9a-f]{33}/, '$1');
}
