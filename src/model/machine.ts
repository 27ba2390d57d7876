import type { DomainView } from '../domain/view.js';
import type { DomainFacts } from '../domain/facts.js';
import type { HostModel } from '../host/model.js';
import type { ParsedFile } from './file.js';
import type { MachineTree } from './tree.js';

export type { FileKind } from '../kinds/index.js';
export { FILE_KINDS, isXmlKind } from '../kinds/index.js';
export type { ParsedFile } from './file.js';

/** What a rule can need. A rule whose required input is absent is skipped, never guessed. */
/** `initramfs-image`: the running host's initramfs images and the times of the files that go into them (`--live`, a snapshot of format 2). */
export type InputKind = 'domain' | 'capabilities' | 'cmdline' | 'modprobe' | 'sysctl' | 'initramfs' | 'live' | 'initramfs-image';

/** A parsed domain, as a domain rule gets it: its file (with the tree) and its typed view. */
export interface DomainInput {
  file: ParsedFile;
  view: DomainView;
}

/**
 * Everything known about one machine: its domains and its host (configuration and capabilities).
 * A domain's tree lives only while the domain rules run on it (issue 21): what the machine keeps
 * of each domain is its facts.
 */
export interface Machine {
  name: string | undefined;
  /** The parsed files other than domains: host configuration and capabilities. */
  files: ParsedFile[];
  /** Each domain's facts (values and places; src/domain/facts.ts), in input order. */
  domains: DomainFacts[];
  host: HostModel;
  /** The host tree the machine was given as, with what it holds at the paths its domains name; undefined without one (files given alone, a snapshot, the browser). */
  tree: MachineTree | undefined;
  has(input: InputKind): boolean;
}
