import type { ParseProblem } from '../../core/problem.js';
import type { Range } from '../../core/range.js';
import type { Comment, KernelParam, Token } from '../cmdline/types.js';

/**
 * A module name (or alias pattern) as written. `text` is what kmod reads after line joining;
 * `name` is kmod's normalized form ('-' -> '_' outside `[...]`), the one to compare.
 */
export interface ModuleRef extends Token {
  name: string;
}

interface CommandBase extends Range {
  /** The first word (`options`, `blacklist`, ..., or whatever unknown word stands there). */
  keyword: Token;
  /** kmod keeps this line (false when it logs "ignoring bad line" or drops it otherwise). */
  accepted: boolean;
}

export interface AliasCommand extends CommandBase {
  type: 'alias';
  pattern: ModuleRef | undefined;
  module: ModuleRef | undefined;
  /** Words after the module: kmod ignores them. */
  extra: Token[];
}

export interface BlacklistCommand extends CommandBase {
  type: 'blacklist';
  module: ModuleRef | undefined;
  extra: Token[];
}

export interface OptionsCommand extends CommandBase {
  type: 'options';
  module: ModuleRef | undefined;
  /** The option string exactly as kmod hands it on (everything after the module name's delimiter). */
  args: Token | undefined;
  /** `args` tokenized the way the kernel tokenizes module parameters. */
  params: KernelParam[];
}

export interface CommandLineCommand extends CommandBase {
  type: 'install' | 'remove';
  module: ModuleRef | undefined;
  /** The shell command, exactly as kmod runs it. */
  command: Token | undefined;
}

export interface SoftdepCommand extends CommandBase {
  type: 'softdep';
  module: ModuleRef | undefined;
  pre: ModuleRef[];
  post: ModuleRef[];
  /** Module words before the first `pre:`/`post:`: kmod ignores them. */
  unused: ModuleRef[];
  /** The `pre:` and `post:` words. */
  markers: Token[];
}

export interface WeakdepCommand extends CommandBase {
  type: 'weakdep';
  module: ModuleRef | undefined;
  deps: ModuleRef[];
}

/** `include`/`config`: kmod no longer parses them. */
export interface DeprecatedCommand extends CommandBase {
  type: 'deprecated';
  accepted: false;
}

/** Any other first word, `#` on an indented line included. */
export interface UnknownCommand extends CommandBase {
  type: 'unknown';
  accepted: false;
}

export type ModprobeCommand =
  | AliasCommand
  | BlacklistCommand
  | OptionsCommand
  | CommandLineCommand
  | SoftdepCommand
  | WeakdepCommand
  | DeprecatedCommand
  | UnknownCommand;

export interface ModprobeFile {
  kind: 'modprobe';
  /** One per logical line that is not empty or a comment; `start`/`end` span the physical lines. */
  commands: ModprobeCommand[];
  /**
   * Column-0 comments, plus indented `#` lines (kmod rejects those as bad lines, but they are
   * still comments to the person who wrote them, and may hold suppression directives).
   * `body` is the logical text after '#' (a comment ending in '\' swallows the next line).
   */
  comments: Comment[];
  problems: ParseProblem[];
}
