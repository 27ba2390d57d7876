import { createRequire } from 'node:module';
import { nameError } from '../core/errors.js';

/** The two packages the XPath helper stands on, typed as much as we use them. */
export interface XPathLibs {
  DOMParser: new (options?: { onError?: (level: string, message: string) => void }) => {
    parseFromString(text: string, mimeType: string): DomNode;
  };
  xpath: {
    parse(expression: string): {
      evaluate(options: { node: DomNode; namespaces?: Record<string, string> }): unknown;
    };
  };
}

/** The DOM node fields the pairing reads (xmldom's nodes have many more). */
export interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<DomNode>;
  parentNode: DomNode | null;
  ownerElement?: DomNode | null;
  attributes?: ArrayLike<DomNode & { name: string; value: string }>;
  documentElement?: DomNode | null;
  textContent?: string | null;
}

export class XPathError extends Error {}
nameError(XPathError, 'XPathError');

let libs: XPathLibs | undefined;

/**
 * Load @xmldom/xmldom and xpath on first use. They are CommonJS packages, so a
 * synchronous require works from both the ESM and the CommonJS builds (rules'
 * `check` is synchronous). Nothing that does not query pays for them.
 */
export function loadXPathLibs(): XPathLibs {
  if (libs) return libs;
  const require = createRequire(import.meta.url);
  try {
    const xmldom = require('@xmldom/xmldom') as { DOMParser: XPathLibs['DOMParser'] };
    const xpath = require('xpath') as XPathLibs['xpath'];
    libs = { DOMParser: xmldom.DOMParser, xpath };
  } catch (err) {
    throw new XPathError(`XPath queries need the packages @xmldom/xmldom and xpath (npm install @xmldom/xmldom xpath): ${err instanceof Error ? err.message : String(err)}`);
  }
  return libs;
}
