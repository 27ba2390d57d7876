// `--live`'s read of the running host, apart from src/live/inputs.ts (which every lint loads, for
// snapshot folders): the CLI loads this, and the readers of /sys, /proc and the tools behind it, only
// when --live asks for them (scripts/build.mjs builds it as a file of its own).
import { discoverHostTree, type DiscoveredFile } from '../host/discover.js';
import { liveHost, type LiveHost } from '../host/live.js';
import { readLiveHost, type LiveReadOptions } from './read.js';

export type LiveMachineRead = { files: DiscoveredFile[]; problems: Array<{ path: string; message: string }>; live: LiveHost };

/** `--live`: the configuration files of the host at `root` and its running state, read now. */
export function readLiveMachine(root = '/', options: LiveReadOptions = {}): LiveMachineRead {
  const tree = discoverHostTree(root, 'root');
  return { files: tree.files, problems: tree.problems, live: liveHost(readLiveHost(root, options), 'live', root) };
}
