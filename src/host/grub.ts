import { posix } from 'node:path';
import type { ParsedFile } from '../model/file.js';
import { tokenizeCmdline, type KernelParam } from '../parsers/cmdline/index.js';
import { evaluateShellVars, joinValues, type ResolvedValue } from '../parsers/shell-vars/index.js';
import type { CmdlineBase, KernelParamFact } from './facts.js';
import { paramFact } from './params.js';
import { compareNames } from './dirs.js';

/**
 * The kernel command line grub-mkconfig writes for normal entries:
 * `${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}`, after sourcing
 * /etc/default/grub and then (Debian, Ubuntu) /etc/default/grub.d/*.cfg in
 * order (catalog 1.1.1). Each parameter keeps the file and offsets it was
 * written at, through quotes, continuations and `$VAR` expansions.
 */
export function grubCmdline(files: readonly ParsedFile[]): CmdlineBase | undefined {
  const grub = files.filter((f) => f.kind === 'grub' && f.ast.kind === 'grub');
  const dropins = grub.filter((f) => f.systemPath.startsWith('/etc/default/grub.d/')).sort((a, b) => compareNames(posix.basename(a.systemPath), posix.basename(b.systemPath)));
  const mains = grub.filter((f) => !f.systemPath.startsWith('/etc/default/grub.d/'));
  const main = mains.find((f) => f.systemPath === '/etc/default/grub') ?? mains[0];
  const ordered = main ? [main, ...dropins] : dropins;
  if (ordered.length === 0) return undefined;
  const asts = ordered.map((f) => (f.ast.kind === 'grub' ? f.ast.file : undefined)!);
  // grub-mkconfig starts with both command-line variables empty.
  const ev = evaluateShellVars(asts, { GRUB_CMDLINE_LINUX: '', GRUB_CMDLINE_LINUX_DEFAULT: '' });
  const parts = ['GRUB_CMDLINE_LINUX', 'GRUB_CMDLINE_LINUX_DEFAULT'].map((n) => ev.variables.get(n)).filter((v) => v !== undefined);
  if (parts.length === 0) return { kind: 'grub', label: ordered[0]!.systemPath, file: ordered[0]!, params: [] };
  const value = joinValues(parts.map((v) => v.value));
  const params: KernelParamFact[] = [];
  for (const p of tokenizeCmdline(value.text)) {
    const mapped = mapParam(p, value, ordered);
    if (mapped) params.push(mapped);
  }
  return { kind: 'grub', label: main?.systemPath ?? ordered[0]!.systemPath, file: main ?? ordered[0]!, params };
}

/** Move a token of the evaluated value back to the file it was written in; undefined when it has no single home. */
function mapParam(p: KernelParam, value: ResolvedValue, files: readonly ParsedFile[]): KernelParamFact | undefined {
  const fileIndex = value.files[p.start];
  if (fileIndex === undefined || fileIndex < 0 || value.files[p.end - 1] !== fileIndex) return undefined;
  const f = files[fileIndex]!;
  const at = (i: number) => (value.files[i] === fileIndex ? value.offsets[i]! : -1);
  const after = (i: number) => (i > 0 && value.files[i - 1] === fileIndex ? value.offsets[i - 1]! + 1 : -1);
  const start = at(p.start);
  const end = after(p.end);
  if (start < 0 || end < 0) return undefined;
  const nameEnd = after(p.nameEnd);
  const valueStart = p.valueStart < p.valueEnd ? at(p.valueStart) : -1;
  const valueEnd = p.valueStart < p.valueEnd ? after(p.valueEnd) : -1;
  const inFile: KernelParam = {
    ...p,
    start,
    end,
    nameStart: at(p.nameStart) < 0 ? start : at(p.nameStart),
    nameEnd: nameEnd < 0 ? end : nameEnd,
    valueStart: valueStart < 0 ? end : valueStart,
    valueEnd: valueEnd < 0 ? end : valueEnd,
  };
  return paramFact(f.source, inFile);
}
