// Module names and module parameters of real kernels: modules.order (loadable), modules.builtin and
// modules.builtin.modinfo (built in), and each loadable module's parameters as kmod's modinfo reads them
// from the .ko file itself.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';

/** kmod's name rule: "-" and "_" are the same in module names; the kernel's own spelling uses "_". */
export const normaliseModule = (name) => name.replaceAll('-', '_');

const nameOfPath = (path) => normaliseModule(basename(path).replace(/\.ko(\.(xz|zst|gz))?$/, ''));

/** "kernel/drivers/vfio/pci/vfio-pci.ko" -> "drivers/vfio/pci". */
const dirOfPath = (path) => dirname(path).replace(/^kernel\//, '');

// The kernel's parameter types (include/linux/moduleparam.h), alone or as "array of <type>".
const PARAM_TYPE = /^(array of )?(bool|invbool|bint|byte|short|ushort|int|uint|long|ulong|ullong|hexint|charp|string)$/;

/**
 * Runs modinfo (argv0 "modinfo" of the given kmod binary) over many files at once with -0, so each field
 * ends in NUL and a description may hold newlines; a "filename:" field starts each module.
 */
function modinfoParams(kmod, files) {
  const byFile = new Map();
  const batch = 200;
  for (let i = 0; i < files.length; i += batch) {
    const out = execFileSync(kmod.binary, ['-0', ...files.slice(i, i + batch)], {
      argv0: 'modinfo',
      env: { ...process.env, LD_LIBRARY_PATH: kmod.libraryPath },
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    let params;
    for (const field of out.split('\0')) {
      const f = field.replace(/^\n/, '');
      const file = /^filename:\s+(.*)$/.exec(f);
      if (file) {
        params = new Map();
        byFile.set(file[1], params);
        continue;
      }
      // "parm:  name:description (type)"; kmod prints a parameter without a description as "name:type".
      const parm = /^parm:\s+([^:]+):([\s\S]*)$/.exec(f);
      if (parm && params) {
        const typed = /^([\s\S]*?)\s*\(([^()]*)\)$/.exec(parm[2]);
        if (typed) params.set(parm[1], { description: typed[1].replace(/\s+/g, ' ').trim(), type: typed[2] });
        else if (PARAM_TYPE.test(parm[2])) params.set(parm[1], { description: '', type: parm[2] });
        else params.set(parm[1], { description: parm[2].replace(/\s+/g, ' ').trim(), type: '' });
      }
    }
  }
  return byFile;
}

/** Parameters of built-in code, from modules.builtin.modinfo ("mod.parm=name:description", "mod.parmtype=name:type"). */
function builtinParams(bytes) {
  const byModule = new Map();
  for (const record of bytes.toString('utf8').split('\0')) {
    const m = /^([^.=]+)\.(parm|parmtype)=([^:]+):([\s\S]*)$/.exec(record);
    if (!m) continue;
    const mod = normaliseModule(m[1]);
    const params = byModule.get(mod) ?? new Map();
    byModule.set(mod, params);
    const p = params.get(m[3]) ?? { description: '', type: '' };
    if (m[2] === 'parm') p.description = m[4].replace(/\s+/g, ' ').trim();
    else p.type = m[4];
    params.set(m[3], p);
  }
  return byModule;
}

/** One kernel's modules: name -> { kind: 'm' | 'y' | 'p', dir, params }. 'p' is built-in code that has parameters but no module name of its own in modules.builtin. */
export function readKernel(root, release, kmod) {
  const dir = join(root, 'lib/modules', release);
  const modules = new Map();
  const order = readFileSync(join(dir, 'modules.order'), 'utf8').split('\n').filter(Boolean);
  // Debian compresses the .ko files; modules.order names them uncompressed.
  const onDisk = (p) => ['', '.xz', '.zst', '.gz'].map((ext) => join(dir, p + ext)).find((f) => existsSync(f));
  const files = [];
  for (const p of order) {
    const file = onDisk(p);
    if (!file) throw new Error(`${release}: ${p} is in modules.order but not in the package`);
    files.push(file);
    modules.set(nameOfPath(p), { kind: 'm', dir: dirOfPath(p), params: new Map(), file });
  }
  const info = modinfoParams(kmod, files);
  for (const m of modules.values()) {
    m.params = info.get(m.file) ?? new Map();
    delete m.file;
  }
  for (const p of readFileSync(join(dir, 'modules.builtin'), 'utf8').split('\n').filter(Boolean)) {
    modules.set(nameOfPath(p), { kind: 'y', dir: dirOfPath(p), params: new Map() });
  }
  for (const [mod, params] of builtinParams(readFileSync(join(dir, 'modules.builtin.modinfo')))) {
    const m = modules.get(mod) ?? { kind: 'p', params: new Map() };
    for (const [k, v] of params) m.params.set(k, v);
    modules.set(mod, m);
  }
  return modules;
}

/** The kernel release directories a linux-image package unpacked. */
export const releasesIn = (root) => readdirSync(join(root, 'lib/modules'));

/**
 * Merges kernels (newest first) into one dictionary. A module or parameter missing from some kernels
 * lists the ones it is in ("in": indices into kernels), so a rule can tell "gone since" from "never was".
 */
export function mergeKernels(kernels) {
  const all = kernels.length;
  const names = new Set(kernels.flatMap((k) => [...k.modules.keys()]));
  const out = {};
  for (const name of [...names].sort()) {
    const present = kernels.map((k, i) => (k.modules.has(name) ? i : -1)).filter((i) => i >= 0);
    const newest = kernels[present[0]].modules.get(name);
    const entry = { kind: newest.kind };
    if (newest.dir) entry.dir = newest.dir;
    if (present.length !== all) entry.in = present;
    const kinds = new Set(present.map((i) => kernels[i].modules.get(name).kind));
    if (kinds.size > 1) entry.kinds = present.map((i) => kernels[i].modules.get(name).kind);
    const params = {};
    const paramNames = new Set(present.flatMap((i) => [...kernels[i].modules.get(name).params.keys()]));
    for (const p of [...paramNames].sort()) {
      const has = present.filter((i) => kernels[i].modules.get(name).params.has(p));
      const info = kernels[has[0]].modules.get(name).params.get(p);
      // [description, type], plus the kernels that have it when some of the module's kernels do not.
      params[p] = has.length === present.length ? [info.description, info.type] : [info.description, info.type, has];
    }
    if (paramNames.size) entry.params = params;
    out[name] = entry;
  }
  return out;
}
