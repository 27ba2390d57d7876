// Module names and parameters of real kernels (data/kernel-modules.json, generated) plus the hand-kept,
// sourced out-of-tree and obsolete modules (data/modules-extra.json).
import { loadDictionary, type DictionaryOrigin } from './load.js';
import { suggest } from './suggest.js';

/** m: loadable module; y: built in (modules.builtin); p: built-in code with parameters but no module of its own. */
export type ModuleKind = 'm' | 'y' | 'p';
/** [description, type] or, when only some of the module's kernels have it, [description, type, kernel indices]. */
type ParamRow = [string, string] | [string, string, number[]];

interface ModulesFile {
  dictionary: 'kernel-modules';
  origin: DictionaryOrigin;
  kernels: { release: string; version: string; package: string }[];
  modules: Record<string, { kind: ModuleKind; dir?: string; in?: number[]; kinds?: ModuleKind[]; params?: Record<string, ParamRow> }>;
}
interface ExtraFile {
  dictionary: 'modules-extra';
  outOfTree: Record<string, { project: string; source: string; params: Record<string, string> | null; paramsComplete?: boolean }>;
  obsolete: Record<string, { goneSince: string; becamePartOf?: string; evidence: string }>;
  /** Mainline modules the dictionary's (Debian) kernels do not build. */
  notBuilt?: Record<string, { source: string }>;
}

export interface ModuleParam {
  name: string;
  description: string;
  type: string;
  /** Kernel releases (of kernelReleases()) that have it. */
  kernels: string[];
}

export type ModuleInfo =
  /** `kinds`: one per release of `kernels` (a module can be built into one kernel and loadable in another). */
  | { status: 'kernel'; name: string; kinds: ModuleKind[]; dir?: string; kernels: string[]; missingFrom: string[] }
  | { status: 'out-of-tree'; name: string; project: string; source: string }
  | { status: 'obsolete'; name: string; goneSince: string; becamePartOf?: string; evidence: string }
  | { status: 'not-built'; name: string; source: string };

/** kmod's rule: "-" and "_" are one character in module names. */
export const normaliseModuleName = (name: string): string => name.replaceAll('-', '_');

const modulesFile = () => loadDictionary<ModulesFile>('kernel-modules');
const extraFile = () => loadDictionary<ExtraFile>('modules-extra');

export function kernelModulesOrigin(): { origin: DictionaryOrigin; kernels: ModulesFile['kernels'] } {
  const f = modulesFile();
  return { origin: f.origin, kernels: f.kernels };
}

/** The kernel releases the dictionary was made from, newest first. */
export const kernelReleases = (): string[] => modulesFile().kernels.map((k) => k.release);

/**
 * What is known about a module name: a module of one of the kernels (with those that lack it, e.g. one
 * removed by the newest), a well-known out-of-tree module, or an obsolete one; undefined when none.
 */
export function moduleInfo(name: string): ModuleInfo | undefined {
  const n = normaliseModuleName(name);
  const { modules, kernels } = modulesFile();
  const m = Object.hasOwn(modules, n) ? modules[n] : undefined;
  const extra = extraFile();
  if (Object.hasOwn(extra.obsolete, n) && (!m || (m.in && !m.in.includes(0)))) {
    return { status: 'obsolete', name: n, ...extra.obsolete[n]! };
  }
  if (m) {
    const present = m.in ?? kernels.map((_, i) => i);
    return {
      status: 'kernel',
      name: n,
      kinds: m.kinds ?? present.map(() => m.kind),
      ...(m.dir ? { dir: m.dir } : {}),
      kernels: present.map((i) => kernels[i]!.release),
      missingFrom: kernels.filter((_, i) => !present.includes(i)).map((k) => k.release),
    };
  }
  const oot = Object.hasOwn(extra.outOfTree, n) ? extra.outOfTree[n] : undefined;
  if (oot) return { status: 'out-of-tree', name: n, project: oot.project, source: oot.source };
  const notBuilt = extra.notBuilt && Object.hasOwn(extra.notBuilt, n) ? extra.notBuilt[n] : undefined;
  if (notBuilt) return { status: 'not-built', name: n, source: notBuilt.source };
  return undefined;
}

/**
 * The parameters of a module, or undefined when they are not known (an out-of-tree module whose source
 * does not list them, or an unknown module). For an out-of-tree module the list may be partial: ask
 * moduleParamsComplete() before calling a parameter unknown.
 */
export function moduleParams(name: string): Map<string, ModuleParam> | undefined {
  const n = normaliseModuleName(name);
  const { modules, kernels } = modulesFile();
  const m = Object.hasOwn(modules, n) ? modules[n] : undefined;
  if (m) {
    const present = m.in ?? kernels.map((_, i) => i);
    const out = new Map<string, ModuleParam>();
    for (const [p, row] of Object.entries(m.params ?? {})) {
      const has = row[2] ?? present;
      out.set(p, { name: p, description: row[0], type: row[1], kernels: has.map((i) => kernels[i]!.release) });
    }
    return out;
  }
  const oot = Object.hasOwn(extraFile().outOfTree, n) ? extraFile().outOfTree[n] : undefined;
  return oot?.params ? partial(oot.params) : undefined;
}

/** True when the module's parameter list is complete, so a missing name really is unknown. */
export function moduleParamsComplete(name: string): boolean {
  const n = normaliseModuleName(name);
  if (Object.hasOwn(modulesFile().modules, n)) return true;
  return extraFile().outOfTree[n]?.paramsComplete === true;
}

function partial(params: Record<string, string>): Map<string, ModuleParam> {
  return new Map(Object.entries(params).map(([p, description]) => [p, { name: p, description, type: '', kernels: [] }]));
}

/** Every module name known (kernel, out-of-tree, obsolete), in kmod's "_" spelling. */
export function allModuleNames(): string[] {
  const extra = extraFile();
  return [...Object.keys(modulesFile().modules), ...Object.keys(extra.outOfTree), ...Object.keys(extra.obsolete), ...Object.keys(extra.notBuilt ?? {})];
}

/** Did-you-mean for a module name ("nvidia_fb" -> "nvidiafb" when a kernel has it), "-" and "_" alike. */
export function suggestModule(name: string, max = 1): string[] {
  return suggest(name, allModuleNames(), { max, normalise: normaliseModuleName });
}

/** Did-you-mean for a parameter of a known module. */
export function suggestModuleParam(module: string, param: string, max = 1): string[] {
  const params = moduleParams(module);
  return params ? suggest(param, params.keys(), { max }) : [];
}
