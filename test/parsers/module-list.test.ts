import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decode } from '../../src/core/source.js';
import { parseModuleList, moduleListFlavorFor } from '../../src/parsers/module-list/index.js';
import type { ModuleListFile, ModuleListFlavor } from '../../src/parsers/module-list/index.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { fuzzParams } from '../helpers/fuzz.js';

function checkFile(text: string, f: ModuleListFile): void {
  let prev = 0;
  for (const e of f.entries) {
    const m = e.module;
    expect(0 <= e.start && e.start === m.start && m.start < m.end && m.end <= e.argsStart && e.argsStart <= e.argsEnd && e.argsEnd <= e.end && e.end <= text.length).toBe(true);
    expect(e.start).toBeGreaterThanOrEqual(prev);
    prev = e.end;
    expect(text.slice(m.start, m.end)).toBe(m.text);
    for (const p of e.args) {
      expect(e.argsStart <= p.start && p.start <= p.nameStart && p.nameStart <= p.nameEnd && p.nameEnd <= p.valueStart && p.valueStart <= p.valueEnd && p.valueEnd <= p.end && p.end <= e.argsEnd).toBe(true);
      expect(text.slice(p.start, p.end)).toBe(p.raw);
    }
  }
  for (const c of f.comments) {
    expect(0 <= c.start && c.start < c.end && c.end <= text.length).toBe(true);
    expect(text.slice(c.start + 1, c.end)).toBe(c.body);
  }
  for (const p of f.problems) expect(0 <= p.start && p.start <= p.end && p.end <= text.length).toBe(true);
}

describe('initramfs-tools flavor', () => {
  const text = '# c\nvfio\n  # x\nvfio_pci ids=10de:1b80,10de:10f0\noptions vfio_pci ids=1\n';

  it('reads one module per line with arguments', () => {
    const f = parseModuleList(text, 'initramfs-tools');
    expect(f.entries.map((e) => [e.module.text, e.module.name, e.start, e.end])).toEqual([
      ['vfio', 'vfio', 4, 8],
      ['#', '#', 11, 14],
      ['vfio_pci', 'vfio_pci', 15, 47],
      ['options', 'options', 48, 70],
    ]);
    const ids = f.entries[2]!.args;
    expect(ids.map((p) => [p.name, p.value, p.valueStart, p.valueEnd])).toEqual([['ids', '10de:1b80,10de:10f0', 28, 47]]);
    expect([f.entries[0]!.argsStart, f.entries[0]!.argsEnd]).toEqual([8, 8]);
  });

  it('only column-0 # is a comment; an indented one becomes a module named #', () => {
    const f = parseModuleList(text, 'initramfs-tools');
    expect(f.comments).toEqual([
      { start: 0, end: 3, body: ' c' },
      { start: 11, end: 14, body: ' x' },
    ]);
    expect(f.problems.map((p) => [p.code, p.severity, p.start, p.end])).toEqual([
      ['module-list-indented-comment', 'warning', 11, 14],
      ['module-list-modprobe-syntax', 'error', 48, 70],
    ]);
  });

  it('does not treat ; as a comment and normalizes dashes', () => {
    const f = parseModuleList(';x\nvfio-pci\n', 'initramfs-tools');
    expect(f.entries.map((e) => [e.module.text, e.module.name])).toEqual([
      [';x', ';x'],
      ['vfio-pci', 'vfio_pci'],
    ]);
  });

  it('keeps a carriage return in the word and reports it once', () => {
    const f = parseModuleList('vfio\r\nkvm\r\n', 'initramfs-tools');
    expect(f.entries.map((e) => e.module.text)).toEqual(['vfio\r', 'kvm\r']);
    expect(f.problems.map((p) => [p.code, p.start, p.end])).toEqual([['module-list-crlf', 4, 5]]);
  });
});

