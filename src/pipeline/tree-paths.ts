import { readdirSync, realpathSync } from 'node:fs';
import { isDir, resolveInRoot, type HostTreeRoot } from '../host/discover.js';
import type { PathState, TreeLookup } from '../model/tree.js';

/**
 * Look up the host files a machine's domains name (ROM files) in its tree. Each path is resolved
 * inside the tree as discovery resolves links (absolute targets mean the tree's root, `..` stops
 * there, an etc directory given alone holds /etc only), and only looked at, never opened or read.
 *
 * A path is `absent` only where the tree really holds its folder:
 * - the tree is this machine's own `/` (`--live`, `vfio-lint /`): the folder exists there;
 * - any other tree is a copy, and a copy keeps what its owner chose (a dotfiles repo keeps
 *   etc/libvirt/qemu/*.xml, not the ROMs beside them): the folder must exist in it and hold other
 *   files of the same type (same extension: `.rom`), so that the copy is known to keep that
 *   folder's ROMs. A tree without the folder (a dotfiles repo's etc/ for /usr/share/vgabios) says
 *   nothing.
 */
export function lookUpTreePaths(tree: HostTreeRoot, paths: readonly string[]): TreeLookup {
  const isHost = isHostRoot(tree);
  const states = new Map<string, PathState>();
  for (const p of paths) if (!states.has(p)) states.set(p, stateOf(tree, p, isHost));
  return { isHost, states };
}

function stateOf(tree: HostTreeRoot, path: string, isHost: boolean): PathState {
  if (!path.startsWith('/')) return 'unknown';
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return 'unknown';
  let rel = parts;
  if (tree.top !== undefined) {
    // Only /etc is in an etc directory given alone.
    if (parts[0] !== 'etc') return 'unknown';
    rel = [tree.top, ...parts.slice(1)];
  }
  const folder = resolveInRoot(tree.root, rel.slice(0, -1).join('/'), tree.top);
  if (folder.kind !== 'file' || !isDir(folder.path)) return 'unknown';
  const file = resolveInRoot(tree.root, rel.join('/'), tree.top);
  // A link that dangles, leads out of the tree or loops: the tree cannot say.
  if (file.kind === 'error') return 'unknown';
  if (file.kind !== 'missing') return 'present';
  if (isHost) return 'absent';
  return keepsSameType(folder.path, parts.at(-1)!) ? 'absent' : 'unknown';
}

/** Does the folder hold another file with the name's extension (the copy keeps this folder's ROMs)? */
function keepsSameType(folder: string, name: string): boolean {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return false;
  const ext = name.slice(dot).toLowerCase();
  try {
    return readdirSync(folder, { withFileTypes: true }).some((d) => d.name !== name && !d.isDirectory() && d.name.toLowerCase().endsWith(ext));
  } catch {
    return false;
  }
}

function isHostRoot(tree: HostTreeRoot): boolean {
  if (tree.top !== undefined) return false;
  try {
    return realpathSync(tree.root) === '/';
  } catch {
    return false;
  }
}
