import { existsSync, lstatSync, realpathSync as realpathJs, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { KINDS, type FileKind } from '../kinds/index.js';
import { classifyText } from '../model/classify.js';
import { SNIFF_BYTES } from '../host/discover.js';
import { describeFsError, notRegularReason, readPrefix } from '../io/read.js';
import { decodeHead } from '../io/sniff.js';
import { parseXml } from '../parsers/xml/index.js';
import { matchesAny } from '../config/glob.js';
import { expandPaths } from '../config/expand.js';
import { walkFolder, type FolderInput, type IgnoreSource, type InputFile, type SkippedInput } from './walk.js';
import { groupMachines, type Grouping } from './group.js';
import { nameError } from '../core/errors.js';
import { idOf, type Confinement } from '../io/confinement.js';
import { holdDirs } from '../io/confined.js';

// One realpath(3) call instead of an lstat per path component; same result on the systems we run on.
const realpathSync = realpathJs.native;

export type { InputFile, SkippedInput, FolderInput } from './walk.js';

export interface InputProblem {
  path: string;
  message: string;
}

export interface CollectedInputs {
  files: InputFile[];
  /** Files that exist but cannot be used (unreadable, a dangling link...): reported as fatal findings. */
  unusable: InputProblem[];
  /** Files passed over, with the reason (`--list-inputs`; those with `note` are mentioned on every run). */
  skipped: SkippedInput[];
  /** Folders read as a whole by a directory-shaped kind. */
  folders: FolderInput[];
}

/** One machine's inputs: a name when a folder was split into several, and how it was grouped. */
export interface CollectedMachine extends CollectedInputs {
  name: string | undefined;
}

export interface CollectedRun {
  machines: CollectedMachine[];
  /** How each folder that held several machines was split, in words. */
  groupings: string[];
}

/** Kinds the user gave to files by pattern: `--kind KIND=GLOB` (relative to cwd) and the config's `files` (relative to the config). */
export interface KindPattern {
  kind: FileKind;
  patterns: readonly string[];
  base: string;
}

export interface CollectOptions {
  /** Read every file given as this kind (`--kind KIND`). */
  kind?: FileKind;
  kindPatterns?: readonly KindPattern[];
  cwd?: string;
  /** The config's `ignores`, relative to its folder. */
  ignores?: readonly IgnoreSource[];
  /** How folders are split into machines (the config's `group`). */
  group?: Grouping;
}

/** A command-line mistake: a path that does not exist. The CLI prints it and exits 2. */
export class InputError extends Error {}
nameError(InputError, 'InputError');

/**
 * Turn paths into machines' inputs. A folder is walked at any depth and its
 * files classified by path, then content (see walk.ts); a folder that holds
 * several machines (`hosts/desk`, `hosts/lab`) gives one machine each (see
 * group.ts). Files named one by one, and folders that are one machine, make one
 * machine together.
 */
export function collectMachines(paths: readonly string[], options: CollectOptions = {}): CollectedRun {
  // Files named in one directory (a glob, a machines config) are read from it opened once (io/confined.ts).
  return holdDirs(() => collectHeld(paths, options));
}

function collectHeld(paths: readonly string[], options: CollectOptions): CollectedRun {
  const cwd = options.cwd ?? process.cwd();
  const main: CollectedMachine = { name: undefined, files: [], unusable: [], skipped: [], folders: [] };
  const others: CollectedMachine[] = [];
  const groupings: string[] = [];
  const seen = new Set<string>();
  const add = (m: CollectedMachine, f: InputFile) => {
    if (seen.has(f.realPath)) return;
    seen.add(f.realPath);
    m.files.push(f);
  };
  const kindFor = kindLookup(options.kindPatterns ?? []);

  // A glob in a machines config names many files in few directories: one realpath per directory,
  // and each file that is not itself a link is its directory's real path plus its name. Linux only:
  // on macOS and Windows realpath also gives the name its on-disk case (VM.xml and vm.xml are one file).
  const realDirs = new Map<string, string>();
  const realPathOf = (abs: string, link: boolean): string => {
    if (link || process.platform !== 'linux') return realpathSync(abs);
    const dir = dirname(abs);
    let real = realDirs.get(dir);
    if (real === undefined) realDirs.set(dir, (real = realpathSync(dir)));
    return join(real, basename(abs));
  };

  for (const given of expandGlobs(paths, cwd)) {
    const abs = resolve(cwd, given);
    let st;
    let link: boolean;
    try {
      st = lstatSync(abs, { bigint: true });
      link = st.isSymbolicLink();
      if (link) st = statSync(abs, { bigint: true });
    } catch (err) {
      throw new InputError(`${given}: ${describeFsError(err)}`);
    }
    if (st.isDirectory()) {
      const walk = walkFolder(abs, { ignores: options.ignores, kindFor: options.kind ? () => options.kind : kindFor });
      main.unusable.push(...walk.problems);
      main.skipped.push(...walk.skipped);
      main.folders.push(...walk.folders);
      if (walk.files.length === 0 && walk.folders.length === 0 && walk.problems.length === 0) {
        main.unusable.push({ path: abs, message: `holds no file vfio-lint reads (${walk.skipped.length} passed over; --list-inputs says why)` });
        continue;
      }
      const grouped = groupMachines(walk.files, options.group ?? 'auto');
      if (grouped.groups.length === 1) {
        for (const f of grouped.groups[0]!.files) add(main, f);
        continue;
      }
      groupings.push(`${given}: ${grouped.how}`);
      for (const g of grouped.groups) {
        const m: CollectedMachine = { name: g.root === '.' ? `${given} (other files)` : g.root === '' ? given : join(given, g.root), files: [], unusable: [], skipped: [], folders: [] };
        for (const f of g.files) add(m, f);
        others.push(m);
      }
      continue;
    }
    const notRegular = notRegularReason(st);
    if (notRegular) {
      main.unusable.push({ path: abs, message: notRegular });
      continue;
    }
    // A file named on the command line is read, and fixed, where it really is: the user pointed at it.
    let real: string;
    let confine: Confinement;
    try {
      real = realPathOf(abs, link);
      // Read where it is now, and only if it is still the file looked at here (not a link: the lstat above
      // looked at it; the real path is its directory's real path and its name).
      confine = { within: dirname(real), id: idOf(link ? statSync(real, { bigint: true }) : st) };
    } catch (err) {
      main.unusable.push({ path: abs, message: describeFsError(err) });
      continue;
    }
    const named = options.kind ?? kindFor(abs);
    if (named) {
      add(main, { realPath: real, displayPath: abs, systemPath: KINDS.placeOf(named, abs), kind: named, masked: false, why: `named ${named} by --kind or the config's files`, confine });
      continue;
    }
    const c = classifyNamedFile(abs, real, confine);
    if ('problem' in c) main.unusable.push({ path: abs, message: c.problem });
    else if ('skip' in c) main.skipped.push({ path: abs, reason: `${c.skip}; name its kind with --kind KIND=${given}`, note: true });
    else add(main, { realPath: real, displayPath: abs, systemPath: c.systemPath, kind: c.kind, masked: false, why: c.why, confine });
  }
  const machines = main.files.length + main.unusable.length + main.folders.length > 0 || others.length === 0 ? [main, ...others] : others;
  // Skipped files are told once, with the first machine.
  if (machines[0] !== main) machines[0]!.skipped.push(...main.skipped);
  return { machines, groupings };
}

/**
 * Paths as given, with a quoted glob (`'hosts/*\/etc'`, `'vms/*.xml'`) that names no file
 * as it stands expanded here, as the shell would have: the files it matches, in order.
 */
function expandGlobs(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const given of paths) {
    if (!/[*?[{]/.test(given) || existsSync(resolve(cwd, given))) {
      out.push(given);
      continue;
    }
    const expanded = expandPaths([given], cwd, { folders: true });
    if (expanded.paths.length === 0) throw new InputError(`${given}: no file or folder matches this pattern`);
    out.push(...expanded.paths);
  }
  return out;
}

/** Everything given as one machine (a library call, the config's machines): folders are not split. */
export function collectInputs(paths: readonly string[], options: CollectOptions = {}): CollectedInputs {
  const run = collectMachines(paths, { ...options, group: 'one' });
  const m = run.machines[0]!;
  return { files: m.files, unusable: m.unusable, skipped: m.skipped, folders: m.folders };
}

/** A lone file's kind and place, or why it is passed over (a readable file is never an error), or why it cannot be read. */
function classifyNamedFile(abs: string, real: string, confine: Confinement): { kind: FileKind; systemPath: string; why: string } | { skip: string } | { problem: string } {
  const read = readPrefix(real, SNIFF_BYTES, confine);
  if (!read.ok) return { problem: read.message };
  const text = decodeHead(read.bytes, read.bytes.length < SNIFF_BYTES);
  if (text === undefined) {
    // Not text: an XML file is still handed to the parser, which says where the encoding breaks.
    return abs.endsWith('.xml') ? { kind: 'domain', systemPath: KINDS.placeOf('domain', abs), why: 'an .xml file that is not valid text: read as a domain so the error is shown' } : { skip: 'not UTF-8 or UTF-16 text' };
  }
  const c = classifyText(abs, text, { named: true });
  if (!c.ok) {
    // An XML file named by the user that is not well-formed may be a broken domain: the parse says what is wrong.
    const xml = abs.endsWith('.xml') || text.trimStart().startsWith('<');
    if (xml && !/<(network|networkport|pool|volume|secret|nwfilter|nwfilterbinding|interface|device|domainsnapshot|domaincheckpoint|domainbackup|storagepoolCapabilities|domainCapabilities)>/.test(c.why) && parseXml(text).problems.some((p) => p.severity === 'fatal')) {
      return { kind: 'domain', systemPath: KINDS.placeOf('domain', abs), why: 'an XML file that does not parse: read as a domain so the parse errors are shown' };
    }
    return { skip: c.why };
  }
  return { kind: c.classification.kind, systemPath: KINDS.placeOf(c.classification.kind, abs), why: c.classification.why };
}

function kindLookup(patterns: readonly KindPattern[]): (abs: string) => FileKind | undefined {
  if (patterns.length === 0) return () => undefined;
  return (abs) => {
    // The last pattern that matches wins, as with the config's overrides.
    let kind: FileKind | undefined;
    for (const p of patterns) if (matchesAny(relative(p.base, abs).replaceAll('\\', '/'), p.patterns)) kind = p.kind;
    return kind;
  };
}

/**
 * A lone file's place on the machine: the system part of its path, as in a
 * dotfiles repo's `hosts/desk/etc/...` or `modprobe.d/x.conf`; else the kind's
 * usual directory.
 */
export function systemPathOf(abs: string, kind: FileKind): string {
  return KINDS.placeOf(kind, abs);
}
