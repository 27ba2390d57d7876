/**
 * XPath queries over a parsed domain or capabilities XML, for custom rules.
 *
 *   import { selectNodes } from 'vfio-lint';
 *   for (const m of selectNodes(ctx.domain!, "//hostdev[@type='pci']/source/address/@bus")) {
 *     if (m.value === '0x00') ctx.report({ messageId: 'rootBus', at: m.loc });
 *   }
 *
 * The query runs on an @xmldom/xmldom DOM of the same text (the packages are
 * loaded on the first query, never before), and every node it returns is
 * mapped back to our tree, so `loc` is an exact range a finding or a fix can use.
 * One query costs about twice a parse; the built-in rules walk the tree instead.
 */
import { attr, textContent, type XmlAttribute, type XmlDocument, type XmlElement, type XmlNode } from '../parsers/xml/index.js';
import type { ParsedFile } from '../model/machine.js';
import type { Loc } from '../core/range.js';
import { loadXPathLibs, XPathError, type DomNode, type XPathLibs } from './load.js';
import { NodePairing } from './pair.js';

export { XPathError };

export interface XPathMatch {
  type: 'element' | 'attribute' | 'text' | 'cdata' | 'comment' | 'pi' | 'doctype' | 'document';
  /** Element or attribute name as written (with any prefix), or a PI's target. */
  name: string | undefined;
  /** The XPath string value: an attribute's value, a text's characters, an element's text content. */
  value: string;
  /** The element matched; for an attribute its owner; for text, comments and PIs their parent. */
  element: XmlElement | undefined;
  attribute: XmlAttribute | undefined;
  /** Our node, with exact ranges (undefined for attributes and the document). */
  node: XmlNode | undefined;
  /** Where a finding should point: an element's start tag, a whole attribute, a text's characters. */
  loc: Loc;
  /** What a fix replaces: an attribute's value inside the quotes, an element's content between its tags, a text's characters. */
  valueLoc: Loc | undefined;
}

export type XPathValue = XPathMatch[] | string | number | boolean;

export interface XPathOptions {
  /**
   * Prefixes for namespaced names, e.g. `{ qemu: 'http://libvirt.org/schemas/domain/qemu/1.0' }`.
   * The `xmlns:` declarations on the root element are known without this.
   */
  namespaces?: Record<string, string>;
  /** Values for `$name` variables in the expression. */
  variables?: Record<string, string | number | boolean>;
}

/** A domain (`ctx.domain`), the capabilities file (`ctx.machine.host.capabilitiesFile`), or any parsed XML file. */
export type XPathTarget = ParsedFile | { file: ParsedFile };

interface Prepared {
  dom: DomNode;
  pairing: NodePairing;
  namespaces: Record<string, string>;
}

const prepared = new WeakMap<XmlDocument, Prepared>();
const compiled = new Map<string, ReturnType<XPathLibs['xpath']['parse']>>();
const MAX_COMPILED = 256;

