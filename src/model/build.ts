import { domainView } from '../domain/view.js';
import { domainFacts, type DomainFacts } from '../domain/facts.js';
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

/**
 * A machine whose domains come one at a time (issue 21: a domain's tree dies once its domain rules
 * have run). `machine` has the host model from the start; each `addDomain` adds the domain's facts
 * to `machine.domains` and gives the view, whose tree the caller keeps only while it needs it.
 */
export interface MachineBuilder {
  machine: Machine;
  /** The domain of a parsed domain file; undefined when the file holds none (it did not parse, or its root is not `<domain>`). */
  addDomain(file: ParsedFile): DomainInput | undefined;
}

/** Start a machine from its files other than domains (host configuration, capabilities), and the running host's facts when given. */
export function startMachine(files: ParsedFile[], name?: string, live?: LiveHost, treeSource?: TreeSource): MachineBuilder {
  const domains: DomainFacts[] = [];
  const host = buildHostModel(files, live);
  const present = new Set<InputKind>();
  if (host.capabilities) present.add('capabilities');
  if (host.cmdlines.length > 0) present.add('cmdline');
  if (host.modprobe.effective.length > 0) present.add('modprobe');
  if (host.sysctl.effective.length > 0) present.add('sysctl');
  if (host.initramfs.length > 0) present.add('initramfs');
  if (live) present.add('live');
  if (live?.initramfs !== undefined && live.initramfsInputs !== undefined) present.add('initramfs-image');
  const tree = treeSource && machineTree(treeSource);
  const machine: Machine = {
    name,
    files,
    domains,
    host,
    tree: tree?.tree,
    has: (input) => (input === 'domain' ? domains.length > 0 : present.has(input)),
  };
  return {
    machine,
    addDomain(file) {
      if (file.fatal || file.ast.kind !== 'xml' || !file.ast.xml.root || file.kind !== 'domain' || file.ast.xml.root.name !== 'domain') return undefined;
      const view = domainView(file.source.path, file.ast.xml.root);
      tree?.ask(romFilesNamed(view).map((f) => f.path));
      domains.push(domainFacts(file.source, file.systemPath, view));
      return { file, view };
    },
  };
}

/** A whole machine at once, keeping every domain's view (the topology map reads them; a lint streams them instead). */
export function buildMachine(files: ParsedFile[], name?: string, live?: LiveHost, treeSource?: TreeSource): { machine: Machine; domains: DomainInput[] } {
  const builder = startMachine(files.filter((f) => f.kind !== 'domain'), name, live, treeSource);
  const domains: DomainInput[] = [];
  for (const f of files) {
    const d = f.kind === 'domain' ? builder.addDomain(f) : undefined;
    if (d) domains.push(d);
  }
  return { machine: builder.machine, domains };
}

/** The tree and what it holds at the paths the domains name, asked as each domain comes (each path once: the source remembers). */
function machineTree(source: TreeSource): { tree: MachineTree; ask(paths: readonly string[]): void } {
  let found: TreeLookup = { isHost: false, states: new Map() };
  const tree: MachineTree = {
    ...source.tree,
    get isHost() {
      return found.isHost;
    },
    state: (path) => found.states.get(path) ?? 'unknown',
  };
  return {
    tree,
    ask(paths) {
      if (paths.length > 0) found = source.lookUp(paths);
    },
  };
}
