import type { SourceFile } from '../core/source.js';
import type { ParseProblem } from '../core/problem.js';
import type { Range } from '../core/range.js';
import type { DomainView } from '../domain/view.js';
import type { CapabilitiesView } from '../domain/capabilities.js';
import type { HostModel } from '../host/model.js';
import type { ParsedAst } from '../parsers/index.js';

/** What a rule can need. A rule whose required input is absent is skipped, never guessed. */
export type InputKind = 'domain' | 'capabilities' | 'cmdline' | 'modprobe' | 'sysctl' | 'initramfs';

export { FILE_KINDS, isXmlKind, type FileKind } from '../kinds/index.js';
import type { FileKind } from '../kinds/index.js';

/** A file as the engine sees it: decoded, classified and parsed, once. */
export interface ParsedFile {
  source: SourceFile;
  kind: FileKind;
  /**
   * Where the file sits on the machine it describes (`/etc/modprobe.d/vfio.conf`), which decides
   * precedence. For a file given on its own this is inferred from its path, or is its basename.
   */
  systemPath: string;
  ast: ParsedAst;
  problems: ParseProblem[];
  /** True when the file could not be understood: no rule reads it. */
  fatal: boolean;
  /** Every comment, for suppression directives. `body` is the text inside the comment markers. */
  comments: Array<Range & { body: string }>;
}

export interface DomainInput {
  file: ParsedFile;
  view: DomainView;
}

/** Everything known about one machine: its domains, its host configuration, its capabilities. */
export interface Machine {
  name: string | undefined;
  files: ParsedFile[];
  domains: DomainInput[];
  capabilities: { file: ParsedFile; view: CapabilitiesView } | undefined;
  host: HostModel;
  has(input: InputKind): boolean;
}
