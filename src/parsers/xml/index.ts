/**
 * libvirt domain and capabilities XML: a strict, never-throwing parser (a
 * direct scanner, with saxes for everything it declines) that yields a tree
 * with exact source ranges, plus the small lookups rules use on it.
 *
 * - `parseXml(text)`: the tree and at most one fatal problem (`xml-malformed`,
 *   `xml-entity`, `xml-empty`, `xml-no-root`). Pass the text with its BOM removed.
 * - `attr`, `childElements`, `firstChild`, `path`, `textContent`, `walkElements`:
 *   non-recursive queries.
 * - `indentOf(text, node)`: the indentation of a node's line, for inserting siblings.
 */
export { parseXml } from './parse.js';
export { attr, childElements, firstChild, path, textContent, walkElements, indentOf } from './query.js';
export type { XmlAttribute, XmlElement, XmlText, XmlCData, XmlComment, XmlPI, XmlDoctype, XmlNode, XmlDocument } from './types.js';
