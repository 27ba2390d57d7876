// A compact model of libvirt's domain schema (domain.rng and the grammars it includes): for each element
// pattern, the attribute names and child element names it allows, whatever the choice, order, count or
// value constraints around them. The model is a union over alternatives, so it allows more than libvirt
// does; it is good for one claim only: "libvirt's schema has no such element or attribute here".
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { SaxesParser } from 'saxes';

const RNG = 'http://relaxng.org/ns/structure/1.0';

/** A small tree of the RELAX NG elements of one file; each node knows the `ns` in scope for its names. */
function parseRng(path) {
  const root = { children: [] };
  const stack = [root];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (e) => {
    throw new Error(`${path}: ${e.message}`);
  });
  parser.on('opentag', (t) => {
    const parent = stack.at(-1);
    const attrs = Object.fromEntries(Object.values(t.attributes).filter((a) => !a.prefix && a.local !== 'xmlns').map((a) => [a.local, a.value]));
    const node = { name: t.local, rng: t.uri === RNG, attrs, children: [], text: '', ns: attrs.ns ?? parent.ns ?? '', file: path };
    parent.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    stack.at(-1).text += text;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(readFileSync(path, 'utf8')).close();
  const grammar = root.children[0];
  if (grammar?.name !== 'grammar') throw new Error(`${path}: not a RELAX NG grammar`);
  return grammar;
}

/**
 * Loads a grammar and its includes into one table of defines. Defines inside an <include> replace the
 * included grammar's defines of the same name (RELAX NG 4.7); combine="choice"/"interleave" defines are
 * kept beside each other, which for a union model is the same thing.
 */
function loadGrammar(path, defines = new Map(), starts = [], overridden = new Set()) {
  const grammar = parseRng(path);
  const visit = (node) => {
    for (const c of node.children.filter((n) => n.rng)) {
      if (c.name === 'div') visit(c);
      else if (c.name === 'start') {
        if (!overridden.has(' start')) starts.push(c);
      } else if (c.name === 'define') {
        if (overridden.has(c.attrs.name)) continue;
        defines.set(c.attrs.name, [...(defines.get(c.attrs.name) ?? []), c]);
      } else if (c.name === 'include') {
        const own = c.children.filter((n) => n.rng && n.name === 'define').map((d) => d.attrs.name);
        const replacesStart = c.children.some((n) => n.rng && n.name === 'start');
        const inner = new Set([...overridden, ...own, ...(replacesStart ? [' start'] : [])]);
        loadGrammar(join(dirname(path), c.attrs.href), defines, starts, inner);
        visit(c);
      }
    }
  };
  visit(grammar);
  return { defines, starts };
}

const NAME_CLASSES = new Set(['name', 'anyName', 'nsName', 'choice']);

/** The names an element or attribute pattern matches: [{ ns, local }] or a wildcard. */
function nameClass(node, isAttribute) {
  if (node.attrs.name !== undefined) {
    const [prefixless] = [node.attrs.name];
    // An attribute takes a namespace only from its own ns attribute (RELAX NG 4.8).
    const ns = isAttribute ? (node.attrs.ns ?? '') : node.ns;
    return { names: [{ ns, local: prefixless }] };
  }
  const first = node.children.find((n) => n.rng);
  const read = (nc) => {
    if (nc.name === 'name') return { names: [{ ns: isAttribute ? (nc.attrs.ns ?? '') : nc.ns, local: nc.text.trim() }] };
    if (nc.name === 'anyName') {
      // libvirt excludes only its own namespace ("any element in another namespace", for <metadata>).
      return { any: nc.children.some((n) => n.name === 'except') ? 'other-namespace' : 'any' };
    }
    if (nc.name === 'nsName') return { any: 'namespace', ns: nc.attrs.ns ?? nc.ns };
    if (nc.name === 'choice') {
      const parts = nc.children.filter((n) => n.rng).map(read);
      if (parts.some((p) => p.any)) return parts.find((p) => p.any);
      return { names: parts.flatMap((p) => p.names) };
    }
    throw new Error(`${node.file}: unsupported name class <${nc.name}>`);
  };
  return read(first);
}

/** Patterns that describe content; name classes of the element itself are skipped by the caller. */
export function buildSchemaModel(domainRng) {
  const { defines, starts } = loadGrammar(domainRng);
  const ids = new Map();
  const patterns = [];
  const queue = [];
  const idOf = (node) => {
    if (!ids.has(node)) {
      ids.set(node, patterns.length);
      patterns.push({ node });
      queue.push(patterns.length - 1);
    }
    return ids.get(node);
  };
  const qualified = ({ ns, local }, prefixes) => (ns ? `${prefixFor(ns, prefixes)}:${local}` : local);
  const prefixes = new Map();

  const collect = (node, acc, seenRefs, skipNameClass) => {
    const children = node.children.filter((n) => n.rng);
    for (const [i, c] of children.entries()) {
      if (skipNameClass && i === 0 && node.attrs.name === undefined && NAME_CLASSES.has(c.name)) continue;
      switch (c.name) {
        case 'element': {
          const nc = nameClass(c, false);
          const id = idOf(c);
          if (nc.any) acc.anyChildren.add(nc.any);
          else for (const n of nc.names) acc.children.set(qualified(n, prefixes), [...new Set([...(acc.children.get(qualified(n, prefixes)) ?? []), id])]);
          break;
        }
        case 'attribute': {
          const nc = nameClass(c, true);
          if (nc.any) acc.anyAttributes = true;
          else for (const n of nc.names) acc.attributes.add(qualified(n, prefixes));
          break;
        }
        case 'ref': {
          const name = c.attrs.name;
          if (!defines.has(name)) throw new Error(`${c.file}: <ref name="${name}"> has no define`);
          if (seenRefs.has(name)) break;
          seenRefs.add(name);
          for (const d of defines.get(name)) collect(d, acc, seenRefs, false);
          break;
        }
        case 'text':
        case 'data':
        case 'value':
        case 'list':
          acc.text = true;
          break;
        case 'mixed':
          acc.text = true;
          collect(c, acc, seenRefs, false);
          break;
        case 'group':
        case 'interleave':
        case 'choice':
        case 'optional':
        case 'zeroOrMore':
        case 'oneOrMore':
        case 'div':
          collect(c, acc, seenRefs, false);
          break;
        case 'empty':
        case 'notAllowed':
          break;
        default:
          throw new Error(`${c.file}: unsupported pattern <${c.name}>`);
      }
    }
  };

  const root = { children: new Map(), attributes: new Set(), anyChildren: new Set(), text: false };
  for (const s of starts) collect(s, root, new Set(), false);
  while (queue.length) {
    const p = patterns[queue.shift()];
    const acc = { children: new Map(), attributes: new Set(), anyChildren: new Set(), anyAttributes: false, text: false };
    collect(p.node, acc, new Set(), true);
    const nc = nameClass(p.node, false);
    p.name = nc.any ? '*' : nc.names.map((n) => qualified(n, prefixes)).join('|');
    p.acc = acc;
  }
  return { root, patterns, namespaces: Object.fromEntries([...prefixes].map(([uri, prefix]) => [prefix, uri])) };
}

/** libvirt's namespaces end in /<driver>/<version>: qemu, lxc, bhyve, xen, vmware. */
function prefixFor(uri, prefixes) {
  if (!prefixes.has(uri)) {
    const guess = /\/domain\/([a-z]+)\/[\d.]+$/.exec(uri)?.[1] ?? `ns${prefixes.size}`;
    prefixes.set(uri, guess);
  }
  return prefixes.get(uri);
}

/**
 * The model as data: element patterns that end up with the same name and content are merged (a
 * partition refinement, as in minimising an automaton), so the file holds one entry per distinct
 * element shape rather than one per place the schema spells it out.
 */
export function serialiseSchemaModel(model) {
  const { patterns } = model;
  // Start from a partition by everything but the children's targets, then split until stable.
  const shape = (p) => JSON.stringify([p.name, [...p.acc.attributes].sort(), [...p.acc.children.keys()].sort(), [...p.acc.anyChildren].sort(), p.acc.anyAttributes, p.acc.text]);
  let cls = patterns.map(shape);
  for (;;) {
    const next = patterns.map((p, i) => JSON.stringify([cls[i], [...p.acc.children].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...new Set(v.map((id) => cls[id]))].sort()])]));
    if (new Set(next).size === new Set(cls).size) break;
    cls = next;
  }
  const index = new Map();
  const classOf = cls.map((c) => {
    if (!index.has(c)) index.set(c, index.size);
    return index.get(c);
  });
  const out = [];
  for (const [i, p] of patterns.entries()) {
    const k = classOf[i];
    if (out[k]) continue;
    const entry = { name: p.name };
    if (p.acc.attributes.size) entry.attributes = [...p.acc.attributes].sort();
    if (p.acc.children.size) {
      entry.children = Object.fromEntries([...p.acc.children].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, ids]) => [n, [...new Set(ids.map((id) => classOf[id]))].sort((a, b) => a - b)]));
    }
    if (p.acc.anyChildren.size) entry.anyChildren = [...p.acc.anyChildren].sort();
    if (p.acc.anyAttributes) entry.anyAttributes = true;
    if (p.acc.text) entry.text = true;
    out[k] = entry;
  }
  const rootChildren = Object.fromEntries([...model.root.children].map(([n, ids]) => [n, [...new Set(ids.map((id) => classOf[id]))]]));
  return { root: rootChildren, namespaces: model.namespaces, elements: out };
}