/** Evaluate an expression; node-sets come back as matches in document order, other results as they are. */
export function evaluateXPath(target: XPathTarget, expression: string, options: XPathOptions = {}): XPathValue {
  const file = 'file' in target ? target.file : target;
  if (file.ast.kind !== 'xml' || file.fatal || !file.ast.xml.root) throw new XPathError(`${file.source.path}: XPath needs an XML file that parsed (this is ${file.kind}${file.fatal ? ', and it did not parse' : ''})`);
  const xml = file.ast.xml;
  const libs = loadXPathLibs();
  const prep = prepare(libs, xml, file.source.text, file.source.path);
  const expr = compile(libs, expression);
  let result: unknown;
  try {
    result = expr.evaluate({ node: prep.dom, namespaces: { ...prep.namespaces, ...options.namespaces }, ...(options.variables ? { variables: options.variables } : {}) } as { node: DomNode; namespaces?: Record<string, string> });
  } catch (err) {
    throw new XPathError(`XPath ${JSON.stringify(expression)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const r = result as { toArray?: () => DomNode[]; numberValue?: () => number; booleanValue?: () => boolean; stringValue?: () => string; constructor: unknown };
  const x = libs.xpath as unknown as Record<string, unknown>;
  if (r.constructor === x.XNodeSet) return r.toArray!().map((n) => toMatch(n, prep.pairing, file));
  if (r.constructor === x.XNumber) return r.numberValue!();
  if (r.constructor === x.XBoolean) return r.booleanValue!();
  return r.stringValue!();
}

/** Evaluate an expression that selects nodes. Throws `XPathError` when it yields a string, number or boolean. */
export function selectNodes(target: XPathTarget, expression: string, options: XPathOptions = {}): XPathMatch[] {
  const value = evaluateXPath(target, expression, options);
  if (!Array.isArray(value)) throw new XPathError(`XPath ${JSON.stringify(expression)} gives a ${typeof value}, not nodes; use evaluateXPath for values`);
  return value;
}

function prepare(libs: XPathLibs, xml: XmlDocument, text: string, path: string): Prepared {
  const have = prepared.get(xml);
  if (have) return have;
  let dom: DomNode;
  try {
    // Our parser has already accepted this text, so xmldom's complaints can only be about what it is stricter on.
    dom = new libs.DOMParser({ onError: () => undefined }).parseFromString(text, 'text/xml');
  } catch (err) {
    throw new XPathError(`${path}: the XPath helper could not read this XML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const namespaces: Record<string, string> = {};
  for (const a of xml.root!.attributes) if (a.name.startsWith('xmlns:')) namespaces[a.name.slice(6)] = a.value;
  const p: Prepared = { dom, pairing: new NodePairing(dom, xml), namespaces };
  prepared.set(xml, p);
  return p;
}

function compile(libs: XPathLibs, expression: string) {
  let expr = compiled.get(expression);
  if (expr) return expr;
  try {
    expr = libs.xpath.parse(expression);
  } catch (err) {
    throw new XPathError(`XPath ${JSON.stringify(expression)} does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(expression, expr);
  return expr;
}

function toMatch(n: DomNode, pairing: NodePairing, file: ParsedFile): XPathMatch {
  const path = file.source.path;
  const at = (start: number, end: number): Loc => ({ path, start, end });
  const whole = at(0, file.source.text.length);
  if (n.nodeType === 2) {
    const owner = n.ownerElement ? pairing.find(n.ownerElement) : undefined;
    const element = owner?.type === 'element' ? owner : undefined;
    const a = element ? attr(element, n.nodeName) : undefined;
    return {
      type: 'attribute',
      name: n.nodeName,
      value: a?.value ?? n.nodeValue ?? '',
      element,
      attribute: a,
      node: undefined,
      loc: a ? at(a.start, a.end) : element ? at(element.start, element.startTagEnd) : whole,
      valueLoc: a ? at(a.valueStart, a.valueEnd) : undefined,
    };
  }
  if (n.nodeType === 9) return { type: 'document', name: undefined, value: n.documentElement?.textContent ?? '', element: undefined, attribute: undefined, node: undefined, loc: whole, valueLoc: whole };
  const ours = pairing.find(n);
  if (ours?.type === 'element') {
    return {
      type: 'element',
      name: ours.name,
      value: textContent(ours),
      element: ours,
      attribute: undefined,
      node: ours,
      loc: at(ours.start, ours.startTagEnd),
      valueLoc: at(ours.startTagEnd, ours.endTagStart),
    };
  }
  const type = ({ 3: 'text', 4: 'cdata', 7: 'pi', 8: 'comment', 10: 'doctype' } as const)[n.nodeType as 3] ?? 'text';
  if (ours) {
    const value = ours.type === 'text' || ours.type === 'cdata' || ours.type === 'comment' || ours.type === 'doctype' ? ours.value : ours.type === 'pi' ? ours.body : '';
    return { type, name: ours.type === 'pi' ? ours.target : undefined, value, element: ours.parent, attribute: undefined, node: ours, loc: at(ours.start, ours.end), valueLoc: valueRange(ours, at) };
  }
  // A node without a counterpart (text split differently): point at its parent element.
  const parent = n.parentNode ? pairing.find(n.parentNode) : undefined;
  const element = parent?.type === 'element' ? parent : undefined;
  return { type, name: undefined, value: n.nodeValue ?? '', element, attribute: undefined, node: undefined, loc: element ? at(element.start, element.startTagEnd) : whole, valueLoc: undefined };
}

function valueRange(node: XmlNode, at: (start: number, end: number) => Loc): Loc {
  switch (node.type) {
    case 'cdata':
      return at(node.start + 9, node.end - 3);
    case 'comment':
      return at(node.start + 4, node.end - 3);
    default:
      return at(node.start, node.end);
  }
}
