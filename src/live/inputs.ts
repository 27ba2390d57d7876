import { join, relative } from 'node:path';
import { discoverHostTree, type DiscoveredFile } from '../host/discover.js';
import { liveHost, type LiveHost } from '../host/live.js';
import { KINDS } from '../kinds/index.js';
import { SNAPSHOT_FILE, type SnapshotDocument } from './document.js';
import { runningDomainInputs, type RunningDomainJoin } from './running-domains.js';

/** A machine's inputs as collected (src/pipeline/inputs.ts), with the folders a directory kind claimed. */
export interface CollectedWithFolders<F extends DiscoveredFile> {
  name?: string | undefined;
  files: F[];
  unusable: Array<{ path: string; message: string }>;
  folders: ReadonlyArray<{ path: string; kind: string }>;
}

/** One machine ready to lint: its files, what could not be used, and the running host's facts when known. */
export interface MachineInputs<F extends DiscoveredFile> {
  name: string | undefined;
  files: F[];
  unusable: Array<{ path: string; message: string }>;
  live: LiveHost | undefined;
  /** How the running domains of `live` joined the files (src/live/running-domains.ts); empty without them. */
  running: RunningDomainJoin[];
}

/**
 * Give a machine its live facts, and with them its running domains: each is the
 * domain a file defines (that file is linted), or joins as a read-only domain of
 * its own. Running domains of live facts it had before are dropped first.
 */
export function setLive<F extends DiscoveredFile>(m: MachineInputs<F | DiscoveredFile>, live: LiveHost): void {
  m.files = m.files.filter((f) => !f.readOnly);
  m.live = live;
  const joined = runningDomainInputs(live, m.files);
  m.files.push(...joined.inputs);
  m.running = joined.joins;
}

/**
 * Read the snapshot folders a machine holds. A snapshot is a whole machine: its
 * facts become the host model's live part and the configuration files in it are
 * found as in any host tree (the same discovery that chose what to copy into
 * it, so `vfio-lint SNAPSHOT` lints what `--live` linted on that host). The first
 * snapshot joins the files given beside it; each further one is a machine of its own.
 */
export function withSnapshots<F extends DiscoveredFile>(m: CollectedWithFolders<F>): Array<MachineInputs<F | DiscoveredFile>> {
  const snapshots = m.folders.filter((f) => f.kind === 'host-snapshot');
  const first: MachineInputs<F | DiscoveredFile> = { name: m.name, files: [...m.files], unusable: [...m.unusable], live: undefined, running: [] };
  if (snapshots.length === 0) return [first];
  const out = [first];
  snapshots.forEach((folder, i) => {
    const target: MachineInputs<F | DiscoveredFile> = i === 0 ? first : { name: folder.path, files: [], unusable: [], live: undefined, running: [] };
    if (i > 0) out.push(target);
    const read = readSnapshotFolder(folder.path);
    const seen = new Set(target.files.map((f) => f.realPath));
    for (const f of read.files) if (!seen.has(f.realPath)) target.files.push(f);
    target.unusable.push(...read.problems);
    if (read.live) setLive(target, read.live);
  });
  return out;
}

/** A snapshot folder's configuration files and facts; a facts file that cannot be read is a problem on it, and the files are still linted. */
export function readSnapshotFolder(dir: string): { files: DiscoveredFile[]; problems: Array<{ path: string; message: string }>; live: LiveHost | undefined } {
  const entry = KINDS.directories.find((d) => d.name === 'host-snapshot');
  const read = entry ? entry.read(dir) : { facts: undefined, files: [], problems: [] };
  const doc = read.facts as SnapshotDocument | undefined;
  const problems = read.problems.map((p) => ({ path: join(dir, p.rel), message: stripPath(p.message, join(dir, p.rel)) }));
  const tree = discoverHostTree(dir, 'root');
  // The facts file is at the top of the tree, where discovery also takes domain XML: it is JSON, never a domain.
  // A snapshot holds copies of the files its writer chose, not the host's filesystem: no lookup of
  // any other file (a ROM a domain names) in it may count as the host's answer.
  const files = tree.files.filter((f) => relative(dir, f.displayPath) !== SNAPSHOT_FILE).map(({ tree: _, ...f }) => f);
  // What the writer's discovery could not use on the host (a dangling link in /etc) is a problem here too, as under --live.
  const recorded = (doc?.problems ?? []).map((p) => ({ path: join(dir, p.path), message: p.message }));
  return { files, problems: [...problems, ...recorded, ...tree.problems], live: doc ? liveHost(doc.host, 'snapshot', dir) : undefined };
}


function stripPath(message: string, path: string): string {
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}
