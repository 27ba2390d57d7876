import { betterMatch, libvirtPlace, matchPattern, normalParts, type PathMatch, type PathStrength } from './paths.js';
import { ACCEPT_CONFIDENCE, CONFIRM_CONFIDENCE } from './sniff.js';
import type { DirectoryKindEntry, FileKindEntry, FolderProbe, ParseOutput, Sniff } from './types.js';

/** A classification and the reason for it, in words for `--list-inputs`. */
export interface Classification<N extends string = string> {
  kind: N;
  /** `path`: decided by where the file sits; `content`: by what it holds; `path+content`: a path that half said it, confirmed by the content. */
  by: 'path' | 'content' | 'path+content';
  /** 0 to 1; 1 for a full system path or an XML root element. */
  confidence: number;
  why: string;
  /** The file's place on the machine, when its path says (else the kind's default directory and its name). */
  systemPath?: string;
  /** How many trailing parts of the path (as `normalParts` reads it) the path pattern matched, and how telling they were. */
  matchedParts?: number;
  pathStrength?: PathStrength;
}

export interface Registry<N extends string = string> {
  readonly files: ReadonlyArray<FileKindEntry<N>>;
  readonly directories: readonly DirectoryKindEntry[];
  /** Every file kind's name, in registry order. */
  readonly names: readonly N[];
  get(name: string): FileKindEntry<N> | undefined;
  isName(name: string): name is N;
  /**
   * A file's kind from its path alone: a full system path, or a telling folder or
   * name. `needsContent` is set when the path only half says it (`grub`,
   * `default/grub`): `confirm` must agree before it counts.
   */
  byPath(path: string): (Classification<N> & { needsContent: boolean }) | undefined;
  /** The kind a text most looks like, with its confidence; undefined when nothing fits at all. */
  byContent(text: string): Classification<N> | undefined;
  /** Where a file of `kind` at `path` sits on its machine: its path's system part, else the kind's default directory. */
  placeOf(kind: N, path: string): string;
  /** Does the content agree with a half-sure path? */
  confirm(kind: N, text: string): Sniff | undefined;
  /** Parse a text as `kind` with that kind's parser. */
  parse(kind: N, text: string): ParseOutput;
  /** The directory-shaped kind a folder is, if any (confidence at least ACCEPT_CONFIDENCE). */
  directoryKind(folder: FolderProbe): { entry: DirectoryKindEntry; sniff: Sniff } | undefined;
}

/** Build a registry from kind entries. The built-in one is in index.ts; tests and plugins may build their own. */
export function createRegistry<const E extends ReadonlyArray<FileKindEntry<string, { kind: string }>>>(files: E, directories: readonly DirectoryKindEntry[] = []): Registry<E[number]['name']> {
  type N = E[number]['name'];
  const byName = new Map<string, FileKindEntry<N>>(files.map((e) => [e.name, e as FileKindEntry<N>]));
  if (byName.size !== files.length) throw new Error('two file kinds have the same name');
  for (const d of directories) if (byName.has(d.name)) throw new Error(`the kind name "${d.name}" is used twice`);
  const pathEntries = files.filter((e) => e.paths.length > 0);
  const registry: Registry<N> = {
    files: files as unknown as ReadonlyArray<FileKindEntry<N>>,
    directories,
    names: files.map((e) => e.name),
    get: (name) => byName.get(name),
    isName: (name): name is N => byName.has(name),
    byPath(path) {
      const parts = normalParts(path);
      let best: { entry: FileKindEntry<N>; match: PathMatch } | undefined;
      for (const entry of pathEntries) {
        for (const pattern of entry.paths) {
          const match = matchPattern(parts, pattern);
          if (match && betterMatch(best?.match, match) === match && match !== best?.match) best = { entry: entry as FileKindEntry<N>, match };
        }
      }
      if (!best) return undefined;
      const { entry, match } = best;
      const shown = match.strength === 'system' ? `its path matches ${match.pattern}` : match.parts >= 2 ? `its folder and name match ${match.pattern}` : `its name matches ${match.pattern}`;
      return { kind: entry.name, by: 'path', confidence: match.strength === 'system' ? 1 : match.strength === 'folder' ? 0.9 : 0.5, why: shown, systemPath: match.systemPath, matchedParts: match.parts, pathStrength: match.strength, needsContent: match.strength === 'name' };
    },
    placeOf(kind, path) {
      const entry = byName.get(kind);
      const parts = normalParts(path);
      const name = parts.at(-1) ?? path;
      if (!entry) return `/${name}`;
      if (entry.xmlRoot !== undefined) return libvirtPlace(path.replaceAll('\\', '/').split('/').filter((p) => p !== ''))?.place ?? `/${name}`;
      let best: PathMatch | undefined;
      for (const pattern of entry.paths) best = betterMatch(best, matchPattern(parts, pattern));
      return best?.systemPath ?? `${entry.defaultDir}${name}`;
    },
    byContent(text) {
      let best: { entry: FileKindEntry<N>; sniff: Sniff } | undefined;
      for (const entry of files) {
        const sniff = entry.sniff(text);
        if (sniff && (!best || sniff.confidence > best.sniff.confidence)) best = { entry: entry as FileKindEntry<N>, sniff };
      }
      if (!best) return undefined;
      return { kind: best.entry.name, by: 'content', confidence: best.sniff.confidence, why: `its content: ${best.sniff.why} (confidence ${percent(best.sniff.confidence)})` };
    },
    confirm(kind, text) {
      const sniff = byName.get(kind)?.sniff(text);
      return sniff && sniff.confidence >= CONFIRM_CONFIDENCE ? sniff : undefined;
    },
    parse(kind, text) {
      const entry = byName.get(kind);
      if (!entry) throw new Error(`no parser for the kind "${kind}"`);
      return entry.parse(text);
    },
    directoryKind(folder) {
      for (const entry of directories) {
        const sniff = entry.detect(folder);
        if (sniff && sniff.confidence >= ACCEPT_CONFIDENCE) return { entry, sniff };
      }
      return undefined;
    },
  };
  return registry;
}

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}
