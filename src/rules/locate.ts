import type { XmlAttribute, XmlElement } from '../parsers/xml/index.js';
import type { Loc } from '../core/range.js';

/** The start tag of an element: where findings about the element point. */
export function tagLoc(path: string, el: XmlElement): Loc {
  return { path, start: el.start, end: el.startTagEnd };
}

/** An attribute's value, inside the quotes. */
export function valueLoc(path: string, a: XmlAttribute): Loc {
  return { path, start: a.valueStart, end: a.valueEnd };
}

/** A whole attribute, name to closing quote. */
export function attrLoc(path: string, a: XmlAttribute): Loc {
  return { path, start: a.start, end: a.end };
}
