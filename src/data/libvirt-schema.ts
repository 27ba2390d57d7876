// A compact model of libvirt's domain schema (data/libvirt-domain-schema.json, generated from
// domain.rng and its includes): for each element shape, the attributes and child elements allowed.
// It is the union over the schema's alternatives, so it allows more than libvirt does; it answers one
// question soundly: "does libvirt's schema have this element or attribute here at all?"
import { loadDictionary, type DictionaryOrigin } from './load.js';
import { suggest } from './suggest.js';

interface ElementShape {
  name: string;
  attributes?: string[];
  children?: Record<string, number[]>;
  /** 'any': any element; 'other-namespace': elements outside libvirt's namespace (<metadata>). */
  anyChildren?: ('any' | 'other-namespace' | 'namespace')[];
  anyAttributes?: true;
  text?: true;
}
interface SchemaFile {
  dictionary: 'libvirt-domain-schema';
  origin: DictionaryOrigin;
  libvirt: string;
  root: Record<string, number[]>;
  /** Prefix used in the model's names -> namespace URI (qemu:commandline and the like). */
  namespaces: Record<string, string>;
  elements: ElementShape[];
}

const schema = () => loadDictionary<SchemaFile>('libvirt-domain-schema');

export const libvirtSchemaVersion = (): string => schema().libvirt;

/** A place in a document: the element shapes an element at this path may have (one or more). */
export interface SchemaPlace {
  readonly shapes: readonly number[];
}

/** An element's name: local name plus namespace URI ('' or undefined for libvirt's own). */
export interface QName {
  local: string;
  uri?: string;
}

function modelName(name: QName): string | undefined {
  if (!name.uri) return name.local;
  for (const [prefix, uri] of Object.entries(schema().namespaces)) if (uri === name.uri) return `${prefix}:${name.local}`;
  return undefined;
}

/** The place of a root element (`domain`), or undefined when the schema has no such root. */
export function rootPlace(name: QName | string = 'domain'): SchemaPlace | undefined {
  const key = typeof name === 'string' ? name : modelName(name);
  const ids = key === undefined ? undefined : schema().root[key];
  return ids ? placeFor(ids) : undefined;
}

// A rule walks every element of a domain, asking the same few questions of the same places again and
// again (a 1 MB domain has thousands of <hostdev>s): places are made once per set of shapes, and each
// place remembers its answers.
const places = new Map<string, SchemaPlace>();
const childAnswers = new WeakMap<SchemaPlace, Map<string, ChildLookup>>();
const attributeAnswers = new WeakMap<SchemaPlace, Map<string, boolean>>();

function placeFor(shapes: readonly number[]): SchemaPlace {
  const key = shapes.join(',');
  let place = places.get(key);
  if (!place) places.set(key, (place = { shapes }));
  return place;
}

function answers<T>(cache: WeakMap<SchemaPlace, Map<string, T>>, place: SchemaPlace): Map<string, T> {
  let m = cache.get(place);
  if (!m) cache.set(place, (m = new Map()));
  return m;
}

export type ChildLookup =
  | { allowed: true; place: SchemaPlace }
  /** Allowed by a wildcard (<metadata> content, custom elements): nothing below it can be checked. */
  | { allowed: 'open' }
  | { allowed: false };

/** Whether an element may appear as a child at this place, and its place if so. */
export function childOf(place: SchemaPlace, name: QName | string): ChildLookup {
  // Asked for every element of every domain: a known answer costs no allocation.
  const askedKey = typeof name === 'string' ? name : name.uri ? `${name.uri} ${name.local}` : name.local;
  const asked = answers(childAnswers, place);
  let answer = asked.get(askedKey);
  if (!answer) asked.set(askedKey, (answer = lookUpChild(place, typeof name === 'string' ? { local: name } : name)));
  return answer;
}

function lookUpChild(place: SchemaPlace, q: QName): ChildLookup {
  const key = modelName(q);
  const shapes: number[] = [];
  let open = false;
  for (const id of place.shapes) {
    const e = schema().elements[id]!;
    const ids = key === undefined ? undefined : e.children?.[key];
    if (ids) shapes.push(...ids);
    if (e.anyChildren?.includes('any')) open = true;
    // libvirt's own namespace is "no namespace"; any namespaced element fits "other-namespace".
    if (e.anyChildren?.includes('other-namespace') && q.uri) open = true;
  }
  if (shapes.length) return { allowed: true, place: placeFor([...new Set(shapes)]) };
  return open ? { allowed: 'open' } : { allowed: false };
}

/**
 * Whether an attribute is allowed on an element at this place. Namespace declarations (xmlns, xmlns:*)
 * are not attributes to the schema and always pass; so do names on a shape that allows any attribute.
 */
export function attributeAllowed(place: SchemaPlace, name: string): boolean {
  if (name === 'xmlns' || name.startsWith('xmlns:')) return true;
  const asked = answers(attributeAnswers, place);
  let answer = asked.get(name);
  if (answer === undefined) {
    answer = place.shapes.some((id) => {
      const e = schema().elements[id]!;
      return e.anyAttributes === true || e.attributes?.includes(name) === true;
    });
    asked.set(name, answer);
  }
  return answer;
}

export const childNames = (place: SchemaPlace): string[] => [...new Set(place.shapes.flatMap((id) => Object.keys(schema().elements[id]!.children ?? {})))];
export const attributeNames = (place: SchemaPlace): string[] => [...new Set(place.shapes.flatMap((id) => schema().elements[id]!.attributes ?? []))];
/** Whether elements at this place may hold text. */
export const textAllowed = (place: SchemaPlace): boolean => place.shapes.some((id) => schema().elements[id]!.text === true);

/** The place for a path of element names from the root, e.g. ['domain', 'features', 'hyperv']. */
export function placeOf(path: readonly (QName | string)[]): SchemaPlace | undefined {
  const [first, ...rest] = path;
  if (first === undefined) return undefined;
  let place = rootPlace(first);
  for (const name of rest) {
    if (!place) return undefined;
    const next = childOf(place, name);
    place = next.allowed === true ? next.place : undefined;
  }
  return place;
}

export const suggestChild = (place: SchemaPlace, name: string, max = 1): string[] => suggest(name, childNames(place), { max });
export const suggestAttribute = (place: SchemaPlace, name: string, max = 1): string[] => suggest(name, attributeNames(place), { max });
