import type { ParseProblem } from '../../core/problem.js';

/**
 * The XML tree. Every node carries an exact half-open `[start, end)` range of
 * UTF-16 offsets into the text that was parsed, so rules can point at it and
 * fixes can edit around it without re-serialising anything.
 *
 * Values follow what an XML processor (libvirt's libxml2) sees: attribute and
 * text values are entity-decoded with line ends normalised to `\n`, and
 * attribute values also have tabs and newlines turned into spaces. Comment,
 * PI and DOCTYPE contents are kept as the raw source slice instead, because
 * nothing consumes them as data and raw slices let a rule map an offset
 * inside them back to the file.
 */

export interface XmlAttribute {
  name: string;
  /** Entity-decoded and normalised as XML requires (whitespace characters become spaces). */
  value: string;
  /** `start === nameStart`; `end` is just after the closing quote. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  /** Inside the quotes: `text[valueStart - 1] === quote === text[valueEnd]`. */
  valueStart: number;
  valueEnd: number;
  quote: '"' | "'";
}

export interface XmlElement {
  type: 'element';
  name: string;
  /** Offset of the `<` of the start tag. */
  start: number;
  /** Just after the `>` of the end tag (or of the start tag, when self-closing). */
  end: number;
  /** Just after the start tag's `>`. */
  startTagEnd: number;
  /** Offset of the `</` of the end tag; equals `end` for a self-closing element. */
  endTagStart: number;
  selfClosing: boolean;
  /** In source order. Names are unique (a duplicate is a fatal problem). */
  attributes: XmlAttribute[];
  /** Every child node in source order, including whitespace-only text. */
  children: XmlNode[];
  parent: XmlElement | undefined;
}

export interface XmlText {
  type: 'text';
  /** Entity-decoded character data with line ends normalised to `\n`. */
  value: string;
  start: number;
  end: number;
  parent: XmlElement | undefined;
}

export interface XmlCData {
  type: 'cdata';
  /** The section's content, line ends normalised to `\n`. */
  value: string;
  start: number;
  end: number;
  parent: XmlElement | undefined;
}

export interface XmlComment {
  type: 'comment';
  /** Raw source between `<!--` and `-->`: `text.slice(start + 4, end - 3)`. */
  value: string;
  start: number;
  end: number;
  parent: XmlElement | undefined;
}

/**
 * A processing instruction. The XML declaration (`<?xml version="1.0"?>`) is
 * reported as one too, with target `xml`, so it keeps its place and range.
 */
export interface XmlPI {
  type: 'pi';
  target: string;
  /** Raw source after the target and the whitespace that follows it, up to `?>`. */
  body: string;
  start: number;
  end: number;
  parent: XmlElement | undefined;
}

export interface XmlDoctype {
  type: 'doctype';
  /** Raw source between `<!DOCTYPE` and the final `>`. Never interpreted beyond the entity check. */
  value: string;
  start: number;
  end: number;
  parent: undefined;
}

export type XmlNode = XmlElement | XmlText | XmlCData | XmlComment | XmlPI | XmlDoctype;

export interface XmlDocument {
  /** The root element; undefined when there is none (and then there is a fatal problem). */
  root: XmlElement | undefined;
  /** Top-level nodes in source order: prolog and epilog comments, PIs, the DOCTYPE, whitespace and the root. */
  children: XmlNode[];
  /**
   * At most one problem, always `fatal`: `xml-malformed` (not well-formed), `xml-entity` (entity
   * declarations or non-predefined entity references), `xml-empty`, `xml-no-root`. After a fatal
   * problem the tree holds what was built up to that point; consumers must not run rules on it.
   */
  problems: ParseProblem[];
}
