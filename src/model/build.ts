import { domainView } from '../domain/view.js';
import { buildHostModel } from '../host/model.js';
import type { LiveHost } from '../host/live.js';
import type { ParsedFile } from './file.js';
import type { DomainInput, InputKind, Machine } from './machine.js';
import type { HostTreeRoot, MachineTree, TreeLookup } from './tree.js';
import { romFilesNamed } from '../domain/host-files.js';

/** The machine's host tree and how to look paths up in it (the I/O side gives this; the model asks it the paths its domains name). */
export interface TreeSource {
  tree: HostTreeRoot;
  lookUp(paths: readonly string[]): TreeLookup;
}

/** Assemble one machine from its parsed files (and the running host's facts, when given): typed domain views and the host model. */
export function buildMachine(files: ParsedFile[], name?: string, live?: LiveHost, treeSource?: TreeSource): Machine {
  const domains: DomainInput[] = [];
  for (const f of files) {
    if (f.fatal || f.ast.kind !== 'xml' || !f.ast.xml.root) continue;
    if (f.kind === 'domain' && f.ast.xml.root.name === 'domain') domains.push({ file: f, view: domainView(f.source.path, f.ast.xml.root) });
  }
  const host = buildHostModel(files, live);
  const present = new Set<InputKind>();
  if (domains.length > 0) present.add('domain');
  if (host.capabilities) present.add('capabilities');
  if (host.cmdlines.length > 0) present.add('cmdline');
  if (host.modprobe.effective.length > 0) present.add('modprobe');
  if (host.sysctl.effective.length > 0) present.add('sysctl');
  if (host.initramfs.length > 0) present.add('initramfs');
  if (live) present.add('live');
  if (live?.initramfs !== undefined && live.initramfsInputs !== undefined) present.add('initramfs-image');
  return { name, files, domains, host, tree: treeSource ? machineTree(treeSource, domains) : undefined, has: (input) => present.has(input) };
}

function machineTree(source: TreeSource, domains: readonly DomainInput[]): MachineTree {
  const asked = domains.flatMap((d) => romFilesNamed(d.view).map((f) => f.path));
  const found = asked.length > 0 ? source.lookUp(asked) : { isHost: false, states: new Map() };
  return { ...source.tree, isHost: found.isHost, state: (path) => found.states.get(path) ?? 'unknown' };
}
