import type { XmlDocument, XmlElement, XmlNode } from '../parsers/xml/index.js';
import type { DomNode } from './load.js';

/** DOM node types (W3C numbering) and the kind of our node each corresponds to. */
const CATEGORY: Record<number, XmlNode['type'] | undefined> = {
  1: 'element',
  3: 'text',
  4: 'cdata',
  7: 'pi',
  8: 'comment',
  10: 'doctype',
};

/**
 * Maps xmldom's nodes onto our tree's nodes, which carry exact source ranges.
 * Both trees come from the same text, so within one parent the n-th element is
 * the n-th element, the n-th comment the n-th comment, and so on. Children are
 * paired one parent at a time, when a query first reaches into that parent, so
 * a query that returns a few nodes costs a few walks down, not the whole tree.
 */
export class NodePairing {
  private readonly paired = new Map<DomNode, XmlNode | null>();
  private readonly expanded = new Set<DomNode>();

  constructor(
    private readonly dom: DomNode,
    private readonly xml: XmlDocument,
  ) {}

  /** Our node for a DOM node, or undefined when there is none (the document itself, or an unpaired node). */
  find(node: DomNode): XmlNode | undefined {
    if (node === this.dom) return undefined;
    const known = this.paired.get(node);
    if (known !== undefined) return known ?? undefined;
    // Walk up to the document or to a parent already expanded, then expand back down.
    const chain: DomNode[] = [];
    let at: DomNode | null = node;
    while (at && at !== this.dom && !this.paired.has(at)) {
      chain.push(at);
      at = at.parentNode;
    }
    if (!at) return undefined;
    for (let i = chain.length - 1; i >= 0; i--) {
      const parent = chain[i]!.parentNode!;
      if (!this.expanded.has(parent)) this.expand(parent);
    }
    return this.paired.get(node) ?? undefined;
  }

  private expand(domParent: DomNode): void {
    this.expanded.add(domParent);
    const ourParent = domParent === this.dom ? undefined : this.paired.get(domParent);
    const ourChildren: readonly XmlNode[] | undefined = domParent === this.dom ? this.xml.children : ourParent && ourParent.type === 'element' ? ourParent.children : undefined;
    const domChildren = Array.from(domParent.childNodes);
    if (!ourChildren) {
      for (const c of domChildren) this.paired.set(c, null);
      return;
    }
    const ours = group(ourChildren, (n) => n.type);
    const theirs = group(domChildren, (n) => CATEGORY[n.nodeType]);
    for (const [category, list] of theirs) {
      const mine = ours.get(category);
      // Counts differ only for text split differently around entities or CDATA; those stay unpaired.
      const same = mine !== undefined && mine.length === list.length && (category !== 'element' || list.every((d, i) => d.nodeName === (mine[i] as XmlElement).name));
      list.forEach((d, i) => this.paired.set(d, same ? mine[i]! : null));
    }
  }
}

function group<T>(items: ArrayLike<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
