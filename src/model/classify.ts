import { ACCEPT_CONFIDENCE, NAMED_CONFIDENCE, KINDS, percent, xmlRootName, type Classification, type FileKind, type Registry } from '../kinds/index.js';

export { xmlRootName };

/**
 * Decide what a file is from where it sits, when the path alone is sure. `path`
 * may be a system path (`/etc/modprobe.d/vfio.conf`) or a path in a dotfiles repo
 * (`hosts/desk/etc/modprobe.d/vfio.conf`, `modprobe.d/vfio.conf`): only the
 * trailing parts count. A path that only half says it (`grub`) needs the content:
 * see `classifyText`. XML is decided by its root element, not its name.
 */
export function classifyByPath(path: string): FileKind | undefined {
  const c = KINDS.byPath(path);
  return c && !c.needsContent ? c.kind : undefined;
}

/** `domain` or `capabilities` from the root element's name, without a full parse. */
export function classifyXml(text: string): FileKind | undefined {
  const root = xmlRootName(text);
  return KINDS.files.find((e) => e.xmlRoot !== undefined && e.xmlRoot === root)?.name;
}

/** The kind a text looks like when it is sure enough to act on without being asked. */
export function classifyByContent(text: string): FileKind | undefined {
  const c = KINDS.byContent(text);
  return c && c.confidence >= ACCEPT_CONFIDENCE ? c.kind : undefined;
}

export type TextClassification<N extends string = FileKind> = { ok: true; classification: Classification<N> } | { ok: false; why: string; best?: Classification<N> };

/**
 * The one way a file's kind is decided, with the reason: XML by its root element;
 * else its path; else a path that half says it (`grub`, `default/grub`) when the
 * content agrees; else its content alone, when the sniffer is sure enough.
 * `named` files (given one by one by the user) are taken on weaker content
 * evidence than files met in a folder walk. `text` is the file's first 64 KiB.
 */
export function classifyText<N extends string = FileKind>(path: string, text: string, options: { named?: boolean; registry?: Registry<N> } = {}): TextClassification<N> {
  const registry = (options.registry ?? KINDS) as Registry<N>;
  const p = path.replaceAll('\\', '/');
  if (p.endsWith('.xml') || text.trimStart().startsWith('<')) {
    const root = xmlRootName(text);
    const entry = registry.files.find((e) => e.xmlRoot !== undefined && e.xmlRoot === root);
    if (entry) return { ok: true, classification: { kind: entry.name, by: 'content', confidence: 1, why: `its root element is <${root}>` } };
    return { ok: false, why: root === undefined ? 'an XML file whose root element cannot be read' : `an XML file whose root element <${root}> is neither a libvirt domain nor capabilities` };
  }
  const byPath = registry.byPath(p);
  if (byPath && !byPath.needsContent) return { ok: true, classification: byPath };
  if (byPath) {
    const sniff = registry.confirm(byPath.kind, text);
    if (sniff) return { ok: true, classification: { kind: byPath.kind, by: 'path+content', confidence: Math.max(byPath.confidence, sniff.confidence), why: `${byPath.why}, and its content agrees: ${sniff.why}`, systemPath: byPath.systemPath, matchedParts: byPath.matchedParts, pathStrength: byPath.pathStrength } };
  }
  const byContent = registry.byContent(text);
  const needed = options.named ? NAMED_CONFIDENCE : ACCEPT_CONFIDENCE;
  if (byContent && byContent.confidence >= needed) return { ok: true, classification: byContent };
  const pathNote = byPath ? `${byPath.why} but its content does not look like ${byPath.kind}; ` : '';
  if (byContent) return { ok: false, why: `${pathNote}its content looks only partly like ${byContent.kind} (${byContent.why.replace(/^its content: /, '')}, below the ${percent(needed)} needed)`, best: byContent };
  return { ok: false, why: `${pathNote}nothing in its name or content says what kind of file it is` };
}
