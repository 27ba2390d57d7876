import type { XmlAttribute, XmlElement } from './types.js';

/**
 * Small, allocation-light lookups that rules use constantly. None of them
 * recurses, so they are safe on arbitrarily deep documents.
 */

export function attr(el: XmlElement, name: string): XmlAttribute | undefined {
  const list = el.attributes;
  for (let i = 0; i < list.length; i++) if (list[i]!.name === name) return list[i];
  return undefined;
}

/** Child elements, optionally only those named `name`, in source order. */
export function childElements(el: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.type === 'element' && (name === undefined || c.name === name)) out.push(c);
  return out;
}

export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (c.type === 'element' && c.name === name) return c;
  return undefined;
}

/** Follow first children by name: `path(root, 'devices', 'memballoon')`. `path(el)` is `el`. */
export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let at = el;
  for (let i = 0; i < names.length && at !== undefined; i++) at = firstChild(at, names[i]!);
  return at;
}

/** The concatenated text and CDATA of all descendants, in document order (like XPath `string()`). */
export function textContent(el: XmlElement): string {
  // The common leaf case (`<vcpu>4</vcpu>`) needs no walk.
  if (el.children.length === 1) {
    const only = el.children[0]!;
    if (only.type === 'text' || only.type === 'cdata') return only.value;
  }
  let out = '';
  const stack: XmlElement[] = [el];
  const index: number[] = [0];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const i = index[index.length - 1]!;
    if (i >= top.children.length) {
      stack.pop();
      index.pop();
      continue;
    }
    index[index.length - 1] = i + 1;
    const c = top.children[i]!;
    if (c.type === 'text' || c.type === 'cdata') out += c.value;
    else if (c.type === 'element') {
      stack.push(c);
      index.push(0);
    }
  }
  return out;
}

/**
 * Visit `root` and every element below it in document order. Return `false`
 * from `visit` to skip an element's subtree.
 */
export function walkElements(root: XmlElement, visit: (el: XmlElement) => boolean | void): void {
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (visit(el) === false) continue;
    const kids = el.children;
    for (let i = kids.length - 1; i >= 0; i--) {
      const c = kids[i]!;
      if (c.type === 'element') stack.push(c);
    }
  }
}

/**
 * The spaces and tabs between the start of the node's line and the node, or
 * '' when something else precedes it on that line.
 */
export function indentOf(text: string, node: { start: number }): string {
  let i = node.start;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c !== 0x20 && c !== 0x09) break;
    i--;
  }
  if (i === 0) return text.slice(0, node.start);
  const c = text.charCodeAt(i - 1);
  return c === 0x0a || c === 0x0d ? text.slice(i, node.start) : '';
}
