import { basename, dirname, join, sep } from 'node:path';
import type { MachineConfig } from '../config/config.js';
import { findConfig } from '../config/load.js';
import { collectInputs, type InputFile, type InputProblem } from '../pipeline/inputs.js';
import { machineInputs } from '../config/machines.js';
import { isDir } from '../host/discover.js';

/**
 * Which machine an open file belongs to, so cross-file rules see the same
 * inputs the CLI would: the config file's `machines` that list the file, else
 * the host tree the file sits in (the nearest folder with an `etc/`, or an
 * `etc` folder itself, as for the real /etc), else the file alone.
 */
export interface MachinePlan {
  /** Same key, same machine: documents sharing a key are linted together once. */
  key: string;
  /** Where the config search starts (the CLI's cwd). */
  cwd: string;
  inputs: InputFile[];
  unusable: InputProblem[];
  /** For logs: where the machine came from. */
  label: string;
}

export interface PlanContext {
  /** The editor's workspace folders: the folder-layout search does not climb above the one holding the file. */
  workspaceRoots: readonly string[];
  /** The `machines` of the configuration in effect for this file, if any. */
  machines: readonly MachineConfig[] | undefined;
  /** The directory config paths are relative to. */
  baseDir: string;
}

/** The machines `docPath` is linted in; never empty (the file alone is the last resort). */
export function plansFor(docPath: string, ctx: PlanContext): MachinePlan[] {
  const configPath = findConfig(dirname(docPath)) ?? '';
  const plans: MachinePlan[] = [];
  for (const [i, m] of (ctx.machines ?? []).entries()) {
    let collected: ReturnType<typeof machineInputs>;
    try {
      collected = machineInputs(m, ctx.baseDir);
    } catch {
      // A path in this machine does not exist (yet): the file cannot be one of its inputs.
      continue;
    }
    if (!collected.files.some((f) => samePath(f, docPath))) continue;
    plans.push({ key: `${configPath}#${i}`, cwd: dirname(docPath), inputs: collected.files, unusable: collected.unusable, label: `machine ${m.name ?? i + 1} of ${configPath}` });
  }
  if (plans.length > 0) return plans;

  const tree = treeRoot(docPath, ctx.workspaceRoots);
  if (tree) {
    try {
      const collected = collectInputs([tree], { cwd: tree });
      return [{ key: `${configPath}|tree:${tree}`, cwd: dirname(docPath), inputs: collected.files, unusable: collected.unusable, label: `host tree ${tree}` }];
    } catch {
      // The tree vanished between the check and the walk: lint the file alone.
    }
  }
  return [{ key: `${configPath}|alone:${docPath}`, cwd: dirname(docPath), inputs: [], unusable: [], label: 'the file alone' }];
}

/** Is this input the document (as given, or the file a symlink in the tree resolves to)? */
export function samePath(input: InputFile, docPath: string): boolean {
  return input.realPath === docPath || input.displayPath === docPath;
}

/**
 * The host tree holding `docPath`: the nearest ancestor with an `etc/` folder,
 * without climbing above the workspace folder that holds the file, and never
 * the filesystem root (that would be the editor machine's own system); failing
 * that, the nearest ancestor named `etc` (a tree of its own, like the real /etc).
 */
export function treeRoot(docPath: string, workspaceRoots: readonly string[]): string | undefined {
  const boundary = workspaceRoots.filter((r) => docPath.startsWith(r.endsWith(sep) ? r : r + sep)).sort((a, b) => b.length - a.length)[0];
  let etcDir: string | undefined;
  let dir = dirname(docPath);
  for (;;) {
    const parent = dirname(dir);
    if (parent !== dir && isDir(join(dir, 'etc'))) return dir;
    if (etcDir === undefined && basename(dir) === 'etc') etcDir = dir;
    if (dir === boundary || parent === dir) break;
    dir = parent;
  }
  return etcDir;
}
