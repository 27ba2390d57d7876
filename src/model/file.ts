import type { SourceFile } from '../core/source.js';
import type { ParseProblem } from '../core/problem.js';
import type { Range } from '../core/range.js';
import type { FileKind } from '../kinds/index.js';
import type { ParsedAst } from '../kinds/index.js';

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
