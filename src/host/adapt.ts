import type { ParsedFile } from '../model/file.js';
import type { Loc } from '../core/range.js';
import type { CmdlineBase, CmdlineSource, InitramfsConfig, ModprobeFact, ModuleFact, SysctlFact } from './facts.js';
import { grubCmdline } from './grub.js';
import { mkinitcpioFacts, dracutFacts } from './initramfs.js';
import { paramFact } from './params.js';
import { cmdlineSource } from './kernel.js';

/**
 * Adapters from each parser's AST to the host model's facts. This is the one
 * place that knows both shapes: parsers stay ignorant of rules, and rules of
 * parsers.
 */

/** Every kernel command line the files give, each indexed; `nrCpus` resolves `N` and `all` in CPU lists. */
export function cmdlineSources(files: readonly ParsedFile[], nrCpus: number | undefined): CmdlineSource[] {
  const out: CmdlineBase[] = [];
  const grub = grubCmdline(files);
  if (grub) out.push(grub);
  const kernelCmdline = files.filter((f) => f.kind === 'kernel-cmdline').sort((a, b) => (a.systemPath.startsWith('/etc/') ? -1 : 0) - (b.systemPath.startsWith('/etc/') ? -1 : 0));
  // kernel-install reads /etc/kernel/cmdline, else /usr/lib/kernel/cmdline: only the first counts.
  const kc = kernelCmdline[0];
  // Stryker disable next-line ConditionalExpression: the model reads no fatal file, so a file's AST is of its kind; the test narrows the type
  if (kc && kc.ast.kind === 'kernel-cmdline') out.push({ kind: 'kernel-cmdline', label: kc.systemPath, file: kc, params: kc.ast.file.params.map((p) => paramFact(kc.source, p)) });
  for (const f of files) {
    if (f.ast.kind === 'bls-entry') out.push({ kind: 'bls-entry', label: `loader entry ${f.systemPath}`, file: f, params: f.ast.file.options.map((p) => paramFact(f.source, p)) });
  }
  for (const f of files) {
    if (f.ast.kind === 'proc-cmdline') out.push({ kind: 'proc-cmdline', label: '/proc/cmdline', file: f, params: f.ast.file.params.map((p) => paramFact(f.source, p)) });
  }
  return out.map((c) => cmdlineSource(c, nrCpus));
}

export function modprobeFacts(f: ParsedFile): ModprobeFact[] {
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: the model reads no fatal file, so a file's AST is of its kind; the test narrows the type
  if (f.ast.kind !== 'modprobe') return [];
  const path = f.source.path;
  const out: ModprobeFact[] = [];
  for (const c of f.ast.file.commands) {
    // kmod skips a line it does not take whole; a deprecated or unknown keyword is never taken.
    if (!c.accepted || !c.module) continue;
    out.push({
      keyword: c.type,
      module: c.module.name,
      // An alias taken always has its name: kmod takes the line only with a name and a module.
      alias: c.type === 'alias' ? c.pattern!.name : undefined,
      file: f,
      loc: { path, start: c.start, end: c.end },
      moduleLoc: { path, start: c.module.start, end: c.module.end },
      // Stryker disable next-line ConditionalExpression,OptionalChaining: only install and remove have a command, and one taken always has it; the test narrows the type
      command: c.type === 'install' || c.type === 'remove' ? c.command?.text : undefined,
      pre: c.type === 'softdep' ? c.pre.map((m) => m.name) : [],
      post: c.type === 'softdep' ? c.post.map((m) => m.name) : [],
      preAt: c.type === 'softdep' ? markerLoc(path, c.markers.find((m) => m.text === 'pre:')) : undefined,
      depRefs:
        c.type === 'softdep'
          ? [...c.pre.map((m) => ({ m, role: 'pre' as const })), ...c.post.map((m) => ({ m, role: 'post' as const }))].map(({ m, role }) => ({ module: m.name, name: m.text, role, loc: { path, start: m.start, end: m.end } }))
          : [],
      options: c.type === 'options' ? c.params.map((p) => paramFact(f.source, p)) : [],
    });
  }
  return out;
}

function markerLoc(path: string, token: { start: number; end: number } | undefined): Loc | undefined {
  return token && { path, start: token.start, end: token.end };
}

export function sysctlFacts(f: ParsedFile): SysctlFact[] {
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: the model reads no fatal file, so a file's AST is of its kind; the test narrows the type
  if (f.ast.kind !== 'sysctl') return [];
  const path = f.source.path;
  return f.ast.file.entries
    .filter((e) => e.type === 'assign')
    .map((e) => ({
      key: e.canonical,
      // An assignment always has a value (maybe empty); only an exclude has none.
      value: e.value!,
      file: f,
      loc: { path, start: e.start, end: e.end },
      valueLoc: { path, start: e.valueStart, end: e.valueEnd },
      ignoreFailure: e.ignoreFailure,
    }));
}

export function moduleListFacts(f: ParsedFile): ModuleFact[] {
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: the model reads no fatal file, so a file's AST is of its kind; the test narrows the type
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
  if (itools.length > 0) out.push({ generator: 'initramfs-tools', early: itools.flatMap(moduleListFacts), included: [], hooks: [], omitted: [], extraFiles: [], hostonly: undefined, uncertain: false, files: itools });
  return out;
}
