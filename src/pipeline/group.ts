import type { WalkedFile } from './walk.js';

/** How a folder's files are split into machines: `auto` reads the tree as a person would; `one` makes it one machine. */
export type Grouping = 'auto' | 'one';

export interface FileGroup {
  /** The machine's folder relative to the walked folder: `''` for the folder itself. */
  root: string;
  files: WalkedFile[];
}

export interface Grouped {
  groups: FileGroup[];
  /** How the grouping was decided, in words (`--list-inputs` and the note when there are several machines). */
  how: string;
}

/**
 * Split a walked folder's files into machines. Folders that hold a host tree
 * (`etc/`, `usr/`, `boot/`...) are machines when there are two or more of them
 * (`hosts/desk/etc`, `hosts/lab/etc`); with none, folders that hold
 * configuration folders (`hosts/desk/modprobe.d`) are; with neither, folders that
 * hold libvirt's own `libvirt/qemu` are (one laptop per folder). Every other file
 * joins the deepest machine folder above it, or a machine of its own for the rest
 * of the folder. One such folder, or none, makes the whole folder one machine.
 */
export function groupMachines(files: readonly WalkedFile[], grouping: Grouping): Grouped {
  if (grouping === 'one') return { groups: [{ root: '', files: [...files] }], how: 'one machine, as the config\'s "group": "one" says' };
  const found = { system: new Set<string>(), folder: new Set<string>(), xml: new Set<string>() };
  for (const f of files) if (f.anchor !== undefined && f.anchoredBy) found[f.anchoredBy].add(f.anchor);
  let roots: string[];
  let basis: string;
  if (found.system.size >= 2) {
    roots = [...found.system];
    basis = 'each folder that holds a host tree (etc/, usr/, boot/...) is a machine';
  } else if (found.system.size === 0 && found.folder.size >= 2) {
    roots = [...found.folder];
    basis = 'each folder that holds configuration folders (modprobe.d/, sysctl.d/...) is a machine';
  } else if (found.system.size + found.folder.size === 0 && found.xml.size >= 2) {
    roots = [...found.xml];
    basis = "each folder that holds libvirt's own folders (libvirt/qemu) is a machine";
  } else {
    const only = [...found.system, ...found.folder][0];
    return { groups: [{ root: '', files: [...files] }], how: only === undefined ? 'one machine: no folder in it holds a host tree of its own' : `one machine: one host tree${only === '' ? '' : ` (${only})`}, and every other file goes with it` };
  }
  roots.sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const byRoot = new Map<string, WalkedFile[]>(roots.map((r) => [r, []]));
  const rest: WalkedFile[] = [];
  for (const f of files) {
    const root = deepestRoot(f.relPath, byRoot);
    if (root === undefined) rest.push(f);
    else byRoot.get(root)!.push(f);
  }
  const groups: FileGroup[] = [...byRoot].filter(([, list]) => list.length > 0).map(([root, list]) => ({ root, files: list }));
  groups.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
  if (rest.length > 0) groups.push({ root: '.', files: rest });
  const names = groups.map((g) => g.root === '' ? '.' : g.root);
  return { groups, how: `${groups.length} machines (${names.join(', ')}): ${basis}; every other file joins the deepest of them above it${rest.length > 0 ? ', and files under none of them make the machine "."' : ''}` };
}

/**
 * The deepest machine folder that holds `rel` (itself, or a folder above it), or `''` when the walked
 * folder itself is one: each folder on the path is looked up, so a walk with thousands of machines
 * costs its path depth per file, not a scan of every machine.
 */
function deepestRoot(rel: string, roots: ReadonlyMap<string, unknown>): string | undefined {
  for (let at = rel.length; at > 0; at = rel.lastIndexOf('/', at - 1)) {
    const folder = rel.slice(0, at);
    if (roots.has(folder)) return folder;
  }
  return roots.has('') ? '' : undefined;
}
