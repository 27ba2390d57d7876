// Kernel command-line parameters as Documentation/admin-guide/kernel-parameters.txt documents them
// (data/kernel-params.json, generated), and `module.param=` names from the module dictionary.
import { loadDictionary, type DictionaryOrigin } from './load.js';
import { moduleInfo, moduleParams, moduleParamsComplete, normaliseModuleName, allModuleNames } from './kernel-modules.js';
import { suggest } from './suggest.js';

export interface KernelParamDoc {
  /** 'required': documented as name=...; 'none': a bare flag; 'optional': both forms are documented. */
  value: 'required' | 'none' | 'optional';
  /** Tags from the doc's [..] after the name (X86, KNL, EARLY, ...). */
  tags?: string[];
  /** The tags that name architectures. */
  arch?: string[];
  /** The doc's "Format:" line, whitespace collapsed. */
  format?: string;
  /** Headings that spell a value shape, e.g. "mem=nn[KMG]@ss[KMG]". */
  forms?: string[];
  /** Literal values the doc lists (read by pattern; see docs/dictionaries.md for how approximate). */
  values?: string[];
  /** Tags given to single values, e.g. iommu's "nobypass" is [PPC, POWERNV]. */
  valueTags?: Record<string, string[]>;
}
interface ParamsFile {
  dictionary: 'kernel-params';
  origin: DictionaryOrigin;
  kernel: string;
  archTags: string[];
  /** The names with a '-', by their spelling with '_' for each '-' (written by scripts/gen-data.mjs). */
  dashNames: Record<string, string>;
  params: Record<string, KernelParamDoc>;
}

const paramsFile = () => loadDictionary<ParamsFile>('kernel-params');

/** The kernel version the documentation came from. */
export const kernelParamsVersion = (): string => paramsFile().kernel;
export const kernelParamsOrigin = (): DictionaryOrigin => paramsFile().origin;

// The kernel compares names with "-" and "_" as one character (parameq in kernel/params.c).
const normaliseParam = (name: string): string => name.replaceAll('-', '_');
/**
 * The documented name that `name` stands for, dash and underscore alike. The dictionary's `dashNames`
 * answers for the few names with a '-'; any other documented name is its own normal spelling, so a
 * lookup reads one entry (the 77 KB dictionary is read lazily: src/data/lazy-record.ts).
 */
function documentedName(name: string): string | undefined {
  const normal = normaliseParam(name);
  const file = paramsFile();
  return Object.hasOwn(file.dashNames, normal) ? file.dashNames[normal] : Object.hasOwn(file.params, normal) ? normal : undefined;
}

/** The documented entry for a parameter name (dash and underscore alike), or undefined. */
export function kernelParamDoc(name: string): (KernelParamDoc & { name: string }) | undefined {
  const doc = documentedName(name);
  return doc === undefined ? undefined : { name: doc, ...paramsFile().params[doc]! };
}

export type KernelParamLookup =
  | { known: true; via: 'doc'; doc: KernelParamDoc & { name: string } }
  | { known: true; via: 'module'; module: string; param: string; description: string }
  /** `module.param=` for a module whose parameter list is not known (out-of-tree without a list). */
  | { known: 'unverifiable'; module: string; param: string }
  | { known: false; module?: string; param?: string };

/**
 * Whether the kernel knows a command-line parameter: documented in kernel-parameters.txt, or
 * `module.param` for a module parameter (built in: the kernel applies it; loadable: kmod passes it on
 * when it loads the module), or one of the doc's `<module>.x` forms (async_probe, dyndbg) for a known
 * module. Parameters that only user space reads (rd.*, systemd.*, splash) are not the kernel's: the
 * caller decides about them.
 */
export function lookupKernelParam(name: string): KernelParamLookup {
  const doc = kernelParamDoc(name);
  if (doc) return { known: true, via: 'doc', doc };
  const dot = name.indexOf('.');
  if (dot <= 0) return { known: false };
  const module = normaliseModuleName(name.slice(0, dot));
  const param = name.slice(dot + 1);
  const generic = kernelParamDoc(`<module>.${param}`);
  if (generic && moduleInfo(module)) return { known: true, via: 'doc', doc: generic };
  const params = moduleParams(module);
  if (!params) return moduleInfo(module) ? { known: 'unverifiable', module, param } : { known: false, module, param };
  const p = params.get(param) ?? params.get(normaliseParam(param));
  if (p) return { known: true, via: 'module', module, param: p.name, description: p.description };
  return moduleParamsComplete(module) ? { known: false, module, param } : { known: 'unverifiable', module, param };
}

/** Did-you-mean for a command-line parameter name: documented names, and module.param names. */
export function suggestKernelParam(name: string, max = 1): string[] {
  const dot = name.indexOf('.');
  if (dot > 0) {
    const module = normaliseModuleName(name.slice(0, dot));
    const params = moduleParams(module);
    const docDotted = Object.keys(paramsFile().params).filter((n) => n.includes('.') && !n.startsWith('<'));
    const moduleDotted = params ? [...params.keys()].map((p) => `${name.slice(0, dot)}.${p}`) : [];
    // A typo in the module part: compare against module names too.
    const modules = params ? [] : allModuleNames().map((m) => `${m}.${name.slice(dot + 1)}`);
    return suggest(name, [...docDotted, ...moduleDotted, ...modules], { max, normalise: normaliseParam });
  }
  return suggest(name, Object.keys(paramsFile().params).filter((n) => !n.startsWith('<')), { max, normalise: normaliseParam });
}
