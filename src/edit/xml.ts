import { indentOf, type XmlAttribute, type XmlElement } from '../parsers/xml/index.js';
import type { TextEdit } from '../engine/fix.js';

/**
 * Text edits on XML that keep everything else as it was: the file's line
 * endings, the indentation of the neighbours and the quote style in use.
 * Nothing is ever re-serialised.
 */

export function eolOf(text: string): string {
  // No line feed, or one at offset 0: text[-2] and text[-1] are undefined, so LF.
  return text[text.indexOf('\n') - 1] === '\r' ? '\r\n' : '\n';
}


/** The quote character the element (or its first quoted descendant) uses; libvirt writes `'`. */
export function quoteOf(el: XmlElement): '"' | "'" {
  const stack: XmlElement[] = [el];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.attributes.length > 0) return e.attributes[0]!.quote;
    for (let i = e.children.length - 1; i >= 0; i--) {
      const c = e.children[i]!;
      if (c.type === 'element') stack.push(c);
    }
  }
  return "'";
}

/** One level of indentation as the document uses it: the difference between a parent's and its child's indent. */
export function indentUnit(text: string, parent: XmlElement): string {
  const parentIndent = indentOf(text, parent);
  for (const c of parent.children) {
    if (c.type !== 'element') continue;
    const ci = indentOf(text, c);
    if (ci.length > parentIndent.length && ci.startsWith(parentIndent)) return ci.slice(parentIndent.length);
  }
  return parentIndent.includes('\t') ? '\t' : '  ';
}

/** Insert `markup` as the last child element of `parent`, on its own line at the children's indentation. */
export function insertLastChild(path: string, text: string, parent: XmlElement, markup: string): TextEdit {
  const eol = eolOf(text);
  const parentIndent = indentOf(text, parent);
  const childIndent = parentIndent + indentUnit(text, parent);
  if (parent.selfClosing) {
    const open = text.slice(parent.start, parent.startTagEnd).replace(/\s*\/>$/, '>');
    return { path, start: parent.start, end: parent.end, text: `${open}${eol}${childIndent}${markup}${eol}${parentIndent}</${parent.name}>` };
  }
  const elements = parent.children.filter((c): c is XmlElement => c.type === 'element');
  const last = elements.at(-1);
  if (last) return { path, start: last.end, end: last.end, text: `${eol}${indentOf(text, last) || childIndent}${markup}` };
  // No element children: put it right after the start tag and keep the closing tag's line as it was.
  return { path, start: parent.startTagEnd, end: parent.startTagEnd, text: `${eol}${childIndent}${markup}` };
}

export function replaceElement(path: string, el: XmlElement, markup: string): TextEdit {
  return { path, start: el.start, end: el.end, text: markup };
}

/** Set an attribute's value, or add the attribute at the end of the start tag. */
export function setAttribute(path: string, text: string, el: XmlElement, name: string, value: string): TextEdit {
  const existing = el.attributes.find((a) => a.name === name);
  if (existing) return { path, start: existing.valueStart, end: existing.valueEnd, text: escapeAttr(value, existing.quote) };
  const q = quoteOf(el);
  const close = el.selfClosing ? text.lastIndexOf('/', el.startTagEnd - 1) : el.startTagEnd - 1;
  let at = close;
  // The tag's own `<` at el.start stops the loop: no bound check needed.
  while (/\s/.test(text[at - 1]!)) at--;
  return { path, start: at, end: at, text: ` ${name}=${q}${escapeAttr(value, q)}${q}` };
}

export function escapeAttr(value: string, quote: '"' | "'"): string {
  const s = value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return quote === '"' ? s.replace(/"/g, '&quot;') : s.replace(/'/g, '&apos;');
}

/** Insert `markup` as the next sibling of `el`, on its own line at `el`'s indentation. */
export function insertAfter(path: string, text: string, el: XmlElement, markup: string): TextEdit {
  return { path, start: el.end, end: el.end, text: `${eolOf(text)}${indentOf(text, el)}${markup}` };
}

/** Remove an element; when it stands alone on its line, the whole line goes with it. */
export function removeElement(path: string, text: string, el: XmlElement): TextEdit {
  const indent = indentOf(text, el);
  const lineStart = el.start - indent.length;
  let end = el.end;
  while (text[end] === ' ' || text[end] === '\t') end++;
  // Only blanks after it up to its line break (taken too) or the end of the text; -1 when something else follows.
  const lineEnd = text.startsWith('\r\n', end) ? end + 2 : text[end] === '\n' ? end + 1 : end === text.length ? end : -1;
  const alone = (lineStart === 0 || text[lineStart - 1] === '\n') && lineEnd >= 0;
  if (!alone) return { path, start: el.start, end: el.end, text: '' };
  return { path, start: lineStart, end: lineEnd, text: '' };
}

/**
 * Rename an element (its start tag's name and, unless it is self-closing, its end tag's) or an
 * attribute (its name only): the edits replace the names and nothing around them. Both tags of an
 * element are one fix, so they are applied together or not at all. Undefined when the text does not
 * hold the name where the tree says it is (nothing is guessed).
 */
export function renameXmlName(path: string, text: string, node: XmlElement | XmlAttribute, name: string): TextEdit[] | undefined {
  if (!('type' in node)) {
    if (text.slice(node.nameStart, node.nameEnd) !== node.name) return undefined;
    return [{ path, start: node.nameStart, end: node.nameEnd, text: name }];
  }
  const openAt = node.start + 1;
  if (text.slice(openAt, openAt + node.name.length) !== node.name) return undefined;
  const edits: TextEdit[] = [{ path, start: openAt, end: openAt + node.name.length, text: name }];
  if (node.selfClosing) return edits;
  // The end tag is `</name` then optional whitespace and `>`.
  const closeAt = node.endTagStart + 2;
  if (text.slice(node.endTagStart, closeAt) !== '</' || text.slice(closeAt, closeAt + node.name.length) !== node.name) return undefined;
  edits.push({ path, start: closeAt, end: closeAt + node.name.length, text: name });
  return edits;
}
