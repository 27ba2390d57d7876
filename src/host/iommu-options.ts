import type { KernelParamFact } from './facts.js';
import { kernelBool, valueItems, type ValueItem } from './params.js';
import { kernelParamDoc } from '../data/kernel-params.js';

/**
 * How the kernel reads the IOMMU family's comma lists (`iommu=`, `intel_iommu=`, `amd_iommu=`):
 * each item is compared with `strncmp(item, option, strlen(option))`, so an item is taken when it
 * STARTS with a known option (`onn` is read as `on`), and anything else is ignored
 * (intel_iommu and amd_iommu log "Unknown option", iommu= says nothing).
 * - iommu=: arch/x86/kernel/pci-dma.c iommu_setup, then amd_gart_64.c gart_parse_options, where an
 *   item starting with a digit is the size of the old AMD K8 GART aperture (`iommu=1`).
 * - intel_iommu=: drivers/iommu/intel/iommu.c intel_iommu_setup.
 * - amd_iommu=: drivers/iommu/amd/init.c parse_amd_iommu_options.
 * The option lists are the kernel documentation's (data/kernel-params.json), plus the GART words
 * iommu= passes on, which kernel-parameters.txt only points to.
 */
export type IommuParam = 'iommu' | 'intel_iommu' | 'amd_iommu';

/** Options gart_parse_options reads from iommu= (arch/x86/kernel/amd_gart_64.c). */
const GART_WORDS = ['fullflush', 'nofullflush', 'noagp', 'noaperture', 'allowed', 'memaper', 'leak', 'forcesac', 'allowdac', 'nodac', 'usedac'];

/** Words people write to "turn on" an IOMMU that no parser of the family knows (guides' cargo cult). */
const ENABLE_WORDS = new Set(['on', '1', 'y', 'yes', 'enable', 'enabled', 'true', 'pt']);

export const IOMMU_PARAMS: readonly IommuParam[] = ['iommu', 'intel_iommu', 'amd_iommu'];

export function isIommuParam(key: string): key is IommuParam {
  return (IOMMU_PARAMS as readonly string[]).includes(key);
}

/** The options the kernel's parser for `param` knows (x86 only for iommu=: nobypass is PowerPC's). */
export function iommuOptions(param: IommuParam): string[] {
  const doc = kernelParamDoc(param);
  const values = (doc?.values ?? []).filter((v) => !(doc?.valueTags?.[v] ?? ['X86']).every((t) => t !== 'X86' && t !== 'X86-64'));
  return param === 'iommu' ? [...values, ...GART_WORDS] : values;
}

export interface IommuItem extends ValueItem {
  /** The option the kernel reads it as, or undefined when the parser ignores it. */
  option: string | undefined;
  /** A word meant to switch an IOMMU on that this parser does not have (`amd_iommu=on`, `iommu=1`). */
  enableWord: boolean;
}

/** Each item of an IOMMU-family value, as the kernel reads it. */
export function iommuItems(p: KernelParamFact & { key: IommuParam }): IommuItem[] {
  const options = iommuOptions(p.key);
  return valueItems(p).map((item) => {
    const t = item.text;
    let option = options.filter((o) => t.startsWith(o)).sort((a, b) => b.length - a.length)[0];
    // gart_parse_options reads a leading number as the GART aperture size: it parses, but means nothing on VT-d or AMD-Vi.
    if (!option && p.key === 'iommu' && /^\d/.test(t)) option = 'gart-size';
    const lower = t.toLowerCase();
    const enableWord = ENABLE_WORDS.has(lower) && (option === undefined || option === 'gart-size');
    return { ...item, option, enableWord };
  });
}

/** `iommu.passthrough=` / `iommu.strict=`: kstrtobool (drivers/iommu/iommu.c); anything else fails the early_param. */
export function iommuBoolValue(p: KernelParamFact): boolean | undefined {
  return p.value === undefined ? undefined : kernelBool(p.value);
}
