import type { ParseProblem } from '../core/problem.js';
import type { CommentContext } from '../core/comments.js';

/** Which model a kind's parsed files feed: the domain model, the capabilities view, or the host model. */
export type Feeds = 'domain' | 'capabilities' | 'host';

/** A parser's result: its AST (tagged by `kind`), its problems, and every comment for suppression directives. */
export interface ParseOutput<A extends { kind: string } = { kind: string }> {
  ast: A;
  problems: ParseProblem[];
  comments: CommentContext[];
}

/**
 * What a content sniffer says about a text: how sure it is (0 to 1) and why,
 * in words a user can check (`9 of 9 lines are modprobe commands`).
 */
export interface Sniff {
  confidence: number;
  why: string;
}

/**
 * One kind of input file. Everything the rest of the program needs to know about
 * a kind is here: the registry derives the kind list, path classification,
 * content sniffing, parse dispatch and default places from these entries.
 */
export interface FileKindEntry<N extends string = string, A extends { kind: string } = { kind: string }> {
  shape: 'file';
  name: N;
  /** One line for `--help` and `--list-inputs`. */
  description: string;
  feeds: Feeds;
  /**
   * Where files of this kind sit on a system, as absolute path patterns (`*` only in the last
   * part), the most usual first. A dotfiles repo's copy matches by its trailing parts
   * (`hosts/desk/etc/modprobe.d/vfio.conf`, `modprobe.d/vfio.conf`, a top-level `mkinitcpio.conf`).
   */
  paths: readonly string[];
  /** XML kinds are decided by their root element, never by their path. */
  xmlRoot?: string;
  /** The directory a file of this kind stands in when its path does not say (`/etc/modprobe.d/`). */
  defaultDir: string;
  /** How much the text looks like this kind; undefined when not at all. Looks at most at the first 64 KiB. */
  sniff(text: string): Sniff | undefined;
  /** Parse a text as this kind. Never throws for bad input: problems say what is wrong. */
  parse(text: string): ParseOutput<A>;
}

/** What a directory-shaped kind is told about a folder when deciding whether it is one of its own. */
export interface FolderProbe {
  /** The folder's absolute path. */
  path: string;
  /** Is there an entry at this path relative to the folder (`proc/cmdline`, `sys/kernel`)? Never follows a link out of the folder. */
  has(rel: string): boolean;
}

/** A file a directory-shaped reader read, for reporting places: where it is, and its text. */
export interface FolderFile {
  /** Path relative to the folder, `/`-separated (`proc/cmdline`). */
  rel: string;
  text: string;
}

/** A directory-shaped kind's reading of one folder: its facts, the files they came from, and problems per file. */
export interface FolderRead<F = unknown> {
  facts: F;
  files: FolderFile[];
  problems: Array<{ rel: string; message: string }>;
}

/**
 * A kind of input that is a folder read as a whole (a snapshot of /proc and /sys
 * taken from a live host), not one file parsed on its own. Discovery hands the
 * whole folder to `read` and does not walk into it.
 */
export interface DirectoryKindEntry<N extends string = string, F = unknown> {
  shape: 'directory';
  name: N;
  description: string;
  feeds: Feeds;
  /** Is this folder one of this kind? From marker entries only (cheap: it runs on every folder a walk meets). */
  detect(folder: FolderProbe): Sniff | undefined;
  /** Read the folder. Bounded in what it reads; never throws for bad content. */
  read(folder: string): FolderRead<F>;
}
