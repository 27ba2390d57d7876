import type { HostTreeRoot } from '../host/discover.js';

export type { HostTreeRoot };

/** What a host tree says about one path of its machine. */
export type PathState = 'present' | 'absent' | 'unknown';

/** The answer of the I/O side (src/pipeline/tree-paths.ts on Node) for a machine's tree. */
export interface TreeLookup {
  /** True when the tree is the running machine's own `/` (`--live`, `vfio-lint /`): it is the host, not a copy. */
  isHost: boolean;
  states: ReadonlyMap<string, PathState>;
}

/**
 * The host tree a machine was given as (a folder standing for `/`, or an etc directory standing for
 * /etc), with what it holds at the paths the machine's domains name (src/domain/host-files.ts).
 * `absent` only where the tree really holds the path's folder (src/pipeline/tree-paths.ts says when:
 * the running host's own `/`, or a copy that keeps other files of that type there); `unknown` where
 * it does not (a dotfiles repo's etc/ says nothing about /usr/share), cannot be looked into, or the
 * path leads out of it.
 */
export interface MachineTree extends HostTreeRoot {
  isHost: boolean;
  state(path: string): PathState;
}