describe('modules-load flavor', () => {
  it('strips lines, takes # and ; comments, and flags extra words', () => {
    const text = '  # c\n; d\nvfio-pci\nvfio vfio_iommu_type1\n\n';
    const f = parseModuleList(text, 'modules-load');
    expect(f.comments).toEqual([
      { start: 2, end: 5, body: ' c' },
      { start: 6, end: 9, body: ' d' },
    ]);
    expect(f.entries.map((e) => [e.module.text, e.module.name, e.start, e.end])).toEqual([
      ['vfio-pci', 'vfio_pci', 10, 18],
      ['vfio', 'vfio', 19, 40],
    ]);
    expect(f.problems.map((p) => [p.code, p.start, p.end])).toEqual([['module-list-extra-words', 24, 40]]);
  });

  it('a trailing comment is part of the module name there', () => {
    const f = parseModuleList('vfio # gpu\r\n', 'modules-load');
    expect(f.entries[0]).toMatchObject({ start: 0, end: 10, argsStart: 5, argsEnd: 10 });
    expect(f.problems.map((p) => p.code)).toEqual(['module-list-extra-words']);
  });

  it('reports modprobe syntax instead of extra words', () => {
    expect(parseModuleList('options kvm ignore_msrs=1', 'modules-load').problems.map((p) => p.code)).toEqual(['module-list-modprobe-syntax']);
  });
});

describe('flavor by path', () => {
  it('maps paths', () => {
    expect(moduleListFlavorFor('real-world/x/etc/initramfs-tools/modules')).toBe('initramfs-tools');
    expect(moduleListFlavorFor('/etc/modules')).toBe('modules-load');
    expect(moduleListFlavorFor('etc/modules-load.d/vfio.conf')).toBe('modules-load');
    expect(moduleListFlavorFor('usr/lib/modules-load.d/x.conf')).toBe('modules-load');
  });
});

describe('corpus: module lists (kind other)', () => {
  const entries = corpusAvailable() ? corpusEntries('other') : [];
  const read = (abs: string): string => {
    const d = decode(readFileSync(abs));
    if (!d.ok) throw new Error(`${abs}: ${d.message}`);
    return d.text;
  };

  it.skipIf(entries.length === 0)('parses every file with exact ranges', () => {
    expect(entries.length).toBeGreaterThanOrEqual(27);
    const flavors = new Set<ModuleListFlavor>();
    for (const e of entries) {
      const flavor = moduleListFlavorFor(e.path);
      flavors.add(flavor);
      const text = read(e.abs);
      const f = parseModuleList(text, flavor);
      checkFile(text, f);
      expect(f.entries.length, e.path).toBeGreaterThan(0);
    }
    expect([...flavors].sort()).toEqual(['initramfs-tools', 'modules-load']);
  });

  it.skipIf(entries.length === 0)('finds the mistakes in the corpus', () => {
    const problemsOf = (frag: string) => {
      const e = entries.find((x) => x.path.includes(frag))!;
      return parseModuleList(read(e.abs), moduleListFlavorFor(e.path)).problems.map((p) => p.code);
    };
    expect(problemsOf('MikeRamos58__vfio-setup/etc/initramfs-tools/modules')).toEqual(['module-list-modprobe-syntax', 'module-list-modprobe-syntax']);
    expect(problemsOf('smartperson__ubuntu-x570-qemu-setup/etc/modules')).toEqual(['module-list-extra-words']);
    expect(problemsOf('relm__vfio-config/etc/initramfs-tools/modules')).toEqual([]);
  });
});

describe('properties', () => {
  const pieces = fc.constantFrom('vfio', '-', 'pci', ' ', '\t', '\n', '\r', '#', ';', 'options', 'ids=1', '"', '=', '\ud83d\ude00');
  const grammarish = fc.array(pieces, { maxLength: 40 }).map((a) => a.join(''));
  const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), grammarish);

  it('never throws; ranges in bounds, ordered, exact', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom<ModuleListFlavor>('initramfs-tools', 'modules-load'), (text, flavor) => {
        checkFile(text, parseModuleList(text, flavor));
      }),
      fuzzParams(),
    );
  });
});
