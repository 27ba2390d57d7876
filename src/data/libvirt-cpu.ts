// libvirt's x86 CPU feature and model names (data/libvirt-cpu-map.json, generated from libvirt's cpu_map).
import { loadDictionary, type DictionaryOrigin } from './load.js';
import { suggest } from './suggest.js';

export interface CpuFeature {
  /** false for features libvirt marks migratable='no' (invtsc, ...). */
  migratable?: false;
  /** QEMU's spellings of the same feature (libvirt's <alias source='qemu'>). */
  aliases?: string[];
  /** Where the bit lives: "cpuid <leaf>" or "msr <index>". */
  source?: string;
}
interface CpuMapFile {
  dictionary: 'libvirt-cpu-map';
  origin: DictionaryOrigin;
  libvirt: string;
  vendors: string[];
  features: Record<string, CpuFeature>;
  models: Record<string, { vendor?: string; base?: string }>;
}

const cpuMap = () => loadDictionary<CpuMapFile>('libvirt-cpu-map');

export const libvirtCpuMapVersion = (): string => cpuMap().libvirt;

/** A feature by the name libvirt's domain XML uses, or undefined. */
export function cpuFeature(name: string): CpuFeature | undefined {
  const f = cpuMap().features;
  return Object.hasOwn(f, name) ? f[name] : undefined;
}

/** The libvirt name of a QEMU spelling ("sse3" -> "pni"), or undefined. */
export function cpuFeatureByAlias(alias: string): string | undefined {
  for (const [name, f] of Object.entries(cpuMap().features)) if (f.aliases?.includes(alias)) return name;
  return undefined;
}

export const cpuFeatureNames = (): string[] => Object.keys(cpuMap().features);

/** An x86 CPU model (with its vendor, or the model it is a version of), or undefined. */
export function cpuModel(name: string): { vendor?: string; base?: string } | undefined {
  const m = cpuMap().models;
  return Object.hasOwn(m, name) ? m[name] : undefined;
}

export const suggestCpuFeature = (name: string, max = 1): string[] => suggest(name, cpuFeatureNames(), { max });
