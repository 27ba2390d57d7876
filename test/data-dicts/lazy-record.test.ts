import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDictionary } from '../../src/data/parse.js';
import { parseLineLayout, searchSorted } from '../../src/data/lazy-record.js';
import { DictionaryError } from '../../src/data/load.js';

const dataDir = join(import.meta.dirname, '..', '..', 'data');
const files = readdirSync(dataDir).filter((f) => f.endsWith('.json'));

/**
 * A dictionary in the generator's layout, big enough (>= 100 KB) to be read lazily: the map's lines in
 * key order and the dictionary marked so, unless `sorted: false` keeps the entries' order or `marked:
 * false` leaves the mark out.
 */
function generated(entries: Record<string, unknown>, pad = 0, { sorted = true, marked = true } = {}): string {
  const list = Object.entries(entries);
  if (sorted) list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = list.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{\n"dictionary":"test",\n"note":${JSON.stringify('x'.repeat(pad))},\n"map":{\n${lines.join(',\n')}\n},\n"list":[\n1,\n2\n]${marked ? ',\n"sortedMaps":true' : ''}\n}\n`;
}

describe('the dictionaries read lazily', () => {
  it('equal what JSON.parse makes of every data/*.json, from a string and from bytes', () => {
    for (const f of files) {
      const bytes = readFileSync(join(dataDir, f));
      const name = JSON.parse(bytes.toString('utf8')).dictionary as string;
      const plain = JSON.stringify(JSON.parse(bytes.toString('utf8')));
      expect(JSON.stringify(parseDictionary(bytes, f, name)), f).toBe(plain);
      expect(JSON.stringify(parseDictionary(bytes.toString('utf8'), f, name)), f).toBe(plain);
    }
  });

  it('reads the big generated ones lazily (the layout is recognised)', () => {
    for (const f of ['kernel-modules.json', 'pci-drivers.json']) expect(parseLineLayout(readFileSync(join(dataDir, f)), f), f).toBeDefined();
  });

  it('finds every entry of the shipped maps by bisection: the generator writes them in key order', () => {
    for (const [f, map] of [['kernel-modules.json', 'modules'], ['pci-drivers.json', 'byId'], ['pci-drivers.json', 'depends'], ['kernel-params.json', 'params']] as const) {
      const bytes = readFileSync(join(dataDir, f));
      const open = bytes.indexOf(`\n"${map}":{\n`) + `\n"${map}":{\n`.length;
      const close = bytes.indexOf('\n}', open);
      const entries = JSON.parse(bytes.toString('utf8')) as Record<string, Record<string, unknown>>;
      expect(entries.sortedMaps, `${f} is marked as written in key order`).toBe(true);
      const keys = Object.keys(entries[map]!);
      expect(keys.length, f).toBeGreaterThan(400);
      const missed = keys.filter((k) => {
        const line = searchSorted(bytes, open, close, k);
        return line === undefined || JSON.stringify(JSON.parse(line.replace(/,$/, ''))) !== JSON.stringify(entries[map]![k]);
      });
      expect(missed, `${f} ${map}`).toEqual([]);
      for (const absent of ['', '0', 'zzzz', 'vfio_pci ', 'a'.repeat(300)]) expect(searchSorted(bytes, open, close, absent), absent).toBeUndefined();
    }
  });

  it('bisects only a map the dictionary marks as in key order', () => {
    // Unmarked (out of order or not): parsed whole.
    const entries = { h: 0, a: 1, c: 2 };
    expect(parseLineLayout(generated(entries, 100_000, { sorted: false, marked: false }), 't')).toBeUndefined();
    const plain = parseDictionary<{ map: Record<string, unknown> }>(generated(entries, 100_000, { sorted: false, marked: false }), 't', 'test');
    expect([plain.map.h, plain.map.a, plain.map.c]).toEqual([0, 1, 2]);
    // Marked but out of order: bisection trusts the mark (the shipped files are checked above).
    const trusted = parseDictionary<{ map: Record<string, unknown> }>(generated(entries, 100_000, { sorted: false }), 't', 'test');
    expect(trusted.map.h).toBeUndefined();
  });

  it('bisects a small sorted map exactly, and misses keys of an unsorted one', () => {
    const keys = ['a', 'b"q', 'c', 'd\\e', 'f', 'g', 'h'];
    const body = keys.map((k, i) => `${JSON.stringify(k)}:${i}`).join(',\n');
    for (const [i, k] of keys.entries()) expect(searchSorted(body, 0, body.length, k)).toBe(i === keys.length - 1 ? `${i}` : `${i},`);
    expect(searchSorted(body, 0, body.length, 'bb')).toBeUndefined();
    const unsorted = ['h', 'a', 'c'].map((k, i) => `${JSON.stringify(k)}:${i}`).join(',\n');
    expect(searchSorted(unsorted, 0, unsorted.length, 'h')).toBeUndefined();
    const lazy = parseDictionary<{ map: Record<string, unknown> }>(generated({ h: 0, a: 1, c: 2 }, 100_000), 't', 'test');
    expect([lazy.map.h, lazy.map.a, lazy.map.c]).toEqual([0, 1, 2]);
  });

  it('answers lookups as a plain object would, keys in the same order', () => {
    const entries = { zeta: { a: 1 }, '10': [1], alpha: 'x', '2': null, 'odd "key"': 3, 'Intel\u00ae': 4 };
    const text = generated(entries, 100_000);
    const lazy = parseDictionary<{ map: Record<string, unknown>; list: number[] }>(Buffer.from(text), 't', 'test');
    const plain = JSON.parse(text) as { map: Record<string, unknown> };
    expect(lazy.map.zeta).toEqual({ a: 1 });
    expect(lazy.map.zeta).toBe(lazy.map.zeta);
    expect(Object.hasOwn(lazy.map, 'alpha')).toBe(true);
    expect(Object.hasOwn(lazy.map, 'missing')).toBe(false);
    expect(Object.hasOwn(lazy.map, 'note')).toBe(false);
    expect('2' in lazy.map).toBe(true);
    expect(lazy.map['2']).toBeNull();
    expect(lazy.map['odd "key"']).toBe(3);
    expect(lazy.map['Intel\u00ae']).toBe(4);
    expect(Object.keys(lazy.map)).toEqual(Object.keys(plain.map));
    expect(Object.entries(lazy.map)).toEqual(Object.entries(plain.map));
    expect(lazy.list).toEqual([1, 2]);
  });

  it('parses only the entries read: a damaged entry fails when read, naming the file, and not before', () => {
    const text = generated({ good: 1, bad: 2 }, 100_000).replace('"bad":2', '"bad":{oops');
    const lazy = parseDictionary<{ map: Record<string, unknown> }>(text, '/data/x.json', 'test');
    expect(lazy.map.good).toBe(1);
    expect(() => lazy.map.bad).toThrow(DictionaryError);
    expect(() => lazy.map.bad).toThrow(/^\/data\/x\.json: cannot read the dictionary \(at "bad": /);
  });

  it('is read-only', () => {
    const lazy = parseDictionary<{ map: Record<string, unknown> }>(generated({ a: 1 }, 100_000), 't', 'test');
    expect(() => {
      'use strict';
      lazy.map.a = 2;
    }).toThrow(TypeError);
    expect(lazy.map.a).toBe(1);
  });

  it('parses other layouts whole, and still checks the name', () => {
    const indented = JSON.stringify({ dictionary: 'test', map: { a: 1 }, pad: 'x'.repeat(100_000) }, null, 1);
    expect(parseLineLayout(indented, 't')).toBeUndefined();
    expect(parseDictionary<{ map: object }>(indented, 't', 'test').map).toEqual({ a: 1 });
    expect(() => parseDictionary(generated({ a: 1 }, 100_000), 'f.json', 'other')).toThrow(/^f\.json: not the "other" dictionary$/);
    expect(() => parseDictionary(`${generated({ a: 1 }, 100_000).slice(0, -3)}`, 'f.json', 'test')).toThrow(/^f\.json: cannot read the dictionary/);
  });
});
