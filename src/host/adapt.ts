import type { ParsedFile } from '../model/machine.js';
import type { KernelParam } from '../parsers/cmdline/index.js';
import type { CmdlineSource, InitramfsConfig, KernelParamFact, ModprobeFact, ModuleFact, SysctlFact } from './facts.js';
import { grubCmdline } from './grub.js';
import { mkinitcpioFacts, dracutFacts } from './initramfs.js';

/**
 * Adapters from each parser's AST to the host model's facts. This is the one
 * place that knows both shapes: parsers stay ignorant of rules, and rules of
 * parsers.
 */

/** `text` is the file the offsets point into: a value is editable in place only where the file reads exactly as the kernel gets it. */
export function paramFact(path: string, text: string, p: KernelParam): KernelParamFact {
  const editable = p.value !== undefined && text.slice(p.valueStart, p.valueEnd) === p.value;
  return {
    name: p.name,
    key: p.key,
    value: p.value,
    loc: { path, start: p.start, end: p.end },
    valueLoc: editable ? { path, start: p.valueStart, end: p.valueEnd } : undefined,
    afterDashDash: p.afterDashDash,
  };
}

export function cmdlineSources(files: readonly ParsedFile[]): CmdlineSource[] {
  const out: CmdlineSource[] = [];
  const grub = grubCmdline(files);
  if (grub) out.push(grub);
  const kernelCmdline = files.filter((f) => f.kind === 'kernel-cmdline').sort((a, b) => (a.systemPath.startsWith('/etc/') ? -1 : 0) - (b.systemPath.startsWith('/etc/') ? -1 : 0));
  // kernel-install reads /etc/kernel/cmdline, else /usr/lib/kernel/cmdline: only the first counts.
  const kc = kernelCmdline[0];
  if (kc && kc.ast.kind === 'kernel-cmdline') out.push({ kind: 'kernel-cmdline', label: kc.systemPath, file: kc, params: kc.ast.file.params.map((p) => paramFact(kc.source.path, kc.source.text, p)) });
  for (const f of files) {
    if (f.ast.kind === 'bls-entry') out.push({ kind: 'bls-entry', label: `loader entry ${f.systemPath}`, file: f, params: f.ast.file.options.map((p) => paramFact(f.source.path, f.source.text, p)) });
  }
  for (const f of files) {
    if (f.ast.kind === 'proc-cmdline') out.push({ kind: 'proc-cmdline', label: '/proc/cmdline', file: f, params: f.ast.file.params.map((p) => paramFact(f.source.path, f.source.text, p)) });
  }
  return out;
}

export function modprobeFacts(f: ParsedFile): ModprobeFact[] {
  if (f.ast.kind !== 'modprobe') return [];
  const path = f.source.path;
  const out: ModprobeFact[] = [];
  for (const c of f.ast.file.commands) {
    if (!c.accepted || c.type === 'deprecated' || c.type === 'unknown' || !c.module) continue;
    out.push({
      keyword: c.type,
      module: c.module.name,
      file: f,
      loc: { path, start: c.start, end: c.end },
      moduleLoc: { path, start: c.module.start, end: c.module.end },
      command: c.type === 'install' || c.type === 'remove' ? c.command?.text : undefined,
      pre: c.type === 'softdep' ? c.pre.map((m) => m.name) : [],
      post: c.type === 'softdep' ? c.post.map((m) => m.name) : [],
      options: c.type === 'options' ? c.params.map((p) => paramFact(path, f.source.text, p)) : [],
    });
  }
  return out;
}

export function sysctlFacts(f: ParsedFile): SysctlFact[] {
  if (f.ast.kind !== 'sysctl') return [];
  const path = f.source.path;
  return f.ast.file.entries
    .filter((e) => e.type === 'assign' && e.value !== undefined)
    .map((e) => ({
      key: e.canonical,
      value: e.value!,
      file: f,
      loc: { path, start: e.start, end: e.end },
      valueLoc: { path, start: e.valueStart, end: e.valueEnd },
      ignoreFailure: e.ignoreFailure,
    }));
}

export function moduleListFacts(f: ParsedFile): ModuleFact[] {
  if (f.ast.kind !== 'module-list') return [];
  const path = f.source.path;
  return f.ast.file.entries.map((e) => ({ name: e.module.text, module: e.module.name, file: f, loc: { path, start: e.module.start, end: e.module.end } }));
}

export function initramfsConfigs(files: readonly ParsedFile[]): InitramfsConfig[] {
  const out: InitramfsConfig[] = [];
  const mk = mkinitcpioFacts(files.filter((f) => f.kind === 'mkinitcpio'));
  if (mk) out.push(mk);
  const dr = dracutFacts(files.filter((f) => f.kind === 'dracut'));
  if (dr) out.push(dr);
  const itools = files.filter((f) => f.kind === 'initramfs-modules');
  if (itools.length > 0) out.push({ generator: 'initramfs-tools', early: itools.flatMap(moduleListFacts), included: [], hooks: [], omitted: [], files: itools });
  return out;
}
